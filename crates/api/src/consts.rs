//! Every condition type, reason, annotation, label and finalizer string Flux uses.
//!
//! The values are byte-for-byte those of source-controller v1.9.1 (OCIRepository),
//! kustomize-controller v1.9.4, helm-controller v1.6.3 and the shared `fluxcd/pkg` modules.
//! Flux often builds a key at run time from an API group (`<group>/name`); here every such key
//! is spelled out as its final literal. When Flux declares one string in several packages it is
//! defined once and re-exported (`pub use`) where a second home reads naturally.

/// API groups of the Flux kinds ferroflux serves, and the group of Flux events.
pub mod groups {
    /// API group of OCIRepository (and the other source kinds).
    pub const SOURCE: &str = "source.toolkit.fluxcd.io";
    /// API group of Kustomization; also the prefix of its apply annotations and owner labels.
    pub const KUSTOMIZE: &str = "kustomize.toolkit.fluxcd.io";
    /// API group of HelmRelease; also the prefix of its owner labels and drift annotation.
    pub const HELM: &str = "helm.toolkit.fluxcd.io";
    /// Group of the notification Event payload; object annotations under it become event
    /// metadata.
    pub const EVENT: &str = "event.toolkit.fluxcd.io";
}

/// Names the Flux controllers go by: SSA field manager, event `reportingController`.
pub mod controllers {
    /// Name of the controller that reconciles OCIRepository.
    pub const SOURCE: &str = "source-controller";
    /// Name of the controller that reconciles Kustomization; its SSA field manager.
    pub const KUSTOMIZE: &str = "kustomize-controller";
    /// Name of the controller that reconciles HelmRelease.
    pub const HELM: &str = "helm-controller";
}

/// Strings shared by every Flux API (`fluxcd/pkg/apis/meta` and `apis/acl`).
pub mod meta {
    /// Number of snapshots `status.history` keeps (Kustomization), newest first.
    pub const HISTORY_MAX_SIZE: usize = 5;

    /// Condition types common to all Flux kinds.
    pub mod conditions {
        /// Summary condition: True once the object is fully reconciled to its latest spec.
        pub const READY: &str = "Ready";
        /// Abnormal-true: present (True) only when reconciliation cannot progress without a
        /// spec change or manual action.
        pub const STALLED: &str = "Stalled";
        /// Abnormal-true: present (True) while the controller is working towards the latest
        /// generation, including retries after transient errors.
        pub const RECONCILING: &str = "Reconciling";
        /// Outcome of the last health assessment of the applied objects (Kustomization).
        pub const HEALTHY: &str = "Healthy";
        /// Set when a cross-namespace reference is refused by the access-control rules.
        pub const ACCESS_DENIED: &str = "AccessDenied";
    }

    /// Condition reasons common to all Flux kinds, also used as event reasons.
    pub mod reasons {
        /// An action or observation succeeded; desired state equals actual state.
        pub const SUCCEEDED: &str = "Succeeded";
        /// An action or observation failed.
        pub const FAILED: &str = "Failed";
        /// Work on a new generation or revision has started.
        pub const PROGRESSING: &str = "Progressing";
        /// The object (or one it depends on) is suspended.
        pub const SUSPENDED: &str = "Suspended";
        /// The last attempt hit an error and the controller will try again.
        pub const PROGRESSING_WITH_RETRY: &str = "ProgressingWithRetry";
        /// A `dependsOn` entry is not Ready (or its readiness expression is false).
        pub const DEPENDENCY_NOT_READY: &str = "DependencyNotReady";
        /// A path in the spec cannot be used (escapes the root, does not exist, ...).
        pub const INVALID_PATH: &str = "InvalidPath";
        /// A URL in the spec cannot be parsed or used.
        pub const INVALID_URL: &str = "InvalidURL";
        /// Plain HTTP was requested while the controller forbids insecure connections.
        pub const INSECURE_CONNECTIONS_DISALLOWED: &str = "InsecureConnectionsDisallowed";
        /// The URL scheme or protocol is not supported by the controller.
        pub const UNSUPPORTED_CONNECTION_TYPE: &str = "UnsupportedConnectionType";
        /// Garbage collection of objects removed from the inventory failed.
        pub const PRUNE_FAILED: &str = "PruneFailed";
        /// Fetching or verifying the source artifact failed.
        pub const ARTIFACT_FAILED: &str = "ArtifactFailed";
        /// Building the manifests (kustomize build, substitution, decryption) failed.
        pub const BUILD_FAILED: &str = "BuildFailed";
        /// At least one applied object did not become healthy in time.
        pub const HEALTH_CHECK_FAILED: &str = "HealthCheckFailed";
        /// A whole reconciliation finished successfully.
        pub const RECONCILIATION_SUCCEEDED: &str = "ReconciliationSucceeded";
        /// A whole reconciliation finished with an error.
        pub const RECONCILIATION_FAILED: &str = "ReconciliationFailed";
        /// A CEL expression in the spec (health check, dependency readiness) is invalid.
        pub const INVALID_CEL_EXPRESSION: &str = "InvalidCELExpression";
        /// The spec uses a feature whose feature gate is switched off.
        pub const FEATURE_GATE_DISABLED: &str = "FeatureGateDisabled";
        /// Health checking was abandoned because a newer revision arrived.
        pub const HEALTH_CHECK_CANCELED: &str = "HealthCheckCanceled";
        /// A cross-namespace reference was refused (paired with the AccessDenied condition).
        pub const ACCESS_DENIED: &str = "AccessDenied";
    }

    /// Values of `Condition.status`.
    pub mod status {
        /// The condition holds.
        pub const TRUE: &str = "True";
        /// The condition does not hold.
        pub const FALSE: &str = "False";
        /// The controller cannot tell yet (e.g. Ready while progressing).
        pub const UNKNOWN: &str = "Unknown";
    }
}

/// Annotations users put on Flux objects to request actions (`fluxcd/pkg/apis/meta`).
pub mod annotations {
    /// Any new value asks for an immediate reconciliation; the handled value is echoed in
    /// `status.lastHandledReconcileAt`.
    pub const RECONCILE_REQUEST: &str = "reconcile.fluxcd.io/requestedAt";
    /// Asks for a one-off forced action (e.g. a Helm upgrade without changes); honoured only
    /// when its value equals the `requestedAt` value.
    pub const FORCE_REQUEST: &str = "reconcile.fluxcd.io/forceAt";
    /// Asks helm-controller to reset the install/upgrade failure counters; honoured only when
    /// its value equals the `requestedAt` value.
    pub const RESET_REQUEST: &str = "reconcile.fluxcd.io/resetAt";
}

