//! The object store: every object as JSON, one cluster-wide resourceVersion counter, and an
//! event log that watches resume from.
//!
//! Writes take one lock, so events are totally ordered by resourceVersion. Each event is
//! kept in a bounded log (for watches that resume from an older resourceVersion; older ones
//! get 410 Expired) and broadcast to open watches. Objects are stored under their resource
//! (group and plural) regardless of the version they were written in.

use std::collections::{BTreeMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::broadcast;

/// The resource an object belongs to: (group, plural).
pub type ResourceKey = (String, String);

/// Where an object lives: (namespace, name); namespace empty for cluster-scoped objects.
pub type ObjectKey = (String, String);

/// The kind of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change to one object.
#[derive(Clone, Debug)]
pub struct Event {
    pub rv: u64,
    pub resource: ResourceKey,
    pub namespace: String,
    pub event_type: EventType,
    /// The object after the change (for deletions: its last state, with the new RV).
    pub object: Value,
    /// The object before the change, for watchers whose selector it may have left.
    pub old: Option<Value>,
}

/// How many events are kept for resuming watches.
pub const DEFAULT_LOG_CAPACITY: usize = 10_000;

/// Outcome of a conditional write.
pub enum Write {
    /// Store this object (a new RV is assigned).
    Put(Value),
    /// Remove the object.
    Delete,
    /// Leave everything as it is.
    Keep,
}

struct Inner {
    rv: u64,
    objects: BTreeMap<ResourceKey, BTreeMap<ObjectKey, Value>>,
    log: VecDeque<Arc<Event>>,
    capacity: usize,
    /// RV of the oldest change still in the log minus one: watches may resume from here.
    compacted: u64,
    /// The journal every write is appended to, with `--data-dir`.
    journal: Option<BufWriter<File>>,
}

/// The journal file inside a data directory.
const JOURNAL: &str = "journal.jsonl";

/// Failure to open a data directory.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("data directory {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("journal {path} line {line} is not a journal record")]
    Corrupt { path: PathBuf, line: usize },
}

/// The store shared by every request.
pub struct Store {
    inner: Mutex<Inner>,
    events: broadcast::Sender<Arc<Event>>,
}

impl Default for Store {
    fn default() -> Self {
        Store::new(100, DEFAULT_LOG_CAPACITY)
    }
}

impl Store {
    /// A store whose counter starts at `first_rv`.
    pub fn new(first_rv: u64, capacity: usize) -> Store {
        let (events, _) = broadcast::channel(4096);
        Store {
            inner: Mutex::new(Inner {
                rv: first_rv,
                objects: BTreeMap::new(),
                log: VecDeque::new(),
                capacity: capacity.max(1),
                compacted: first_rv,
                journal: None,
            }),
            events,
        }
    }

