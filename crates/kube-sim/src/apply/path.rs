//! Field paths: one step ([`PathElement`]) into a typed object, their order, their rendering
//! in conflict messages (`.spec.containers[name="web"].image`) and their FieldsV1 keys
//! (`f:image`, `k:{"name":"web"}`, `v:"x"`, `i:0`).

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;

use super::gofmt::{go_json, go_json_string_into, go_to_string};
use super::value::go_compare;

/// One step of a field path.
#[derive(Debug, Clone)]
pub enum PathElement {
    /// A struct field or map key: `f:<name>`, rendered `.name`.
    Field(String),
    /// An item of an associative list with keys, identified by its key fields sorted by name:
    /// `k:{"containerPort":53,"protocol":"TCP"}`, rendered `[containerPort=53,protocol="TCP"]`.
    Key(Vec<(String, Value)>),
    /// An item of a set (associative list of scalars): `v:"x"`, rendered `[="x"]`.
    Value(Value),
    /// A list index (only in FieldsV1 written by others; never produced here): `i:3`,
    /// rendered `[3]`.
    Index(i64),
}

/// A field path from the object root.
pub type Path = Vec<PathElement>;

impl PathElement {
    /// A key element from `(field, value)` pairs; the pairs are sorted by field name.
    pub fn key(mut fields: Vec<(String, Value)>) -> Self {
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        PathElement::Key(fields)
    }

    /// A field element.
    pub fn field(name: impl Into<String>) -> Self {
        PathElement::Field(name.into())
    }

    fn variant(&self) -> u8 {
        match self {
            PathElement::Field(_) => 0,
            PathElement::Key(_) => 1,
            PathElement::Value(_) => 2,
            PathElement::Index(_) => 3,
        }
    }

    /// The FieldsV1 key of this element (`f:name`, `k:{...}`, `v:...`, `i:N`), with values
    /// written as Go's JSON encoder writes them.
    pub fn to_fields_v1_key(&self) -> String {
        match self {
            PathElement::Field(name) => format!("f:{name}"),
            PathElement::Key(fields) => {
                let mut out = String::from("k:{");
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    go_json_string_into(&mut out, name);
                    out.push(':');
                    out.push_str(&go_json(value));
                }
                out.push('}');
                out
            }
            PathElement::Value(value) => format!("v:{}", go_json(value)),
            PathElement::Index(i) => format!("i:{i}"),
        }
    }

    /// Parses a FieldsV1 key. `Ok(None)` for a well-formed key of an unknown type (such keys
    /// are skipped, as upstream does); `Err` for malformed keys.
    pub fn from_fields_v1_key(key: &str) -> Result<Option<Self>, String> {
        let b = key.as_bytes();
        if b.len() < 2 {
            return Err("key must be 2 characters long:".to_owned());
        }
        if b[1] != b':' {
            return Err(format!("missing colon: {key}"));
        }
        let rest = &key[2..];
        match b[0] {
            b'f' => Ok(Some(PathElement::Field(rest.to_owned()))),
            b'v' => serde_json::from_str::<Value>(rest)
                .map(|v| Some(PathElement::Value(v)))
                .map_err(|e| format!("parsing {key:?} as a value: {e}")),
            b'k' => match serde_json::from_str::<Value>(rest) {
                Ok(Value::Object(map)) => Ok(Some(PathElement::key(map.into_iter().collect()))),
                Ok(_) => Err(format!("parsing {key:?}: key fields must be a JSON object")),
                Err(e) => Err(format!("parsing {key:?} as key fields: {e}")),
            },
            b'i' => parse_go_int(rest)
                .map(|i| Some(PathElement::Index(i)))
                .ok_or_else(|| format!("strconv.Atoi: parsing {rest:?}: invalid syntax")),
            _ => Ok(None),
        }
    }
}

fn parse_go_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Ord for PathElement {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PathElement::Field(a), PathElement::Field(b)) => a.cmp(b),
            (PathElement::Key(a), PathElement::Key(b)) => {
                for ((an, av), (bn, bv)) in a.iter().zip(b) {
                    let c = an.cmp(bn).then_with(|| go_compare(av, bv));
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                a.len().cmp(&b.len())
            }
            (PathElement::Value(a), PathElement::Value(b)) => go_compare(a, b),
            (PathElement::Index(a), PathElement::Index(b)) => a.cmp(b),
            _ => self.variant().cmp(&other.variant()),
        }
    }
}

impl PartialOrd for PathElement {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PathElement {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PathElement {}

impl fmt::Display for PathElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Field(name) => write!(f, ".{name}"),
            PathElement::Key(fields) => {
                f.write_str("[")?;
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{name}={}", go_to_string(value))?;
                }
                f.write_str("]")
            }
            PathElement::Value(value) => write!(f, "[={}]", go_to_string(value)),
            PathElement::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path as upstream renders it: the elements run together, e.g.
/// `.spec.template.spec.containers[name="web"].image` or `.metadata.finalizers[="x"]`.
pub fn path_string(path: &[PathElement]) -> String {
    path.iter().map(ToString::to_string).collect()
}
