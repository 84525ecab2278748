//! A small CEL (Common Expression Language) implementation for CRD
//! `x-kubernetes-validations` rules.
//!
//! Supported: literals (int, uint, double, string with single/double/triple
//! quotes and raw/bytes prefixes, bool, null, lists, maps), `self` and
//! comprehension variables, field selection (with Kubernetes property-name
//! escaping such as `__dash__`), indexing, `has()`, `!`, unary `-`,
//! `&&`/`||` (with CEL's error absorption), `==`/`!=` (heterogeneous numeric
//! equality), `<`/`<=`/`>`/`>=`, `+ - * / %` with overflow checks, `in`,
//! `?:`, parentheses, the macros `all`, `exists`, `exists_one`, `map`,
//! `filter`, and the functions `size`, `contains`, `startsWith`, `endsWith`,
//! `matches`, `int`, `uint`, `double`, `string`, `bool`, `bytes`, `dyn`,
//! `type`, `lowerAscii`, `upperAscii`, `trim`, `replace`, `split`, `join`,
//! `indexOf`, `lastIndexOf`, `substring`, `charAt`, `isSorted`, `sum`, `min`,
//! `max`.
//!
//! Functions of the Kubernetes CEL libraries that are not implemented
//! (quantity, url, ip/cidr, semver, sets, math, base64, optionals,
//! timestamps/durations, regex `find`, ...) type-check as `dyn` and fail at
//! runtime with [`EvalError::Unsupported`], so such rules are skipped rather
//! than producing false rejections.
//!
//! Compilation type-checks against the structural schema of the node the
//! rule sits on (undefined fields, obvious operator mismatches, non-bool
//! rules) and reports errors formatted like cel-go
//! (`ERROR: <input>:1:5: undefined field 'foo'` plus a source snippet).
//! Evaluation follows CEL semantics on [`serde_json::Value`]: selecting an
//! absent field is a `no such key` error, `has()` tests presence.

use std::fmt;
use std::rc::Rc;

use serde_json::Value;

use super::cel_parse::{self, E};
use super::{cel_check, cel_eval};

/// A runtime CEL value.
#[derive(Clone, Debug)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Double(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    List(Rc<[Val]>),
    Map(Rc<[(Val, Val)]>),
    /// a type value such as `int` (result of `type(x)`)
    Type(&'static str),
}

impl Val {
    /// The CEL type name of the value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null_type",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Uint(_) => "uint",
            Val::Double(_) => "double",
            Val::Str(_) => "string",
            Val::Bytes(_) => "bytes",
            Val::List(_) => "list",
            Val::Map(_) => "map",
            Val::Type(_) => "type",
        }
    }
}

impl PartialEq for Val {
    fn eq(&self, other: &Self) -> bool {
        cel_eval::equals(self, other)
    }
}

/// A compilation failure; `Display` gives the apiserver's detail text
/// (`compilation failed: ERROR: <input>:...`, or
/// `cel expression must evaluate to a bool`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct CompileError {
    pub detail: String,
}

/// A runtime failure, displayed like cel-go's errors.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error("no such key: {0}")]
    NoSuchKey(String),
    #[error("no such overload")]
    NoSuchOverload,
    #[error("index out of bounds: {0}")]
    IndexOutOfBounds(i64),
    #[error("operation cancelled: actual cost limit exceeded")]
    CostLimit,
    #[error("{0}")]
    Other(String),
    /// a function of the Kubernetes CEL libraries this evaluator does not
    /// implement; [`super::validate`] then skips the rule instead of
    /// rejecting the object
    #[error("unsupported function: {0}")]
    Unsupported(String),
}

/// The expected result type of a compiled expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// a validation rule
    Bool,
    /// a `messageExpression`
    String,
}

/// A parsed and type-checked CEL expression.
#[derive(Clone, Debug)]
pub struct Program {
    root: E,
    uses_old_self: bool,
}

/// Evaluation cost budget per expression (kube-apiserver's per-call limit).
pub const COST_LIMIT: u64 = 1_000_000;

impl Program {
    /// Parses and checks `src` for a schema node. `schema` is the node the
    /// rule sits on (`None`: `self` is dynamic); `is_resource_root` adds
    /// `apiVersion`, `kind` and `metadata.name/generateName`.
    pub fn compile(
        src: &str,
        schema: Option<&Value>,
        is_resource_root: bool,
        expect: Expect,
    ) -> Result<Program, CompileError> {
        let root = cel_parse::parse(src).map_err(|e| issues(src, e.pos, &e.msg))?;
        let self_ty = match schema {
            Some(s) => cel_check::schema_ty(s, is_resource_root, 0).unwrap_or(cel_check::Ty::Dyn),
            None => cel_check::Ty::Dyn,
        };
        let ty = cel_check::check(&root, self_ty).map_err(|e| issues(src, e.pos, &e.msg))?;
        let ok = match expect {
            Expect::Bool => matches!(ty, cel_check::Ty::Bool | cel_check::Ty::Dyn),
            Expect::String => matches!(ty, cel_check::Ty::Str | cel_check::Ty::Dyn),
        };
        if !ok {
            let detail = match expect {
                Expect::Bool => "cel expression must evaluate to a bool",
                Expect::String => "messageExpression must evaluate to a string",
            };
            return Err(CompileError {
                detail: detail.to_string(),
            });
        }
        let uses_old_self = cel_check::references(&root, "oldSelf");
        Ok(Program {
            root,
            uses_old_self,
        })
    }

