//! Field tables and the generic message → JSON decoder driven by them.
//!
//! Each Kubernetes message is described by a `&[Field]` table (number, JSON name, type,
//! cardinality), written from the upstream `generated.proto` files and the Go types' JSON
//! tags. Go's generated marshallers write every non-pointer field, zero or not, so on the
//! wire "present" says nothing; the tables therefore record whether the Go field is a
//! pointer ([`Card::Ptr`], kept whenever it is on the wire) or a value ([`Card::Opt`], kept
//! only when non-zero, as JSON's `omitempty` would).

use serde_json::{Map, Value};

use super::wire::{packed_varints, Reader, Wire};
use super::ProtobufError;

/// How a field's value is decoded.
#[derive(Clone, Copy)]
pub(super) enum Ty {
    Str,
    /// `bytes`, rendered as base64 like Go's `[]byte` in JSON.
    Bytes,
    I32,
    I64,
    Bool,
    Msg(&'static [Field]),
    /// An embedded Go struct whose fields JSON inlines into the parent
    /// (`ProbeHandler` in `Probe`, `VolumeSource` in `Volume`, ...).
    Inline(&'static [Field]),
    /// `meta.v1.Time`: `{1 seconds, 2 nanos}`, RFC 3339 seconds; an empty message is unset.
    Time,
    /// `intstr.IntOrString`: `{1 type, 2 intVal, 3 strVal}`, a JSON number or string.
    IntOrStr,
    /// `resource.Quantity`: `{1 string}`, a JSON string.
    Quantity,
    /// `meta.v1.FieldsV1`: `{1 Raw}`, the raw bytes are JSON.
    FieldsV1,
    /// A message `{repeated string items = 1}` rendered as a JSON array (`ExtraValue`).
    StrList,
}

/// Cardinality and presence rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Card {
    /// A Go value field with `omitempty`: zero values are unset.
    Opt,
    /// A Go value field without `omitempty`: kept even when zero.
    Req,
    /// A Go pointer field: kept whenever it is on the wire.
    Ptr,
    /// `repeated`.
    Rep,
    /// `map<string, ty>`: entries `{1 key, 2 value}`.
    Map,
}

pub(super) struct Field {
    pub(super) num: u32,
    pub(super) name: &'static str,
    pub(super) ty: Ty,
    pub(super) card: Card,
}

pub(super) const fn opt(num: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        num,
        name,
        ty,
        card: Card::Opt,
    }
}
pub(super) const fn req(num: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        num,
        name,
        ty,
        card: Card::Req,
    }
}
pub(super) const fn ptr(num: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        num,
        name,
        ty,
        card: Card::Ptr,
    }
}
pub(super) const fn rep(num: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        num,
        name,
        ty,
        card: Card::Rep,
    }
}
pub(super) const fn map(num: u32, name: &'static str, ty: Ty) -> Field {
    Field {
        num,
        name,
        ty,
        card: Card::Map,
    }
}
/// A string field with `omitempty`, the most common kind.
pub(super) const fn s(num: u32, name: &'static str) -> Field {
    opt(num, name, Ty::Str)
}

fn mismatch(field: &Field, wire: &Wire<'_>) -> ProtobufError {
    ProtobufError::Malformed(format!(
        "field {} ({}) has wire type {}",
        field.num,
        field.name,
        wire.type_name()
    ))
}

