//! The end of every reconcile: turn the outcome into final conditions and a requeue decision.
//!
//! A controller's steps return `Result<Progress, E>` where `E: ReconcileError`. The error's
//! [`ErrorKind`] decides what happens, as in Flux's source-controller:
//! - [`ErrorKind::Stalling`]: Stalled=True, no requeue until the object changes.
//! - [`ErrorKind::Waiting`]: requeue after the given delay; not a failure of the object.
//! - [`ErrorKind::Generic`]: Ready=False, Reconciling=True (ProgressingWithRetry) and retry
//!   with backoff.
//!
//! [`finish`] also records the handled `reconcile.fluxcd.io/requestedAt` token, sets
//! `status.observedGeneration` when the result is final, and summarises Ready.

use std::time::Duration;

use ferroflux_api::consts::annotations::RECONCILE_REQUEST;
use ferroflux_api::consts::meta::conditions::{RECONCILING, STALLED};
use ferroflux_api::consts::meta::reasons::PROGRESSING_WITH_RETRY;

use crate::conditions::{self, summary::Summary, Conditioned};

/// How a failure is handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Retrying cannot help until the object changes (invalid spec, unsupported option).
    Stalling,
    /// A precondition is not met yet (a dependency is not ready); retry after the delay,
    /// or after the object's interval when None.
    Waiting { requeue_after: Option<Duration> },
    /// Anything else: retry with backoff.
    Generic,
}

/// An error a reconcile step returns: it knows its condition, its Flux reason and how it is
/// handled, so call sites just use `?`.
pub trait ReconcileError: std::error::Error {
    /// The negative-polarity condition this failure sets to True (e.g. `FetchFailed`), if
    /// any; [`finish`] sets it so the Ready summary reports the failure.
    fn condition(&self) -> Option<&str> {
        None
    }
    /// The condition reason recorded for this error.
    fn reason(&self) -> &str;
    /// How the error is handled.
    fn kind(&self) -> ErrorKind;
    /// The condition message: the error and its sources joined with ": ", as Go's `%w`
    /// wrapping prints them.
    fn message(&self) -> String {
        let mut msg = self.to_string();
        let mut source = self.source();
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        msg
    }
}

/// What a successful run of the steps asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Done; come back after the interval.
    Success,
    /// Not done; come back right away (e.g. a finalizer was just added).
    Requeue,
}

/// What the controller does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Reconcile again after the delay.
    RequeueAfter(Duration),
    /// Reconcile again right away.
    Requeue,
    /// Retry with backoff; the message is the failure.
    Retry(String),
    /// Nothing to do until the object changes.
    AwaitChange,
}

/// Applies Flux's end-of-reconcile rules to `obj` and returns what to do next.
///
/// `interval` is the object's `spec.interval`.
pub fn finish<T, E>(
    obj: &mut T,
    summary: &Summary,
    outcome: &Result<Progress, E>,
    interval: Duration,
) -> Next
where
    T: Conditioned,
    E: ReconcileError,
{
    record_reconcile_request(obj);
    if matches!(outcome, Ok(Progress::Success)) {
        conditions::delete(obj, RECONCILING);
    }
    if let Some(reconciling) = conditions::get(obj, RECONCILING).cloned() {
        conditions::set(
            obj,
            conditions::condition(
                RECONCILING,
                reconciling.status,
                PROGRESSING_WITH_RETRY,
                reconciling.message,
            ),
        );
    }
    if let Err(e) = outcome {
        if let Some(condition) = e.condition() {
            conditions::mark_true(obj, condition, e.reason(), e.message());
        }
    }
    let generation = obj.meta().generation.unwrap_or_default();
    let next = match outcome {
        Err(e) => match e.kind() {
            ErrorKind::Stalling => {
                conditions::mark_stalled(obj, e.reason(), e.message());
                obj.set_observed_generation(generation);
                Next::AwaitChange
            }
            ErrorKind::Waiting { requeue_after } => {
                conditions::delete(obj, STALLED);
                Next::RequeueAfter(requeue_after.unwrap_or(interval))
            }
            ErrorKind::Generic => {
                conditions::delete(obj, STALLED);
                Next::Retry(e.message())
            }
        },
        Ok(Progress::Requeue) => {
            conditions::delete(obj, STALLED);
            Next::Requeue
        }
        Ok(Progress::Success) => {
            conditions::delete(obj, STALLED);
            obj.set_observed_generation(generation);
            Next::RequeueAfter(interval)
        }
    };
    summary.apply(obj);
    // A success that still leaves the object not Ready is a failure (e.g. a step left a
    // negative condition behind).
    if matches!(outcome, Ok(Progress::Success)) && !conditions::is_ready(obj) {
        let msg = conditions::get(obj, summary.target)
            .map(|c| c.message.clone())
            .unwrap_or_else(|| "not ready".to_owned());
        return Next::Retry(msg);
    }
    next
}

/// Copies the `reconcile.fluxcd.io/requestedAt` token to `status.lastHandledReconcileAt`.
pub fn record_reconcile_request<T: Conditioned>(obj: &mut T) {
    let token = obj
        .meta()
        .annotations
        .as_ref()
        .and_then(|a| a.get(RECONCILE_REQUEST))
        .cloned();
    if let Some(token) = token {
        obj.set_last_handled_reconcile_at(Some(token));
    }
}

