//! Reading Flux YAML: multi-document streams into typed objects, and a check that a typed
//! round trip loses nothing.

use serde_json::Value;

use crate::helm::v2::HelmRelease;
use crate::kustomize::v1::Kustomization;
use crate::source::v1::OCIRepository;

/// One YAML document, typed when it is one of our kinds.
#[derive(Clone, Debug)]
pub enum Document {
    OCIRepository(Box<OCIRepository>),
    Kustomization(Box<Kustomization>),
    HelmRelease(Box<HelmRelease>),
    /// Any other Kubernetes object (Namespace, Secret, ...), kept as JSON.
    Other(Value),
}

/// Failure to read a document.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The text is not YAML.
    #[error("document {index}: invalid YAML")]
    Yaml {
        index: usize,
        #[source]
        source: serde_yaml_ng::Error,
    },
    /// The document is YAML but not a valid object of its kind.
    #[error("document {index} ({kind}): does not match the {kind} schema")]
    Schema {
        index: usize,
        kind: String,
        #[source]
        source: serde_json::Error,
    },
}

impl Document {
    /// `apiVersion/kind` of the document.
    pub fn type_name(&self) -> String {
        match self {
            Document::OCIRepository(_) => "source.toolkit.fluxcd.io/v1/OCIRepository".into(),
            Document::Kustomization(_) => "kustomize.toolkit.fluxcd.io/v1/Kustomization".into(),
            Document::HelmRelease(_) => "helm.toolkit.fluxcd.io/v2/HelmRelease".into(),
            Document::Other(v) => format!(
                "{}/{}",
                v["apiVersion"].as_str().unwrap_or_default(),
                v["kind"].as_str().unwrap_or_default()
            ),
        }
    }

    /// The document serialised back to JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Document::OCIRepository(o) => serde_json::to_value(o),
            Document::Kustomization(o) => serde_json::to_value(o),
            Document::HelmRelease(o) => serde_json::to_value(o),
            Document::Other(v) => Ok(v.clone()),
        }
        .unwrap_or(Value::Null)
    }
}

/// Parses every non-empty document of a YAML stream.
pub fn parse_all(text: &str) -> Result<Vec<(Value, Document)>, DocumentError> {
    let mut out = Vec::new();
    for (index, de) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let value: Value = serde::Deserialize::deserialize(de)
            .map_err(|source| DocumentError::Yaml { index, source })?;
        if value.is_null() {
            continue;
        }
        let doc = parse_value(index, &value)?;
        out.push((value, doc));
    }
    Ok(out)
}

fn parse_value(index: usize, value: &Value) -> Result<Document, DocumentError> {
    let api_version = value["apiVersion"].as_str().unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default();
    let typed = |k: &str| {
        let k = k.to_owned();
        move |source| DocumentError::Schema {
            index,
            kind: k,
            source,
        }
    };
    Ok(match (api_version, kind) {
        ("source.toolkit.fluxcd.io/v1", "OCIRepository") => {
            Document::OCIRepository(serde_json::from_value(value.clone()).map_err(typed(kind))?)
        }
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization") => {
            Document::Kustomization(serde_json::from_value(value.clone()).map_err(typed(kind))?)
        }
        ("helm.toolkit.fluxcd.io/v2", "HelmRelease") => {
            Document::HelmRelease(serde_json::from_value(value.clone()).map_err(typed(kind))?)
        }
        _ => Document::Other(value.clone()),
    })
}

/// Paths present in `original` whose value is missing or different in `round_tripped`.
///
/// Fields the round trip adds (defaults) are not losses. Neither is an omitted `false`:
/// Flux's optional flags are Go `bool`s with `omitempty`, absent and `false` mean the same,
/// and Flux itself writes them back without the `false`, as we do.
pub fn lost_fields(original: &Value, round_tripped: &Value) -> Vec<String> {
    let mut lost = Vec::new();
    compare(original, round_tripped, String::new(), &mut lost);
    lost
}

fn compare(a: &Value, b: &Value, path: String, lost: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = format!("{path}.{k}");
                match y.get(k) {
                    Some(w) => compare(v, w, p, lost),
                    // An explicit null or empty value carries no information.
                    None if v.is_null()
                        || v == &Value::Bool(false)
                        || v == &Value::Object(Default::default()) => {}
                    None => lost.push(p),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                compare(v, w, format!("{path}[{i}]"), lost);
            }
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
        _ if a == b => {}
        _ => lost.push(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_and_other_documents() {
        let docs = parse_all(
            "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n\
             apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\n\
             metadata: {name: x, namespace: y}\nspec: {url: 'oci://r/x', interval: 1m}\n",
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].1.type_name(), "v1/Namespace");
        assert!(matches!(docs[1].1, Document::OCIRepository(_)));
    }

    #[test]
    fn schema_errors_name_the_document() {
        let err = parse_all(
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: x}\n\
             spec: {interval: 1m}\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("document 0 (OCIRepository)"),
            "{err}"
        );
        assert!(parse_all("a: [").is_err());
    }

    #[test]
    fn lost_fields_ignores_added_defaults() {
        let a = serde_json::json!({"spec": {"a": 1, "b": [1, 2], "c": null, "e": false}});
        let b = serde_json::json!({"spec": {"a": 1.0, "b": [1, 2], "d": "default"}});
        assert!(lost_fields(&a, &b).is_empty());
        let c = serde_json::json!({"spec": {"b": [1]}});
        assert_eq!(lost_fields(&a, &c), vec![".spec.a", ".spec.b"]);
    }
}
