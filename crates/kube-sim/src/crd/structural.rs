//! Validation and defaulting of CustomResourceDefinition objects (§5.1,
//! §5.2), following apiextensions-apiserver
//! `pkg/apis/apiextensions/validation` on the internal representation: when
//! all versions share identical schemas / subresources / printer columns,
//! the apiserver validates them once at the top level, so their errors are
//! reported under `spec.validation.openAPIV3Schema...`,
//! `spec.subresources...` and `spec.additionalPrinterColumns[i]...`;
//! otherwise under `spec.versions[i]...`.

use serde_json::{json, Value};

use super::crd_parts::{
    columns, conversion, deprecation_warning, enum_string, schema_errors, subresources,
    validate_names,
};
use super::fielderr::{self, child, index};
use super::names;
use super::Cause;

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Fills the defaults kube-apiserver applies to a `apiextensions.k8s.io/v1`
/// CRD: `spec.names.singular` (lower-cased kind), `spec.names.listKind`
/// (`<Kind>List`), `spec.conversion` (`{strategy: None}`), webhook service
/// port 443, and `status.storedVersions` (the storage version) when empty.
pub fn default_crd(crd: &mut Value) {
    let Some(obj) = crd.as_object_mut() else {
        return;
    };
    let spec = obj.entry("spec").or_insert_with(|| json!({}));
    let mut storage = None;
    if let Some(spec) = spec.as_object_mut() {
        let names = spec.entry("names").or_insert_with(|| json!({}));
        if let Some(names) = names.as_object_mut() {
            let kind = names
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if names
                .get("singular")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                names.insert("singular".into(), Value::String(kind.to_lowercase()));
            }
            if names
                .get("listKind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
                && !kind.is_empty()
            {
                names.insert("listKind".into(), Value::String(format!("{kind}List")));
            }
        }
        if spec.get("conversion").is_none_or(Value::is_null) {
            spec.insert("conversion".into(), json!({"strategy": "None"}));
        }
        let svc = spec
            .get_mut("conversion")
            .and_then(|c| c.pointer_mut("/webhook/clientConfig/service"))
            .and_then(Value::as_object_mut);
        if let Some(svc) = svc {
            svc.entry("port").or_insert(json!(443));
        }
        storage = spec
            .get("versions")
            .and_then(Value::as_array)
            .and_then(|vs| {
                vs.iter()
                    .find(|v| v.get("storage") == Some(&Value::Bool(true)))
            })
            .map(|v| s(v, "name").to_string());
    }
    let status = obj.entry("status").or_insert_with(|| json!({}));
    if let (Some(status), Some(name)) = (status.as_object_mut(), storage) {
        if status
            .get("storedVersions")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        {
            status.insert("storedVersions".into(), json!([name]));
        }
    }
}