/// Decodes one message into a JSON object; unknown fields are skipped.
pub(super) fn message(buf: &[u8], fields: &[Field]) -> Result<Map<String, Value>, ProtobufError> {
    let mut out = Map::new();
    let mut reader = Reader::new(buf);
    while let Some((num, wire)) = reader.field()? {
        let Some(field) = fields.iter().find(|f| f.num == num) else {
            continue;
        };
        match field.card {
            Card::Rep => repeated(&mut out, field, wire)?,
            Card::Map => map_entry(&mut out, field, wire)?,
            Card::Opt | Card::Req | Card::Ptr => {
                if let Ty::Inline(inner) = field.ty {
                    let Wire::Bytes(bytes) = wire else {
                        return Err(mismatch(field, &wire));
                    };
                    out.extend(message(bytes, inner)?);
                    continue;
                }
                match scalar(field, wire)? {
                    Some(value) if field.card != Card::Opt || !is_zero(&value) => {
                        out.insert(field.name.to_owned(), value);
                    }
                    _ => {
                        out.remove(field.name);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Zero values of scalars, which a Go value field with `omitempty` leaves out of JSON.
fn is_zero(value: &Value) -> bool {
    match value {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_i64() == Some(0),
        _ => false,
    }
}

fn repeated(
    out: &mut Map<String, Value>,
    field: &Field,
    wire: Wire<'_>,
) -> Result<(), ProtobufError> {
    let items: Vec<Value> = match (field.ty, wire) {
        (Ty::I32 | Ty::I64 | Ty::Bool, Wire::Bytes(bytes)) => packed_varints(bytes)?
            .into_iter()
            .map(|v| varint_value(field.ty, v))
            .collect(),
        _ => scalar(field, wire)?.into_iter().collect(),
    };
    let slot = out
        .entry(field.name)
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = slot {
        list.extend(items);
    }
    Ok(())
}

fn map_entry(
    out: &mut Map<String, Value>,
    field: &Field,
    wire: Wire<'_>,
) -> Result<(), ProtobufError> {
    let Wire::Bytes(bytes) = wire else {
        return Err(mismatch(field, &wire));
    };
    let (mut key, mut value) = (String::new(), None);
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field()? {
        match (num, wire) {
            (1, Wire::Bytes(k)) => key = utf8(field, k)?,
            (2, wire) => value = scalar(field, wire)?,
            _ => {}
        }
    }
    let value = value.unwrap_or_else(|| zero(field.ty));
    let slot = out
        .entry(field.name)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(entries) = slot {
        entries.insert(key, value);
    }
    Ok(())
}

/// The value a map entry without a value field stands for.
fn zero(ty: Ty) -> Value {
    match ty {
        Ty::Str | Ty::Bytes | Ty::Quantity => Value::String(String::new()),
        Ty::I32 | Ty::I64 => Value::from(0),
        Ty::Bool => Value::Bool(false),
        Ty::StrList => Value::Array(Vec::new()),
        Ty::Msg(_) | Ty::Inline(_) => Value::Object(Map::new()),
        Ty::Time | Ty::IntOrStr | Ty::FieldsV1 => Value::Null,
    }
}

fn utf8(field: &Field, bytes: &[u8]) -> Result<String, ProtobufError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ProtobufError::Malformed(format!("field {} is not valid UTF-8", field.name)))
}

fn varint_value(ty: Ty, v: u64) -> Value {
    match ty {
        // int32 is sign-extended to 64 bits on the wire; truncation recovers it.
        Ty::I32 => Value::from(v as i32),
        Ty::Bool => Value::Bool(v != 0),
        _ => Value::from(v as i64),
    }
}

/// Decodes a single (non-inline) value; `None` for an unset `Time`.
fn scalar(field: &Field, wire: Wire<'_>) -> Result<Option<Value>, ProtobufError> {
    let value = match (field.ty, wire) {
        (Ty::I32 | Ty::I64 | Ty::Bool, Wire::Varint(v)) => varint_value(field.ty, v),
        (Ty::Str, Wire::Bytes(b)) => Value::String(utf8(field, b)?),
        (Ty::Bytes, Wire::Bytes(b)) => Value::String(base64(b)),
        (Ty::Msg(inner) | Ty::Inline(inner), Wire::Bytes(b)) => Value::Object(message(b, inner)?),
        (Ty::Time, Wire::Bytes(b)) => return time(b),
        (Ty::IntOrStr, Wire::Bytes(b)) => int_or_string(b)?,
        (Ty::Quantity, Wire::Bytes(b)) => single_string(field, b)?,
        (Ty::FieldsV1, Wire::Bytes(b)) => fields_v1(b)?,
        (Ty::StrList, Wire::Bytes(b)) => {
            let items = message(b, &[rep(1, "items", Ty::Str)])?;
            items
                .get("items")
                .cloned()
                .unwrap_or(Value::Array(Vec::new()))
        }
        (_, wire) => return Err(mismatch(field, &wire)),
    };
    Ok(Some(value))
}

fn time(bytes: &[u8]) -> Result<Option<Value>, ProtobufError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    let mut seconds = 0i64;
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field()? {
        if let (1, Wire::Varint(v)) = (num, wire) {
            seconds = v as i64;
        }
    }
    // Like the apiserver, drop nanos: JSON times carry whole seconds.
    let ts = jiff::Timestamp::from_second(seconds)
        .map_err(|e| ProtobufError::Malformed(format!("timestamp {seconds}: {e}")))?;
    Ok(Some(Value::String(ts.to_string())))
}

fn int_or_string(bytes: &[u8]) -> Result<Value, ProtobufError> {
    let (mut kind, mut int, mut string) = (0u64, 0i32, String::new());
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field()? {
        match (num, wire) {
            (1, Wire::Varint(v)) => kind = v,
            (2, Wire::Varint(v)) => int = v as i32,
            (3, Wire::Bytes(b)) => {
                string = String::from_utf8(b.to_vec())
                    .map_err(|_| ProtobufError::Malformed("IntOrString is not UTF-8".into()))?;
            }
            _ => {}
        }
    }
    Ok(if kind == 1 {
        Value::String(string)
    } else {
        Value::from(int)
    })
}

fn single_string(field: &Field, bytes: &[u8]) -> Result<Value, ProtobufError> {
    let mut out = String::new();
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field()? {
        if let (1, Wire::Bytes(b)) = (num, wire) {
            out = utf8(field, b)?;
        }
    }
    Ok(Value::String(out))
}

fn fields_v1(bytes: &[u8]) -> Result<Value, ProtobufError> {
    let mut raw: &[u8] = b"{}";
    let mut reader = Reader::new(bytes);
    while let Some((num, wire)) = reader.field()? {
        if let (1, Wire::Bytes(b)) = (num, wire) {
            raw = b;
        }
    }
    serde_json::from_slice(raw)
        .map_err(|e| ProtobufError::Malformed(format!("fieldsV1 is not JSON: {e}")))
}

/// Standard base64 with padding, as Go's `encoding/json` writes `[]byte`.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
