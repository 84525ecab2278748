//! Query and path parameters of the synthesized operations, with kube-apiserver's names and
//! types (descriptions shortened).

use serde_json::{json, Value};

/// (name, type, description) of every query parameter; `name` and `namespace` are the path
/// parameters.
#[rustfmt::skip]
const PARAMS: &[(&str, &str, &str)] = &[
    ("name", "string", "name of the resource"),
    ("namespace", "string", "object name and auth scope, such as for teams and projects"),
    ("pretty", "string", "If 'true', then the output is pretty printed."),
    ("allowWatchBookmarks", "boolean", "requests watch events with type \"BOOKMARK\""),
    ("continue", "string", "continue token of a paginated list"),
    ("fieldSelector", "string", "restricts the list of returned objects by their fields"),
    ("labelSelector", "string", "restricts the list of returned objects by their labels"),
    ("limit", "integer", "maximum number of responses to return for a list call"),
    ("resourceVersion", "string", "constraint on what resource versions may be served"),
    ("resourceVersionMatch", "string", "how resourceVersion is applied to list calls"),
    ("sendInitialEvents", "boolean", "with watch=true: synthetic events for existing objects"),
    ("timeoutSeconds", "integer", "timeout for the list/watch call"),
    ("watch", "boolean", "watch for changes to the described resources"),
    ("dryRun", "string", "modifications are not persisted. Valid values are: - All"),
    ("fieldManager", "string", "name of the actor or entity that is making these changes"),
    ("fieldValidation", "string",
     "how the server handles unknown or duplicate fields: Ignore, Warn or Strict"),
    ("force", "boolean", "Apply requests re-acquire conflicting fields owned by others"),
    ("gracePeriodSeconds", "integer", "seconds before the object should be deleted"),
    ("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean",
     "unsafe deletion of an object that cannot be decoded"),
    ("orphanDependents", "boolean", "Deprecated: use propagationPolicy"),
    ("propagationPolicy", "string", "garbage collection: Orphan, Foreground or Background"),
    ("container", "string", "the container to use"),
    ("follow", "boolean", "follow the log stream of the pod"),
    ("limitBytes", "integer", "number of bytes to read before terminating the log output"),
    ("previous", "boolean", "return previous terminated container logs"),
    ("sinceSeconds", "integer", "relative time in seconds from which to show logs"),
    ("tailLines", "integer", "number of lines from the end of the logs to show"),
    ("timestamps", "boolean", "prefix every line of log output with an RFC3339 timestamp"),
    ("command", "string", "the remote command to execute"),
    ("stdin", "boolean", "redirect the standard input stream of the pod"),
    ("stdout", "boolean", "redirect the standard output stream of the pod"),
    ("stderr", "boolean", "redirect the standard error stream of the pod"),
    ("tty", "boolean", "allocate a TTY for the exec call"),
];

/// List and watch.
pub const LIST: &[&str] = &[
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
    "watch",
];
/// Create and replace.
pub const WRITE: &[&str] = &["dryRun", "fieldManager", "fieldValidation"];
pub const PATCH: &[&str] = &["dryRun", "fieldManager", "fieldValidation", "force"];
pub const DELETE: &[&str] = &[
    "dryRun",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "orphanDependents",
    "propagationPolicy",
];
pub const DELETE_COLLECTION: &[&str] = &[
    "allowWatchBookmarks",
    "continue",
    "dryRun",
    "fieldSelector",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector",
    "limit",
    "orphanDependents",
    "propagationPolicy",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
];
/// `pods/log`.
pub const LOG: &[&str] = &[
    "container",
    "follow",
    "limitBytes",
    "previous",
    "sinceSeconds",
    "tailLines",
    "timestamps",
];
/// `pods/exec`.
pub const EXEC: &[&str] = &["command", "container", "stderr", "stdin", "stdout", "tty"];

/// One parameter object (`in: path` and `required` for `name` and `namespace`).
pub fn param(name: &str) -> Value {
    let (ty, description) = PARAMS
        .iter()
        .find(|p| p.0 == name)
        .map_or(("string", ""), |p| (p.1, p.2));
    let in_path = matches!(name, "name" | "namespace");
    let mut p = json!({
        "name": name,
        "in": if in_path { "path" } else { "query" },
        "description": description,
        "schema": {"type": ty, "uniqueItems": true},
    });
    if in_path {
        p["required"] = json!(true);
    }
    p
}

pub fn params(names: &[&str]) -> Value {
    names.iter().map(|n| param(n)).collect()
}
