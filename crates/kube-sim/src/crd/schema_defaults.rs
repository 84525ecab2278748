//! Validation of `default` values in CRD schemas
//! (apiextensions-apiserver `schema/defaulting/validation.go`).

use serde_json::Value;

use super::fielderr::{self, child, key};
use super::schema::{self, embedded};
use super::{validate_extra, Cause, MAX_DEPTH};

fn props_path(p: &str, k: &str) -> String {
    key(&child(p, "properties"), k)
}

/// `ValidateDefaults`: every default must be pruned and valid against its
/// schema node (OpenAPI, embedded metadata, CEL rules).
pub(crate) fn default_errors(root: &Value, path: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    defaults(root, path, true, false, &mut out, 0);
    out
}

fn defaults(
    s: &Value,
    p: &str,
    is_root: bool,
    inside_meta: bool,
    out: &mut Vec<Cause>,
    depth: usize,
) {
    if depth > MAX_DEPTH || !s.is_object() {
        return;
    }
    let resource_root = is_root || embedded(s);
    let inside_meta = inside_meta && !embedded(s);
    if let Some(d) = schema::default_of(s).filter(|_| !inside_meta) {
        let dp = child(p, "default");
        let mut pruned = d.clone();
        super::prune::prune_at(&mut pruned, s, resource_root);
        let before = out.len();
        if pruned != *d {
            out.push(fielderr::invalid(&dp, d, "must not have unknown fields"));
        } else {
            let mut meta_errs = Vec::new();
            if resource_root {
                if let Some(m) = d.as_object() {
                    super::meta::validate_embedded(&dp, m, &mut meta_errs);
                }
            }
            if !meta_errs.is_empty() {
                out.extend(meta_errs);
            } else {
                out.extend(super::validate::validate_schema(d, s, &dp));
            }
        }
        if out.len() == before {
            validate_extra::cel_rules(d, s, false, resource_root, &dp, out);
        }
    }
    if let Some(it) = schema::items(s) {
        defaults(it, &child(p, "items"), false, inside_meta, out, depth + 1);
    }
    if let Some(props) = schema::props(s) {
        for k in schema::sorted_keys(props) {
            let meta_child =
                resource_root && matches!(k.as_str(), "metadata" | "apiVersion" | "kind");
            defaults(
                &props[k.as_str()],
                &props_path(p, k),
                false,
                inside_meta || meta_child,
                out,
                depth + 1,
            );
        }
    }
}
