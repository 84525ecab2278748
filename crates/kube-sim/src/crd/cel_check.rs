//! A light CEL type checker: static types derived from the structural
//! schema (Kubernetes' `SchemaDeclType`), enough to report cel-go's common
//! compile errors (undefined fields, undeclared references, operator
//! mismatches between concrete types, non-bool rules).

use serde_json::Value;

use super::cel::unescape_ident;
use super::cel_lib::{is_library_function, NAMESPACES};
use super::cel_parse::{Expr, Macro, E};
use super::schema::{additional_schema, embedded, int_or_string, items, prop, typ};

#[derive(Clone, Debug)]
pub(crate) enum Ty<'a> {
    Dyn,
    Null,
    Bool,
    Int,
    Uint,
    Double,
    Str,
    Bytes,
    Type,
    List(Box<Ty<'a>>),
    Map(Box<Ty<'a>>),
    /// an object typed by its schema; `true` at a resource root
    Object(&'a Value, bool),
    /// `metadata` at a resource root: only `name` and `generateName`
    RootMeta,
}

pub(crate) struct CheckErr {
    pub(crate) msg: String,
    pub(crate) pos: usize,
}

fn name(t: &Ty<'_>) -> String {
    match t {
        Ty::Dyn => "dyn".into(),
        Ty::Null => "null_type".into(),
        Ty::Bool => "bool".into(),
        Ty::Int => "int".into(),
        Ty::Uint => "uint".into(),
        Ty::Double => "double".into(),
        Ty::Str => "string".into(),
        Ty::Bytes => "bytes".into(),
        Ty::Type => "type".into(),
        Ty::List(e) => format!("list({})", name(e)),
        Ty::Map(v) => format!("map(string, {})", name(v)),
        Ty::Object(..) | Ty::RootMeta => "object".into(),
    }
}

/// The CEL type of a schema node, `None` when the node is not exposed.
pub(crate) fn schema_ty(s: &Value, is_root: bool, depth: usize) -> Option<Ty<'_>> {
    if depth > super::MAX_DEPTH {
        return Some(Ty::Dyn);
    }
    if int_or_string(s) {
        return Some(Ty::Dyn);
    }
    match typ(s) {
        "array" => {
            let it = items(s)?;
            Some(Ty::List(Box::new(schema_ty(it, embedded(it), depth + 1)?)))
        }
        "object" => match additional_schema(s) {
            Some(a) => Some(Ty::Map(Box::new(schema_ty(a, embedded(a), depth + 1)?))),
            None => Some(Ty::Object(s, is_root)),
        },
        "string" => match s.get("format").and_then(Value::as_str) {
            Some("byte" | "duration" | "date" | "date-time") => Some(Ty::Dyn),
            _ => Some(Ty::Str),
        },
        "integer" => Some(Ty::Int),
        "number" => Some(Ty::Double),
        "boolean" => Some(Ty::Bool),
        _ => None,
    }
}

fn field_ty<'a>(t: &Ty<'a>, field: &str) -> Result<Ty<'a>, String> {
    let plain = unescape_ident(field);
    match t {
        Ty::Dyn => Ok(Ty::Dyn),
        Ty::Map(v) => Ok((**v).clone()),
        Ty::Object(s, root) => {
            if *root {
                match plain.as_str() {
                    "apiVersion" | "kind" => return Ok(Ty::Str),
                    "metadata" => return Ok(Ty::RootMeta),
                    _ => {}
                }
            }
            let exposed = prop(s, &plain)
                .filter(|_| super::cel::escape_property(&plain).as_deref() == Some(field))
                .and_then(|p| schema_ty(p, embedded(p), 0));
            exposed.ok_or_else(|| format!("undefined field '{field}'"))
        }
        Ty::RootMeta => match plain.as_str() {
            "name" | "generateName" => Ok(Ty::Str),
            _ => Err(format!("undefined field '{field}'")),
        },
        other => Err(format!(
            "type '{}' does not support field selection",
            name(other)
        )),
    }
}

struct Checker<'a> {
    vars: Vec<(String, Ty<'a>)>,
}

pub(crate) fn check<'a>(e: &E, self_ty: Ty<'a>) -> Result<Ty<'a>, CheckErr> {
    let mut c = Checker {
        vars: vec![
            ("oldSelf".to_string(), self_ty.clone()),
            ("self".to_string(), self_ty),
        ],
    };
    c.expr(e)
}

/// Whether the expression refers to the variable `name`.
pub(crate) fn references(e: &E, name: &str) -> bool {
    match &e.expr {
        Expr::Lit(_) => false,
        Expr::Ident(n) => n == name,
        Expr::Select(o, _, _) => references(o, name),
        Expr::Call(t, _, args) => {
            t.as_deref().is_some_and(|t| references(t, name))
                || args.iter().any(|a| references(a, name))
        }
        Expr::List(items) => items.iter().any(|a| references(a, name)),
        Expr::Map(entries) => entries
            .iter()
            .any(|(k, v)| references(k, name) || references(v, name)),
        Expr::Comp {
            range,
            pred,
            transform,
            ..
        } => {
            references(range, name)
                || references(pred, name)
                || transform.as_deref().is_some_and(|t| references(t, name))
        }
    }
}

