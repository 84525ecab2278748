//! OpenAPI v3 schema validation of custom resources with kube-openapi's
//! messages (`k8s.io/kube-openapi/pkg/validation/validate`) converted to
//! field errors the way apiextensions-apiserver does (§5.4).

use serde_json::Value;

use super::fielderr::{self, child, go_quote};
use super::schema::{self, effective_format, sorted_keys, validator_types, AddProps};
use super::{validate_extra, validate_scalar, Cause, MAX_DEPTH};

/// Validates a custom resource against the `openAPIV3Schema` of its version:
/// OpenAPI schema validation, embedded resources (TypeMeta/ObjectMeta),
/// `x-kubernetes-list-type` map/set uniqueness, then — unless a blocking
/// error (required, type, enum, too long, too many) was found —
/// `x-kubernetes-validations` CEL rules. All causes, in upstream order.
pub fn validate(obj: &Value, schema: &Value) -> Vec<Cause> {
    let mut causes = validate_schema(obj, schema, "");
    validate_extra::embedded_resources(obj, schema, &mut causes);
    validate_extra::list_sets_and_maps(obj, schema, &mut causes);
    validate_extra::cel_rules(obj, schema, true, true, "", &mut causes);
    causes
}

/// Validation of a write to the `/status` subresource: only `status` is
/// checked against the status schema, with field paths prefixed by
/// `status` but kube-openapi names relative to it (`status.x: Invalid
/// value: ...: x in body ...`), then list-type uniqueness and CEL rules on
/// the whole object (embedded resources are not re-validated).
pub fn validate_status(obj: &Value, schema: &Value) -> Vec<Cause> {
    let mut causes = match (obj.get("status"), schema::prop(schema, "status")) {
        (Some(status), Some(status_schema)) => validate_schema(status, status_schema, "status"),
        _ => Vec::new(),
    };
    validate_extra::list_sets_and_maps(obj, schema, &mut causes);
    validate_extra::cel_rules(obj, schema, true, true, "", &mut causes);
    causes
}

/// kube-openapi validation only; `prefix` is the field path of `obj`
/// (`""` for the root, e.g. `...default` for CRD default values).
pub(crate) fn validate_schema(obj: &Value, schema: &Value, prefix: &str) -> Vec<Cause> {
    let res = node(obj, schema, "", 0);
    to_causes(res.errs, prefix)
}

#[derive(Debug)]
pub(crate) enum Code {
    Required,
    Enum(Vec<String>, Value),
    TooLong(i64),
    TooMany(i64, i64),
    InvalidType(Value),
    Other(Value),
    /// errors that are not `errors.Validation` (anyOf/oneOf/allOf/not)
    Composite,
}

#[derive(Debug)]
pub(crate) struct OErr {
    pub(crate) code: Code,
    pub(crate) name: String,
    pub(crate) msg: String,
}

#[derive(Default)]
pub(crate) struct Res {
    pub(crate) errs: Vec<OErr>,
    pub(crate) matches: usize,
}

impl Res {
    pub(crate) fn add(&mut self, code: Code, name: &str, msg: String) {
        if !self.errs.iter().any(|e| e.msg == msg) {
            self.errs.push(OErr {
                code,
                name: name.to_string(),
                msg,
            });
        }
    }

    pub(crate) fn merge(&mut self, other: Res) {
        for e in other.errs {
            if !self.errs.iter().any(|x| x.msg == e.msg) {
                self.errs.push(e);
            }
        }
        self.matches += other.matches;
    }

    pub(crate) fn valid(&self) -> bool {
        self.errs.is_empty()
    }
}

