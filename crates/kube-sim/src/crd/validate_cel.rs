//! Runtime evaluation of `x-kubernetes-validations` (apiextensions-apiserver
//! `schema/cel/validation.go`, 1.31–1.34 message shapes).

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

use super::cel::{EvalError, Expect, Program, Val};
use super::fielderr::{self, child, index, key};
use super::schema::{additional_schema, embedded, items, props, sorted_keys, typ};
use super::{Cause, MAX_DEPTH};

/// Per-call state: causes, the stop flag and compiled programs keyed by
/// (schema node address, rule index, is messageExpression).
pub(crate) struct Walker<'o> {
    out: &'o mut Vec<Cause>,
    stop: bool,
    cache: HashMap<(usize, usize, bool), Result<Rc<Program>, String>>,
}

impl<'o> Walker<'o> {
    pub(crate) fn new(out: &'o mut Vec<Cause>) -> Self {
        Walker {
            out,
            stop: false,
            cache: HashMap::new(),
        }
    }

    fn program(
        &mut self,
        s: &Value,
        i: usize,
        msg: bool,
        src: &str,
        is_root: bool,
    ) -> Result<Rc<Program>, String> {
        let k = (std::ptr::from_ref(s) as usize, i, msg);
        self.cache
            .entry(k)
            .or_insert_with(|| {
                let expect = if msg { Expect::String } else { Expect::Bool };
                Program::compile(src, Some(s), is_root, expect)
                    .map(Rc::new)
                    .map_err(|e| e.detail)
            })
            .clone()
    }