/// Labels Flux reads on objects it watches.
pub mod labels {
    /// Opt-in label for ConfigMaps and Secrets whose changes should trigger reconciliation
    /// of the Flux objects referencing them.
    pub const WATCH: &str = "reconcile.fluxcd.io/watch";
    /// Label that assigns a Flux object to a controller shard.
    pub const SHARDING_KEY: &str = "sharding.fluxcd.io/key";

    /// Label values.
    pub mod values {
        /// Value of the watch label that enables watching.
        pub const WATCH_ENABLED: &str = "Enabled";
    }

    /// Label selectors built from the keys above.
    pub mod selectors {
        /// Default `--watch-configs-label-selector`: ConfigMaps/Secrets labelled for watching.
        pub const WATCH_CONFIGS_DEFAULT: &str = "reconcile.fluxcd.io/watch=Enabled";
        /// `--watch-label-selector` of the main (unsharded) controller: objects with no shard.
        pub const UNSHARDED: &str = "!sharding.fluxcd.io/key";
    }
}

/// Finalizers Flux controllers put on the objects they own.
pub mod finalizers {
    /// The one finalizer shared by OCIRepository, Kustomization and HelmRelease; it guards
    /// artifact garbage collection, pruning and Helm uninstall on deletion.
    pub const FLUX: &str = "finalizers.fluxcd.io";
}

/// Event severities, types and metadata keys (`fluxcd/pkg/runtime/events`,
/// `fluxcd/pkg/apis/event/v1beta1`).
pub mod events {
    pub use crate::consts::groups::EVENT as GROUP;

    /// Object annotations starting with this prefix are copied into every event's metadata.
    pub const OBJECT_ANNOTATION_PREFIX: &str = "event.toolkit.fluxcd.io/";

    /// `severity` of the event payload posted to notification-controller.
    pub mod severity {
        /// Progress detail; recorded as a Normal Kubernetes event but never forwarded.
        pub const TRACE: &str = "trace";
        /// Informational event, derived from a Normal event type.
        pub const INFO: &str = "info";
        /// Failure event, derived from a Warning event type.
        pub const ERROR: &str = "error";
    }

    /// Event types passed to the recorder.
    pub mod types {
        /// Kubernetes event type for normal operation (maps to severity `info`).
        pub const NORMAL: &str = "Normal";
        /// Kubernetes event type for failures (maps to severity `error`).
        pub const WARNING: &str = "Warning";
        /// Flux-only type: emitted as Normal, logged, but not sent to notification-controller.
        pub const TRACE: &str = "Trace";
        /// source-controller's marker for errors that must not emit any event.
        pub const NONE: &str = "None";
    }

    /// Metadata key suffixes; controllers prefix them with their API group and a `/`.
    pub mod metadata {
        /// Revision of the source artifact an event is about.
        pub const REVISION: &str = "revision";
        /// Revision of the upstream origin (e.g. the Git commit an OCI artifact was built from).
        pub const ORIGIN_REVISION: &str = "originRevision";
        /// Deprecated artifact checksum key, superseded by `digest`.
        pub const CHECKSUM: &str = "checksum";
        /// Digest of the source artifact.
        pub const DIGEST: &str = "digest";
        /// Emitter-defined token identifying the payload, used to rate-limit duplicates.
        pub const TOKEN: &str = "token";
        /// Git commit hash.
        pub const COMMIT: &str = "commit";
        /// Marks an event as a Git commit status update.
        pub const COMMIT_STATUS: &str = "commit_status";
        /// Identifier of a change request (pull/merge request).
        pub const CHANGE_REQUEST: &str = "change_request";
    }

    /// Metadata values.
    pub mod metadata_values {
        /// Value of the `commit_status` key that signals a commit status update.
        pub const COMMIT_STATUS_UPDATE: &str = "update";
    }
}

/// Server-side apply strings (`fluxcd/pkg/ssa`) and the annotation values Flux's apply
/// selectors match.
pub mod ssa {
    /// Owner label suffix appended to the owner's API group; holds the owner's name.
    pub const OWNER_NAME_SUFFIX: &str = "/name";
    /// Owner label suffix appended to the owner's API group; holds the owner's namespace.
    pub const OWNER_NAMESPACE_SUFFIX: &str = "/namespace";
    /// Replaces Secret data values in diffs and change sets.
    pub const SENSITIVE_MASK: &str = "***";
    /// Replaces the old value of a changed Secret data key in diffs.
    pub const SENSITIVE_MASK_BEFORE: &str = "*** (before)";
    /// Replaces the new value of a changed Secret data key in diffs.
    pub const SENSITIVE_MASK_AFTER: &str = "*** (after)";

    /// Values of the `<group>/ssa`, `/prune`, `/force`, `/reconcile`, `/substitute`,
    /// `/decrypt` and `/driftDetection` annotations.
    pub mod values {
        /// Turns an opt-in behaviour on (`/force`).
        pub const ENABLED: &str = "enabled";
        /// Turns a behaviour off (`/prune`, `/reconcile`, `/substitute`, `/decrypt`,
        /// `/driftDetection`).
        pub const DISABLED: &str = "disabled";
        /// `/ssa`: keep fields owned by other managers (skip field-manager cleanup).
        pub const MERGE: &str = "Merge";
        /// `/ssa`: create the object if missing, never update it afterwards.
        pub const IF_NOT_PRESENT: &str = "IfNotPresent";
        /// `/ssa`: never apply nor prune the object.
        pub const IGNORE: &str = "Ignore";
    }

    /// Per-object actions reported in change sets and apply events.
    pub mod actions {
        /// The object did not exist and was created.
        pub const CREATED: &str = "created";
        /// The object existed and was changed.
        pub const CONFIGURED: &str = "configured";
        /// The object already matched the desired state.
        pub const UNCHANGED: &str = "unchanged";
        /// The object was deleted (pruned).
        pub const DELETED: &str = "deleted";
        /// The object was excluded by an annotation selector.
        pub const SKIPPED: &str = "skipped";
        /// The action could not be determined.
        pub const UNKNOWN: &str = "unknown";
    }

    /// Field managers whose ownership kustomize-controller removes before applying, so
    /// that out-of-band `kubectl` edits are reverted.
    pub mod field_managers {
        /// Manager of `kubectl apply` (client- and server-side) and `kubectl edit`.
        pub const KUBECTL: &str = "kubectl";
        /// Manager kubectl records for objects created before their first apply.
        pub const BEFORE_FIRST_APPLY: &str = "before-first-apply";
    }

    /// Metadata removed from applied objects during field-manager cleanup.
    pub mod cleanup {
        /// Annotations removed before apply.
        pub mod annotations {
            /// Client-side apply bookkeeping written by kubectl.
            pub const KUBECTL_LAST_APPLIED: &str =
                "kubectl.kubernetes.io/last-applied-configuration";
            /// Checksum annotation of pre-SSA kustomize-controller releases.
            pub const KUSTOMIZE_CHECKSUM: &str = "kustomize.toolkit.fluxcd.io/checksum";
            /// Checksum annotation of Flux v1.
            pub const FLUX_V1_SYNC_CHECKSUM: &str = "fluxcd.io/sync-checksum";
        }