fn to_causes(errs: Vec<OErr>, prefix: &str) -> Vec<Cause> {
    errs.into_iter()
        .map(|e| {
            let path = if e.name.is_empty() || e.name == "." {
                prefix.to_string()
            } else {
                child(prefix, e.name.trim_start_matches('.'))
            };
            match e.code {
                Code::Required => fielderr::required(&path, ""),
                Code::Enum(values, data) => fielderr::not_supported(&path, &data, &values),
                Code::TooLong(max) => fielderr::too_long(&path, max),
                Code::TooMany(actual, max) => fielderr::too_many(&path, actual, max),
                Code::InvalidType(v) => fielderr::type_invalid(&path, &v, &e.msg),
                Code::Other(v) => fielderr::invalid(&path, &v, &e.msg),
                Code::Composite => fielderr::invalid_str(prefix, "", &e.msg),
            }
        })
        .collect()
}

/// A JSON number as the Go JSON decoder sees it.
#[derive(Clone, Copy)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

pub(crate) fn num(v: &Value) -> Option<Num> {
    let n = v.as_number()?;
    Some(match n.as_i64() {
        Some(i) => Num::Int(i),
        None => Num::Float(n.as_f64().unwrap_or(0.0)),
    })
}

pub(crate) fn is_json_integer(f: f64) -> bool {
    f.is_finite() && f.abs() <= 9_007_199_254_740_991.0 && f.fract() == 0.0
}

/// JSON type name and format inferred from the data (`schemaInfoForType`).
fn data_type(v: &Value) -> (&'static str, &'static str) {
    match v {
        Value::Bool(_) => ("boolean", ""),
        Value::String(_) => ("string", ""),
        Value::Number(_) => match num(v) {
            Some(Num::Int(_)) => ("integer", "int64"),
            _ => ("number", "float64"),
        },
        Value::Array(_) => ("array", ""),
        Value::Object(_) => ("object", ""),
        Value::Null => ("", ""),
    }
}

fn type_fail(res: &mut Res, name: &str, typ: &str, value: &str) {
    let msg = format!("{name} in body must be of type {typ}: {}", go_quote(value));
    res.add(
        Code::InvalidType(Value::String(value.to_string())),
        name,
        msg,
    );
}

fn check_type(data: &Value, s: &Value, name: &str) -> Res {
    let mut res = Res::default();
    let types = validator_types(s);
    let format = effective_format(s);
    if types.is_empty() && format.is_empty() {
        return res;
    }
    res.matches += 1;
    if data.is_null() {
        if !types.is_empty() && !types.contains(&"null") && !schema::nullable(s) {
            type_fail(&mut res, name, &types.join(","), "null");
        }
        return res;
    }
    let (sch_type, fmt) = data_type(data);
    let contains = |t: &str| types.contains(&t);
    let is_float_int =
        matches!(num(data), Some(Num::Float(f)) if is_json_integer(f)) && contains("integer");
    let is_int_float = sch_type == "integer" && contains("number");
    let text_like = data.is_string() || data.is_array();
    if !(text_like
        || format.is_empty()
        || contains(sch_type)
        || fmt == format
        || is_float_int
        || is_int_float)
    {
        type_fail(&mut res, name, format, fmt);
        res.matches = 0;
        return res;
    }
    if text_like && !(contains("number") || contains("integer") || format.is_empty()) {
        return res;
    }
    if !(contains(sch_type) || is_float_int || is_int_float) {
        type_fail(&mut res, name, &types.join(","), sch_type);
        res.matches = 0;
    }
    res
}

