//! Label and field selectors on objects (spec §2.15).

use std::collections::BTreeMap;

use ferroflux_runtime::labels::Selector as LabelSelector;
use serde_json::Value;

use crate::status::ApiError;

/// A parsed `labelSelector` and `fieldSelector`.
#[derive(Clone, Debug, Default)]
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: Vec<FieldRequirement>,
}

/// One `fieldSelector` term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub value: String,
    pub equal: bool,
}

impl Selectors {
    /// Parses both selectors; `kind` decides which field labels are supported.
    pub fn parse(
        labels: Option<&str>,
        fields: Option<&str>,
        kind: &str,
        custom: bool,
    ) -> Result<Selectors, ApiError> {
        let labels = match labels {
            Some(text) => LabelSelector::parse(text).map_err(|e| {
                ApiError::bad_request(format!("unable to parse requirement: {}", e.reason))
            })?,
            None => LabelSelector::default(),
        };
        let mut parsed = Vec::new();
        for term in fields
            .unwrap_or_default()
            .split(',')
            .filter(|t| !t.trim().is_empty())
        {
            let (field, value, equal) = if let Some((f, v)) = term.split_once("!=") {
                (f, v, false)
            } else if let Some((f, v)) = term.split_once("==") {
                (f, v, true)
            } else if let Some((f, v)) = term.split_once('=') {
                (f, v, true)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{term}'; can't understand '{term}'"
                )));
            };
            let field = field.trim();
            if !field_supported(kind, custom, field) {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )));
            }
            parsed.push(FieldRequirement {
                field: field.to_owned(),
                value: value.trim().to_owned(),
                equal,
            });
        }
        Ok(Selectors {
            labels,
            fields: parsed,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    /// Whether `obj` matches both selectors.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels: BTreeMap<String, String> = obj
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        self.labels.matches(&labels)
            && self
                .fields
                .iter()
                .all(|r| (field_value(obj, &r.field) == r.value) == r.equal)
    }
}

/// The string form of a selectable field (`""` when absent, as the apiserver's field sets do).
fn field_value(obj: &Value, field: &str) -> String {
    let pointer = format!("/{}", field.replace('.', "/"));
    match obj.pointer(&pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn field_supported(kind: &str, custom: bool, field: &str) -> bool {
    if matches!(field, "metadata.name" | "metadata.namespace") {
        return true;
    }
    if custom {
        return false;
    }
    match kind {
        "Pod" => matches!(
            field,
            "spec.nodeName"
                | "spec.restartPolicy"
                | "spec.schedulerName"
                | "spec.serviceAccountName"
                | "spec.hostNetwork"
                | "status.phase"
                | "status.podIP"
                | "status.nominatedNodeName"
        ),
        "Secret" => field == "type",
        "Namespace" => field == "status.phase",
        "ReplicaSet" | "ReplicationController" => field == "status.replicas",
        "Job" => field == "status.successful",
        "Node" => field == "spec.unschedulable",
        "Event" => {
            field.starts_with("involvedObject.")
                || matches!(field, "reason" | "reportingComponent" | "source" | "type")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_and_field_selection() {
        let obj = json!({"metadata": {"name": "web", "namespace": "demo", "labels": {"app": "web"}},
            "status": {"phase": "Running"}});
        let s = Selectors::parse(
            Some("app in (web,api)"),
            Some("metadata.name=web,status.phase!=Failed"),
            "Pod",
            false,
        )
        .unwrap();
        assert!(s.matches(&obj));
        let s = Selectors::parse(None, Some("metadata.name==other"), "Pod", false).unwrap();
        assert!(!s.matches(&obj));
        let e = Selectors::parse(None, Some("spec.foo=x"), "ConfigMap", false).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (400, "field label not supported: spec.foo")
        );
        assert!(Selectors::parse(None, Some("status.phase=x"), "Widget", true).is_err());
        assert_eq!(
            Selectors::parse(Some("a in b"), None, "Pod", false)
                .unwrap_err()
                .code,
            400
        );
    }
}