        /// Labels removed before apply.
        pub mod labels {
            /// Garbage-collection mark of Flux v1.
            pub const FLUX_V1_SYNC_GC_MARK: &str = "fluxcd.io/sync-gc-mark";
        }
    }
}

/// Inventory entry IDs (`status.inventory.entries[].id`), in the form
/// `<namespace>_<name>_<group>_<kind>`.
pub mod inventory {
    /// Separates the four fields of an inventory ID.
    pub const ID_SEPARATOR: &str = "_";
    /// Stands for `:` in names (RBAC objects such as `system:foo`) inside an inventory ID.
    pub const ID_COLON_ESCAPE: &str = "__";
}

/// Artifact storage defaults and file names (`fluxcd/pkg/artifact`, source-controller).
pub mod artifact {
    use std::time::Duration;

    /// Symlink to the newest OCIRepository artifact, next to the digest-named archive.
    pub const LATEST_SYMLINK: &str = "latest.tar.gz";
    /// Extension of artifact archives; OCIRepository archives are `<digest>.tar.gz`.
    pub const ARCHIVE_EXTENSION: &str = ".tar.gz";
    /// Suffix of the lock file held while an artifact is written.
    pub const LOCK_SUFFIX: &str = ".lock";
    /// Default `--artifact-digest-algo`.
    pub const DEFAULT_DIGEST_ALGORITHM: &str = "sha256";
    /// Default `--storage-path`, the root of the artifact storage.
    pub const DEFAULT_STORAGE_PATH: &str = "/data";
    /// Default `--storage-addr` of the artifact file server.
    pub const DEFAULT_STORAGE_ADDRESS: &str = ":9090";
    /// Default `--artifact-retention-ttl`: how long superseded artifacts are kept.
    pub const DEFAULT_RETENTION_TTL: Duration = Duration::from_secs(60);
    /// Default `--artifact-retention-records`: how many artifacts per object are kept.
    pub const DEFAULT_RETENTION_RECORDS: usize = 2;
    /// Upper bound on files removed in one garbage-collection pass.
    pub const GARBAGE_COUNT_LIMIT: usize = 1000;
    /// Permission bits of regular files inside an artifact archive.
    pub const FILE_MODE: u32 = 0o600;
    /// Permission bits of directories inside an artifact archive.
    pub const DIR_MODE: u32 = 0o750;
    /// Permission bits of executable files inside an artifact archive.
    pub const EXEC_FILE_MODE: u32 = 0o700;

    /// Exclusion rules applied when archiving a source (`fluxcd/pkg/sourceignore`); each
    /// list is comma-separated gitignore patterns.
    pub mod sourceignore {
        /// File in the source tree whose gitignore-style patterns are excluded too.
        pub const FILE: &str = ".sourceignore";
        /// Version-control metadata, always excluded.
        pub const EXCLUDE_VCS: &str = ".git/,.gitignore,.gitmodules,.gitattributes";
        /// Binary and archive file extensions excluded by default.
        pub const EXCLUDE_EXT: &str = "*.jpg,*.jpeg,*.gif,*.png,*.wmv,*.flv,*.tar.gz,*.zip";
        /// CI configuration excluded by default.
        pub const EXCLUDE_CI: &str = concat!(
            ".github/,.circleci/,.travis.yml,.gitlab-ci.yml,appveyor.yml,.drone.yml,",
            "cloudbuild.yaml,codeship-services.yml,codeship-steps.yml"
        );
        /// Tool configuration excluded by default.
        pub const EXCLUDE_EXTRA: &str = "**/.goreleaser.yml,**/.sops.yaml,**/.flux.yaml";
    }
}

/// OpenContainers annotation keys Flux writes when pushing and reads when pulling artifacts.
pub mod oci_annotations {
    /// URL of the upstream source (e.g. the Git repository) the artifact was built from.
    pub const SOURCE: &str = "org.opencontainers.image.source";
    /// Upstream revision the artifact was built from; kustomize-controller reports it as
    /// the origin revision.
    pub const REVISION: &str = "org.opencontainers.image.revision";
    /// RFC 3339 build time of the artifact.
    pub const CREATED: &str = "org.opencontainers.image.created";
}

/// OCI client strings (`fluxcd/pkg/oci`).
pub mod oci {
    /// Scheme prefix every OCIRepository URL must carry.
    pub const URL_PREFIX: &str = "oci://";
    /// User-Agent sent to registries.
    pub const USER_AGENT: &str = "flux/v2";
}

/// source-controller strings used by OCIRepository.
pub mod source {
    pub use crate::consts::finalizers::FLUX as FINALIZER;
    pub use crate::consts::groups::SOURCE as GROUP;

    /// Kind served in the source group that ferroflux implements.
    pub const OCI_REPOSITORY_KIND: &str = "OCIRepository";

    /// Condition types of source objects, next to Ready, Reconciling and Stalled.
    pub mod conditions {
        pub use crate::consts::meta::conditions::{READY, RECONCILING, STALLED};

        /// True once the current artifact has been written to storage.
        pub const ARTIFACT_IN_STORAGE: &str = "ArtifactInStorage";
        /// Abnormal-true: the stored artifact lags behind the upstream revision or spec.
        pub const ARTIFACT_OUTDATED: &str = "ArtifactOutdated";
        /// Result of signature verification; present only when `spec.verify` is set.
        pub const SOURCE_VERIFIED: &str = "SourceVerified";
        /// Abnormal-true: the upstream could not be reached, authenticated or read.
        pub const FETCH_FAILED: &str = "FetchFailed";
        /// Abnormal-true: the artifact could not be built from the fetched content.
        pub const BUILD_FAILED: &str = "BuildFailed";
        /// Abnormal-true: a storage operation (mkdir, archive, symlink, lock) failed.
        pub const STORAGE_OPERATION_FAILED: &str = "StorageOperationFailed";
    }

    /// Reasons source-controller sets on OCIRepository conditions.
    pub mod reasons {
        pub use crate::consts::meta::reasons::{
            FAILED, FEATURE_GATE_DISABLED, INVALID_PATH, PROGRESSING, PROGRESSING_WITH_RETRY,
            SUCCEEDED,
        };