pub(crate) fn node(data: &Value, s: &Value, name: &str, depth: usize) -> Res {
    let mut res = Res::default();
    if depth > MAX_DEPTH || !s.is_object() {
        return res;
    }
    if data.is_null() {
        res.merge(check_type(data, s, name));
        validate_scalar::check_enum(&mut res, data, s, name);
        return res;
    }
    if !validator_types(s).is_empty() || !effective_format(s).is_empty() {
        res.merge(check_type(data, s, name));
        res.matches += 1;
    }
    res.merge(validate_scalar::schema_props(data, s, name, depth));
    res.matches += 1;
    if let Value::String(text) = data {
        validate_scalar::check_string(&mut res, text, s, name);
        res.matches += 1;
        let format = effective_format(s);
        if !format.is_empty() && super::formats::is_supported(format) {
            if !super::formats::check(format, text) {
                let msg = format!(
                    "{name} in body must be of type {format}: {}",
                    go_quote(text)
                );
                res.add(Code::InvalidType(data.clone()), name, msg);
            }
            res.matches += 1;
        }
    }
    if let Some(n) = num(data) {
        validate_scalar::check_number(&mut res, n, data, s, name);
        res.matches += 2;
    }
    if let Value::Array(list) = data {
        check_array(&mut res, list, s, name, depth);
        res.matches += 1;
    }
    validate_scalar::check_enum(&mut res, data, s, name);
    res.matches += 1;
    if let Value::Object(map) = data {
        check_object(&mut res, map, s, name, depth);
        res.matches += 1;
    }
    res.matches += 1;
    res
}

fn check_array(res: &mut Res, list: &[Value], s: &Value, name: &str, depth: usize) {
    if let Some(item_schema) = schema::items(s) {
        for (i, v) in list.iter().enumerate() {
            res.merge(node(v, item_schema, &format!("{name}[{i}]"), depth + 1));
        }
    }
    let size = list.len() as i64;
    if let Some(min) = s.get("minItems").and_then(Value::as_i64) {
        if size < min {
            let msg = format!("{name} in body should have at least {min} items");
            res.add(Code::Other(Value::from(size)), name, msg);
        }
    }
    if let Some(max) = s.get("maxItems").and_then(Value::as_i64) {
        if size > max {
            let msg = format!("{name} in body should have at most {max} items");
            res.add(Code::TooMany(size, max), name, msg);
        }
    }
    if schema::flag(s, "uniqueItems") {
        let dup = list.iter().enumerate().any(|(i, v)| list[..i].contains(v));
        if dup {
            res.add(
                Code::Other(Value::String(String::new())),
                name,
                format!("{name} in body shouldn't contain duplicates"),
            );
        }
    }
}

fn check_object(
    res: &mut Res,
    map: &serde_json::Map<String, Value>,
    s: &Value,
    name: &str,
    depth: usize,
) {
    let n = map.len() as i64;
    if let Some(min) = s
        .get("minProperties")
        .and_then(Value::as_i64)
        .filter(|m| n < *m)
    {
        res.add(
            Code::Other(Value::from(n)),
            name,
            format!("{name} in body should have at least {min} properties"),
        );
    }
    if let Some(max) = s
        .get("maxProperties")
        .and_then(Value::as_i64)
        .filter(|m| n > *m)
    {
        res.add(
            Code::TooMany(n, max),
            name,
            format!("{name} in body should have at most {max} properties"),
        );
    }
    let props = schema::props(s);
    let is_prop = |k: &str| props.is_some_and(|p| p.contains_key(k));
    match schema::additional(s) {
        AddProps::Bool(false) => {
            for k in sorted_keys(map) {
                if !is_prop(k) {
                    let msg = format!("{name}.{k} in body is a forbidden property");
                    res.add(Code::Other(Value::String(k.clone())), name, msg);
                }
            }
        }
        AddProps::Schema(a) => {
            for k in sorted_keys(map) {
                if !is_prop(k) {
                    res.merge(node(&map[k.as_str()], a, &format!("{name}.{k}"), depth + 1));
                }
            }
        }
        _ => {}
    }
    if let Some(p) = props {
        for k in sorted_keys(p) {
            if let Some(v) = map.get(k.as_str()) {
                res.merge(node(v, &p[k.as_str()], &child(name, k), depth + 1));
            }
        }
    }
    for k in schema::str_list(s, "required") {
        if !map.contains_key(k) {
            let path = format!("{name}.{k}");
            res.add(Code::Required, &path, format!("{path} in body is required"));
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
