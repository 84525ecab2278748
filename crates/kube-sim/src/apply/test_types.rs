//! Hand-built [`TypeInfo`] trees for tests: ConfigMap, a Deployment subset, and a custom
//! resource with an untyped subtree.

use std::rc::Rc;

use serde_json::{json, Value};

use super::{ListType, MapType, ScalarKind, Shape, TypeInfo, Untyped};

#[derive(Clone)]
pub enum T {
    Scalar(ScalarKind),
    Untyped,
    Struct {
        fields: Vec<(&'static str, Rc<T>)>,
        extra: Option<Rc<T>>,
        atomic: bool,
    },
    Map(Rc<T>),
    List(ListType, Rc<T>),
    Defaulted(Rc<T>, Value),
}

impl TypeInfo for T {
    fn shape(&self) -> Shape {
        match self {
            T::Scalar(k) => Shape::Scalar(*k),
            T::Untyped => Shape::Untyped,
            T::Struct { .. } | T::Map(_) => Shape::Object,
            T::List(..) => Shape::List,
            T::Defaulted(t, _) => t.shape(),
        }
    }
    fn field(&self, name: &str) -> Option<Box<dyn TypeInfo + '_>> {
        match self {
            T::Struct { fields, .. } => fields
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| Box::new(&**t) as Box<dyn TypeInfo>),
            T::Defaulted(t, _) => t.field(name),
            _ => None,
        }
    }
    fn additional(&self) -> Option<Box<dyn TypeInfo + '_>> {
        match self {
            T::Struct { extra: Some(t), .. } | T::Map(t) => Some(Box::new(&**t)),
            T::Untyped => Some(Box::new(Untyped)),
            T::Defaulted(t, _) => t.additional(),
            _ => None,
        }
    }
    fn items(&self) -> Option<Box<dyn TypeInfo + '_>> {
        match self {
            T::List(_, t) => Some(Box::new(&**t)),
            T::Defaulted(t, _) => t.items(),
            _ => None,
        }
    }
    fn list_type(&self) -> ListType {
        match self {
            T::List(lt, _) => lt.clone(),
            T::Defaulted(t, _) => t.list_type(),
            _ => ListType::Atomic,
        }
    }
    fn map_type(&self) -> MapType {
        match self {
            T::Struct { atomic: true, .. } => MapType::Atomic,
            T::Defaulted(t, _) => t.map_type(),
            _ => MapType::Granular,
        }
    }
    fn default_value(&self) -> Option<Value> {
        match self {
            T::Defaulted(_, v) => Some(v.clone()),
            _ => None,
        }
    }
}

