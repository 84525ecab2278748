//! A small in-memory "server" for the apply and update tests: one stored object and a
//! clock, doing what the handlers do around the engine.

use serde_json::{json, Value};

use super::test_types::{config_map, deployment, T};
use super::{
    apply, managed_fields_of, set_managed_fields, update, ApplyError, ApplyResult,
    ManagedFieldsEntry,
};

pub(super) struct Server {
    pub obj: Option<Value>,
    pub ty: T,
    pub api_version: &'static str,
    clock: u32,
}

impl Server {
    pub fn new(ty: T, api_version: &'static str) -> Self {
        Server {
            obj: None,
            ty,
            api_version,
            clock: 0,
        }
    }

    pub fn config_map() -> Self {
        Self::new(config_map(), "v1")
    }

    pub fn deployment() -> Self {
        Self::new(deployment(), "apps/v1")
    }

    fn tick(&mut self) -> String {
        self.clock += 1;
        format!(
            "2026-06-15T04:{:02}:{:02}Z",
            self.clock / 60,
            self.clock % 60
        )
    }

    pub fn managed(&self) -> Vec<ManagedFieldsEntry> {
        self.obj
            .as_ref()
            .and_then(managed_fields_of)
            .and_then(Result::ok)
            .unwrap_or_default()
    }

    pub fn apply_to(
        &mut self,
        manager: &str,
        sub: Option<&str>,
        body: Value,
        force: bool,
    ) -> Result<ApplyResult, ApplyError> {
        let now = self.tick();
        let managed = self.managed();
        let r = apply(
            self.obj.as_ref(),
            &body,
            &managed,
            manager,
            self.api_version,
            sub,
            force,
            &self.ty,
            &now,
        )?;
        if r.changed {
            let mut stored = r.object.clone();
            if self.obj.is_none() {
                stored["metadata"]["uid"] = json!("uid-1");
            }
            self.obj = Some(stored);
        }
        Ok(r)
    }

    pub fn apply(&mut self, manager: &str, body: Value) -> Result<ApplyResult, ApplyError> {
        self.apply_to(manager, None, body, false)
    }

    pub fn force(&mut self, manager: &str, body: Value) -> Result<ApplyResult, ApplyError> {
        self.apply_to(manager, None, body, true)
    }

    /// A PUT/patch that stores `new` (as the client sent it, managedFields included).
    pub fn update_to(
        &mut self,
        manager: &str,
        sub: Option<&str>,
        new: Value,
    ) -> Vec<ManagedFieldsEntry> {
        let now = self.tick();
        let live = self.obj.clone().unwrap_or(Value::Null);
        let entries = update(
            &live,
            &new,
            &self.managed(),
            manager,
            self.api_version,
            sub,
            &self.ty,
            &now,
        );
        let mut stored = new;
        set_managed_fields(&mut stored, &entries);
        if live.is_null() {
            stored["metadata"]["uid"] = json!("uid-1");
        }
        self.obj = Some(stored);
        entries
    }

    pub fn update(&mut self, manager: &str, new: Value) -> Vec<ManagedFieldsEntry> {
        self.update_to(manager, None, new)
    }

    /// `(manager, operation, fieldsV1)` of every entry, in stored order.
    pub fn owners(&self) -> Vec<(String, String, Value)> {
        self.managed()
            .into_iter()
            .map(|e| (e.manager, e.operation, e.fields_v1.unwrap_or(Value::Null)))
            .collect()
    }

    pub fn get(&self, pointer: &str) -> Option<Value> {
        self.obj.as_ref()?.pointer(pointer).cloned()
    }

    /// The stored object without server-set metadata.
    pub fn body(&self) -> Value {
        let mut v = self.obj.clone().unwrap_or(Value::Null);
        if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
            meta.remove("uid");
        }
        v
    }
}

pub(super) fn cm(data: Value) -> Value {
    json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"demo"},"data":data})
}

pub(super) fn owner(m: &str, op: &str, fields: Value) -> (String, String, Value) {
    (m.to_owned(), op.to_owned(), fields)
}

pub(super) fn conflict(r: Result<ApplyResult, ApplyError>) -> String {
    match r {
        Err(ApplyError::Conflict(c)) => c.message(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

pub(super) fn dep(spec: Value) -> Value {
    json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo"},"spec":spec})
}

pub(super) fn containers(items: Value) -> Value {
    dep(json!({"template":{"spec":{"containers":items}}}))
}