        /// The spec URL is malformed or unusable.
        pub const URL_INVALID: &str = "URLInvalid";
        /// Credentials are missing fields or were rejected by the registry.
        pub const AUTHENTICATION_FAILED: &str = "AuthenticationFailed";
        /// Signature verification of the artifact failed (SourceVerified=False).
        pub const VERIFICATION_ERROR: &str = "VerificationError";
        /// A storage directory could not be created.
        pub const DIR_CREATION_FAILED: &str = "DirectoryCreationFailed";
        /// A stat call on a storage path failed.
        pub const STAT_OPERATION_FAILED: &str = "StatOperationFailed";
        /// Reading a file failed.
        pub const READ_OPERATION_FAILED: &str = "ReadOperationFailed";
        /// The artifact lock could not be taken.
        pub const ACQUIRE_LOCK_FAILED: &str = "AcquireLockFailed";
        /// Creating the artifact archive failed.
        pub const ARCHIVE_OPERATION_FAILED: &str = "ArchiveOperationFailed";
        /// Pointing the `latest` symlink at the new artifact failed.
        pub const SYMLINK_UPDATE_FAILED: &str = "SymlinkUpdateFailed";
        /// The stored artifact already matches the upstream revision (trace event).
        pub const ARTIFACT_UP_TO_DATE: &str = "ArtifactUpToDate";
        /// A cache operation failed.
        pub const CACHE_OPERATION_FAILED: &str = "CacheOperationFailed";
        /// Patching an API object failed.
        pub const PATCH_OPERATION_FAILED: &str = "PatchOperationFailed";
        /// The STS (security token service) configuration is invalid.
        pub const INVALID_STS_CONFIGURATION: &str = "InvalidSTSConfiguration";
        /// The cloud provider configuration is invalid.
        pub const INVALID_PROVIDER_CONFIGURATION: &str = "InvalidProviderConfiguration";
        /// Resolving, fetching or verifying the OCI artifact from the registry failed.
        pub const OCI_PULL_FAILED: &str = "OCIArtifactPullFailed";
        /// Selecting, extracting or copying the artifact layer failed.
        pub const OCI_LAYER_OPERATION_FAILED: &str = "OCIArtifactLayerOperationFailed";
        /// ArtifactOutdated=True because a new upstream revision was found.
        pub const NEW_REVISION: &str = "NewRevision";
    }

    /// Reasons of events that do not mirror a condition.
    pub mod event_reasons {
        /// A new artifact revision was stored.
        pub const NEW_ARTIFACT: &str = "NewArtifact";
        /// Superseded artifacts were removed (trace event).
        pub const GARBAGE_COLLECTION_SUCCEEDED: &str = "GarbageCollectionSucceeded";
        /// Removing superseded or deleted artifacts failed.
        pub const GARBAGE_COLLECTION_FAILED: &str = "GarbageCollectionFailed";
        /// Warning emitted when signature verification fails.
        pub const ARTIFACT_VERIFICATION_FAILED: &str = "ArtifactVerificationFailed";
        /// The `.sourceignore` patterns of the artifact could not be loaded.
        pub const SOURCE_IGNORE_ERROR: &str = "SourceIgnoreError";
    }

    /// Event metadata keys source-controller attaches to NewArtifact and recovery events.
    pub mod event_metadata {
        /// Revision of the stored artifact.
        pub const REVISION: &str = "source.toolkit.fluxcd.io/revision";
        /// Digest of the stored artifact.
        pub const DIGEST: &str = "source.toolkit.fluxcd.io/digest";
    }

    /// OCI media types of Flux and Helm artifacts.
    pub mod media_types {
        /// Config blob media type of artifacts pushed by `flux push artifact`.
        pub const FLUX_CONFIG: &str = "application/vnd.cncf.flux.config.v1+json";
        /// Prefix of Flux content layer media types (followed by `.<format>`).
        pub const FLUX_CONTENT_PREFIX: &str = "application/vnd.cncf.flux.content.v1";
        /// Media type of the gzipped tarball layer Flux pushes and extracts by default.
        pub const FLUX_CONTENT: &str = "application/vnd.cncf.flux.content.v1.tar+gzip";
        /// Config blob media type of Helm charts stored in OCI registries.
        pub const HELM_CONFIG: &str = "application/vnd.cncf.helm.config.v1+json";
        /// Layer media type of a packaged Helm chart; when selected, OCIRepository maps
        /// semver `+` to `_` in tags, as Helm does.
        pub const HELM_CHART_CONTENT: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
        /// Layer media type of a Helm chart provenance file.
        pub const HELM_CHART_PROVENANCE: &str =
            "application/vnd.cncf.helm.chart.provenance.v1.prov";
    }

    /// Signature verification outcomes and inputs.
    pub mod verification {
        /// A matching signature was found.
        pub const RESULT_VERIFIED: &str = "verified";
        /// No matching signature was found.
        pub const RESULT_UNVERIFIED: &str = "unverified";
        /// Verification was skipped.
        pub const RESULT_IGNORED: &str = "ignored";
        /// Secret key holding the Notation trust policy document.
        pub const NOTATION_TRUST_POLICY_KEY: &str = "trustpolicy.json";
    }
}

/// kustomize-controller strings used by Kustomization.
///
/// Kustomization events carry the Ready condition's reason, or the severity string when
/// Ready has no reason yet.
pub mod kustomize {
    pub use crate::consts::finalizers::FLUX as FINALIZER;
    pub use crate::consts::groups::KUSTOMIZE as GROUP;
    pub use crate::consts::oci_annotations::REVISION as OCI_ORIGIN_REVISION_ANNOTATION;

    /// Kind served by kustomize-controller.
    pub const KIND: &str = "Kustomization";
    /// Upper bound on condition message length declared by the Kustomization API.
    pub const MAX_CONDITION_MESSAGE_LENGTH: usize = 20000;
    /// Message prefix of failures that retrying cannot fix (the object is Stalled).
    pub const TERMINAL_ERROR_MESSAGE: &str =
        "Reconciliation failed terminally due to configuration error";

    /// Condition types a Kustomization reports (all shared with `meta`).
    pub mod conditions {
        pub use crate::consts::meta::conditions::{
            ACCESS_DENIED, HEALTHY, READY, RECONCILING, STALLED,
        };
    }

    /// Reasons a Kustomization reports (all shared with `meta`).
    pub mod reasons {
        pub use crate::consts::meta::reasons::{
            ACCESS_DENIED, ARTIFACT_FAILED, BUILD_FAILED, DEPENDENCY_NOT_READY,
            FEATURE_GATE_DISABLED, HEALTH_CHECK_CANCELED, HEALTH_CHECK_FAILED,
            INVALID_CEL_EXPRESSION, PROGRESSING, PROGRESSING_WITH_RETRY, PRUNE_FAILED,
            RECONCILIATION_FAILED, RECONCILIATION_SUCCEEDED, SUCCEEDED,
        };
    }