fn is_dyn(t: &Ty<'_>) -> bool {
    matches!(t, Ty::Dyn)
}

/// Coarse categories for equality/ordering compatibility.
fn category(t: &Ty<'_>) -> Option<&'static str> {
    Some(match t {
        Ty::Bool => "bool",
        Ty::Int | Ty::Uint | Ty::Double => "num",
        Ty::Str => "string",
        Ty::Bytes => "bytes",
        Ty::List(_) => "list",
        Ty::Map(_) | Ty::Object(..) | Ty::RootMeta => "map",
        Ty::Type => "type",
        Ty::Dyn | Ty::Null => return None,
    })
}

const FUNCS_BOOL: &[&str] = &[
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "bool",
    "isSorted",
];
const FUNCS_INT: &[&str] = &["size", "int", "indexOf", "lastIndexOf"];
const FUNCS_STR: &[&str] = &[
    "string",
    "lowerAscii",
    "upperAscii",
    "trim",
    "replace",
    "join",
    "substring",
    "charAt",
];
const FUNCS_DYN: &[&str] = &["dyn", "sum", "min", "max"];

impl<'a> Checker<'a> {
    /// The namespace of a namespaced call (`sets` in `sets.contains(...)`).
    fn namespace(&self, target: &E) -> Option<&'static str> {
        match &target.expr {
            Expr::Ident(n) if !self.vars.iter().any(|(v, _)| v == n) => {
                NAMESPACES.iter().find(|ns| *ns == n).copied()
            }
            _ => None,
        }
    }

    fn overload_err(&self, op: &str, args: &[Ty<'a>], pos: usize) -> CheckErr {
        let list: Vec<String> = args.iter().map(name).collect();
        CheckErr {
            msg: format!(
                "found no matching overload for '{op}' applied to '({})'",
                list.join(", ")
            ),
            pos,
        }
    }

    fn expr(&mut self, e: &E) -> Result<Ty<'a>, CheckErr> {
        match &e.expr {
            Expr::Lit(v) => Ok(match v {
                super::cel::Val::Null => Ty::Null,
                super::cel::Val::Bool(_) => Ty::Bool,
                super::cel::Val::Int(_) => Ty::Int,
                super::cel::Val::Uint(_) => Ty::Uint,
                super::cel::Val::Double(_) => Ty::Double,
                super::cel::Val::Str(_) => Ty::Str,
                super::cel::Val::Bytes(_) => Ty::Bytes,
                _ => Ty::Dyn,
            }),
            Expr::Ident(n) => {
                if let Some((_, t)) = self.vars.iter().rev().find(|(v, _)| v == n) {
                    return Ok(t.clone());
                }
                match n.as_str() {
                    "int" | "uint" | "double" | "bool" | "string" | "bytes" | "list" | "map"
                    | "null_type" | "type" => Ok(Ty::Type),
                    _ => Err(CheckErr {
                        msg: format!("undeclared reference to '{n}' (in container '')"),
                        pos: e.pos,
                    }),
                }
            }
            Expr::Select(operand, field, test) => {
                let t = self.expr(operand)?;
                let ft = field_ty(&t, field).map_err(|msg| CheckErr { msg, pos: e.pos })?;
                Ok(if *test { Ty::Bool } else { ft })
            }
            Expr::List(items) => {
                let mut elem = None;
                for it in items {
                    let t = self.expr(it)?;
                    elem.get_or_insert(t);
                }
                Ok(Ty::List(Box::new(elem.unwrap_or(Ty::Dyn))))
            }
            Expr::Map(entries) => {
                let mut val = None;
                for (k, v) in entries {
                    self.expr(k)?;
                    let t = self.expr(v)?;
                    val.get_or_insert(t);
                }
                Ok(Ty::Map(Box::new(val.unwrap_or(Ty::Dyn))))
            }
            Expr::Comp {
                kind,
                range,
                var,
                pred,
                transform,
            } => {
                let rt = self.expr(range)?;
                let vt = match &rt {
                    Ty::List(el) => (**el).clone(),
                    Ty::Map(_) | Ty::Object(..) | Ty::RootMeta => Ty::Str,
                    Ty::Dyn => Ty::Dyn,
                    other => {
                        return Err(self.overload_err("@in", std::slice::from_ref(other), e.pos))
                    }
                };
                self.vars.push((var.clone(), vt.clone()));
                let pt = self.expr(pred);
                let tt = transform.as_ref().map(|t| self.expr(t));
                self.vars.pop();
                let pt = pt?;
                if !matches!(pt, Ty::Bool | Ty::Dyn) {
                    return Err(self.overload_err("_&&_", &[Ty::Bool, pt], pred.pos));
                }
                Ok(match kind {
                    Macro::All | Macro::Exists | Macro::ExistsOne => Ty::Bool,
                    Macro::Filter => Ty::List(Box::new(vt)),
                    Macro::Map => Ty::List(Box::new(tt.transpose()?.unwrap_or(Ty::Dyn))),
                })
            }
            Expr::Call(target, f, args) => {
                if let Some(ns) = target.as_deref().and_then(|t| self.namespace(t)) {
                    for a in args {
                        self.expr(a)?;
                    }
                    return if is_library_function(&format!("{ns}.{f}")) {
                        Ok(Ty::Dyn)
                    } else {
                        Err(CheckErr {
                            msg: format!("undeclared reference to '{ns}.{f}' (in container '')"),
                            pos: e.pos,
                        })
                    };
                }
                let tt = match target {
                    Some(t) => Some(self.expr(t)?),
                    None => None,
                };
                let mut ats = Vec::with_capacity(args.len());
                for a in args {
                    ats.push(self.expr(a)?);
                }
                self.call(f, tt, ats, e.pos)
            }
        }
    }

    fn call(
        &self,
        f: &str,
        target: Option<Ty<'a>>,
        args: Vec<Ty<'a>>,
        pos: usize,
    ) -> Result<Ty<'a>, CheckErr> {
        let bool_like = |t: &Ty<'_>| matches!(t, Ty::Bool | Ty::Dyn);
        match f {
            "_&&_" | "_||_" | "!_" => {
                if args.iter().all(bool_like) {
                    Ok(Ty::Bool)
                } else {
                    Err(self.overload_err(f, &args, pos))
                }
            }
            "_==_" | "_!=_" | "_<_" | "_<=_" | "_>_" | "_>=_" => {
                let ordering = !matches!(f, "_==_" | "_!=_");
                match (category(&args[0]), category(&args[1])) {
                    (Some(a), Some(b)) if a != b => Err(self.overload_err(f, &args, pos)),
                    (Some("list" | "map" | "type"), _) if ordering => {
                        Err(self.overload_err(f, &args, pos))
                    }
                    _ => Ok(Ty::Bool),
                }
            }
            "@in" => match &args[1] {
                Ty::List(_) | Ty::Map(_) | Ty::Dyn => Ok(Ty::Bool),
                _ => Err(self.overload_err(f, &args, pos)),
            },
            "-_" => match &args[0] {
                Ty::Int | Ty::Double | Ty::Dyn => Ok(args[0].clone()),
                _ => Err(self.overload_err(f, &args, pos)),
            },
            "_+_" | "_-_" | "_*_" | "_/_" | "_%_" => self.arith(f, args, pos),
            "_[_]" => match &args[0] {
                Ty::List(el) => Ok((**el).clone()),
                Ty::Map(v) => Ok((**v).clone()),
                Ty::Dyn => Ok(Ty::Dyn),
                _ => Err(self.overload_err(f, &args, pos)),
            },
            "_?_:_" => {
                if !bool_like(&args[0]) {
                    return Err(self.overload_err(f, &args, pos));
                }
                Ok(match (category(&args[1]), category(&args[2])) {
                    (Some(a), Some(b)) if a == b => args[1].clone(),
                    _ => Ty::Dyn,
                })
            }
            "type" => Ok(Ty::Type),
            "double" => Ok(Ty::Double),
            "uint" => Ok(Ty::Uint),
            "bytes" => Ok(Ty::Bytes),
            "split" => Ok(Ty::List(Box::new(Ty::Str))),
            _ if FUNCS_BOOL.contains(&f) => Ok(Ty::Bool),
            _ if FUNCS_INT.contains(&f) => Ok(Ty::Int),
            _ if FUNCS_STR.contains(&f) => Ok(Ty::Str),
            _ if FUNCS_DYN.contains(&f) => Ok(target.unwrap_or(Ty::Dyn)),
            _ if is_library_function(f) => Ok(Ty::Dyn),
            _ => Err(CheckErr {
                msg: format!("undeclared reference to '{f}' (in container '')"),
                pos,
            }),
        }
    }

    fn arith(&self, f: &str, args: Vec<Ty<'a>>, pos: usize) -> Result<Ty<'a>, CheckErr> {
        let (a, b) = (&args[0], &args[1]);
        if is_dyn(a) {
            return Ok(b.clone());
        }
        if is_dyn(b) {
            return Ok(a.clone());
        }
        let ok = match (a, b) {
            (Ty::Int, Ty::Int) | (Ty::Uint, Ty::Uint) => true,
            (Ty::Double, Ty::Double) => f != "_%_",
            (Ty::Str, Ty::Str) | (Ty::Bytes, Ty::Bytes) | (Ty::List(_), Ty::List(_)) => f == "_+_",
            _ => false,
        };
        if ok {
            Ok(a.clone())
        } else {
            Err(self.overload_err(f, &args, pos))
        }
    }
}
