//! Kubernetes Events with Flux's annotations, and forwarding to a notification-controller.
//!
//! Like fluxcd/pkg's recorder: an event carries the annotations the controller passes (for
//! example `source.toolkit.fluxcd.io/revision`) plus the involved object's own
//! `event.toolkit.fluxcd.io/*` annotations. It becomes a core/v1 Event; unless it is a trace
//! event, it is also POSTed as JSON to `--events-addr` when that is set, with severity
//! `info` (Normal) or `error` (Warning). Trace events are stored as Normal Kubernetes Events
//! only.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, PostParams};
use serde_json::json;

use ferroflux_api::consts::events::severity::{
    ERROR as SEVERITY_ERROR, INFO as SEVERITY_INFO, TRACE as SEVERITY_TRACE,
};
use ferroflux_api::consts::groups::EVENT as EVENT_GROUP;

/// The kind of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Normal,
    Warning,
    /// Recorded in Kubernetes as Normal, never forwarded.
    Trace,
}

impl EventType {
    fn kube_type(self) -> &'static str {
        match self {
            EventType::Warning => "Warning",
            EventType::Normal | EventType::Trace => "Normal",
        }
    }

    /// The notification-controller severity.
    pub fn severity(self) -> &'static str {
        match self {
            EventType::Normal => SEVERITY_INFO,
            EventType::Warning => SEVERITY_ERROR,
            EventType::Trace => SEVERITY_TRACE,
        }
    }
}