pub fn string() -> T {
    T::Scalar(ScalarKind::String)
}
pub fn int() -> T {
    T::Scalar(ScalarKind::Numeric)
}
pub fn boolean() -> T {
    T::Scalar(ScalarKind::Boolean)
}
pub fn int_or_string() -> T {
    T::Scalar(ScalarKind::Any)
}
pub fn strukt(fields: Vec<(&'static str, T)>) -> T {
    T::Struct {
        fields: fields.into_iter().map(|(n, t)| (n, Rc::new(t))).collect(),
        extra: None,
        atomic: false,
    }
}
pub fn atomic_struct(fields: Vec<(&'static str, T)>) -> T {
    match strukt(fields) {
        T::Struct { fields, extra, .. } => T::Struct {
            fields,
            extra,
            atomic: true,
        },
        other => other,
    }
}
pub fn map_of(t: T) -> T {
    T::Map(Rc::new(t))
}
pub fn list(lt: ListType, t: T) -> T {
    T::List(lt, Rc::new(t))
}
pub fn keyed(keys: &[&str], t: T) -> T {
    list(
        ListType::Map(keys.iter().map(|k| (*k).to_owned()).collect()),
        t,
    )
}
pub fn defaulted(t: T, v: Value) -> T {
    T::Defaulted(Rc::new(t), v)
}

pub fn object_meta() -> T {
    strukt(vec![
        ("name", string()),
        ("generateName", string()),
        ("namespace", string()),
        ("uid", string()),
        ("resourceVersion", string()),
        ("generation", int()),
        ("creationTimestamp", string()),
        ("deletionTimestamp", string()),
        ("labels", map_of(string())),
        ("annotations", map_of(string())),
        ("finalizers", list(ListType::Set, string())),
        (
            "ownerReferences",
            keyed(
                &["uid"],
                strukt(vec![
                    ("apiVersion", string()),
                    ("kind", string()),
                    ("name", string()),
                    ("uid", string()),
                    ("controller", boolean()),
                ]),
            ),
        ),
        ("managedFields", list(ListType::Atomic, T::Untyped)),
    ])
}

fn top(rest: Vec<(&'static str, T)>) -> T {
    let mut fields = vec![
        ("apiVersion", string()),
        ("kind", string()),
        ("metadata", object_meta()),
    ];
    fields.extend(rest);
    strukt(fields)
}

pub fn config_map() -> T {
    top(vec![
        ("data", map_of(string())),
        ("binaryData", map_of(string())),
        ("immutable", boolean()),
    ])
}

fn container() -> T {
    let port = strukt(vec![
        ("name", string()),
        ("containerPort", int()),
        ("protocol", defaulted(string(), json!("TCP"))),
    ]);
    strukt(vec![
        ("name", string()),
        ("image", string()),
        ("imagePullPolicy", string()),
        ("command", list(ListType::Atomic, string())),
        ("args", list(ListType::Atomic, string())),
        ("ports", keyed(&["containerPort", "protocol"], port)),
        (
            "env",
            keyed(
                &["name"],
                strukt(vec![("name", string()), ("value", string())]),
            ),
        ),
        (
            "resources",
            strukt(vec![
                ("limits", map_of(int_or_string())),
                ("requests", map_of(int_or_string())),
            ]),
        ),
        ("terminationMessagePath", string()),
        ("terminationMessagePolicy", string()),
    ])
}

pub fn deployment() -> T {
    let selector = atomic_struct(vec![
        ("matchLabels", map_of(string())),
        ("matchExpressions", list(ListType::Atomic, T::Untyped)),
    ]);
    let pod_spec = strukt(vec![
        ("containers", keyed(&["name"], container())),
        ("restartPolicy", string()),
        ("terminationGracePeriodSeconds", int()),
        ("dnsPolicy", string()),
        ("schedulerName", string()),
        ("securityContext", strukt(vec![("runAsUser", int())])),
        ("tolerations", list(ListType::Atomic, T::Untyped)),
    ]);
    let strategy = strukt(vec![
        ("type", string()),
        (
            "rollingUpdate",
            strukt(vec![
                ("maxSurge", int_or_string()),
                ("maxUnavailable", int_or_string()),
            ]),
        ),
    ]);
    let condition = strukt(vec![
        ("type", string()),
        ("status", string()),
        ("reason", string()),
    ]);
    top(vec![
        (
            "spec",
            strukt(vec![
                ("replicas", int()),
                ("selector", selector),
                ("strategy", strategy),
                ("revisionHistoryLimit", int()),
                ("progressDeadlineSeconds", int()),
                (
                    "template",
                    strukt(vec![("metadata", object_meta()), ("spec", pod_spec)]),
                ),
            ]),
        ),
        (
            "status",
            strukt(vec![
                ("replicas", int()),
                ("readyReplicas", int()),
                ("observedGeneration", int()),
                ("conditions", keyed(&["type"], condition)),
            ]),
        ),
    ])
}

/// A custom resource whose `spec.values` preserves unknown fields.
pub fn widget() -> T {
    top(vec![
        (
            "spec",
            strukt(vec![("interval", string()), ("values", T::Untyped)]),
        ),
        ("status", strukt(vec![("ready", boolean())])),
    ])
}