    /// Walks the object and evaluates the rules of every node that is
    /// present (rules never run on absent or `null` values); stops when
    /// evaluation must not continue (cost limit, bad messageExpression).
    pub(crate) fn node(&mut self, x: &Value, s: &Value, is_root: bool, pth: &str, depth: usize) {
        if self.stop || depth > MAX_DEPTH || x.is_null() || !s.is_object() {
            return;
        }
        self.rules(x, s, is_root, pth);
        match x {
            Value::Array(list) => {
                if let Some(it) = items(s) {
                    for (i, v) in list.iter().enumerate() {
                        self.node(v, it, embedded(it), &index(pth, i), depth + 1);
                    }
                }
            }
            Value::Object(m) => {
                if let Some(a) = additional_schema(s) {
                    for k in sorted_keys(m) {
                        self.node(&m[k.as_str()], a, embedded(a), &key(pth, k), depth + 1);
                    }
                }
                if let Some(p) = props(s) {
                    for k in sorted_keys(p) {
                        if let Some(v) = m.get(k.as_str()) {
                            let ps = &p[k.as_str()];
                            self.node(v, ps, embedded(ps), &child(pth, k), depth + 1);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn text<'a>(rule: &'a Value, k: &str) -> &'a str {
    rule.get(k).and_then(Value::as_str).unwrap_or("")
}

/// `ruleErrorString`: the trimmed message, else the trimmed rule.
fn rule_error_string(rule: &Value) -> String {
    let message = text(rule, "message");
    if message.is_empty() {
        text(rule, "rule").trim().to_string()
    } else {
        message.trim().to_string()
    }
}

impl Walker<'_> {
    fn rules(&mut self, x: &Value, s: &Value, is_root: bool, pth: &str) {
        let Some(list) = s.get("x-kubernetes-validations").and_then(Value::as_array) else {
            return;
        };
        let ty = Value::String(typ(s).to_string());
        for (i, rule) in list.iter().enumerate() {
            if self.stop {
                return;
            }
            let src = text(rule, "rule");
            if src.trim().is_empty() {
                continue;
            }
            let program = match self.program(s, i, false, src, is_root) {
                Ok(p) => p,
                Err(detail) => {
                    let msg = format!("rule compile error: {detail}");
                    self.out.push(fielderr::invalid(pth, &ty, &msg));
                    continue;
                }
            };
            if program.uses_old_self() {
                // transition rules need the old object; there is none here
                continue;
            }
            let rule_str = rule_error_string(rule);
            let failure = match program.eval(x, Some(s)) {
                Ok(Val::Bool(true)) | Err(EvalError::Unsupported(_)) => continue,
                Ok(_) => None,
                Err(EvalError::CostLimit) => {
                    self.stop = true;
                    Some(format!("'{}': no further validation rules will be run due to call cost exceeds limit for rule: {rule_str}", EvalError::CostLimit))
                }
                Err(EvalError::NoSuchOverload) => Some(format!("'{}': call arguments did not match a supported operator, function or macro signature for rule: {rule_str}", EvalError::NoSuchOverload)),
                Err(e) => Some(format!("{e} evaluating rule: {rule_str}")),
            };
            if let Some(detail) = failure {
                self.out.push(fielderr::invalid(pth, &ty, &detail));
                continue;
            }
            let path = match valid_field_path(text(rule, "fieldPath"), s) {
                Some(p) if !p.is_empty() => child(pth, &p),
                _ => pth.to_string(),
            };
            let detail = match self.message_expression(rule, i, x, s, is_root) {
                MsgExpr::Use(m) => m,
                MsgExpr::Fallback => match text(rule, "message") {
                    "" => format!("failed rule: {rule_str}"),
                    m => m.trim().to_string(),
                },
                MsgExpr::Fail(detail) => {
                    self.out.push(fielderr::invalid(&path, &ty, &detail));
                    self.stop = true;
                    return;
                }
            };
            self.out.push(match text(rule, "reason") {
                "FieldValueForbidden" => fielderr::forbidden(&path, &detail),
                "FieldValueRequired" => fielderr::required(&path, &detail),
                "FieldValueDuplicate" => fielderr::duplicate(&path, &ty),
                _ => fielderr::invalid(&path, &ty, &detail),
            });
        }
    }

    fn message_expression(
        &mut self,
        rule: &Value,
        i: usize,
        x: &Value,
        s: &Value,
        is_root: bool,
    ) -> MsgExpr {
        let src = text(rule, "messageExpression");
        if src.trim().is_empty() {
            return MsgExpr::Fallback;
        }
        let Ok(program) = self.program(s, i, true, src, is_root) else {
            return MsgExpr::Fallback;
        };
        match program.eval(x, Some(s)) {
            Ok(Val::Str(m)) if m.trim().is_empty() => MsgExpr::Fallback,
            Ok(Val::Str(m)) if m.len() > 5 * 1024 => {
                MsgExpr::Fail("messageExpression beyond allowable length of 5120".to_string())
            }
            Ok(Val::Str(m)) if m.contains(['\n', '\r']) => {
                MsgExpr::Fail("messageExpression should not contain line breaks".to_string())
            }
            Ok(Val::Str(m)) => MsgExpr::Use(m.to_string()),
            _ => MsgExpr::Fallback,
        }
    }
}

enum MsgExpr {
    Use(String),
    Fallback,
    Fail(String),
}

/// `ValidFieldPath`: a JSON path of field (`.a`) and map (`['k']`)
/// accessors valid for the schema; returns its field-path rendering, or
/// `None` when invalid. The empty path is valid and renders as `""`.
pub(crate) fn valid_field_path(path: &str, s: &Value) -> Option<String> {
    let mut cur = s;
    let mut out = String::new();
    let mut rest = path;
    while !rest.is_empty() {
        let (name, quoted_key) = if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            rest = &r[end..];
            (name.to_string(), false)
        } else if let Some(r) = rest.strip_prefix("['") {
            let bytes = r.as_bytes();
            let mut i = 0;
            while i < bytes.len() && !(bytes[i] == b'\'' && (i == 0 || bytes[i - 1] != b'\\')) {
                i += 1;
            }
            let raw = r.get(..i)?;
            rest = r.get(i + 1..)?.strip_prefix(']')?;
            (unescape_single_quote(raw)?, true)
        } else {
            return None;
        };
        if name.is_empty() && !quoted_key {
            return None;
        }
        if props(cur).is_some() {
            cur = super::schema::prop(cur, &name)?;
            out = child(&out, &name);
        } else if let Some(a) = additional_schema(cur) {
            cur = a;
            out = key(&out, &name);
        } else {
            return None;
        }
    }
    Some(out)
}

fn unescape_single_quote(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\'' => '\'',
            '\\' => '\\',
            _ => return None,
        });
    }
    Some(out)
}
