//! Setting and reading Flux conditions, with kstatus rules kept in the setters.
//!
//! Every setter stamps the object's generation as the condition's observedGeneration, keeps
//! `lastTransitionTime` unless type/status/reason/message changed, trims over-long messages
//! and keeps conditions sorted as kubectl users expect: Stalled, Reconciling, Ready first,
//! then the rest by newest generation and type.

pub mod check;
pub mod summary;

use ferroflux_api::consts::meta::conditions::{READY, RECONCILING, STALLED};
use ferroflux_api::meta::{Condition, ConditionStatus, ObjectWithConditions};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::Resource;

/// The longest message the API server accepts on a condition.
pub const MAX_MESSAGE_LENGTH: usize = 32768;
const TRIMMED_SUFFIX: &str = "...trimmed";

/// An object with Flux conditions and Kubernetes metadata.
pub trait Conditioned: ObjectWithConditions + Resource {}
impl<T: ObjectWithConditions + Resource> Conditioned for T {}

/// The current time, truncated to seconds as Kubernetes serialises it.
pub fn now() -> Time {
    let secs = jiff::Timestamp::now().as_second();
    Time(jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH))
}

/// Builds a condition (without generation or time; [`set`] fills those).
pub fn condition(
    type_: &str,
    status: ConditionStatus,
    reason: &str,
    message: impl Into<String>,
) -> Condition {
    Condition {
        r#type: type_.to_owned(),
        status,
        observed_generation: None,
        last_transition_time: Time(jiff::Timestamp::UNIX_EPOCH),
        reason: reason.to_owned(),
        message: message.into(),
    }
}

/// Sets `cond` on `obj` following the kstatus rules described in the module docs.
pub fn set<T: Conditioned>(obj: &mut T, mut cond: Condition) {
    cond.observed_generation = obj.meta().generation;
    cond.message = trim_message(cond.message);
    let conditions = obj.conditions_mut();
    match conditions.iter_mut().find(|c| c.r#type == cond.r#type) {
        Some(existing) => {
            if same_state(existing, &cond) {
                cond.last_transition_time = existing.last_transition_time.clone();
            } else {
                cond.last_transition_time = now();
            }
            *existing = cond;
        }
        None => {
            if cond.last_transition_time.0 == jiff::Timestamp::UNIX_EPOCH {
                cond.last_transition_time = now();
            }
            conditions.push(cond);
        }
    }
    conditions.sort_by(order);
}

/// Sets a True condition.
pub fn mark_true<T: Conditioned>(obj: &mut T, type_: &str, reason: &str, msg: impl Into<String>) {
    set(obj, condition(type_, ConditionStatus::True, reason, msg));
}

/// Sets a False condition.
pub fn mark_false<T: Conditioned>(obj: &mut T, type_: &str, reason: &str, msg: impl Into<String>) {
    set(obj, condition(type_, ConditionStatus::False, reason, msg));
}

/// Sets an Unknown condition.
pub fn mark_unknown<T: Conditioned>(
    obj: &mut T,
    type_: &str,
    reason: &str,
    msg: impl Into<String>,
) {
    set(obj, condition(type_, ConditionStatus::Unknown, reason, msg));
}

/// Reconciling=True; an object cannot be Stalled while it is Reconciling.
pub fn mark_reconciling<T: Conditioned>(obj: &mut T, reason: &str, msg: impl Into<String>) {
    delete(obj, STALLED);
    mark_true(obj, RECONCILING, reason, msg);
}

/// Stalled=True; an object cannot be Reconciling while it is Stalled.
pub fn mark_stalled<T: Conditioned>(obj: &mut T, reason: &str, msg: impl Into<String>) {
    delete(obj, RECONCILING);
    mark_true(obj, STALLED, reason, msg);
}

/// Removes the condition of the given type.
pub fn delete<T: ObjectWithConditions>(obj: &mut T, type_: &str) {
    obj.conditions_mut().retain(|c| c.r#type != type_);
}

/// The condition of the given type.
pub fn get<'a, T: ObjectWithConditions>(obj: &'a T, type_: &str) -> Option<&'a Condition> {
    obj.conditions().iter().find(|c| c.r#type == type_)
}

/// Whether the condition exists with status True.
pub fn is_true<T: ObjectWithConditions>(obj: &T, type_: &str) -> bool {
    get(obj, type_).is_some_and(|c| c.status == ConditionStatus::True)
}

/// Whether the condition exists with status False.
pub fn is_false<T: ObjectWithConditions>(obj: &T, type_: &str) -> bool {
    get(obj, type_).is_some_and(|c| c.status == ConditionStatus::False)
}

