//! Kubernetes extensions of CRD schema nodes as checked by
//! `ValidateCustomResourceDefinitionOpenAPISchema`: list/map types
//! (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
//! `x-kubernetes-map-type`) and the static shape of
//! `x-kubernetes-validations` entries.

use serde_json::Value;

use super::fielderr::{self, child, index, key};
use super::schema::{self, typ};
use super::{validate_cel, Cause};

fn props_path(p: &str, k: &str) -> String {
    key(&child(p, "properties"), k)
}

fn str_ext<'a>(s: &'a Value, k: &str) -> Option<&'a str> {
    s.get(k).and_then(Value::as_str)
}

pub(crate) fn extensions(s: &Value, p: &str, out: &mut Vec<Cause>) {
    let t = typ(s);
    if s.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(false)) {
        out.push(fielderr::invalid(
            &child(p, "x-kubernetes-preserve-unknown-fields"),
            &Value::Bool(false),
            "must be true or undefined",
        ));
    }
    let type_must = |out: &mut Vec<Cause>, want: &str, msg: &str| {
        if t.is_empty() {
            out.push(fielderr::required(&child(p, "type"), msg));
        } else if t != want {
            out.push(fielderr::invalid_str(&child(p, "type"), t, msg));
        }
    };
    if let Some(mt) = str_ext(s, "x-kubernetes-map-type") {
        type_must(
            out,
            "object",
            "must be object if x-kubernetes-map-type is specified",
        );
        if mt != "atomic" && mt != "granular" {
            let v = ["atomic".to_string(), "granular".to_string()];
            out.push(fielderr::not_supported(
                &child(p, "x-kubernetes-map-type"),
                &Value::String(mt.into()),
                &v,
            ));
        }
    }
    let lt = str_ext(s, "x-kubernetes-list-type");
    let item = schema::items(s);
    if lt.is_some() && t != "array" {
        type_must(
            out,
            "array",
            "must be array if x-kubernetes-list-type is specified",
        );
    } else if let (Some("set"), Some(is)) = (lt, item) {
        let msg = "must be atomic as item of a list with x-kubernetes-list-type=set";
        let item_lt = is
            .get("x-kubernetes-list-type")
            .cloned()
            .unwrap_or(Value::Null);
        match typ(is) {
            "array" if str_ext(is, "x-kubernetes-list-type").is_some_and(|x| x != "atomic") => {
                out.push(fielderr::invalid(
                    &child(&child(p, "items"), "x-kubernetes-list-type"),
                    &item_lt,
                    msg,
                ));
            }
            "object" if str_ext(is, "x-kubernetes-map-type") != Some("atomic") => {
                out.push(fielderr::invalid(
                    &child(&child(p, "items"), "x-kubernetes-map-type"),
                    &item_lt,
                    msg,
                ));
            }
            _ => {}
        }
    }
    if let Some(l) = lt.filter(|l| !matches!(*l, "atomic" | "set" | "map")) {
        let v = ["atomic".to_string(), "set".to_string(), "map".to_string()];
        out.push(fielderr::not_supported(
            &child(p, "x-kubernetes-list-type"),
            &Value::String(l.into()),
            &v,
        ));
    }
    let keys_val = s
        .get("x-kubernetes-list-map-keys")
        .cloned()
        .unwrap_or(Value::Null);
    let keys = schema::str_list(s, "x-kubernetes-list-map-keys");
    if !keys.is_empty() {
        let msg = "must be map if x-kubernetes-list-map-keys is non-empty";
        match lt {
            None => out.push(fielderr::required(&child(p, "x-kubernetes-list-type"), msg)),
            Some(l) if l != "map" => out.push(fielderr::invalid_str(
                &child(p, "x-kubernetes-list-type"),
                l,
                msg,
            )),
            _ => {}
        }
    }
    if lt == Some("map") {
        list_map(s, p, &keys, &keys_val, out);
    }
    if let (Some(l @ ("set" | "map")), Some(is)) = (lt, item) {
        if schema::nullable(is) {
            out.push(fielderr::forbidden(
                &child(&child(p, "items"), "nullable"),
                &format!("cannot be nullable when x-kubernetes-list-type is {l}"),
            ));
        }
        if l == "map" {
            let required = schema::str_list(is, "required");
            for k in &keys {
                let Some(ks) = schema::prop(is, k) else {
                    continue;
                };
                let kp = props_path(&child(p, "items"), k);
                if !required.contains(k) && schema::default_of(ks).is_none() {
                    let msg = "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property";
                    out.push(fielderr::required(&child(&kp, "default"), msg));
                }
                if schema::nullable(ks) {
                    let msg =
                        "this property is in x-kubernetes-list-map-keys, so it cannot be nullable";
                    out.push(fielderr::forbidden(&child(&kp, "nullable"), msg));
                }
            }
        }
    }
}

