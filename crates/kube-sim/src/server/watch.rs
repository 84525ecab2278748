//! Watches: newline-delimited JSON events over a chunked response (spec §2.6).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use futures::Stream;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use super::handlers::present;
use super::path::Target;
use super::{Api, Reply, Request};
use crate::resource::ResourceType;
use crate::selectors::Selectors;
use crate::status::ApiError;
use crate::store::{Event, EventType};

/// How often bookmarks are sent to watchers that allow them.
const BOOKMARK_INTERVAL: Duration = Duration::from_secs(60);
/// kube-apiserver's default when the client sets no timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);

/// The event lines of one watch.
pub struct WatchStream {
    rx: mpsc::Receiver<Bytes>,
}

impl WatchStream {
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
        futures::stream::unfold(self.rx, |mut rx| async move {
            rx.recv().await.map(|line| (Ok(line), rx))
        })
    }

    /// The next event line (for tests).
    pub async fn next_line(&mut self) -> Option<Value> {
        let line = self.rx.recv().await?;
        serde_json::from_slice(&line).ok()
    }
}

/// Parsed watch options.
pub(super) struct WatchOptions {
    resource_version: Option<u64>,
    send_initial_events: bool,
    bookmarks: bool,
    timeout: Duration,
}

fn options(req: &Request) -> Result<WatchOptions, ApiError> {
    let q = &req.query;
    let send_initial = q.get("sendInitialEvents").map(|v| v == "true");
    let rv_match = q.get("resourceVersionMatch");
    match (send_initial, rv_match) {
        (Some(_), Some("NotOlderThan")) => {}
        (Some(_), _) => {
            return Err(ApiError::invalid_options(
                "ListOptions",
                "resourceVersionMatch",
                "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
            ))
        }
        (None, Some(_)) => {
            return Err(ApiError::invalid_options(
                "ListOptions",
                "resourceVersionMatch",
                "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
            ))
        }
        (None, None) => {}
    }
    let resource_version = match q.get("resourceVersion") {
        None | Some("0") => None,
        Some(rv) => Some(rv.parse::<u64>().map_err(|_| {
            ApiError::invalid_options(
                "ListOptions",
                "resourceVersion",
                &format!("Invalid value: \"{rv}\": must be a number"),
            )
        })?),
    };
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    Ok(WatchOptions {
        resource_version,
        send_initial_events: send_initial == Some(true),
        bookmarks: q.flag("allowWatchBookmarks"),
        timeout,
    })
}