/// Whether the object carries a reconcile request not handled yet.
pub fn has_pending_request<T: Conditioned>(obj: &T) -> bool {
    let requested = obj
        .meta()
        .annotations
        .as_ref()
        .and_then(|a| a.get(RECONCILE_REQUEST));
    requested.is_some_and(|r| Some(r.as_str()) != obj.last_handled_reconcile_at())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conditions::tests::repo;
    use crate::conditions::{get, is_reconciling, is_stalled, mark_reconciling, mark_true};
    use ferroflux_api::meta::{ConditionStatus, ObjectWithConditions};

    #[derive(Debug, thiserror::Error)]
    #[error("{msg}")]
    struct TestError {
        msg: &'static str,
        kind: ErrorKind,
        #[source]
        source: Option<std::io::Error>,
    }

    impl ReconcileError for TestError {
        fn condition(&self) -> Option<&str> {
            (self.kind == ErrorKind::Generic).then_some("FetchFailed")
        }
        fn reason(&self) -> &str {
            "TestFailed"
        }
        fn kind(&self) -> ErrorKind {
            self.kind
        }
    }

    const SUMMARY: Summary = Summary {
        target: "Ready",
        summarize: &["Stalled", "FetchFailed", "Reconciling", "ArtifactInStorage"],
        negative_polarity: &["Stalled", "FetchFailed", "Reconciling"],
    };
    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn success_clears_reconciling_and_sets_observed_generation() {
        let mut obj = repo(4);
        obj.metadata.annotations = Some([(RECONCILE_REQUEST.to_owned(), "t1".to_owned())].into());
        assert!(has_pending_request(&obj));
        mark_reconciling(&mut obj, "Progressing", "working");
        mark_true(
            &mut obj,
            "ArtifactInStorage",
            "Succeeded",
            "stored artifact",
        );
        let next = finish::<_, TestError>(&mut obj, &SUMMARY, &Ok(Progress::Success), MINUTE);
        assert_eq!(next, Next::RequeueAfter(MINUTE));
        assert!(!is_reconciling(&obj));
        assert_eq!(obj.observed_generation(), 4);
        assert_eq!(obj.last_handled_reconcile_at(), Some("t1"));
        assert!(!has_pending_request(&obj));
        let ready = get(&obj, "Ready").unwrap();
        assert_eq!(
            (ready.status, ready.message.as_str()),
            (ConditionStatus::True, "stored artifact")
        );
    }

    #[test]
    fn generic_error_retries_and_keeps_reconciling_with_retry_reason() {
        let mut obj = repo(2);
        mark_reconciling(&mut obj, "Progressing", "working");
        mark_true(
            &mut obj,
            "FetchFailed",
            "OCIArtifactPullFailed",
            "pull failed",
        );
        let err = TestError {
            msg: "failed to pull",
            kind: ErrorKind::Generic,
            source: Some(std::io::Error::other("connection refused")),
        };
        let next = finish(&mut obj, &SUMMARY, &Err(err), MINUTE);
        assert_eq!(
            next,
            Next::Retry("failed to pull: connection refused".into())
        );
        assert_eq!(
            get(&obj, "Reconciling").unwrap().reason,
            "ProgressingWithRetry"
        );
        assert_eq!(
            obj.observed_generation(),
            -1,
            "not final: generation not observed"
        );
        let ready = get(&obj, "Ready").unwrap();
        assert_eq!(ready.status, ConditionStatus::False);
        // The error's own condition carries the failure into Ready.
        assert_eq!(get(&obj, "FetchFailed").unwrap().reason, "TestFailed");
        assert_eq!(ready.message, "failed to pull: connection refused");
    }

    #[test]
    fn stalling_error_stalls_without_requeue() {
        let mut obj = repo(3);
        mark_reconciling(&mut obj, "Progressing", "working");
        let err = TestError {
            msg: "invalid url",
            kind: ErrorKind::Stalling,
            source: None,
        };
        let next = finish(&mut obj, &SUMMARY, &Err(err), MINUTE);
        assert_eq!(next, Next::AwaitChange);
        assert!(is_stalled(&obj) && !is_reconciling(&obj));
        assert_eq!(obj.observed_generation(), 3);
        let ready = get(&obj, "Ready").unwrap();
        assert_eq!(
            (ready.status, ready.reason.as_str()),
            (ConditionStatus::False, "TestFailed")
        );
    }

    #[test]
    fn waiting_error_requeues_after_its_delay() {
        let mut obj = repo(1);
        let err = TestError {
            msg: "dependency not ready",
            kind: ErrorKind::Waiting {
                requeue_after: Some(Duration::from_secs(30)),
            },
            source: None,
        };
        let next = finish(&mut obj, &SUMMARY, &Err(err), MINUTE);
        assert_eq!(next, Next::RequeueAfter(Duration::from_secs(30)));
    }

    #[test]
    fn success_that_is_not_ready_is_a_failure() {
        let mut obj = repo(1);
        mark_true(
            &mut obj,
            "FetchFailed",
            "OCIArtifactPullFailed",
            "still failing",
        );
        let next = finish::<_, TestError>(&mut obj, &SUMMARY, &Ok(Progress::Success), MINUTE);
        assert_eq!(next, Next::Retry("still failing".into()));
    }
}