    /// Annotations on applied objects that change how kustomize-controller treats them.
    pub mod annotations {
        /// `disabled`: leave the object alone, neither applied nor pruned.
        pub const RECONCILE: &str = "kustomize.toolkit.fluxcd.io/reconcile";
        /// Apply policy: `Merge`, `IfNotPresent` or `Ignore`.
        pub const SSA: &str = "kustomize.toolkit.fluxcd.io/ssa";
        /// `disabled`: never garbage-collect the object.
        pub const PRUNE: &str = "kustomize.toolkit.fluxcd.io/prune";
        /// `enabled`: recreate the object when an immutable field changes.
        pub const FORCE: &str = "kustomize.toolkit.fluxcd.io/force";
        /// `disabled`: skip post-build variable substitution for the object; Flux also sets
        /// it on its own CRDs.
        pub const SUBSTITUTE: &str = "kustomize.toolkit.fluxcd.io/substitute";
        /// `disabled`: apply a SOPS-encrypted Secret without decrypting it.
        pub const DECRYPT: &str = "kustomize.toolkit.fluxcd.io/decrypt";
    }

    /// Annotation values (shared with every `<group>/...` apply annotation).
    pub mod values {
        pub use crate::consts::ssa::values::{DISABLED, ENABLED, IF_NOT_PRESENT, IGNORE, MERGE};
    }

    /// Owner labels stamped on every applied object; together they select the inventory.
    pub mod labels {
        /// Name of the owning Kustomization.
        pub const NAME: &str = "kustomize.toolkit.fluxcd.io/name";
        /// Namespace of the owning Kustomization.
        pub const NAMESPACE: &str = "kustomize.toolkit.fluxcd.io/namespace";
    }

    /// Event metadata keys kustomize-controller attaches.
    pub mod event_metadata {
        /// Source revision that was applied.
        pub const REVISION: &str = "kustomize.toolkit.fluxcd.io/revision";
        /// Origin revision of the source artifact, when it carries one.
        pub const ORIGIN_REVISION: &str = "kustomize.toolkit.fluxcd.io/originRevision";
        /// Set (to `update`) on the success event that should update a Git commit status.
        pub const COMMIT_STATUS: &str = "kustomize.toolkit.fluxcd.io/commit_status";
    }

    /// SOPS decryption conventions.
    pub mod decryption {
        /// The only supported `spec.decryption.provider`.
        pub const PROVIDER_SOPS: &str = "sops";
        /// Secret keys with this suffix hold OpenPGP private keys.
        pub const PGP_KEY_EXTENSION: &str = ".asc";
        /// Secret keys with this suffix hold age identities.
        pub const AGE_KEY_EXTENSION: &str = ".agekey";
        /// Secret key holding a HashiCorp Vault token.
        pub const VAULT_TOKEN_KEY: &str = "sops.vault-token";
        /// Secret key holding AWS KMS credentials.
        pub const AWS_KMS_KEY: &str = "sops.aws-kms";
        /// Secret key holding Azure Key Vault credentials.
        pub const AZURE_KV_KEY: &str = "sops.azure-kv";
        /// Secret key holding GCP KMS credentials.
        pub const GCP_KMS_KEY: &str = "sops.gcp-kms";
    }
}

/// helm-controller strings used by HelmRelease.
pub mod helm {
    pub use crate::consts::finalizers::FLUX as FINALIZER;
    pub use crate::consts::groups::HELM as GROUP;

    /// Kind served by helm-controller.
    pub const KIND: &str = "HelmRelease";

    /// Condition types of a HelmRelease, next to Ready, Reconciling and Stalled.
    pub mod conditions {
        pub use crate::consts::meta::conditions::{ACCESS_DENIED, READY, RECONCILING, STALLED};

        /// Outcome of the last install or upgrade of the desired state.
        pub const RELEASED: &str = "Released";
        /// Outcome of the last Helm test run of the desired state.
        pub const TEST_SUCCESS: &str = "TestSuccess";
        /// Outcome of the last rollback or uninstall done to remediate a failure.
        pub const REMEDIATED: &str = "Remediated";
        /// Whether the cluster state has drifted from the release manifest.
        pub const DRIFTED: &str = "Drifted";
    }

    /// Reasons helm-controller sets on HelmRelease conditions.
    pub mod reasons {
        pub use crate::consts::meta::reasons::{
            ACCESS_DENIED, ARTIFACT_FAILED, DEPENDENCY_NOT_READY, HEALTH_CHECK_CANCELED,
            INVALID_CEL_EXPRESSION, PROGRESSING, PROGRESSING_WITH_RETRY,
        };

        /// Helm install succeeded (Released=True).
        pub const INSTALL_SUCCEEDED: &str = "InstallSucceeded";
        /// Helm install failed (Released=False).
        pub const INSTALL_FAILED: &str = "InstallFailed";
        /// Helm upgrade succeeded (Released=True).
        pub const UPGRADE_SUCCEEDED: &str = "UpgradeSucceeded";
        /// Helm upgrade failed (Released=False).
        pub const UPGRADE_FAILED: &str = "UpgradeFailed";
        /// Helm tests passed (TestSuccess=True).
        pub const TEST_SUCCEEDED: &str = "TestSucceeded";
        /// Helm tests failed (TestSuccess=False).
        pub const TEST_FAILED: &str = "TestFailed";
        /// Rollback remediation succeeded (Remediated=True).
        pub const ROLLBACK_SUCCEEDED: &str = "RollbackSucceeded";
        /// Rollback remediation failed (Remediated=False).
        pub const ROLLBACK_FAILED: &str = "RollbackFailed";
        /// Uninstall (or uninstall remediation) succeeded.
        pub const UNINSTALL_SUCCEEDED: &str = "UninstallSucceeded";
        /// Uninstall (or uninstall remediation) failed.
        pub const UNINSTALL_FAILED: &str = "UninstallFailed";
        /// Drift found between the cluster and the release manifest (Drifted=True).
        pub const DRIFT_DETECTED: &str = "DriftDetected";
        /// No drift found (Drifted=False).
        pub const NO_DRIFT_DETECTED: &str = "NoDriftDetected";
        /// The inventory of release objects could not be built (warning event).
        pub const INVENTORY_BUILD_FAILED: &str = "InventoryBuildFailed";
        /// Namespace scoping of inventory objects was skipped after a RESTMapper error.
        pub const NAMESPACE_CHECK_SKIPPED: &str = "NamespaceCheckSkipped";
        /// The chart source (OCIRepository or HelmChart) is not ready yet (Ready=False).
        pub const SOURCE_NOT_READY: &str = "SourceNotReady";
        /// Composing values from `spec.values` and `valuesFrom` failed.
        pub const VALUES_ERROR: &str = "ValuesError";
        /// Overriding chart metadata (version, name) failed.
        pub const CHART_MUTATE_ERROR: &str = "ChartMutateError";
        /// Building a Kubernetes REST client getter failed.
        pub const REST_CLIENT_ERROR: &str = "RESTClientError";
        /// Building the SSA resource manager failed.
        pub const RESOURCE_MANAGER_ERROR: &str = "ResourceManagerError";
        /// Building the Helm action configuration failed.
        pub const FACTORY_ERROR: &str = "FactoryError";
        /// Building the Helm action configuration failed during uninstall on deletion.
        pub const CONFIG_FACTORY_ERR: &str = "ConfigFactoryErr";
        /// A release was made and its tests have not run yet (TestSuccess=Unknown).
        pub const AWAITING_TESTS: &str = "AwaitingTests";
        /// The state of the Helm release could not be determined.
        pub const STATE_ERROR: &str = "StateError";
        /// The install/upgrade retry budget is spent (Stalled=True).
        pub const RETRIES_EXCEEDED: &str = "RetriesExceeded";
        /// Rollback remediation has no previous release to go back to (Stalled=True).
        pub const MISSING_ROLLBACK_TARGET: &str = "MissingRollbackTarget";
        /// A release action failed in a way not covered by another reason.
        pub const RECONCILE_ERROR: &str = "ReconcileError";
        /// A release stuck in a pending state was unlocked (Released=False).
        pub const PENDING_RELEASE: &str = "PendingRelease";
    }