fn line(event_type: &str, object: &Value) -> Bytes {
    let mut bytes =
        serde_json::to_vec(&json!({"type": event_type, "object": object})).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

fn bookmark(rt: &ResourceType, rv: u64, initial_end: bool) -> Bytes {
    let mut metadata = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    line(
        "BOOKMARK",
        &json!({"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": metadata}),
    )
}

fn expired(since: u64, oldest: u64) -> Bytes {
    let status =
        ApiError::expired(format!("too old resource version: {since} ({oldest})")).to_status();
    line("ERROR", &status)
}

struct Filter {
    rt: ResourceType,
    namespace: Option<String>,
    selectors: Selectors,
    /// Events as one-row Tables (`Accept: ...;as=Table`); headers only on the first.
    table: Option<(crate::table::TableKind, crate::table::IncludeObject)>,
    headers_sent: std::cell::Cell<bool>,
}

impl Filter {
    /// One event line, as the object or as a one-row Table.
    fn event_line(&self, event_type: &str, object: Value) -> Bytes {
        match &self.table {
            Some((kind, include)) => {
                let first = !self.headers_sent.replace(true);
                line(
                    event_type,
                    &crate::table::watch_event_table(kind, &object, *include, first),
                )
            }
            None => line(event_type, &object),
        }
    }

    fn in_scope(&self, obj: &Value) -> bool {
        self.namespace
            .as_deref()
            .is_none_or(|ns| crate::object::meta_str(obj, "namespace") == Some(ns))
    }

    fn matches(&self, obj: &Value) -> bool {
        self.in_scope(obj) && self.selectors.matches(obj)
    }

    /// The event a watcher sees, following objects in and out of its selector.
    fn translate(&self, e: &Event) -> Option<Bytes> {
        if e.resource != self.rt.key() {
            return None;
        }
        let now = self.matches(&e.object);
        let before = e.old.as_ref().is_some_and(|o| self.matches(o));
        let kind = match e.event_type {
            EventType::Added if now => EventType::Added,
            EventType::Deleted if now || before => EventType::Deleted,
            EventType::Modified if now && before => EventType::Modified,
            EventType::Modified if now => EventType::Added,
            EventType::Modified if before => EventType::Deleted,
            _ => return None,
        };
        Some(self.event_line(kind.as_str(), present(e.object.clone(), &self.rt)))
    }
}

pub(super) fn start(
    api: &Arc<Api>,
    req: &Request,
    rt: &ResourceType,
    t: &Target,
) -> Result<Reply, ApiError> {
    let opts = options(req)?;
    let selectors = Selectors::parse(
        req.query.get("labelSelector"),
        req.query.get("fieldSelector"),
        &rt.kind,
        rt.custom,
    )?;
    let filter = Filter {
        rt: rt.clone(),
        namespace: t.namespace.clone(),
        selectors,
        table: super::handlers::table_request(api, req, rt)?,
        headers_sent: std::cell::Cell::new(false),
    };
    let (tx, rx) = mpsc::channel(256);
    let mut initial = Vec::new();
    let (mut live, start_rv, replay) = match opts.resource_version {
        Some(since) if !opts.send_initial_events => {
            let (live, replay) = api.store.watch_from(since);
            match replay {
                None => {
                    let oldest = api.store.oldest_resumable();
                    let _ = tx.try_send(expired(since, oldest));
                    return Ok(Reply::Watch(WatchStream { rx }));
                }
                Some(events) => (live, since, events),
            }
        }
        _ => {
            // Subscribe first, then read the state: later events have a higher RV.
            let (live, _) = api.store.watch_from(api.store.rv());
            let (items, rv) = api.store.list(&rt.key(), t.namespace.as_deref());
            for item in items.into_iter().filter(|o| filter.matches(o)) {
                initial.push(filter.event_line("ADDED", present(item, rt)));
            }
            if opts.send_initial_events {
                initial.push(bookmark(rt, rv, true));
            }
            (live, rv, Vec::new())
        }
    };
    let rt = rt.clone();
    tokio::spawn(async move {
        let deadline = tokio::time::sleep(opts.timeout);
        tokio::pin!(deadline);
        let mut last_rv = start_rv;
        for l in initial {
            if tx.send(l).await.is_err() {
                return;
            }
        }
        for e in replay {
            last_rv = e.rv;
            if let Some(l) = filter.translate(&e) {
                if tx.send(l).await.is_err() {
                    return;
                }
            }
        }
        let mut ticker = tokio::time::interval(BOOKMARK_INTERVAL);
        ticker.tick().await;
        loop {
            tokio::select! {
                _ = &mut deadline => return,
                _ = ticker.tick(), if opts.bookmarks => {
                    if tx.send(bookmark(&rt, last_rv, false)).await.is_err() {
                        return;
                    }
                }
                event = live.recv() => match event {
                    Ok(e) if e.rv <= last_rv => {}
                    Ok(e) => {
                        last_rv = e.rv;
                        if let Some(l) = filter.translate(&e) {
                            if tx.send(l).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Too slow to keep up: make the client relist, as an expired watch does.
                        let _ = tx.send(expired(last_rv, last_rv)).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    });
    Ok(Reply::Watch(WatchStream { rx }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ResourceKey;

    fn rt() -> ResourceType {
        ResourceType {
            group: String::new(),
            version: "v1".into(),
            storage_version: "v1".into(),
            plural: "configmaps".into(),
            singular: "configmap".into(),
            kind: "ConfigMap".into(),
            namespaced: true,
            status: false,
            scale: false,
            generation: false,
            custom: false,
            schema: None,
        }
    }

    fn event(t: EventType, labels: Value, old_labels: Option<Value>) -> Event {
        let key: ResourceKey = (String::new(), "configmaps".into());
        Event {
            rv: 7,
            resource: key,
            namespace: "demo".into(),
            event_type: t,
            object: json!({"metadata": {"name": "c", "namespace": "demo", "labels": labels}}),
            old: old_labels
                .map(|l| json!({"metadata": {"name": "c", "namespace": "demo", "labels": l}})),
        }
    }

    fn kind(b: Option<Bytes>) -> Option<String> {
        b.map(|b| {
            serde_json::from_slice::<Value>(&b).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
    }

    #[test]
    fn objects_entering_and_leaving_the_selector() {
        let filter = Filter {
            rt: rt(),
            namespace: Some("demo".into()),
            selectors: Selectors::parse(Some("app=web"), None, "ConfigMap", false).unwrap(),
            table: None,
            headers_sent: std::cell::Cell::new(false),
        };
        let web = json!({"app": "web"});
        let other = json!({"app": "db"});
        assert_eq!(
            kind(filter.translate(&event(EventType::Added, web.clone(), None))).as_deref(),
            Some("ADDED")
        );
        assert_eq!(
            kind(filter.translate(&event(EventType::Added, other.clone(), None))),
            None
        );
        assert_eq!(
            kind(filter.translate(&event(
                EventType::Modified,
                web.clone(),
                Some(other.clone())
            )))
            .as_deref(),
            Some("ADDED")
        );
        assert_eq!(
            kind(filter.translate(&event(
                EventType::Modified,
                other.clone(),
                Some(web.clone())
            )))
            .as_deref(),
            Some("DELETED")
        );
        assert_eq!(
            kind(filter.translate(&event(EventType::Modified, web.clone(), Some(web.clone()))))
                .as_deref(),
            Some("MODIFIED")
        );
        assert_eq!(
            kind(filter.translate(&event(EventType::Deleted, web, None))).as_deref(),
            Some("DELETED")
        );
    }
}
