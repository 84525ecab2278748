//! `ValidateCustomResourceDefinitionOpenAPISchema`: per-node checks of a CRD
//! schema (unsupported keywords, list/map types, `x-kubernetes-validations`
//! entries) and CEL compilation of rules.

use serde_json::Value;

use super::cel::Expect;
use super::fielderr::{self, child, go_json, index, key};
use super::schema::{self, embedded, typ, AddProps};
use super::schema_check::is_zero;
use super::{validate_extra, Cause, MAX_DEPTH};

/// Context inherited down the schema (`specStandardValidator`).
#[derive(Clone, Default)]
struct Ctx {
    forbid_defaults: Option<String>,
    inside_meta: bool,
    /// the highest ancestor below which `oldSelf` cannot be correlated
    uncorrelatable: Option<String>,
}

impl Ctx {
    fn forbid_old_self(&self, path: &str) -> Ctx {
        let mut c = self.clone();
        c.uncorrelatable.get_or_insert_with(|| path.to_string());
        c
    }
}

/// Schema errors and CEL errors of the whole tree (reported in that order).
#[derive(Default)]
pub(crate) struct Errors {
    pub(crate) schema: Vec<Cause>,
    pub(crate) cel: Vec<Cause>,
}

/// Validates `s` at `path`; `cel` enables rule compilation (only when the
/// schema is structural and its defaults are valid).
pub(crate) fn check(s: &Value, path: &str, cel: bool) -> Errors {
    let mut errs = Errors::default();
    node(s, path, &Ctx::default(), true, cel, true, &mut errs, 0);
    errs
}

fn props_path(p: &str, k: &str) -> String {
    key(&child(p, "properties"), k)
}