    /// Reasons of events that do not mirror a condition.
    pub mod event_reasons {
        /// Correcting drifted cluster objects succeeded.
        pub const DRIFT_CORRECTED: &str = "DriftCorrected";
        /// Correcting drifted cluster objects failed.
        pub const DRIFT_CORRECTION_FAILED: &str = "DriftCorrectionFailed";
        /// The HelmChart generated from `spec.chart` was created (trace event).
        pub const HELM_CHART_CREATED: &str = "HelmChartCreated";
        /// The HelmChart generated from `spec.chart` was updated (trace event).
        pub const HELM_CHART_CONFIGURED: &str = "HelmChartConfigured";
        /// Syncing the generated HelmChart failed (trace event).
        pub const HELM_CHART_SYNC_ERR: &str = "HelmChartSyncErr";
        /// The generated HelmChart was deleted (trace event).
        pub const HELM_CHART_DELETED: &str = "HelmChartDeleted";
    }

    /// Reasons of the status reader helm-controller uses for Pods while waiting.
    pub mod wait_reasons {
        /// The Pod failed.
        pub const POD_FAILED: &str = "PodFailed";
        /// The Pod has not finished yet.
        pub const POD_IN_PROGRESS: &str = "PodInProgress";
    }

    /// Annotations helm-controller reads on HelmReleases and on release objects.
    pub mod annotations {
        pub use crate::consts::annotations::{FORCE_REQUEST, RESET_REQUEST};

        /// On a release object, `disabled` excludes it from drift detection and correction.
        pub const DRIFT_DETECTION: &str = "helm.toolkit.fluxcd.io/driftDetection";
    }

    /// Annotation values.
    pub mod values {
        pub use crate::consts::ssa::values::DISABLED as DRIFT_DETECTION_DISABLED;
    }

    /// Owner labels stamped on every object of a release, CRDs included.
    pub mod labels {
        /// Name of the owning HelmRelease.
        pub const NAME: &str = "helm.toolkit.fluxcd.io/name";
        /// Namespace of the owning HelmRelease.
        pub const NAMESPACE: &str = "helm.toolkit.fluxcd.io/namespace";
    }

    /// Event metadata keys helm-controller attaches to release events.
    pub mod event_metadata {
        /// Chart version of the release the event is about.
        pub const REVISION: &str = "helm.toolkit.fluxcd.io/revision";
        /// Digest of the release values, which lets notification-controller rate-limit
        /// repeated events.
        pub const TOKEN: &str = "helm.toolkit.fluxcd.io/token";
        /// Digest of the chart's OCI artifact, when the chart came from one.
        pub const OCI_DIGEST: &str = "helm.toolkit.fluxcd.io/oci-digest";
        /// `appVersion` from the chart metadata.
        pub const APP_VERSION: &str = "helm.toolkit.fluxcd.io/app-version";
    }

    /// States helm-controller derives for a release before choosing the next action.
    pub mod release_status {
        /// The state could not be determined.
        pub const UNKNOWN: &str = "Unknown";
        /// No release exists in storage.
        pub const ABSENT: &str = "Absent";
        /// The latest release in storage was not made by this HelmRelease.
        pub const UNMANAGED: &str = "Unmanaged";
        /// The release does not match the desired chart or values.
        pub const OUT_OF_SYNC: &str = "OutOfSync";
        /// The release matches but cluster objects have drifted.
        pub const DRIFTED: &str = "Drifted";
        /// The release is stuck in a pending state.
        pub const LOCKED: &str = "Locked";
        /// The release is in sync but its tests have not run.
        pub const UNTESTED: &str = "Untested";
        /// The release is in sync with the desired state.
        pub const IN_SYNC: &str = "InSync";
        /// The release is in a failed state.
        pub const FAILED: &str = "Failed";
    }

    /// Values of `status.lastAttemptedReleaseAction`.
    pub mod release_actions {
        /// The last release attempt was an install.
        pub const INSTALL: &str = "install";
        /// The last release attempt was an upgrade.
        pub const UPGRADE: &str = "upgrade";
        /// The last release attempt was a rollback.
        pub const ROLLBACK: &str = "rollback";
        /// The last release attempt was an uninstall.
        pub const UNINSTALL: &str = "uninstall";
        /// The last release attempt was an uninstall done as remediation.
        pub const UNINSTALL_REMEDIATION: &str = "uninstall-remediation";
    }

    /// Values recorded in `status.history` snapshots.
    pub mod snapshot {
        /// Current snapshot `apiVersion`; snapshots without it predate Helm v4 digests.
        pub const API_VERSION: &str = "v2";
        /// Helm status of the release currently deployed.
        pub const STATUS_DEPLOYED: &str = "deployed";
        /// Helm status of a release replaced by a newer one.
        pub const STATUS_SUPERSEDED: &str = "superseded";
        /// Phase of a test hook that failed.
        pub const TEST_PHASE_FAILED: &str = "Failed";
        /// Phase of a test hook that passed.
        pub const TEST_PHASE_SUCCEEDED: &str = "Succeeded";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// A `pub const NAME: &str` found by scanning this file.
    struct StrConst {
        module: String,
        name: String,
        value: String,
    }

    /// The declarations part of this file, i.e. everything before the test module.
    fn declarations() -> &'static str {
        let source = include_str!("consts.rs");
        let end = source.find("\n#[cfg(test)]").unwrap_or(source.len());
        &source[..end]
    }

