//! Parts of CRD object validation: names, versions' deprecation warnings,
//! schemas, subresources, printer columns, conversion, stored versions and
//! API approval (apiextensions-apiserver `pkg/apis/apiextensions/validation`).

use serde_json::Value;

use super::fielderr::{self, child, index};
use super::names;
use super::Cause;

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn enum_string(path: &str, value: &str, accepted: &[&str], out: &mut Vec<Cause>) {
    if value.is_empty() {
        out.push(fielderr::required(path, ""));
    } else if !accepted.contains(&value) {
        let list: Vec<String> = accepted.iter().map(|x| (*x).to_string()).collect();
        out.push(fielderr::not_supported(
            path,
            &Value::String(value.into()),
            &list,
        ));
    }
}

fn name_list(n: &Value, p: &str, k: &str, out: &mut Vec<Cause>) {
    let items = n
        .get(k)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (i, item) in items.iter().enumerate() {
        let v = item.as_str().unwrap_or("");
        let errs = names::dns1035_label_errors(v);
        if !errs.is_empty() {
            out.push(fielderr::invalid_str(
                &index(&child(p, k), i),
                v,
                &errs.join(","),
            ));
        }
    }
}

pub(crate) fn validate_names(n: &Value, p: &str, out: &mut Vec<Cause>) {
    for k in ["plural", "singular"] {
        let v = s(n, k);
        let errs = names::dns1035_label_errors(v);
        if !v.is_empty() && !errs.is_empty() {
            out.push(fielderr::invalid_str(&child(p, k), v, &errs.join(",")));
        }
    }
    for k in ["kind", "listKind"] {
        let v = s(n, k);
        let errs = names::dns1035_label_errors(&v.to_lowercase());
        if !v.is_empty() && !errs.is_empty() {
            let msg = format!(
                "may have mixed case, but should otherwise match: {}",
                errs.join(",")
            );
            out.push(fielderr::invalid_str(&child(p, k), v, &msg));
        }
    }
    // shortNames, then the kind/listKind clash, then categories
    name_list(n, p, "shortNames", out);
    if !s(n, "kind").is_empty() && s(n, "kind") == s(n, "listKind") {
        let msg = "kind and listKind may not be the same";
        out.push(fielderr::invalid_str(
            &child(p, "listKind"),
            s(n, "listKind"),
            msg,
        ));
    }
    name_list(n, p, "categories", out);
}

pub(crate) fn deprecation_warning(v: &Value, vp: &str, out: &mut Vec<Cause>) {
    let Some(w) = v.get("deprecationWarning").and_then(Value::as_str) else {
        return;
    };
    let p = child(vp, "deprecationWarning");
    let mut errs = Vec::new();
    if v.get("deprecated") != Some(&Value::Bool(true)) {
        errs.push("can only be set for deprecated versions".to_string());
    } else {
        if w.len() > 256 {
            errs.push("must be <= 256 characters long".to_string());
        }
        if w.is_empty() {
            errs.push("must not be an empty string".to_string());
        }
        if let Some((i, _)) = w.char_indices().find(|(_, c)| c.is_control()) {
            errs.push(format!("must only contain printable UTF-8 characters; non-printable character found at index {i}"));
        }
    }
    for e in errs {
        out.push(fielderr::invalid_str(&p, w, &e));
    }
}

pub(crate) fn schema_errors(
    container: Option<&Value>,
    status_enabled: bool,
    p: &str,
    out: &mut Vec<Cause>,
) {
    let Some(root) = container
        .and_then(|c| c.get("openAPIV3Schema"))
        .filter(|r| r.is_object())
    else {
        return;
    };
    let sp = child(p, "openAPIV3Schema");
    if status_enabled {
        root_fields_for_status(root, p, out);
    }
    if super::schema::nullable(root) {
        out.push(fielderr::forbidden(
            &child(p, "openAPIV3Schema.nullable"),
            "nullable cannot be true at the root",
        ));
    }
    let structural = super::schema_check::structural_errors(root, &sp);
    let mut cel = false;
    if !structural.is_empty() {
        out.extend(structural);
    } else {
        let defaults = super::schema_defaults::default_errors(root, &sp);
        cel = defaults.is_empty();
        out.extend(defaults);
    }
    let errs = super::schema_openapi::check(root, &sp, cel);
    out.extend(errs.schema);
    out.extend(errs.cel);
}

