//! Summarising a set of owned conditions into one (normally Ready), as fluxcd/pkg merges.
//!
//! Conditions in scope are grouped by (status, polarity) and the worst group wins:
//! negative-polarity True (e.g. FetchFailed=True) before positive False, positive True,
//! negative False, and Unknown last. Within the top group the first type in the
//! summary's priority list provides reason and message. A negative-polarity winner flips
//! the target's status (FetchFailed=True makes Ready=False).

use ferroflux_api::meta::{Condition, ConditionStatus};

use super::{set, Conditioned};

/// How a controller summarises its conditions, declared once as data.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// The summary condition, normally Ready.
    pub target: &'static str,
    /// Conditions considered, in priority order for reason and message.
    pub summarize: &'static [&'static str],
    /// Conditions that are bad when True (FetchFailed, StorageOperationFailed, ...).
    pub negative_polarity: &'static [&'static str],
}

impl Summary {
    /// Computes the summary condition from `conditions`, or None when none is in scope.
    pub fn compute(&self, conditions: &[Condition]) -> Option<Condition> {
        let in_scope: Vec<&Condition> = conditions
            .iter()
            .filter(|c| c.r#type != self.target && self.summarize.contains(&c.r#type.as_str()))
            .collect();
        let negative = |c: &Condition| self.negative_polarity.contains(&c.r#type.as_str());
        let top_priority = in_scope
            .iter()
            .map(|c| merge_priority(c.status, negative(c)))
            .min()?;
        let top: Vec<&Condition> = in_scope
            .into_iter()
            .filter(|c| merge_priority(c.status, negative(c)) == top_priority)
            .collect();
        let first = self
            .summarize
            .iter()
            .find_map(|t| top.iter().find(|c| c.r#type == *t))
            .or(top.first())?;
        let top_negative = negative(first);
        let target_negative = self.negative_polarity.contains(&self.target);
        let status = match first.status {
            ConditionStatus::Unknown => ConditionStatus::Unknown,
            s if top_negative != target_negative => flip(s),
            s => s,
        };
        Some(super::condition(
            self.target,
            status,
            &first.reason,
            first.message.clone(),
        ))
    }

    /// Sets the summary condition on `obj` (nothing when no condition is in scope).
    pub fn apply<T: Conditioned>(&self, obj: &mut T) {
        if let Some(cond) = self.compute(obj.conditions()) {
            set(obj, cond);
        }
    }
}

fn flip(s: ConditionStatus) -> ConditionStatus {
    match s {
        ConditionStatus::True => ConditionStatus::False,
        ConditionStatus::False => ConditionStatus::True,
        ConditionStatus::Unknown => ConditionStatus::Unknown,
    }
}

fn merge_priority(status: ConditionStatus, negative: bool) -> u8 {
    match (status, negative) {
        (ConditionStatus::True, true) => 0,
        (ConditionStatus::False, false) => 1,
        (ConditionStatus::True, false) => 2,
        (ConditionStatus::False, true) => 3,
        (ConditionStatus::Unknown, _) => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conditions::tests::repo;
    use crate::conditions::{get, mark_false, mark_reconciling, mark_stalled, mark_true};

    const READY_SUMMARY: Summary = Summary {
        target: "Ready",
        summarize: &[
            "Stalled",
            "FetchFailed",
            "StorageOperationFailed",
            "Reconciling",
            "ArtifactInStorage",
        ],
        negative_polarity: &[
            "Stalled",
            "FetchFailed",
            "StorageOperationFailed",
            "Reconciling",
        ],
    };

    #[test]
    fn a_true_failure_makes_ready_false_with_its_reason() {
        let mut obj = repo(1);
        mark_true(&mut obj, "ArtifactInStorage", "Succeeded", "stored");
        mark_true(
            &mut obj,
            "FetchFailed",
            "OCIArtifactPullFailed",
            "pull failed",
        );
        READY_SUMMARY.apply(&mut obj);
        let ready = get(&obj, "Ready").unwrap();
        assert_eq!(ready.status, ConditionStatus::False);
        assert_eq!(ready.reason, "OCIArtifactPullFailed");
        assert_eq!(ready.message, "pull failed");
    }

    #[test]
    fn priority_order_picks_among_equal_failures() {
        let mut obj = repo(1);
        mark_true(
            &mut obj,
            "StorageOperationFailed",
            "DirCreationFailed",
            "disk",
        );
        mark_true(&mut obj, "FetchFailed", "AuthenticationFailed", "auth");
        mark_stalled(&mut obj, "InvalidURL", "bad");
        READY_SUMMARY.apply(&mut obj);
        assert_eq!(get(&obj, "Ready").unwrap().reason, "InvalidURL");
    }

    #[test]
    fn only_positive_conditions_make_ready_true() {
        let mut obj = repo(1);
        mark_true(
            &mut obj,
            "ArtifactInStorage",
            "Succeeded",
            "stored artifact",
        );
        READY_SUMMARY.apply(&mut obj);
        let ready = get(&obj, "Ready").unwrap();
        assert_eq!(ready.status, ConditionStatus::True);
        assert_eq!(ready.message, "stored artifact");

        mark_reconciling(&mut obj, "Progressing", "building");
        READY_SUMMARY.apply(&mut obj);
        let ready = get(&obj, "Ready").unwrap();
        assert_eq!(
            (ready.status, ready.reason.as_str()),
            (ConditionStatus::False, "Progressing")
        );

        let mut other = repo(1);
        mark_false(&mut other, "ArtifactInStorage", "NoArtifact", "none");
        mark_true(&mut other, "Unrelated", "X", "not in scope");
        READY_SUMMARY.apply(&mut other);
        assert_eq!(get(&other, "Ready").unwrap().status, ConditionStatus::False);
        assert!(READY_SUMMARY.compute(&[]).is_none());
    }
}