/// Ready=True.
pub fn is_ready<T: ObjectWithConditions>(obj: &T) -> bool {
    is_true(obj, READY)
}

/// Stalled=True.
pub fn is_stalled<T: ObjectWithConditions>(obj: &T) -> bool {
    is_true(obj, STALLED)
}

/// Reconciling=True.
pub fn is_reconciling<T: ObjectWithConditions>(obj: &T) -> bool {
    is_true(obj, RECONCILING)
}

/// Whether a condition was set for the object's current generation.
pub fn is_current<T: Conditioned>(obj: &T, type_: &str) -> bool {
    get(obj, type_).is_some_and(|c| c.observed_generation == obj.meta().generation)
}

fn same_state(a: &Condition, b: &Condition) -> bool {
    a.r#type == b.r#type && a.status == b.status && a.reason == b.reason && a.message == b.message
}

fn weight(type_: &str) -> Option<u8> {
    match type_ {
        t if t == STALLED => Some(0),
        t if t == RECONCILING => Some(1),
        t if t == READY => Some(2),
        _ => None,
    }
}

/// kubectl-friendly order: Stalled, Reconciling, Ready, then newest generation, then type.
fn order(a: &Condition, b: &Condition) -> std::cmp::Ordering {
    match (weight(&a.r#type), weight(&b.r#type)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) if a.observed_generation == b.observed_generation => a.r#type.cmp(&b.r#type),
        (None, None) => b.observed_generation.cmp(&a.observed_generation),
    }
}

fn trim_message(msg: String) -> String {
    if msg.len() <= MAX_MESSAGE_LENGTH {
        return msg;
    }
    let mut cut = MAX_MESSAGE_LENGTH - TRIMMED_SUFFIX.len();
    while !msg.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{TRIMMED_SUFFIX}", &msg[..cut])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ferroflux_api::source::v1::{OCIRepository, OCIRepositorySpec};

    pub(crate) fn repo(generation: i64) -> OCIRepository {
        let spec: OCIRepositorySpec =
            serde_json::from_value(serde_json::json!({"url": "oci://r/x", "interval": "1m"}))
                .unwrap();
        let mut obj = OCIRepository::new("podinfo", spec);
        obj.metadata.namespace = Some("flux-system".into());
        obj.metadata.generation = Some(generation);
        obj
    }

    #[test]
    fn set_keeps_transition_time_while_state_is_unchanged() {
        let mut obj = repo(1);
        let mut c = condition("FetchFailed", ConditionStatus::True, "Boom", "m");
        c.last_transition_time = Time(jiff::Timestamp::from_second(1000).unwrap());
        set(&mut obj, c);
        let first = get(&obj, "FetchFailed").unwrap().clone();
        assert_eq!(first.last_transition_time.0.as_second(), 1000);
        assert_eq!(first.observed_generation, Some(1));

        obj.metadata.generation = Some(2);
        mark_true(&mut obj, "FetchFailed", "Boom", "m");
        let second = get(&obj, "FetchFailed").unwrap();
        assert_eq!(second.last_transition_time, first.last_transition_time);
        assert_eq!(second.observed_generation, Some(2));

        mark_true(&mut obj, "FetchFailed", "Boom", "other message");
        assert_ne!(
            get(&obj, "FetchFailed").unwrap().last_transition_time,
            first.last_transition_time
        );
    }

    #[test]
    fn reconciling_and_stalled_exclude_each_other_and_sort_first() {
        let mut obj = repo(3);
        mark_true(&mut obj, "ArtifactInStorage", "Succeeded", "ok");
        mark_false(&mut obj, READY, "Failed", "x");
        mark_reconciling(&mut obj, "Progressing", "working");
        let types: Vec<_> = obj.conditions().iter().map(|c| c.r#type.as_str()).collect();
        assert_eq!(types, ["Reconciling", "Ready", "ArtifactInStorage"]);
        mark_stalled(&mut obj, "InvalidURL", "bad url");
        assert!(is_stalled(&obj) && !is_reconciling(&obj));
        mark_reconciling(&mut obj, "Progressing", "again");
        assert!(!is_stalled(&obj) && is_reconciling(&obj));
        assert!(is_current(&obj, READY));
        assert!(!is_ready(&obj) && is_false(&obj, READY));
    }

    #[test]
    fn long_messages_are_trimmed_on_a_char_boundary() {
        let mut obj = repo(1);
        mark_false(&mut obj, READY, "Failed", "é".repeat(MAX_MESSAGE_LENGTH));
        let msg = &get(&obj, READY).unwrap().message;
        assert!(msg.len() <= MAX_MESSAGE_LENGTH && msg.ends_with(TRIMMED_SUFFIX));
    }
}
