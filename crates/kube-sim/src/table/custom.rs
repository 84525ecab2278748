//! Tables of custom resources: `Name` plus the CRD's `additionalPrinterColumns` for the
//! served version, evaluated with JSONPath as apiextensions-apiserver's table convertor does.

use jiff::Timestamp;
use serde_json::{json, Value};

use super::columns::CUSTOM_NAME;
use super::descriptions::CREATED;
use super::format::{go_float, go_json, human_duration};
use super::jsonpath::JsonPath;
use super::printers::text;

/// One printer column: its definition and its parsed path (`None`: unparseable, always null).
pub(crate) struct Column {
    definition: Value,
    ty: String,
    path: Option<JsonPath>,
}

/// The columns of a custom resource table; the CRD's own default when none are declared.
pub(crate) fn columns(printer_columns: &[Value]) -> Vec<Column> {
    let default_age;
    let declared = if printer_columns.is_empty() {
        default_age = [
            json!({"name": "Age", "type": "date", "description": CREATED,
                              "jsonPath": ".metadata.creationTimestamp"}),
        ];
        &default_age[..]
    } else {
        printer_columns
    };
    declared
        .iter()
        .map(|c| {
            let field = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or_default();
            let json_path = field("jsonPath");
            let description = match field("description") {
                "" => format!("Custom resource definition column (in JSONPath format): {json_path}"),
                d => d.to_owned(),
            };
            Column {
                definition: json!({"name": field("name"), "type": field("type"),
                                   "format": field("format"), "description": description,
                                   "priority": c.get("priority").and_then(Value::as_i64).unwrap_or(0)}),
                ty: field("type").to_owned(),
                path: JsonPath::parse(json_path).ok(),
            }
        })
        .collect()
}

/// The `columnDefinitions` of a custom resource table.
pub(crate) fn definitions(columns: &[Column]) -> Vec<Value> {
    std::iter::once(CUSTOM_NAME.to_json())
        .chain(columns.iter().map(|c| c.definition.clone()))
        .collect()
}

/// The cells of one custom resource.
pub(crate) fn cells(columns: &[Column], object: &Value, now: Timestamp) -> Vec<Value> {
    let mut cells = vec![json!(text(object, "/metadata/name"))];
    for column in columns {
        // Only the first match counts, as upstream.
        let first = column
            .path
            .as_ref()
            .and_then(|p| p.find(object).first().copied());
        cells.push(match first {
            None => Value::Null,
            Some(value) if column.ty == "string" => Value::String(print(value)),
            Some(value) => typed_cell(&column.ty, value, now),
        });
    }
    cells
}

/// A value as kubectl's JSONPath printer writes it: strings raw, numbers and booleans as Go
/// prints them, objects and arrays as compact JSON, null as `<no value>`.
pub(crate) fn print(value: &Value) -> String {
    match value {
        Value::Null => "<no value>".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => go_float(f),
            _ => n.to_string(),
        },
        Value::Array(_) | Value::Object(_) => go_json(value),
    }
}

/// Cells of `integer`, `number`, `boolean` and `date` columns; anything that does not fit
/// the column type is null.
fn typed_cell(ty: &str, value: &Value, now: Timestamp) -> Value {
    match (ty, value) {
        ("integer", Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f as i64))
            .map_or(Value::Null, Value::from),
        ("number", Value::Number(_)) | ("boolean", Value::Bool(_)) => value.clone(),
        ("date", Value::String(s)) => Value::String(date(s, now)),
        _ => Value::Null,
    }
}

/// A `date` cell: the age of the timestamp (`<unknown>` when empty, `<invalid>` when it is
/// not RFC 3339).
fn date(s: &str, now: Timestamp) -> String {
    if s.is_empty() || s == "null" {
        return "<unknown>".to_owned();
    }
    match s.parse::<Timestamp>() {
        Ok(ts) => human_duration(now.duration_since(ts)),
        Err(_) => "<invalid>".to_owned(),
    }
}