/// Failure to record an event.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// The involved object lacks a namespace, name or kind.
    #[error("event for an object without {0}")]
    IncompleteReference(&'static str),
    /// The API server refused the Event.
    #[error("creating event")]
    Create(#[source] kube::Error),
    /// The notification-controller could not be reached or refused the event.
    #[error("posting event to {url}")]
    Forward {
        url: String,
        #[source]
        source: reqwest::Error,
    },
}

/// One event about one object.
#[derive(Clone, Debug)]
pub struct FluxEvent {
    pub object: ObjectReference,
    /// Annotations of the involved object (only `event.toolkit.fluxcd.io/*` are copied).
    pub object_annotations: BTreeMap<String, String>,
    /// Event metadata from the controller, e.g. `<group>/revision`.
    pub annotations: BTreeMap<String, String>,
    pub event_type: EventType,
    pub reason: String,
    pub message: String,
}

impl FluxEvent {
    /// The event's annotations: the controller's plus the object's event ones.
    pub fn merged_annotations(&self) -> BTreeMap<String, String> {
        let prefix = format!("{EVENT_GROUP}/");
        let mut out = self.annotations.clone();
        for (k, v) in &self.object_annotations {
            if k.starts_with(&prefix) {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }
}

/// Records events for one controller.
#[derive(Clone)]
pub struct EventRecorder {
    client: kube::Client,
    /// Reporting controller, e.g. `source-controller`.
    controller: String,
    /// Reporting instance (the pod's hostname).
    instance: String,
    /// notification-controller address, from `--events-addr`.
    webhook: Option<String>,
    http: reqwest::Client,
}

impl EventRecorder {
    pub fn new(client: kube::Client, controller: &str, webhook: Option<String>) -> EventRecorder {
        let instance = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| controller.to_owned());
        EventRecorder {
            client,
            controller: controller.to_owned(),
            instance,
            webhook: webhook.filter(|w| !w.is_empty()),
            http: reqwest::Client::new(),
        }
    }

    /// Records `event` in Kubernetes and forwards it.
    pub async fn record(&self, event: &FluxEvent) -> Result<(), EventError> {
        let kube_event = self.kube_event(event, jiff::Timestamp::now())?;
        let ns = kube_event.metadata.namespace.clone().unwrap_or_default();
        let api: Api<Event> = Api::namespaced(self.client.clone(), &ns);
        api.create(&PostParams::default(), &kube_event)
            .await
            .map_err(EventError::Create)?;
        if event.event_type != EventType::Trace {
            if let Some(url) = &self.webhook {
                self.http
                    .post(url)
                    .json(&self.webhook_body(event, jiff::Timestamp::now()))
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .map_err(|source| EventError::Forward {
                        url: url.clone(),
                        source,
                    })?;
            }
        }
        Ok(())
    }

    /// The core/v1 Event for `event`, named as client-go names events.
    pub fn kube_event(&self, event: &FluxEvent, now: jiff::Timestamp) -> Result<Event, EventError> {
        let obj = &event.object;
        let namespace = obj
            .namespace
            .clone()
            .ok_or(EventError::IncompleteReference("namespace"))?;
        let name = obj
            .name
            .clone()
            .ok_or(EventError::IncompleteReference("name"))?;
        if obj.kind.is_none() {
            return Err(EventError::IncompleteReference("kind"));
        }
        let annotations = event.merged_annotations();
        let time = k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now);
        Ok(Event {
            metadata: ObjectMeta {
                name: Some(format!("{name}.{:x}", now.as_nanosecond())),
                namespace: Some(namespace),
                annotations: (!annotations.is_empty()).then_some(annotations),
                ..Default::default()
            },
            involved_object: obj.clone(),
            reason: Some(event.reason.clone()),
            message: Some(event.message.clone()),
            type_: Some(event.event_type.kube_type().to_owned()),
            source: Some(EventSource {
                component: Some(self.controller.clone()),
                host: None,
            }),
            first_timestamp: Some(time.clone()),
            last_timestamp: Some(time),
            event_time: None::<MicroTime>,
            count: Some(1),
            reporting_component: Some(self.controller.clone()),
            reporting_instance: Some(self.instance.clone()),
            ..Default::default()
        })
    }

    /// The JSON body notification-controller accepts (event.toolkit.fluxcd.io Event).
    pub fn webhook_body(&self, event: &FluxEvent, now: jiff::Timestamp) -> serde_json::Value {
        let time = k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now);
        json!({
            "involvedObject": event.object,
            "severity": event.event_type.severity(),
            "timestamp": time,
            "message": event.message,
            "reason": event.reason,
            "metadata": event.merged_annotations(),
            "reportingController": self.controller,
            "reportingInstance": self.instance,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(t: EventType) -> FluxEvent {
        FluxEvent {
            object: ObjectReference {
                api_version: Some("source.toolkit.fluxcd.io/v1".into()),
                kind: Some("OCIRepository".into()),
                name: Some("podinfo".into()),
                namespace: Some("flux-system".into()),
                ..Default::default()
            },
            object_annotations: [
                (
                    "event.toolkit.fluxcd.io/deploymentID".to_owned(),
                    "42".to_owned(),
                ),
                ("unrelated/x".to_owned(), "y".to_owned()),
            ]
            .into(),
            annotations: [(
                "source.toolkit.fluxcd.io/revision".to_owned(),
                "latest@sha256:abc".to_owned(),
            )]
            .into(),
            event_type: t,
            reason: "NewArtifact".into(),
            message: "stored artifact".into(),
        }
    }

    fn recorder(webhook: Option<String>) -> EventRecorder {
        let config = kube::Config::new("http://127.0.0.1:1".parse().unwrap());
        EventRecorder::new(
            kube::Client::try_from(config).unwrap(),
            "source-controller",
            webhook,
        )
    }

    #[tokio::test]
    async fn kube_event_has_flux_annotations_and_type() {
        let r = recorder(None);
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        let e = r.kube_event(&event(EventType::Warning), now).unwrap();
        let ann = e.metadata.annotations.unwrap();
        assert_eq!(
            ann["source.toolkit.fluxcd.io/revision"],
            "latest@sha256:abc"
        );
        assert_eq!(ann["event.toolkit.fluxcd.io/deploymentID"], "42");
        assert!(!ann.contains_key("unrelated/x"));
        assert_eq!(e.type_.as_deref(), Some("Warning"));
        assert!(e.metadata.name.unwrap().starts_with("podinfo."));
        assert_eq!(
            e.source.unwrap().component.as_deref(),
            Some("source-controller")
        );
        let trace = r.kube_event(&event(EventType::Trace), now).unwrap();
        assert_eq!(trace.type_.as_deref(), Some("Normal"));

        let mut incomplete = event(EventType::Normal);
        incomplete.object.namespace = None;
        assert!(matches!(
            r.kube_event(&incomplete, now),
            Err(EventError::IncompleteReference("namespace"))
        ));
    }

    #[tokio::test]
    async fn webhook_body_has_severity_and_metadata() {
        let r = recorder(Some("http://127.0.0.1:1/".into()));
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        let body = r.webhook_body(&event(EventType::Warning), now);
        assert_eq!(body["severity"], "error");
        assert_eq!(body["involvedObject"]["kind"], "OCIRepository");
        assert_eq!(
            body["metadata"]["source.toolkit.fluxcd.io/revision"],
            "latest@sha256:abc"
        );
        assert_eq!(body["timestamp"], "2023-11-14T22:13:20Z");
        assert_eq!(body["reportingController"], "source-controller");
        assert_eq!(
            r.webhook_body(&event(EventType::Normal), now)["severity"],
            "info"
        );
    }
}
