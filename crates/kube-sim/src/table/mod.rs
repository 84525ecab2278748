//! `meta.k8s.io/v1` Table output (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`),
//! as `kubectl get` requests it.
//!
//! Built-in kinds use kube-apiserver's printers (columns and cells of
//! `pkg/printers/internalversion`, always in their wide form: kubectl hides priority-1
//! columns unless `-o wide`); kinds without a printer, CustomResourceDefinitions included,
//! get `Name` and `Created At`. Custom resources get `Name` plus the CRD's
//! `additionalPrinterColumns` of the served version, evaluated with [`JsonPath`].
//!
//! Each row carries `object` per `includeObject`: `PartialObjectMetadata` (default), the
//! full object, or null.

use jiff::Timestamp;
use serde_json::{json, Map, Value};

mod columns;
mod custom;
mod descriptions;
mod format;
mod jsonpath;
mod pod;
mod printers;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_custom;
#[cfg(test)]
mod tests_kubectl;
#[cfg(test)]
mod tests_pod;
#[cfg(test)]
mod tests_printers;

pub use jsonpath::{JsonPath, JsonPathError};

/// What a table is printed for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableKind {
    /// API group, `""` for the core group.
    pub group: String,
    pub kind: String,
    /// For custom resources: the served version's `additionalPrinterColumns` as JSON
    /// (empty: the default `Age` column). `None` for built-in kinds.
    pub printer_columns: Option<Vec<Value>>,
}

impl TableKind {
    /// A built-in kind, printed with kube-apiserver's printer for it (if any).
    pub fn builtin(group: &str, kind: &str) -> Self {
        Self {
            group: group.to_owned(),
            kind: kind.to_owned(),
            printer_columns: None,
        }
    }

    /// A custom resource with the printer columns of its served version.
    pub fn custom(group: &str, kind: &str, printer_columns: Vec<Value>) -> Self {
        Self {
            group: group.to_owned(),
            kind: kind.to_owned(),
            printer_columns: Some(printer_columns),
        }
    }
}

/// The `includeObject` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    None,
    #[default]
    Metadata,
    Object,
}

impl IncludeObject {
    /// Parses `includeObject` (absent or empty: `Metadata`); the error is the message of
    /// kube-apiserver's 400 answer.
    pub fn from_query(value: Option<&str>) -> Result<Self, String> {
        match value.unwrap_or_default() {
            "" | "Metadata" => Ok(Self::Metadata),
            "None" => Ok(Self::None),
            "Object" => Ok(Self::Object),
            other => Err(format!(
                "includeObject: Unsupported value: \"{other}\": supported values: \
                 \"Metadata\", \"None\", \"Object\""
            )),
        }
    }
}

/// Whether an `Accept` header asks for a `meta.k8s.io` Table: the first media range (by
/// `q`, then order) the server can answer decides. Protobuf ranges are skipped (kube-sim
/// answers JSON); other `as=` kinds (PartialObjectMetadata) are not tables.
pub fn wants_table(accept: Option<&str>) -> bool {
    let Some(accept) = accept else {
        return false;
    };
    let mut ranges: Vec<(f64, usize, &str)> = Vec::new();
    for (i, range) in accept.split(',').enumerate() {
        let q = range
            .split(';')
            .skip(1)
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(1.0);
        if q > 0.0 {
            ranges.push((q, i, range));
        }
    }
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, _, range) in ranges {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let param = |name: &str| {
            range
                .split(';')
                .skip(1)
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_owned())
        };
        match media.as_str() {
            "application/json" | "application/yaml" | "application/*" | "*/*" => {}
            _ => continue,
        }
        return match param("as").as_deref() {
            None => false,
            Some("Table") => {
                param("g").as_deref() == Some("meta.k8s.io")
                    && matches!(param("v").as_deref(), Some("v1" | "v1beta1"))
            }
            Some(_) => false,
        };
    }
    false
}

/// A Table of `objects` (a list, or one object for GET) with `metadata.resourceVersion`
/// `list_rv`; `with_headers: false` sends `"columnDefinitions": null` (watch events after
/// the first). Ages are measured from now.
pub fn table(
    kind_info: &TableKind,
    objects: &[Value],
    include_object: IncludeObject,
    list_rv: &str,
    with_headers: bool,
) -> Value {
    table_at(
        kind_info,
        objects,
        include_object,
        list_rv,
        with_headers,
        Timestamp::now(),
    )
}

/// [`table`] with ages measured from `now`.
pub fn table_at(
    kind_info: &TableKind,
    objects: &[Value],
    include_object: IncludeObject,
    list_rv: &str,
    with_headers: bool,
    now: Timestamp,
) -> Value {
    let (definitions, rows): (Vec<Value>, Vec<Value>) = match &kind_info.printer_columns {
        Some(printer_columns) => {
            let cols = custom::columns(printer_columns);
            let rows = objects
                .iter()
                .map(|o| row(custom::cells(&cols, o, now), None, o, include_object))
                .collect();
            (custom::definitions(&cols), rows)
        }
        None => {
            let (cols, print) = printers::printer(&kind_info.group, &kind_info.kind);
            let rows = objects
                .iter()
                .map(|o| {
                    let printed = print(o, now);
                    row(printed.cells, printed.conditions, o, include_object)
                })
                .collect();
            (cols.iter().map(columns::Col::to_json).collect(), rows)
        }
    };
    let mut metadata = Map::new();
    if !list_rv.is_empty() {
        metadata.insert("resourceVersion".into(), json!(list_rv));
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": if with_headers { Value::Array(definitions) } else { Value::Null },
        "rows": rows,
    })
}

/// The object of a watch event on a Table watch: a one-row table whose
/// `metadata.resourceVersion` is the object's; only the first event carries headers.
pub fn watch_event_table(
    kind_info: &TableKind,
    object: &Value,
    include_object: IncludeObject,
    with_headers: bool,
) -> Value {
    let rv = object
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    table(
        kind_info,
        std::slice::from_ref(object),
        include_object,
        rv,
        with_headers,
    )
}

fn row(
    cells: Vec<Value>,
    conditions: Option<Value>,
    object: &Value,
    include: IncludeObject,
) -> Value {
    let object = match include {
        IncludeObject::None => Value::Null,
        IncludeObject::Object => object.clone(),
        IncludeObject::Metadata => json!({
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": object.get("metadata").cloned().unwrap_or_else(|| json!({})),
        }),
    };
    let mut row = json!({"cells": cells, "object": object});
    if let Some(conditions) = conditions {
        row["conditions"] = conditions;
    }
    row
}