#[allow(clippy::too_many_arguments)]
fn node(
    s: &Value,
    p: &str,
    ctx: &Ctx,
    is_root: bool,
    cel: bool,
    resource_root: bool,
    errs: &mut Errors,
    depth: usize,
) {
    if depth > MAX_DEPTH || !s.is_object() {
        return;
    }
    let before = errs.schema.len();
    basic(s, p, ctx, &mut errs.schema);
    if schema::flag(s, "uniqueItems") {
        let msg =
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic";
        errs.schema
            .push(fielderr::forbidden(&child(p, "uniqueItems"), msg));
    }
    let has_props = schema::props(s).is_some_and(|m| !m.is_empty());
    let ap = schema::additional(s);
    if !matches!(ap, AddProps::Absent) {
        if has_props && !matches!(ap, AddProps::Bool(true)) {
            let msg = "additionalProperties and properties are mutual exclusive";
            errs.schema
                .push(fielderr::forbidden(&child(p, "additionalProperties"), msg));
        }
        if let AddProps::Schema(a) = ap {
            let mut sub = ctx.clone();
            if ctx.inside_meta {
                sub.forbid_defaults =
                    Some("inside additionalProperties applying to object metadata".into());
            }
            node(
                a,
                &child(p, "additionalProperties"),
                &sub,
                false,
                cel,
                embedded(a),
                errs,
                depth + 1,
            );
        }
    }
    if let Some(props) = schema::props(s) {
        let atomic = s.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic");
        for k in schema::sorted_keys(props) {
            let mut sub = if atomic {
                ctx.forbid_old_self(p)
            } else {
                ctx.clone()
            };
            if (is_root || embedded(s)) && matches!(k.as_str(), "metadata" | "kind" | "apiVersion")
            {
                sub.inside_meta = true;
                if is_root {
                    sub.forbid_defaults = Some(format!("in top-level {k}"));
                }
            }
            let ps = &props[k.as_str()];
            node(
                ps,
                &props_path(p, k),
                &sub,
                false,
                cel,
                embedded(ps),
                errs,
                depth + 1,
            );
        }
    }
    if let Some(not) = s.get("not").filter(|n| n.is_object()) {
        node(
            not,
            &child(p, "not"),
            ctx,
            false,
            false,
            false,
            errs,
            depth + 1,
        );
    }
    for k in ["allOf", "oneOf", "anyOf"] {
        for (i, sub) in s
            .get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            node(
                sub,
                &index(&child(p, k), i),
                ctx,
                false,
                false,
                false,
                errs,
                depth + 1,
            );
        }
    }
    let item_ctx = match s.get("x-kubernetes-list-type").and_then(Value::as_str) {
        Some("map") => ctx.clone(),
        _ => ctx.forbid_old_self(p),
    };
    match s.get("items") {
        Some(it @ Value::Object(_)) => node(
            it,
            &child(p, "items"),
            &item_ctx,
            false,
            cel,
            embedded(it),
            errs,
            depth + 1,
        ),
        Some(Value::Array(list)) => {
            for (i, it) in list.iter().enumerate() {
                node(
                    it,
                    &index(&child(p, "items"), i),
                    &item_ctx,
                    false,
                    cel,
                    embedded(it),
                    errs,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
    super::schema_lists::extensions(s, p, &mut errs.schema);
    super::schema_lists::rules(s, p, &mut errs.schema);
    if errs.schema.len() == before && cel {
        let uncorrelatable = ctx.uncorrelatable.as_deref();
        compile_rules(
            s,
            p,
            resource_root || is_root,
            uncorrelatable,
            &mut errs.cel,
        );
    }
}

/// `specStandardValidatorV3.validate`.
fn basic(s: &Value, p: &str, ctx: &Ctx, out: &mut Vec<Cause>) {
    let t = typ(s);
    const TYPES: [&str; 6] = ["array", "boolean", "integer", "number", "object", "string"];
    if !t.is_empty() && !TYPES.contains(&t) {
        let supported: Vec<String> = TYPES.iter().map(|x| (*x).to_string()).collect();
        out.push(fielderr::not_supported(
            &child(p, "type"),
            &Value::String(t.into()),
            &supported,
        ));
    }
    if let (Some(_), Some(reason)) = (schema::default_of(s), &ctx.forbid_defaults) {
        out.push(fielderr::forbidden(
            &child(p, "default"),
            &format!("must not be set {reason}"),
        ));
    }
    let unsupported = [
        ("id", "id is not supported"),
        ("additionalItems", "additionalItems is not supported"),
        ("patternProperties", "patternProperties is not supported"),
        ("definitions", "definitions is not supported"),
        ("dependencies", "dependencies is not supported"),
        ("$ref", "$ref is not supported"),
    ];
    for (k, msg) in unsupported {
        if s.get(k)
            .is_some_and(|v| !v.is_null() && v != "" && v.as_object().is_none_or(|m| !m.is_empty()))
        {
            out.push(fielderr::forbidden(&child(p, k), msg));
        }
    }
    if t == "null" {
        out.push(fielderr::forbidden(
            &child(p, "type"),
            "type cannot be set to null, use nullable as an alternative",
        ));
    }
    if s.get("items").is_some_and(Value::is_array) {
        out.push(fielderr::forbidden(
            &child(p, "items"),
            "items must be a schema object and not an array",
        ));
    }
    if ctx.inside_meta && embedded(s) {
        out.push(fielderr::forbidden(
            &child(p, "x-kubernetes-embedded-resource"),
            "must not be used inside of resource meta",
        ));
    }
}

/// Compiles rules and message expressions of one node.
fn compile_rules(
    s: &Value,
    p: &str,
    is_root: bool,
    uncorrelatable: Option<&str>,
    out: &mut Vec<Cause>,
) {
    let Some(list) = s.get("x-kubernetes-validations").and_then(Value::as_array) else {
        return;
    };
    for (i, rule) in list.iter().enumerate() {
        let rp = index(&child(p, "x-kubernetes-validations"), i);
        let shown = || fielderr::cause(fielderr::ErrType::Invalid, "", Some(rule_json(rule)), "");
        let r = rule.get("rule").and_then(Value::as_str).unwrap_or("");
        if !r.trim().is_empty() {
            match validate_extra::compile_rule(r, s, is_root, Expect::Bool) {
                Err(detail) => {
                    let mut c = shown();
                    c.field = child(&rp, "rule");
                    c.message = format!("{}: {detail}", c.message);
                    out.push(c);
                }
                Ok(prog) if prog.uses_old_self() => {
                    if let Some(up) = uncorrelatable {
                        let msg = format!(
                            "oldSelf cannot be used on the uncorrelatable portion of the schema within {up}"
                        );
                        out.push(fielderr::invalid_str(&child(&rp, "rule"), r, &msg));
                    }
                }
                Ok(_) => {
                    if let Some(v) = rule.get("optionalOldSelf").filter(|v| !v.is_null()) {
                        let msg = "may not be set if oldSelf is not used in rule";
                        out.push(fielderr::invalid(&child(&rp, "optionalOldSelf"), v, msg));
                    }
                }
            }
        }
        let me = rule
            .get("messageExpression")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !me.trim().is_empty() {
            if let Err(detail) = validate_extra::compile_rule(me, s, is_root, Expect::String) {
                let detail = detail.replacen(
                    "compilation failed: ",
                    "messageExpression compilation failed: ",
                    1,
                );
                let mut c = shown();
                c.field = child(&rp, "messageExpression");
                c.message = format!("{}: {detail}", c.message);
                out.push(c);
            }
        }
    }
}

/// The JSON of an `x-kubernetes-validations` entry in Go struct order.
pub(crate) fn rule_json(rule: &Value) -> String {
    let mut parts = Vec::new();
    for k in [
        "rule",
        "message",
        "messageExpression",
        "reason",
        "fieldPath",
        "optionalOldSelf",
    ] {
        if let Some(v) = rule.get(k).filter(|v| !is_zero(v) || k == "rule") {
            parts.push(format!(
                "{}:{}",
                go_json(&Value::String(k.to_string())),
                go_json(v)
            ));
        }
    }
    format!("{{{}}}", parts.join(","))
}