fn list_map(s: &Value, p: &str, keys: &[&str], keys_val: &Value, out: &mut Vec<Cause>) {
    if keys.is_empty() {
        out.push(fielderr::required(
            &child(p, "x-kubernetes-list-map-keys"),
            "must not be empty if x-kubernetes-list-type is map",
        ));
    }
    match s.get("items") {
        None => out.push(fielderr::required(
            &child(p, "items"),
            "must have a schema if x-kubernetes-list-type is map",
        )),
        Some(v @ Value::Array(_)) => {
            out.push(fielderr::invalid(
                &child(p, "items"),
                v,
                "must only have a single schema if x-kubernetes-list-type is map",
            ));
        }
        Some(is) if typ(is) != "object" => {
            let msg = "must be object if parent array's x-kubernetes-list-type is map";
            out.push(fielderr::invalid_str(
                &child(&child(p, "items"), "type"),
                typ(is),
                msg,
            ));
        }
        Some(is) => {
            let mut seen: Vec<&str> = Vec::new();
            for k in keys {
                match schema::prop(is, k) {
                    Some(ks) if matches!(typ(ks), "array" | "object") => {
                        let msg =
                            "must be a scalar type if parent array's x-kubernetes-list-type is map";
                        out.push(fielderr::invalid_str(
                            &child(&props_path(&child(p, "items"), k), "type"),
                            typ(is),
                            msg,
                        ));
                    }
                    Some(_) => {}
                    None => out.push(fielderr::invalid(
                        &child(p, "x-kubernetes-list-map-keys"),
                        keys_val,
                        "entries must all be names of item properties",
                    )),
                }
                if seen.contains(k) {
                    out.push(fielderr::invalid(
                        &child(p, "x-kubernetes-list-map-keys"),
                        keys_val,
                        "must not contain duplicate entries",
                    ));
                }
                seen.push(k);
            }
        }
    }
}

fn has_newlines(s: &str) -> bool {
    s.contains(['\n', '\r'])
}

/// Static checks of `x-kubernetes-validations` entries.
pub(crate) fn rules(s: &Value, p: &str, out: &mut Vec<Cause>) {
    let Some(list) = s.get("x-kubernetes-validations").and_then(Value::as_array) else {
        return;
    };
    const REASONS: [&str; 4] = [
        "FieldValueDuplicate",
        "FieldValueForbidden",
        "FieldValueInvalid",
        "FieldValueRequired",
    ];
    for (i, rule) in list.iter().enumerate() {
        let rp = index(&child(p, "x-kubernetes-validations"), i);
        let get = |k: &str| rule.get(k).and_then(Value::as_str).unwrap_or("");
        let (r, msg, msg_expr, fp) = (
            get("rule"),
            get("message"),
            get("messageExpression"),
            get("fieldPath"),
        );
        if r.trim().is_empty() {
            out.push(fielderr::required(
                &child(&rp, "rule"),
                "rule is not specified",
            ));
        } else if !msg.is_empty() && msg.trim().is_empty() {
            out.push(fielderr::invalid_str(
                &child(&rp, "message"),
                msg,
                "must be non-empty if specified",
            ));
        } else if has_newlines(msg.trim()) {
            out.push(fielderr::invalid_str(
                &child(&rp, "message"),
                msg,
                "must not contain line breaks",
            ));
        } else if has_newlines(r.trim()) && msg.trim().is_empty() {
            out.push(fielderr::required(
                &child(&rp, "message"),
                "message must be specified if rule contains line breaks",
            ));
        }
        if !msg_expr.is_empty() && msg_expr.trim().is_empty() {
            out.push(fielderr::required(
                &child(&rp, "messageExpression"),
                "messageExpression must be non-empty if specified",
            ));
        }
        if let Some(reason) = rule
            .get("reason")
            .and_then(Value::as_str)
            .filter(|x| !REASONS.contains(x))
        {
            let supported: Vec<String> = REASONS.iter().map(|x| (*x).to_string()).collect();
            out.push(fielderr::not_supported(
                &child(&rp, "reason"),
                &Value::String(reason.into()),
                &supported,
            ));
        }
        if !fp.is_empty() && fp.trim().is_empty() {
            out.push(fielderr::invalid_str(
                &child(&rp, "fieldPath"),
                fp,
                "must be non-empty if specified",
            ));
        }
        if has_newlines(fp) {
            out.push(fielderr::invalid_str(
                &child(&rp, "fieldPath"),
                fp,
                "must not contain line breaks",
            ));
        }
        if !fp.is_empty() && validate_cel::valid_field_path(fp, s).is_none() {
            out.push(fielderr::invalid_str(
                &child(&rp, "fieldPath"),
                fp,
                "must be a valid path",
            ));
        }
    }
}