    /// Every string constant of this file with its module path (`helm::reasons`), found by
    /// following `pub mod` blocks through their rustfmt indentation. Re-exports are skipped:
    /// they are checked in the module that defines them.
    fn string_consts() -> Vec<StrConst> {
        let mut modules: Vec<(usize, String)> = Vec::new();
        let mut found = Vec::new();
        let mut lines = declarations().lines();
        while let Some(line) = lines.next() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if let Some(name) = trimmed
                .strip_prefix("pub mod ")
                .and_then(|rest| rest.strip_suffix(" {"))
            {
                modules.push((indent, name.to_string()));
            } else if trimmed == "}" && modules.last().is_some_and(|(i, _)| *i == indent) {
                modules.pop();
            } else if trimmed.starts_with("pub const ") && trimmed.contains(": &str") {
                let mut decl = trimmed.to_string();
                while !decl.ends_with(';') {
                    match lines.next() {
                        Some(next) => decl.push_str(next.trim()),
                        None => break,
                    }
                }
                let (head, expr) = decl.split_once('=').unwrap_or((decl.as_str(), ""));
                let name = head["pub const ".len()..].split(':').next().unwrap_or("");
                // String literals sit between quotes; `concat!` pieces are joined.
                let value: String = expr.split('"').skip(1).step_by(2).collect();
                found.push(StrConst {
                    module: modules
                        .iter()
                        .map(|(_, m)| m.as_str())
                        .collect::<Vec<_>>()
                        .join("::"),
                    name: name.trim().to_string(),
                    value,
                });
            }
        }
        found
    }

    /// Items of the modules whose last path segment satisfies `pick`.
    fn in_modules(pick: impl Fn(&str) -> bool) -> Vec<StrConst> {
        string_consts()
            .into_iter()
            .filter(|c| pick(c.module.rsplit("::").next().unwrap_or("")))
            .collect()
    }

    /// `Condition.reason`: `^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`, at most 1024 bytes.
    fn is_reason(s: &str) -> bool {
        let Some((first, rest)) = s.as_bytes().split_first() else {
            return false;
        };
        if !first.is_ascii_alphabetic() || s.len() > 1024 {
            return false;
        }
        match rest.split_last() {
            None => true,
            Some((last, middle)) => {
                (last.is_ascii_alphanumeric() || *last == b'_')
                    && middle
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b',' | b':'))
            }
        }
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` of at most `max` bytes.
    fn is_name_part(s: &str, max: usize) -> bool {
        let b = s.as_bytes();
        match (b.first(), b.last()) {
            (Some(first), Some(last)) => {
                b.len() <= max
                    && first.is_ascii_alphanumeric()
                    && last.is_ascii_alphanumeric()
                    && b.iter()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            }
            _ => false,
        }
    }

    /// RFC 1123 subdomain: dot-separated lowercase labels, at most 253 bytes.
    fn is_dns_subdomain(s: &str) -> bool {
        s.len() <= 253
            && s.split('.').all(|label| {
                let b = label.as_bytes();
                let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
                b.len() <= 63
                    && b.first().is_some_and(edge)
                    && b.last().is_some_and(edge)
                    && b.iter().all(|c| edge(c) || *c == b'-')
            })
    }

    /// Annotation or label key: optional `<dns-subdomain>/` then a name of at most 63 bytes.
    fn is_qualified_name(s: &str) -> bool {
        let (prefix, name) = match s.split_once('/') {
            Some((prefix, name)) => (Some(prefix), name),
            None => (None, s),
        };
        prefix.is_none_or(is_dns_subdomain) && is_name_part(name, 63)
    }

    /// `Condition.type`: a qualified name whose name part may be up to 316 bytes.
    fn is_condition_type(s: &str) -> bool {
        let (prefix, name) = match s.split_once('/') {
            Some((prefix, name)) => (Some(prefix), name),
            None => (None, s),
        };
        s.len() <= 316 && prefix.is_none_or(is_dns_subdomain) && is_name_part(name, 316)
    }

    #[test]
    fn checkers_follow_the_kubernetes_patterns() {
        for ok in ["A", "Ready", "Foo_", "a1", "Foo,Bar:Baz_1"] {
            assert!(is_reason(ok), "{ok:?} should be a valid reason");
        }
        for bad in [
            "", "1Foo", "_Foo", "Foo,", "Foo:", "Foo-Bar", "Foo Bar", "Foo.Bar",
        ] {
            assert!(!is_reason(bad), "{bad:?} should be rejected as a reason");
        }
        for ok in ["a", "a.b/C_d", "reconcile.fluxcd.io/requestedAt", "x/y-z.1"] {
            assert!(is_qualified_name(ok), "{ok:?} should be a valid key");
        }
        for bad in [
            "", "a/", "/a", "A.io/b", "a.io/-b", "a/b/c", "-a.io/b", "a..io/b",
        ] {
            assert!(
                !is_qualified_name(bad),
                "{bad:?} should be rejected as a key"
            );
        }
        assert!(is_condition_type("example.com/SomeType"));
        assert!(!is_condition_type("Some Type"));
    }

    #[test]
    fn scanner_sees_every_string_constant() {
        let declared = declarations()
            .lines()
            .map(str::trim_start)
            .filter(|l| l.starts_with("pub const ") && l.contains(": &str"))
            .count();
        let found = string_consts();
        assert_eq!(found.len(), declared);
        assert!(found.len() > 200, "only {} constants found", found.len());
        for c in &found {
            assert!(!c.module.is_empty(), "{} is outside any module", c.name);
            assert!(
                !c.value.is_empty(),
                "{}::{} has an empty value",
                c.module,
                c.name
            );
            assert!(
                c.name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{}::{} is not SCREAMING_SNAKE_CASE",
                c.module,
                c.name
            );
        }
    }

    #[test]
    fn scanner_reads_values_exactly() {
        let by_path: BTreeMap<String, String> = string_consts()
            .into_iter()
            .map(|c| (format!("{}::{}", c.module, c.name), c.value))
            .collect();
        let get = |path: &str| by_path.get(path).map(String::as_str);
        assert_eq!(
            get("meta::reasons::PROGRESSING"),
            Some(meta::reasons::PROGRESSING)
        );
        assert_eq!(get("ssa::cleanup::annotations::KUBECTL_LAST_APPLIED"), {
            Some(ssa::cleanup::annotations::KUBECTL_LAST_APPLIED)
        });
        assert_eq!(
            get("artifact::sourceignore::EXCLUDE_CI"),
            Some(artifact::sourceignore::EXCLUDE_CI)
        );
    }

    #[test]
    fn reasons_match_the_condition_reason_pattern() {
        let reasons = in_modules(|m| m.ends_with("reasons"));
        assert!(reasons.len() > 60, "only {} reasons found", reasons.len());
        for c in reasons {
            assert!(
                is_reason(&c.value),
                "{}::{} = {:?}",
                c.module,
                c.name,
                c.value
            );
        }
    }

    #[test]
    fn condition_types_match_the_condition_type_pattern() {
        let types = in_modules(|m| m == "conditions");
        assert!(
            types.len() >= 15,
            "only {} condition types found",
            types.len()
        );
        for c in types {
            assert!(
                is_condition_type(&c.value),
                "{}::{} = {:?}",
                c.module,
                c.name,
                c.value
            );
        }
    }

    #[test]
    fn keys_are_valid_annotation_and_label_keys() {
        let keys = in_modules(|m| {
            matches!(
                m,
                "annotations" | "labels" | "event_metadata" | "finalizers"
            )
        });
        assert!(keys.len() > 25, "only {} keys found", keys.len());
        for c in keys {
            assert!(
                is_qualified_name(&c.value),
                "{}::{} = {:?}",
                c.module,
                c.name,
                c.value
            );
        }
        for suffix in in_modules(|m| m == "metadata") {
            assert!(is_name_part(&suffix.value, 63), "{:?}", suffix.value);
        }
    }

    #[test]
    fn values_are_valid_label_values() {
        let values = in_modules(|m| m.ends_with("values"));
        assert!(values.len() >= 7, "only {} values found", values.len());
        for c in values {
            assert!(
                is_name_part(&c.value, 63),
                "{}::{} = {:?}",
                c.module,
                c.name,
                c.value
            );
        }
    }

    #[test]
    fn no_module_defines_one_value_twice() {
        let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
        for c in string_consts() {
            if let Some(first) = seen.insert((c.module.clone(), c.value.clone()), c.name.clone()) {
                panic!(
                    "{}: {first} and {} are both {:?}",
                    c.module, c.name, c.value
                );
            }
        }
    }

    #[test]
    fn composed_keys_match_how_flux_builds_them() {
        let owner = |group: &str| {
            (
                format!("{group}{}", ssa::OWNER_NAME_SUFFIX),
                format!("{group}{}", ssa::OWNER_NAMESPACE_SUFFIX),
            )
        };
        assert_eq!(owner(groups::KUSTOMIZE).0, kustomize::labels::NAME);
        assert_eq!(owner(groups::KUSTOMIZE).1, kustomize::labels::NAMESPACE);
        assert_eq!(owner(groups::HELM).0, helm::labels::NAME);
        assert_eq!(owner(groups::HELM).1, helm::labels::NAMESPACE);

        let key = |group: &str, suffix: &str| format!("{group}/{suffix}");
        let k = groups::KUSTOMIZE;
        assert_eq!(key(k, "reconcile"), kustomize::annotations::RECONCILE);
        assert_eq!(key(k, "ssa"), kustomize::annotations::SSA);
        assert_eq!(key(k, "prune"), kustomize::annotations::PRUNE);
        assert_eq!(key(k, "force"), kustomize::annotations::FORCE);
        assert_eq!(key(k, "substitute"), kustomize::annotations::SUBSTITUTE);
        assert_eq!(key(k, "decrypt"), kustomize::annotations::DECRYPT);
        assert_eq!(
            key(groups::HELM, "driftDetection"),
            helm::annotations::DRIFT_DETECTION
        );

        let meta = |group: &str, suffix: &str| key(group, suffix);
        let (s, h) = (groups::SOURCE, groups::HELM);
        assert_eq!(
            meta(s, events::metadata::REVISION),
            source::event_metadata::REVISION
        );
        assert_eq!(
            meta(s, events::metadata::DIGEST),
            source::event_metadata::DIGEST
        );
        assert_eq!(
            meta(k, events::metadata::REVISION),
            kustomize::event_metadata::REVISION
        );
        assert_eq!(
            meta(k, events::metadata::ORIGIN_REVISION),
            kustomize::event_metadata::ORIGIN_REVISION
        );
        assert_eq!(
            meta(k, events::metadata::COMMIT_STATUS),
            kustomize::event_metadata::COMMIT_STATUS
        );
        assert_eq!(
            meta(h, events::metadata::REVISION),
            helm::event_metadata::REVISION
        );
        assert_eq!(
            meta(h, events::metadata::TOKEN),
            helm::event_metadata::TOKEN
        );
        assert_eq!(meta(h, "oci-digest"), helm::event_metadata::OCI_DIGEST);
        assert_eq!(meta(h, "app-version"), helm::event_metadata::APP_VERSION);
        assert_eq!(
            format!("{}/", events::GROUP),
            events::OBJECT_ANNOTATION_PREFIX
        );
    }

    #[test]
    fn derived_strings_agree_with_their_parts() {
        assert_eq!(
            format!("{}={}", labels::WATCH, labels::values::WATCH_ENABLED),
            labels::selectors::WATCH_CONFIGS_DEFAULT
        );
        assert_eq!(
            format!("!{}", labels::SHARDING_KEY),
            labels::selectors::UNSHARDED
        );
        assert_eq!(
            format!("{}.tar+gzip", source::media_types::FLUX_CONTENT_PREFIX),
            source::media_types::FLUX_CONTENT
        );
        assert!(artifact::LATEST_SYMLINK.ends_with(artifact::ARCHIVE_EXTENSION));
        assert!(artifact::sourceignore::EXCLUDE_CI.contains(".drone.yml,cloudbuild.yaml"));
        assert!(!artifact::sourceignore::EXCLUDE_CI.contains(",,"));
    }

    #[test]
    fn shared_strings_are_defined_once() {
        assert_eq!(source::FINALIZER, finalizers::FLUX);
        assert_eq!(kustomize::FINALIZER, finalizers::FLUX);
        assert_eq!(helm::FINALIZER, finalizers::FLUX);
        // helm-controller declares these two again in its own API package.
        assert_eq!(helm::reasons::ARTIFACT_FAILED, "ArtifactFailed");
        assert_eq!(helm::reasons::DEPENDENCY_NOT_READY, "DependencyNotReady");
        // source-controller declares InvalidPath again in its own API package.
        assert_eq!(source::reasons::INVALID_PATH, meta::reasons::INVALID_PATH);
        assert_eq!(
            helm::annotations::RESET_REQUEST,
            "reconcile.fluxcd.io/resetAt"
        );
        assert_eq!(
            kustomize::OCI_ORIGIN_REVISION_ANNOTATION,
            oci_annotations::REVISION
        );
    }

    #[test]
    fn values_whose_names_differ_from_their_go_identifiers() {
        // Spot checks of values that cannot be guessed from the constant's name.
        assert_eq!(
            source::reasons::DIR_CREATION_FAILED,
            "DirectoryCreationFailed"
        );
        assert_eq!(source::reasons::OCI_PULL_FAILED, "OCIArtifactPullFailed");
        assert_eq!(helm::reasons::CONFIG_FACTORY_ERR, "ConfigFactoryErr");
        assert_eq!(events::severity::TRACE, "trace");
        assert_eq!(events::types::TRACE, "Trace");
        assert_eq!(artifact::DEFAULT_RETENTION_TTL.as_secs(), 60);
    }
}
