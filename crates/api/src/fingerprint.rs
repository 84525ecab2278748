//! A description-free, line-per-path summary of a CRD, used to compare our generated CRDs
//! with Flux's released ones field for field.
//!
//! Every schema node becomes one line `PATH: ATTRS` where PATH is built from property names
//! (`.spec.url`), `[]` for array items and `{}` for map values, and ATTRS are all the node's
//! keywords except `description` and the sub-schemas, as canonical JSON. The CRD's names,
//! scope and each version's flags and printer columns are lines too. Two CRDs are equal for
//! our purposes exactly when their fingerprints are equal.

use std::collections::BTreeMap;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::{Map, Value};

/// The fingerprint of one CRD: path → attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fingerprint {
    pub lines: BTreeMap<String, String>,
}

/// How two fingerprints differ.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FingerprintDiff {
    /// Paths the reference has and we lack.
    pub missing: Vec<String>,
    /// Paths we have and the reference lacks.
    pub extra: Vec<String>,
    /// Paths both have with different attributes: (path, reference, ours).
    pub different: Vec<(String, String, String)>,
}

impl FingerprintDiff {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.different.is_empty()
    }
}

impl std::fmt::Display for FingerprintDiff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} missing, {} extra, {} different",
            self.missing.len(),
            self.extra.len(),
            self.different.len()
        )?;
        for p in &self.missing {
            writeln!(f, "  missing:   {p}")?;
        }
        for p in &self.extra {
            writeln!(f, "  extra:     {p}")?;
        }
        for (p, theirs, ours) in &self.different {
            writeln!(f, "  different: {p}\n    flux: {theirs}\n    ours: {ours}")?;
        }
        Ok(())
    }
}

impl Fingerprint {
    /// Fingerprints a CRD given as JSON (from our types or parsed from Flux's YAML).
    pub fn of_value(crd: &Value) -> Fingerprint {
        let mut fp = Fingerprint::default();
        let spec = &crd["spec"];
        fp.put("crd.group", &spec["group"]);
        fp.put("crd.scope", &spec["scope"]);
        let names = &spec["names"];
        for key in [
            "kind",
            "listKind",
            "plural",
            "singular",
            "shortNames",
            "categories",
        ] {
            fp.put(&format!("crd.names.{key}"), &names[key]);
        }
        if let Some(versions) = spec["versions"].as_array() {
            for v in versions {
                let name = v["name"].as_str().unwrap_or_default();
                let prefix = format!("{name}:");
                for key in [
                    "served",
                    "storage",
                    "deprecated",
                    "deprecationWarning",
                    "subresources",
                ] {
                    fp.put(&format!("{prefix}version.{key}"), &v[key]);
                }
                let columns = strip_descriptions(&v["additionalPrinterColumns"]);
                fp.put(
                    &format!("{prefix}version.additionalPrinterColumns"),
                    &columns,
                );
                walk(&mut fp, &prefix, &v["schema"]["openAPIV3Schema"]);
            }
        }
        fp
    }

    /// Fingerprints one of our CRDs.
    pub fn of_crd(crd: &CustomResourceDefinition) -> Fingerprint {
        Fingerprint::of_value(&serde_json::to_value(crd).unwrap_or(Value::Null))
    }

    /// Parses the text form written by [`Fingerprint::to_text`]; `#` lines are comments.
    pub fn parse(text: &str) -> Fingerprint {
        let mut fp = Fingerprint::default();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some((path, attrs)) = line.split_once(" => ") {
                fp.lines.insert(path.to_owned(), attrs.to_owned());
            }
        }
        fp
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (path, attrs) in &self.lines {
            out.push_str(path);
            out.push_str(" => ");
            out.push_str(attrs);
            out.push('\n');
        }
        out
    }

    /// Number of schema property paths (lines that are not CRD or version metadata).
    pub fn property_paths(&self) -> usize {
        self.lines
            .keys()
            .filter(|k| k.contains(":.") || k.ends_with(':'))
            .count()
    }

    /// Compares `self` (ours) with `reference` (Flux's).
    pub fn diff(&self, reference: &Fingerprint) -> FingerprintDiff {
        let mut diff = FingerprintDiff::default();
        for (path, theirs) in &reference.lines {
            match self.lines.get(path) {
                None => diff.missing.push(path.clone()),
                Some(ours) if ours != theirs => {
                    diff.different
                        .push((path.clone(), theirs.clone(), ours.clone()))
                }
                Some(_) => {}
            }
        }
        for path in self.lines.keys() {
            if !reference.lines.contains_key(path) {
                diff.extra.push(path.clone());
            }
        }
        diff
    }

    fn put(&mut self, path: &str, value: &Value) {
        if !value.is_null() {
            self.lines.insert(path.to_owned(), canonical(value));
        }
    }
}

fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15) {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

fn walk(fp: &mut Fingerprint, path: &str, schema: &Value) {
    let Value::Object(map) = schema else {
        return;
    };
    let mut attrs = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "description" | "properties" | "items" => {}
            "additionalProperties" if value.is_object() => {}
            _ => {
                attrs.insert(key.clone(), value.clone());
            }
        }
    }
    fp.lines
        .insert(path.to_owned(), canonical(&Value::Object(attrs)));
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, sub) in props {
            walk(fp, &format!("{path}.{name}"), sub);
        }
    }
    if let Some(items) = map.get("items") {
        walk(fp, &format!("{path}[]"), items);
    }
    if let Some(additional @ Value::Object(_)) = map.get("additionalProperties") {
        walk(fp, &format!("{path}{{}}"), additional);
    }
}

fn strip_descriptions(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "description")
                .map(|(k, v)| (k.clone(), strip_descriptions(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_descriptions).collect()),
        other => other.clone(),
    }
}

/// JSON with object keys sorted (serde_json's default map is a BTreeMap), `required`
/// lists sorted and integral numbers written as integers (`0.0` and `0` are one JSON
/// value; k8s-openapi stores schema bounds as floats), since neither carries meaning.
fn canonical(value: &Value) -> String {
    let mut v = value.clone();
    integral_numbers(&mut v);
    if let Value::Object(map) = &mut v {
        if let Some(Value::Array(req)) = map.get_mut("required") {
            req.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    }
    serde_json::to_string(&v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd(schema: Value) -> Value {
        json!({"spec": {"group": "g", "scope": "Namespaced", "names": {"kind": "K", "plural": "ks"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": schema}}]}})
    }

    #[test]
    fn descriptions_do_not_matter_but_everything_else_does() {
        let a = crd(json!({"type": "object", "description": "x", "properties": {
            "spec": {"type": "object", "required": ["b", "a"], "properties": {
                "a": {"type": "string", "description": "A"},
                "b": {"type": "array", "items": {"type": "string", "enum": ["x"]}}}}}}));
        let b = crd(json!({"type": "object", "properties": {
            "spec": {"type": "object", "required": ["a", "b"], "properties": {
                "a": {"type": "string"},
                "b": {"type": "array", "items": {"type": "string", "enum": ["x"]}}}}}}));
        let diff = Fingerprint::of_value(&a).diff(&Fingerprint::of_value(&b));
        assert!(diff.is_empty(), "{diff}");

        let c = crd(json!({"type": "object", "properties": {
            "spec": {"type": "object", "required": ["a"], "properties": {
                "a": {"type": "string", "default": "z"},
                "c": {"type": "boolean"}}}}}));
        let diff = Fingerprint::of_value(&c).diff(&Fingerprint::of_value(&b));
        assert_eq!(diff.missing, vec!["v1:.spec.b", "v1:.spec.b[]"]);
        assert_eq!(diff.extra, vec!["v1:.spec.c"]);
        let changed: Vec<_> = diff.different.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(changed, vec!["v1:.spec", "v1:.spec.a"]);
    }

    #[test]
    fn text_form_round_trips() {
        let a = crd(
            json!({"type": "object", "properties": {"m": {"type": "object",
            "additionalProperties": {"type": "string"}}}}),
        );
        let fp = Fingerprint::of_value(&a);
        assert!(fp.lines.contains_key("v1:.m{}"));
        assert_eq!(Fingerprint::parse(&fp.to_text()), fp);
    }
}