    /// Whether the expression is a transition rule (refers to `oldSelf`);
    /// such rules only run on updates with an old object, so [`super::validate`]
    /// skips them.
    pub fn uses_old_self(&self) -> bool {
        self.uses_old_self
    }

    /// Evaluates with `self` bound to `value` (typed by `schema`).
    pub fn eval(&self, value: &Value, schema: Option<&Value>) -> Result<Val, EvalError> {
        let self_val = json_to_val(value, schema, 0);
        cel_eval::run(&self.root, self_val, COST_LIMIT)
    }

    /// Evaluates a rule; a non-bool result is `no such overload`.
    pub fn eval_bool(&self, value: &Value, schema: Option<&Value>) -> Result<bool, EvalError> {
        match self.eval(value, schema)? {
            Val::Bool(b) => Ok(b),
            _ => Err(EvalError::NoSuchOverload),
        }
    }
}

/// cel-go's `issues.String()`: location, message and a source snippet.
fn issues(src: &str, pos: usize, msg: &str) -> CompileError {
    let pos = pos.min(src.len());
    let before = src.get(..pos).unwrap_or("");
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = src.get(line_start..pos).map_or(0, |s| s.chars().count());
    let line_text: String = src[line_start..]
        .split('\n')
        .next()
        .unwrap_or("")
        .replace('\t', " ");
    let mut ind = String::new();
    let mut chars = line_text.chars();
    for _ in 0..col {
        match chars.next() {
            Some(c) if c.len_utf8() > 1 => ind.push('\u{ff0e}'),
            Some(_) => ind.push('.'),
            None => break,
        }
    }
    ind.push(if chars.next().is_some_and(|c| c.len_utf8() > 1) {
        '\u{ff3e}'
    } else {
        '^'
    });
    CompileError {
        detail: format!(
            "compilation failed: ERROR: <input>:{line_no}:{}: {msg}\n | {line_text}\n | {ind}",
            col + 1
        ),
    }
}

/// Kubernetes' CEL property-name escaping (`Escape` in apiserver/pkg/cel):
/// returns the CEL identifier for a property, or `None` if not escapable.
pub fn escape_property(name: &str) -> Option<String> {
    if matches!(name, "true" | "false" | "null" | "in")
        || super::cel_parse::RESERVED.contains(&name)
    {
        return Some(format!("__{name}__"));
    }
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '.' | '-' | '/'));
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'))
    {
        return None;
    }
    Some(
        name.replace("__", "__underscores__")
            .replace('.', "__dot__")
            .replace('-', "__dash__")
            .replace('/', "__slash__"),
    )
}

/// Inverse of [`escape_property`] for identifiers used in expressions.
pub(crate) fn unescape_ident(ident: &str) -> String {
    if ident.len() > 4 && ident.starts_with("__") && ident.ends_with("__") {
        let inner = &ident[2..ident.len() - 2];
        if escape_property(inner).as_deref() == Some(ident) {
            return inner.to_string();
        }
    }
    let mut out = String::new();
    let mut rest = ident;
    while let Some(i) = rest.find("__") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let table = [
            ("__underscores__", "__"),
            ("__dot__", "."),
            ("__dash__", "-"),
            ("__slash__", "/"),
        ];
        match table.iter().find(|(esc, _)| rest.starts_with(esc)) {
            Some((esc, plain)) => {
                out.push_str(plain);
                rest = &rest[esc.len()..];
            }
            None => {
                out.push_str("__");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Converts JSON to a CEL value using the schema for numeric typing
/// (`type: number` values are doubles, integral values otherwise ints).
pub(crate) fn json_to_val(v: &Value, s: Option<&Value>, depth: usize) -> Val {
    use super::schema::{additional_schema, items, prop, typ};
    if depth > super::MAX_DEPTH {
        return Val::Null;
    }
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => {
            let as_double = s.is_some_and(|s| typ(s) == "number");
            match (n.as_i64(), n.as_f64()) {
                (Some(i), _) if !as_double => Val::Int(i),
                (_, Some(f))
                    if !as_double
                        && s.is_some_and(|s| typ(s) == "integer")
                        && f.fract() == 0.0
                        && f.abs() < 9.2e18 =>
                {
                    Val::Int(f as i64)
                }
                (_, f) => Val::Double(f.unwrap_or(0.0)),
            }
        }
        Value::String(t) => Val::Str(Rc::from(t.as_str())),
        Value::Array(a) => {
            let item = s.and_then(items);
            Val::List(a.iter().map(|x| json_to_val(x, item, depth + 1)).collect())
        }
        Value::Object(m) => Val::Map(
            m.iter()
                .map(|(k, x)| {
                    let sub = s.and_then(|s| prop(s, k).or_else(|| additional_schema(s)));
                    (
                        Val::Str(Rc::from(k.as_str())),
                        json_to_val(x, sub, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Null => write!(f, "null"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Int(i) => write!(f, "{i}"),
            Val::Uint(u) => write!(f, "{u}u"),
            Val::Double(d) => write!(f, "{}", super::fielderr::go_float_v(*d)),
            Val::Str(s) => write!(f, "{s}"),
            Val::Bytes(b) => write!(f, "{}", String::from_utf8_lossy(b)),
            Val::List(items) => {
                write!(f, "[")?;
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, "]")
            }
            Val::Map(entries) => {
                write!(f, "{{")?;
                for (i, (k, x)) in entries.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k}: {x}")?;
                }
                write!(f, "}}")
            }
            Val::Type(t) => write!(f, "{t}"),
        }
    }
}

#[cfg(test)]
#[path = "cel_tests.rs"]
mod tests;
