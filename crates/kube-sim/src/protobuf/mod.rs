//! Decoding Kubernetes protobuf request bodies into their JSON form.
//!
//! client-go's typed clients (kubectl ≥ 1.32 `create` and `auth`, Helm's release storage)
//! send `Content-Type: application/vnd.kubernetes.protobuf` with no JSON fallback. The body
//! is the magic prefix `k8s\0` followed by a `runtime.Unknown` message:
//! `{1 typeMeta{1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}`, where
//! `raw` is the object's own protobuf encoding without type information.
//!
//! [`decode`] turns such a body into the `serde_json::Value` the same object would have been
//! sent as in JSON (field names, base64 `bytes`, RFC 3339 times, unset fields left out), so
//! the server can handle it like any JSON request. A hand-written wire reader (`wire`) is
//! driven by per-message field tables (`schema`) written from the upstream
//! `generated.proto` files. Unknown fields are skipped; kinds without a table are rejected
//! with [`ProtobufError::UnsupportedKind`] (answered with 415).
//!
//! Supported kinds: `v1` Secret, ConfigMap, Namespace, ServiceAccount; `apps/v1`
//! Deployment; DeleteOptions (any apiVersion: client-go labels it `v1`);
//! `authorization.k8s.io/v1` SelfSubjectAccessReview, SelfSubjectRulesReview;
//! `authentication.k8s.io/{v1,v1beta1,v1alpha1}` SelfSubjectReview.

use serde_json::{Map, Value};

mod apps;
mod container;
mod core_v1;
mod meta;
mod pod;
mod review;
mod schema;
mod wire;

#[cfg(test)]
mod encode;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_kubectl;
#[cfg(test)]
mod tests_pod;

use schema::{message, s, Field, Ty};

/// The protobuf media type of the Kubernetes API.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The 4-byte prefix of every Kubernetes protobuf body.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// Why a protobuf body could not be turned into JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtobufError {
    #[error("the body does not start with the Kubernetes protobuf prefix \"k8s\\x00\"")]
    MissingMagic,
    #[error("malformed protobuf: {0}")]
    Malformed(String),
    #[error("Object 'Kind' is missing in the protobuf envelope")]
    MissingKind,
    #[error("unsupported protobuf envelope encoding {0:?}")]
    ContentEncoding(String),
    #[error(
        "protobuf bodies of kind {kind} in {api_version} are not supported; \
         send application/json"
    )]
    UnsupportedKind { api_version: String, kind: String },
}

impl ProtobufError {
    /// The HTTP status the server answers with: 415 for a kind or encoding it cannot
    /// decode, 400 for a body that is not valid protobuf.
    pub fn status_code(&self) -> u16 {
        match self {
            ProtobufError::UnsupportedKind { .. } | ProtobufError::ContentEncoding(_) => 415,
            _ => 400,
        }
    }
}

/// Whether a `Content-Type` header names the Kubernetes protobuf encoding (parameters and
/// case are ignored).
pub fn is_protobuf(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    media_type.eq_ignore_ascii_case(MEDIA_TYPE)
}

/// Whether [`decode`] handles objects of this apiVersion and kind.
pub fn supports(api_version: &str, kind: &str) -> bool {
    fields_for(api_version, kind).is_some()
}

/// Decodes a protobuf request body (`k8s\0` + `runtime.Unknown`) into the object's JSON
/// form, `apiVersion` and `kind` included.
pub fn decode(body: &[u8]) -> Result<Value, ProtobufError> {
    let envelope = body
        .strip_prefix(MAGIC)
        .ok_or(ProtobufError::MissingMagic)?;
    let unknown = message(envelope, UNKNOWN)?;
    let text = |value: Option<&Value>| value.and_then(Value::as_str).unwrap_or("").to_owned();
    let encoding = text(unknown.get("contentEncoding"));
    if !encoding.is_empty() {
        return Err(ProtobufError::ContentEncoding(encoding));
    }
    let content_type = text(unknown.get("contentType"));
    if !content_type.is_empty() && !is_protobuf(&content_type) {
        return Err(ProtobufError::ContentEncoding(content_type));
    }
    let type_meta = unknown.get("typeMeta");
    let api_version = text(type_meta.and_then(|t| t.get("apiVersion")));
    let kind = text(type_meta.and_then(|t| t.get("kind")));
    if kind.is_empty() {
        return Err(ProtobufError::MissingKind);
    }
    let Some(fields) = fields_for(&api_version, &kind) else {
        return Err(ProtobufError::UnsupportedKind { api_version, kind });
    };
    let raw = raw_bytes(envelope)?;
    let mut object = Map::new();
    object.insert("apiVersion".into(), Value::String(api_version));
    object.insert("kind".into(), Value::String(kind));
    object.extend(message(raw, fields)?);
    Ok(Value::Object(object))
}

/// `runtime.Unknown` without `raw` (read separately: it must not be rendered).
const UNKNOWN: &[Field] = &[
    schema::opt(1, "typeMeta", Ty::Msg(&[s(1, "apiVersion"), s(2, "kind")])),
    s(3, "contentEncoding"),
    s(4, "contentType"),
];

/// The `raw` field (2) of the `runtime.Unknown` envelope; the last occurrence wins.
fn raw_bytes(envelope: &[u8]) -> Result<&[u8], ProtobufError> {
    let mut raw: &[u8] = &[];
    let mut reader = wire::Reader::new(envelope);
    while let Some((num, value)) = reader.field()? {
        if let (2, wire::Wire::Bytes(bytes)) = (num, value) {
            raw = bytes;
        }
    }
    Ok(raw)
}

fn fields_for(api_version: &str, kind: &str) -> Option<&'static [Field]> {
    Some(match (api_version, kind) {
        ("v1", "Secret") => core_v1::SECRET,
        ("v1", "ConfigMap") => core_v1::CONFIG_MAP,
        ("v1", "Namespace") => core_v1::NAMESPACE,
        ("v1", "ServiceAccount") => core_v1::SERVICE_ACCOUNT,
        ("apps/v1", "Deployment") => apps::DEPLOYMENT,
        (_, "DeleteOptions") => meta::DELETE_OPTIONS,
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview") => {
            review::SELF_SUBJECT_ACCESS_REVIEW
        }
        ("authorization.k8s.io/v1", "SelfSubjectRulesReview") => review::SELF_SUBJECT_RULES_REVIEW,
        (
            "authentication.k8s.io/v1"
            | "authentication.k8s.io/v1beta1"
            | "authentication.k8s.io/v1alpha1",
            "SelfSubjectReview",
        ) => review::SELF_SUBJECT_REVIEW,
        _ => return None,
    })
}