    /// A store persisted in `dir`: the journal of earlier runs is replayed (objects,
    /// resourceVersion counter and the recent event log, so watches resume across a restart),
    /// then compacted, and every later write is appended to it.
    pub fn open(dir: &Path, capacity: usize) -> Result<Store, PersistError> {
        let io = |source| PersistError::Io {
            path: dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let path = dir.join(JOURNAL);
        let store = Store::new(100, capacity);
        {
            let mut inner = store.lock();
            if path.exists() {
                let file = File::open(&path).map_err(io)?;
                for (i, line) in BufReader::new(file).lines().enumerate() {
                    let line = line.map_err(io)?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    let record: Value =
                        serde_json::from_str(&line).map_err(|_| PersistError::Corrupt {
                            path: path.clone(),
                            line: i + 1,
                        })?;
                    replay(&mut inner, &record).ok_or(PersistError::Corrupt {
                        path: path.clone(),
                        line: i + 1,
                    })?;
                }
            }
            inner.compacted = inner.log.front().map_or(inner.rv, |e| e.rv - 1);
            // Rewrite the journal: the state at the oldest retained event, then the events.
            let tmp = dir.join(format!("{JOURNAL}.tmp"));
            {
                let mut out = BufWriter::new(File::create(&tmp).map_err(io)?);
                let base = inner.compacted;
                let mut at_base: BTreeMap<(ResourceKey, ObjectKey), Option<Value>> =
                    BTreeMap::new();
                for e in &inner.log {
                    let key = (e.resource.clone(), event_key(e));
                    at_base.entry(key).or_insert_with(|| e.old.clone());
                }
                for (resource, objects) in &inner.objects {
                    for (key, obj) in objects {
                        at_base
                            .entry((resource.clone(), key.clone()))
                            .or_insert_with(|| Some(obj.clone()));
                    }
                }
                for ((resource, key), obj) in &at_base {
                    if let Some(obj) = obj {
                        writeln!(out, "{}", record(base, resource, key, None, obj, None))
                            .map_err(io)?;
                    }
                }
                writeln!(out, "{}", serde_json::json!({"rv": base})).map_err(io)?;
                for e in &inner.log {
                    let line = record(
                        e.rv,
                        &e.resource,
                        &event_key(e),
                        Some(e.event_type),
                        &e.object,
                        e.old.as_ref(),
                    );
                    writeln!(out, "{line}").map_err(io)?;
                }
                out.flush().map_err(io)?;
            }
            std::fs::rename(&tmp, &path).map_err(io)?;
            let file = OpenOptions::new().append(true).open(&path).map_err(io)?;
            inner.journal = Some(BufWriter::new(file));
        }
        Ok(store)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the maps half-written (every write is a
        // single insert or remove), so a poisoned lock is still consistent.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current resourceVersion.
    pub fn rv(&self) -> u64 {
        self.lock().rv
    }

    /// The oldest resourceVersion a watch may resume from.
    pub fn oldest_resumable(&self) -> u64 {
        self.lock().compacted
    }

    pub fn get(&self, resource: &ResourceKey, key: &ObjectKey) -> Option<Value> {
        self.lock().objects.get(resource)?.get(key).cloned()
    }

    /// All objects of a resource (in one namespace when given), sorted by namespace and
    /// name, and the resourceVersion they were read at.
    pub fn list(&self, resource: &ResourceKey, namespace: Option<&str>) -> (Vec<Value>, u64) {
        let inner = self.lock();
        let items = inner
            .objects
            .get(resource)
            .map(|m| {
                m.iter()
                    .filter(|((ns, _), _)| namespace.is_none_or(|n| n == ns))
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .unwrap_or_default();
        (items, inner.rv)
    }

    /// Every object of every resource (for garbage collection scans).
    pub fn all_objects(&self) -> Vec<(ResourceKey, ObjectKey, Value)> {
        let inner = self.lock();
        inner
            .objects
            .iter()
            .flat_map(|(r, m)| {
                m.iter()
                    .map(move |(k, v)| (r.clone(), k.clone(), v.clone()))
            })
            .collect()
    }

    /// The objects of a resource as they were at resourceVersion `rv` (for continuing a
    /// paged list on its first page's snapshot), or None when the log no longer reaches back
    /// that far.
    pub fn list_at(
        &self,
        resource: &ResourceKey,
        namespace: Option<&str>,
        rv: u64,
    ) -> Option<Vec<Value>> {
        let inner = self.lock();
        if rv < inner.compacted {
            return None;
        }
        let mut state: BTreeMap<ObjectKey, Value> =
            inner.objects.get(resource).cloned().unwrap_or_default();
        for e in inner.log.iter().rev().take_while(|e| e.rv > rv) {
            if &e.resource != resource {
                continue;
            }
            let key = (
                e.namespace.clone(),
                crate::object::meta_str(&e.object, "name")
                    .unwrap_or_default()
                    .to_owned(),
            );
            match &e.old {
                Some(old) => state.insert(key, old.clone()),
                None => state.remove(&key),
            };
        }
        Some(
            state
                .into_iter()
                .filter(|((ns, _), _)| namespace.is_none_or(|n| n == ns))
                .map(|(_, v)| v)
                .collect(),
        )
    }

    /// Resources that have objects in `namespace`, with their counts.
    pub fn namespace_contents(&self, namespace: &str) -> Vec<(ResourceKey, usize)> {
        let inner = self.lock();
        inner
            .objects
            .iter()
            .map(|(r, m)| {
                (
                    r.clone(),
                    m.keys().filter(|(ns, _)| ns == namespace).count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Reads the object, lets `decide` choose the write, and performs it atomically.
    ///
    /// `decide` gets the current object and the resourceVersion the write would get; a
    /// `Put` stores the returned object with `metadata.resourceVersion` set to it. Returns
    /// the stored (or deleted) object, or None for `Keep`.
    pub fn write<E>(
        &self,
        resource: &ResourceKey,
        key: &ObjectKey,
        decide: impl FnOnce(Option<&Value>, u64) -> Result<Write, E>,
    ) -> Result<Option<Value>, E> {
        let mut inner = self.lock();
        let next_rv = inner.rv + 1;
        let current = inner
            .objects
            .get(resource)
            .and_then(|m| m.get(key))
            .cloned();
        let decision = decide(current.as_ref(), next_rv)?;
        let (event_type, mut object) = match decision {
            Write::Keep => return Ok(None),
            Write::Put(obj) => {
                let t = if current.is_some() {
                    EventType::Modified
                } else {
                    EventType::Added
                };
                (t, obj)
            }
            Write::Delete => match &current {
                Some(obj) => (EventType::Deleted, obj.clone()),
                None => return Ok(None),
            },
        };
        set_rv(&mut object, next_rv);
        inner.rv = next_rv;
        let objects = inner.objects.entry(resource.clone()).or_default();
        if event_type == EventType::Deleted {
            objects.remove(key);
        } else {
            objects.insert(key.clone(), object.clone());
        }
        let event = Arc::new(Event {
            rv: next_rv,
            resource: resource.clone(),
            namespace: key.0.clone(),
            event_type,
            object: object.clone(),
            old: current,
        });
        if let Some(journal) = inner.journal.as_mut() {
            let line = record(
                next_rv,
                resource,
                key,
                Some(event_type),
                &object,
                event.old.as_ref(),
            );
            // A failed journal write must not fail the request: the object is stored in
            // memory; the error is logged and the next restart may miss this change.
            if let Err(e) = writeln!(journal, "{line}").and_then(|()| journal.flush()) {
                tracing::error!(error = %e, "writing the journal");
            }
        }
        inner.log.push_back(event.clone());
        while inner.log.len() > inner.capacity {
            if let Some(old) = inner.log.pop_front() {
                inner.compacted = old.rv;
            }
        }
        // No receivers is fine: nobody is watching.
        let _ = self.events.send(event);
        Ok(Some(object))
    }

    /// Subscribes to changes and returns the logged events after `since`, or None when
    /// `since` is older than the log keeps (the caller answers 410 Expired).
    ///
    /// Subscribing happens before reading the log, so no event falls between the two; the
    /// caller skips live events whose RV it already replayed.
    pub fn watch_from(
        &self,
        since: u64,
    ) -> (broadcast::Receiver<Arc<Event>>, Option<Vec<Arc<Event>>>) {
        let receiver = self.events.subscribe();
        let inner = self.lock();
        if since < inner.compacted {
            return (receiver, None);
        }
        let replay = inner.log.iter().filter(|e| e.rv > since).cloned().collect();
        (receiver, Some(replay))
    }
}

/// The (namespace, name) an event is about.
fn event_key(e: &Event) -> ObjectKey {
    (
        e.namespace.clone(),
        crate::object::meta_str(&e.object, "name")
            .unwrap_or_default()
            .to_owned(),
    )
}

/// One journal line. With an event type it is a change (object after it, or the last state
/// for a deletion, and the state before); without, a snapshot of the state at compaction.
fn record(
    rv: u64,
    resource: &ResourceKey,
    key: &ObjectKey,
    event: Option<EventType>,
    obj: &Value,
    old: Option<&Value>,
) -> Value {
    serde_json::json!({"rv": rv, "r": [resource.0, resource.1], "k": [key.0, key.1],
        "t": event.map(EventType::as_str), "o": obj, "old": old})
}

/// Applies one journal line to the in-memory state, rebuilding the event log.
fn replay(inner: &mut Inner, record: &Value) -> Option<()> {
    let rv = record["rv"].as_u64()?;
    inner.rv = inner.rv.max(rv);
    let Some(r) = record["r"].as_array() else {
        // The counter at compaction time.
        return Some(());
    };
    let resource: ResourceKey = (
        r.first()?.as_str()?.to_owned(),
        r.get(1)?.as_str()?.to_owned(),
    );
    let k = record["k"].as_array()?;
    let key: ObjectKey = (
        k.first()?.as_str()?.to_owned(),
        k.get(1)?.as_str()?.to_owned(),
    );
    let object = record.get("o").filter(|o| o.is_object())?.clone();
    let objects = inner.objects.entry(resource.clone()).or_default();
    let event_type = match record["t"].as_str() {
        None => {
            objects.insert(key, object);
            return Some(());
        }
        Some("ADDED") => EventType::Added,
        Some("MODIFIED") => EventType::Modified,
        Some("DELETED") => EventType::Deleted,
        Some(_) => return None,
    };
    if event_type == EventType::Deleted {
        objects.remove(&key);
    } else {
        objects.insert(key.clone(), object.clone());
    }
    let old = record.get("old").filter(|o| o.is_object()).cloned();
    inner.log.push_back(Arc::new(Event {
        rv,
        resource,
        namespace: key.0,
        event_type,
        object,
        old,
    }));
    while inner.log.len() > inner.capacity {
        if let Some(e) = inner.log.pop_front() {
            inner.compacted = e.rv;
        }
    }
    Some(())
}

/// Sets `metadata.resourceVersion`.
pub fn set_rv(object: &mut Value, rv: u64) {
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cm() -> ResourceKey {
        (String::new(), "configmaps".into())
    }

    fn put(store: &Store, ns: &str, name: &str, data: &str) -> Value {
        store
            .write::<()>(&cm(), &(ns.into(), name.into()), |_, _| {
                Ok(Write::Put(
                    json!({"metadata": {"name": name, "namespace": ns}, "data": {"k": data}}),
                ))
            })
            .unwrap()
            .unwrap()
    }

    #[test]
    fn writes_bump_one_counter_and_are_logged() {
        let store = Store::new(100, 3);
        assert_eq!(
            put(&store, "a", "x", "1")["metadata"]["resourceVersion"],
            "101"
        );
        assert_eq!(
            put(&store, "b", "y", "1")["metadata"]["resourceVersion"],
            "102"
        );
        put(&store, "a", "x", "2");
        let (items, rv) = store.list(&cm(), Some("a"));
        assert_eq!((items.len(), rv), (1, 103));
        assert_eq!(items[0]["data"]["k"], "2");
        assert_eq!(store.list(&cm(), None).0.len(), 2);

        let (_, replay) = store.watch_from(101);
        let replay = replay.unwrap();
        assert_eq!(replay.iter().map(|e| e.rv).collect::<Vec<_>>(), [102, 103]);
        assert_eq!(replay[1].event_type, EventType::Modified);
        assert_eq!(replay[1].old.as_ref().unwrap()["data"]["k"], "1");

        // The log keeps 3 events; resuming from before them is refused.
        put(&store, "a", "z", "1");
        put(&store, "a", "w", "1");
        assert!(store.watch_from(101).1.is_none());
        assert!(store.watch_from(102).1.is_some());
    }

    #[test]
    fn keep_and_delete() {
        let store = Store::default();
        put(&store, "a", "x", "1");
        let kept = store.write::<()>(&cm(), &("a".into(), "x".into()), |_, _| Ok(Write::Keep));
        assert!(kept.unwrap().is_none());
        assert_eq!(store.rv(), 101);
        let deleted = store
            .write::<()>(&cm(), &("a".into(), "x".into()), |_, _| Ok(Write::Delete))
            .unwrap()
            .unwrap();
        assert_eq!(deleted["metadata"]["resourceVersion"], "102");
        assert!(store.get(&cm(), &("a".into(), "x".into())).is_none());
        let err = store.write(&cm(), &("a".into(), "x".into()), |_, _| {
            Err::<Write, _>("no")
        });
        assert_eq!(err.err(), Some("no"));
    }

    #[test]
    fn a_reopened_store_keeps_objects_counter_and_recent_events() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), 100).unwrap();
            put(&store, "a", "x", "1");
            put(&store, "a", "y", "1");
            put(&store, "a", "x", "2");
            store
                .write::<()>(&cm(), &("a".into(), "y".into()), |_, _| Ok(Write::Delete))
                .unwrap();
            assert_eq!(store.rv(), 104);
        }
        let store = Store::open(dir.path(), 100).unwrap();
        assert_eq!(store.rv(), 104);
        assert_eq!(
            store.get(&cm(), &("a".into(), "x".into())).unwrap()["data"]["k"],
            "2"
        );
        assert!(store.get(&cm(), &("a".into(), "y".into())).is_none());
        // A watch resuming from before the restart gets exactly the later events.
        let (_, replay) = store.watch_from(102);
        let replay = replay.unwrap();
        assert_eq!(
            replay
                .iter()
                .map(|e| (e.rv, e.event_type))
                .collect::<Vec<_>>(),
            [(103, EventType::Modified), (104, EventType::Deleted)]
        );
        put(&store, "b", "z", "1");
        drop(store);
        let store = Store::open(dir.path(), 2).unwrap();
        assert_eq!(store.rv(), 105);
        assert!(
            store.watch_from(102).1.is_none(),
            "older than the retained log"
        );
        assert_eq!(store.list(&cm(), None).0.len(), 2);
        // Deleting an object created before the retained events, then compacting again.
        store
            .write::<()>(&cm(), &("a".into(), "x".into()), |_, _| Ok(Write::Delete))
            .unwrap();
        put(&store, "b", "w", "1");
        drop(store);
        let store = Store::open(dir.path(), 2).unwrap();
        assert_eq!(store.rv(), 107);
        let mut names: Vec<String> = store
            .list(&cm(), None)
            .0
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["w", "z"]);
        let (_, replay) = store.watch_from(105);
        assert_eq!(
            replay
                .unwrap()
                .iter()
                .map(|e| e.event_type)
                .collect::<Vec<_>>(),
            [EventType::Deleted, EventType::Added]
        );
        drop(store);
        std::fs::write(dir.path().join("journal.jsonl"), "not json\n").unwrap();
        assert!(matches!(
            Store::open(dir.path(), 2),
            Err(PersistError::Corrupt { line: 1, .. })
        ));
    }

    #[test]
    fn lists_at_an_older_resource_version() {
        let store = Store::new(100, 10);
        put(&store, "a", "x", "1");
        put(&store, "a", "y", "1");
        put(&store, "a", "x", "2");
        store
            .write::<()>(&cm(), &("a".into(), "y".into()), |_, _| Ok(Write::Delete))
            .unwrap();
        put(&store, "a", "z", "1");
        let at = |rv| -> Vec<(String, String)> {
            store
                .list_at(&cm(), Some("a"), rv)
                .unwrap()
                .iter()
                .map(|o| {
                    (
                        o["metadata"]["name"].as_str().unwrap().to_owned(),
                        o["data"]["k"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };
        assert_eq!(
            at(102),
            [("x".into(), "1".into()), ("y".into(), "1".into())]
        );
        assert_eq!(
            at(103),
            [("x".into(), "2".into()), ("y".into(), "1".into())]
        );
        assert_eq!(
            at(105),
            [("x".into(), "2".into()), ("z".into(), "1".into())]
        );
        assert!(store.list_at(&cm(), None, 50).is_none());
    }

    #[tokio::test]
    async fn live_events_reach_subscribers() {
        let store = Store::default();
        let (mut rx, replay) = store.watch_from(store.rv());
        assert!(replay.unwrap().is_empty());
        put(&store, "a", "x", "1");
        let e = rx.recv().await.unwrap();
        assert_eq!((e.rv, e.event_type), (101, EventType::Added));
    }
}