/// Struct order of `JSONSchemaProps` fields and whether each is allowed at
/// the root when the status subresource is enabled.
const ROOT_FIELDS: &[(&str, bool)] = &[
    ("id", false),
    ("$schema", false),
    ("$ref", false),
    ("description", true),
    ("type", true),
    ("format", true),
    ("title", true),
    ("default", false),
    ("maximum", true),
    ("exclusiveMaximum", true),
    ("minimum", true),
    ("exclusiveMinimum", true),
    ("maxLength", true),
    ("minLength", true),
    ("pattern", true),
    ("maxItems", true),
    ("minItems", true),
    ("uniqueItems", true),
    ("multipleOf", true),
    ("enum", false),
    ("maxProperties", false),
    ("minProperties", false),
    ("required", true),
    ("items", true),
    ("allOf", false),
    ("oneOf", false),
    ("anyOf", false),
    ("not", false),
    ("properties", true),
    ("additionalProperties", false),
    ("patternProperties", false),
    ("dependencies", false),
    ("additionalItems", false),
    ("definitions", false),
    ("externalDocs", true),
    ("example", true),
    ("nullable", false),
    ("x-kubernetes-preserve-unknown-fields", true),
    ("x-kubernetes-embedded-resource", false),
    ("x-kubernetes-int-or-string", false),
    ("x-kubernetes-list-map-keys", false),
    ("x-kubernetes-list-type", false),
    ("x-kubernetes-map-type", false),
    ("x-kubernetes-validations", true),
];

fn root_fields_for_status(root: &Value, p: &str, out: &mut Vec<Cause>) {
    for (k, allowed) in ROOT_FIELDS {
        let Some(v) = root.get(*k) else { continue };
        let zero = matches!(v, Value::Null | Value::Bool(false))
            || v.as_str() == Some("")
            || v.as_array().is_some_and(Vec::is_empty);
        if zero && *k != "x-kubernetes-preserve-unknown-fields" {
            continue;
        }
        if *k == "type" {
            if v.as_str() != Some("object") {
                let msg = r#"only "object" is allowed as the type at the root of the schema if the status subresource is enabled"#;
                out.push(fielderr::invalid(&child(p, "openAPIV3Schema.type"), v, msg));
                return;
            }
            continue;
        }
        if !allowed {
            let msg = "only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled";
            out.push(fielderr::invalid(&child(p, "openAPIV3Schema"), root, msg));
            return;
        }
    }
}

fn simple_json_path(v: &str, p: &str, out: &mut Vec<Cause>) -> bool {
    let msg = if v.is_empty() {
        "must not be empty"
    } else if !v.starts_with('.') {
        "must be a simple json path starting with ."
    } else {
        return true;
    };
    out.push(fielderr::invalid_str(p, v, msg));
    false
}

pub(crate) fn subresources(sub: Option<&Value>, p: &str, out: &mut Vec<Cause>) {
    let Some(scale) = sub.and_then(|x| x.get("scale")).filter(|x| x.is_object()) else {
        return;
    };
    for (k, under) in [
        ("specReplicasPath", ".spec."),
        ("statusReplicasPath", ".status."),
    ] {
        let fp = child(p, &format!("scale.{k}"));
        let v = s(scale, k);
        if v.is_empty() {
            out.push(fielderr::required(&fp, ""));
        } else if simple_json_path(v, &fp, out) && !v.starts_with(under) {
            out.push(fielderr::invalid_str(
                &fp,
                v,
                &format!(
                    "should be a json path under {}",
                    under.trim_end_matches('.')
                ),
            ));
        }
    }
    let v = s(scale, "labelSelectorPath");
    let fp = child(p, "scale.labelSelectorPath");
    if !v.is_empty()
        && simple_json_path(v, &fp, out)
        && !v.starts_with(".spec.")
        && !v.starts_with(".status.")
    {
        out.push(fielderr::invalid_str(
            &fp,
            v,
            "should be a json path under either .spec or .status",
        ));
    }
}