/// Validates a CRD at create (or update): metadata name, group, scope,
/// names, versions (exactly one storage version), subresources, printer
/// columns, conversion, and every schema (structural rules, defaults, list
/// types, CEL rule compilation). Run [`default_crd`] first.
pub fn validate_crd(crd: &Value) -> Vec<Cause> {
    let mut out = Vec::new();
    let null = Value::Null;
    let spec = crd.get("spec").unwrap_or(&null);
    let names_obj = spec.get("names").unwrap_or(&null);
    let meta = crd.get("metadata").unwrap_or(&null);
    let name = s(meta, "name");
    if name.is_empty() {
        out.push(fielderr::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        for msg in names::dns1123_subdomain_errors(name) {
            out.push(fielderr::invalid_str("metadata.name", name, &msg));
        }
        if name != format!("{}.{}", s(names_obj, "plural"), s(spec, "group")) {
            out.push(fielderr::invalid_str(
                "metadata.name",
                name,
                r#"must be spec.names.plural+"."+spec.group"#,
            ));
        }
    }
    if !s(meta, "namespace").is_empty() {
        out.push(fielderr::forbidden(
            "metadata.namespace",
            "not allowed on this type",
        ));
    }
    validate_spec(spec, &mut out);
    let status = crd.get("status").unwrap_or(&null);
    if let Some(accepted) = status.get("acceptedNames") {
        validate_names(accepted, "status.acceptedNames", &mut out);
    }
    stored_versions(spec, status, &mut out);
    api_approval(spec, meta, &mut out);
    if spec.get("preserveUnknownFields") == Some(&Value::Bool(true)) {
        let msg = "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead";
        out.push(fielderr::invalid(
            "spec.preserveUnknownFields",
            &Value::Bool(true),
            msg,
        ));
    }
    out
}

pub(crate) fn versions(spec: &Value) -> &[Value] {
    spec.get("versions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Whether `field` of all versions is deep-equal (nil and empty count as
/// equal), i.e. the internal API holds it at the top level.
fn identical(vs: &[Value], field: &str) -> bool {
    let norm = |v: &Value| match v.get(field) {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Array(a)) if a.is_empty() => Value::Null,
        Some(x) => x.clone(),
    };
    !vs.is_empty() && vs.iter().all(|v| norm(v) == norm(&vs[0]))
}

fn validate_spec(spec: &Value, out: &mut Vec<Cause>) {
    let group = s(spec, "group");
    if group.is_empty() {
        out.push(fielderr::required("spec.group", ""));
    } else {
        let errs = names::dns1123_subdomain_errors(group);
        if !errs.is_empty() {
            out.push(fielderr::invalid_str("spec.group", group, &errs.join(",")));
        } else if group.split('.').count() < 2 {
            out.push(fielderr::invalid_str(
                "spec.group",
                group,
                "should be a domain with at least one dot",
            ));
        }
    }
    enum_string(
        "spec.scope",
        s(spec, "scope"),
        &["Cluster", "Namespaced"],
        out,
    );
    let vs = versions(spec);
    let top_schema = identical(vs, "schema") && vs[0].get("schema").is_some_and(|x| !x.is_null());
    let top_sub =
        identical(vs, "subresources") && vs[0].get("subresources").is_some_and(|x| !x.is_null());
    let top_cols = identical(vs, "additionalPrinterColumns");
    if !top_schema {
        for (i, v) in vs.iter().enumerate() {
            if v.pointer("/schema/openAPIV3Schema")
                .is_none_or(Value::is_null)
            {
                out.push(fielderr::required(
                    &format!("spec.versions[{i}].schema.openAPIV3Schema"),
                    "",
                ));
            }
        }
    }
    if spec.get("preserveUnknownFields") == Some(&Value::Bool(true))
        && vs.iter().any(|v| has_defaults(v.get("schema")))
    {
        let msg = "must be false in order to use defaults in the schema";
        out.push(fielderr::invalid(
            "spec.preserveUnknownFields",
            &Value::Bool(true),
            msg,
        ));
    }
    let status_any = vs.iter().any(|v| {
        v.pointer("/subresources/status")
            .is_some_and(|x| !x.is_null())
    });
    let mut storage = 0;
    let mut seen: Vec<&str> = Vec::new();
    let mut unique = true;
    for (i, v) in vs.iter().enumerate() {
        let vp = index("spec.versions", i);
        if v.get("storage") == Some(&Value::Bool(true)) {
            storage += 1;
        }
        let vname = s(v, "name");
        if seen.contains(&vname) {
            unique = false;
        }
        seen.push(vname);
        let errs = names::dns1035_label_errors(vname);
        if !errs.is_empty() {
            out.push(fielderr::invalid_str(
                &child(&vp, "name"),
                vname,
                &errs.join(","),
            ));
        }
        deprecation_warning(v, &vp, out);
        if !top_schema {
            let status = v
                .pointer("/subresources/status")
                .is_some_and(|x| !x.is_null());
            schema_errors(v.get("schema"), status, &child(&vp, "schema"), out);
        }
        if !top_sub {
            subresources(v.get("subresources"), &child(&vp, "subresources"), out);
        }
        if !top_cols {
            columns(
                v.get("additionalPrinterColumns"),
                &child(&vp, "additionalPrinterColumns"),
                out,
            );
        }
    }
    let versions_json = spec.get("versions").cloned().unwrap_or(Value::Null);
    if !unique {
        out.push(fielderr::invalid(
            "spec.versions",
            &versions_json,
            "must contain unique version names",
        ));
    }
    if storage != 1 {
        out.push(fielderr::invalid(
            "spec.versions",
            &versions_json,
            "must have exactly one version marked as storage version",
        ));
    }
    if let Some(first) = vs.first().map(|v| s(v, "name")).filter(|n| !n.is_empty()) {
        let errs = names::dns1035_label_errors(first);
        if !errs.is_empty() {
            out.push(fielderr::invalid_str(
                "spec.version",
                first,
                &errs.join(","),
            ));
        }
    }
    let names_obj = spec.get("names").cloned().unwrap_or(Value::Null);
    for k in ["plural", "singular", "kind", "listKind"] {
        if s(&names_obj, k).is_empty() {
            out.push(fielderr::required(&format!("spec.names.{k}"), ""));
        }
    }
    validate_names(&names_obj, "spec.names", out);
    if top_schema {
        schema_errors(vs[0].get("schema"), status_any, "spec.validation", out);
    }
    if top_sub {
        subresources(vs[0].get("subresources"), "spec.subresources", out);
    }
    if top_cols {
        columns(
            vs.first().and_then(|v| v.get("additionalPrinterColumns")),
            "spec.additionalPrinterColumns",
            out,
        );
    }
    conversion(spec.get("conversion"), out);
}

fn has_defaults(s: Option<&Value>) -> bool {
    match s {
        Some(Value::Object(m)) => {
            m.contains_key("default") || m.values().any(|v| has_defaults(Some(v)))
        }
        Some(Value::Array(a)) => a.iter().any(|v| has_defaults(Some(v))),
        _ => false,
    }
}

fn stored_versions(spec: &Value, status: &Value, out: &mut Vec<Cause>) {
    let vs = versions(spec);
    let mut stored: Vec<String> = status
        .get("storedVersions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if stored.is_empty() {
        stored.extend(
            vs.iter()
                .find(|v| v.get("storage") == Some(&Value::Bool(true)))
                .map(|v| s(v, "name").to_string()),
        );
    }
    let p = "status.storedVersions";
    let stored_json = Value::Array(stored.iter().map(|x| Value::String(x.clone())).collect());
    if stored.is_empty() {
        out.push(fielderr::invalid(
            p,
            &stored_json,
            "must have at least one stored version",
        ));
        return;
    }
    for v in vs {
        let vname = s(v, "name");
        if v.get("storage") == Some(&Value::Bool(true)) && !stored.iter().any(|x| x == vname) {
            out.push(fielderr::invalid(
                p,
                &stored_json,
                &format!("must have the storage version {vname}"),
            ));
        }
    }
    for (i, sv) in stored.iter().enumerate() {
        if !vs.iter().any(|v| s(v, "name") == sv) {
            let msg = format!("missing from spec.versions; {sv} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in {sv} and removes {sv} from status.storedVersions");
            out.push(fielderr::invalid_str(&index(p, i), sv, &msg));
        }
    }
}

fn api_approval(spec: &Value, meta: &Value, out: &mut Vec<Cause>) {
    let group = s(spec, "group");
    let protected = group == "k8s.io"
        || group.ends_with(".k8s.io")
        || group == "kubernetes.io"
        || group.ends_with(".kubernetes.io");
    if !protected {
        return;
    }
    const KEY: &str = "api-approved.kubernetes.io";
    let ann = meta
        .get("annotations")
        .and_then(|a| a.get(KEY))
        .and_then(Value::as_str)
        .unwrap_or("");
    let p = format!("metadata.annotations[{KEY}]");
    if ann.is_empty() {
        let msg = format!("protected groups must have approval annotation {}, see https://github.com/kubernetes/enhancements/pull/1111", fielderr::go_quote(KEY));
        out.push(fielderr::required(&p, &msg));
    } else if !(ann.starts_with("unapproved")
        || ann
            .split_once("://")
            .is_some_and(|(scheme, host)| !scheme.is_empty() && !host.is_empty()))
    {
        let msg = format!("protected groups must have approval annotation {} with either a URL or a reason starting with \"unapproved\", see https://github.com/kubernetes/enhancements/pull/1111", fielderr::go_quote(KEY));
        out.push(fielderr::invalid_str(&p, ann, &msg));
    }
}

#[cfg(test)]
#[path = "structural_tests.rs"]
mod tests;