pub(crate) fn columns(cols: Option<&Value>, p: &str, out: &mut Vec<Cause>) {
    const TYPES: &str = "boolean,date,integer,number,string";
    const FORMATS: &str = "byte,date,date-time,double,float,int32,int64,password";
    for (i, col) in cols
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let cp = index(p, i);
        if s(col, "name").is_empty() {
            out.push(fielderr::required(&child(&cp, "name"), ""));
        }
        let t = s(col, "type");
        if t.is_empty() {
            out.push(fielderr::required(
                &child(&cp, "type"),
                &format!("must be one of {TYPES}"),
            ));
        } else if !TYPES.split(',').any(|x| x == t) {
            out.push(fielderr::invalid_str(
                &child(&cp, "type"),
                t,
                &format!("must be one of {TYPES}"),
            ));
        }
        let f = s(col, "format");
        if !f.is_empty() && !FORMATS.split(',').any(|x| x == f) {
            out.push(fielderr::invalid_str(
                &child(&cp, "format"),
                f,
                &format!("must be one of {FORMATS}"),
            ));
        }
        let jp = s(col, "jsonPath");
        if jp.is_empty() {
            out.push(fielderr::required(&child(&cp, "JSONPath"), ""));
        } else {
            simple_json_path(jp, &child(&cp, "JSONPath"), out);
        }
    }
}

pub(crate) fn conversion(conv: Option<&Value>, out: &mut Vec<Cause>) {
    let Some(conv) = conv.filter(|c| c.is_object()) else {
        return;
    };
    let strategy = s(conv, "strategy");
    enum_string(
        "spec.conversion.strategy",
        strategy,
        &["None", "Webhook"],
        out,
    );
    let webhook = conv.get("webhook").filter(|w| !w.is_null());
    let client_config = webhook
        .and_then(|w| w.get("clientConfig"))
        .filter(|c| !c.is_null());
    let review: &[Value] = webhook
        .and_then(|w| w.get("conversionReviewVersions"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if strategy == "Webhook" {
        match client_config {
            None => out.push(fielderr::required(
                "spec.conversion.webhookClientConfig",
                "required when strategy is set to Webhook",
            )),
            Some(cc) if cc.get("url").is_some() == cc.get("service").is_some() => {
                out.push(fielderr::required(
                    "spec.conversion.webhookClientConfig",
                    "exactly one of url or service is required",
                ));
            }
            Some(_) => {}
        }
        let rp = "spec.conversion.conversionReviewVersions";
        if review.is_empty() {
            out.push(fielderr::required(rp, ""));
        } else {
            let mut seen = Vec::new();
            for (i, v) in review.iter().enumerate() {
                let v = v.as_str().unwrap_or("");
                if seen.contains(&v) {
                    out.push(fielderr::invalid_str(&index(rp, i), v, "duplicate version"));
                    continue;
                }
                seen.push(v);
                for e in names::dns1035_label_errors(v) {
                    out.push(fielderr::invalid_str(&index(rp, i), v, &e));
                }
            }
            if !seen.iter().any(|v| *v == "v1" || *v == "v1beta1") {
                out.push(fielderr::invalid(
                    rp,
                    &Value::Array(review.to_vec()),
                    "must include at least one of v1, v1beta1",
                ));
            }
        }
    } else {
        if client_config.is_some() {
            out.push(fielderr::forbidden(
                "spec.conversion.webhookClientConfig",
                "should not be set when strategy is not set to Webhook",
            ));
        }
        if !review.is_empty() {
            out.push(fielderr::forbidden(
                "spec.conversion.conversionReviewVersions",
                "should not be set when strategy is not set to Webhook",
            ));
        }
    }
}
