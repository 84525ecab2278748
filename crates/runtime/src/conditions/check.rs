//! Status conformance: the kstatus invariants every reconciled object must satisfy.
//!
//! Controller tests end with [`check`]; an empty result means the status is one kstatus
//! clients (kubectl wait, Flux CLI, Argo health) read correctly. The rules:
//! - Ready is always present.
//! - Ready is False while Reconciling or Stalled is True, and while any negative-polarity
//!   condition is True.
//! - Reconciling and Stalled are never both present.
//! - status.observedGeneration never exceeds metadata.generation; while it lags, Ready is
//!   not True.
//! - When Ready is True every condition was observed at the current generation, and equals
//!   status.observedGeneration.
//! - Ready=Unknown (a mid-reconcile status) comes with Reconciling=True.

use ferroflux_api::consts::meta::conditions::{READY, RECONCILING, STALLED};
use ferroflux_api::meta::ConditionStatus;

use super::{get, summary::Summary, Conditioned};

/// Returns every broken invariant, as a sentence each.
pub fn check<T: Conditioned>(obj: &T, summary: &Summary) -> Vec<String> {
    let mut problems = Vec::new();
    let generation = obj.meta().generation.unwrap_or(0);
    let observed = obj.observed_generation();
    let status_of = |t: &str| get(obj, t).map(|c| c.status);
    let ready = status_of(READY);
    let ready_true = ready == Some(ConditionStatus::True);

    if ready.is_none() {
        problems.push("Ready condition must always be present".to_owned());
    }
    if ready_true {
        let bad: Vec<&str> = obj
            .conditions()
            .iter()
            .filter(|c| {
                summary.negative_polarity.contains(&c.r#type.as_str())
                    && c.status == ConditionStatus::True
            })
            .map(|c| c.r#type.as_str())
            .collect();
        if !bad.is_empty() {
            problems.push(format!(
                "negative polarity conditions cannot be True when Ready is True: {bad:?}"
            ));
        }
    }
    for t in [RECONCILING, STALLED] {
        if status_of(t) == Some(ConditionStatus::True)
            && ready.is_some()
            && ready != Some(ConditionStatus::False)
        {
            problems.push(format!("Ready must be False when {t} is True"));
        }
    }
    if status_of(RECONCILING).is_some() && status_of(STALLED).is_some() {
        problems.push("only one of Reconciling or Stalled may be present".to_owned());
    }
    if observed > generation {
        problems.push(format!(
            "observedGeneration {observed} is greater than generation {generation}"
        ));
    }
    if observed < generation && ready_true {
        problems.push("Ready must not be True while observedGeneration lags generation".to_owned());
    }
    if ready_true {
        let stale: Vec<&str> = obj
            .conditions()
            .iter()
            .filter(|c| c.observed_generation.unwrap_or(0) != observed)
            .map(|c| c.r#type.as_str())
            .collect();
        if !stale.is_empty() {
            problems.push(format!(
                "with Ready True every condition must be observed at generation {observed}: {stale:?}"
            ));
        }
    }
    if ready == Some(ConditionStatus::Unknown)
        && status_of(RECONCILING) != Some(ConditionStatus::True)
    {
        problems.push("Ready=Unknown needs Reconciling=True".to_owned());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conditions::tests::repo;
    use crate::conditions::{mark_false, mark_reconciling, mark_stalled, mark_true, mark_unknown};
    use ferroflux_api::meta::ObjectWithConditions;

    const SUMMARY: Summary = Summary {
        target: "Ready",
        summarize: &["Stalled", "FetchFailed", "Reconciling", "ArtifactInStorage"],
        negative_polarity: &["Stalled", "FetchFailed", "Reconciling"],
    };

    #[test]
    fn a_finished_object_conforms() {
        let mut obj = repo(2);
        mark_true(&mut obj, "ArtifactInStorage", "Succeeded", "stored");
        mark_true(&mut obj, "Ready", "Succeeded", "stored");
        obj.set_observed_generation(2);
        assert_eq!(check(&obj, &SUMMARY), Vec::<String>::new());
    }

    #[test]
    fn each_rule_is_enforced() {
        let obj = repo(1);
        assert_eq!(
            check(&obj, &SUMMARY),
            ["Ready condition must always be present"]
        );

        let mut obj = repo(2);
        mark_true(&mut obj, "Ready", "Succeeded", "ok");
        mark_true(&mut obj, "FetchFailed", "Failed", "x");
        mark_reconciling(&mut obj, "Progressing", "working");
        obj.set_observed_generation(1);
        let problems = check(&obj, &SUMMARY).join("\n");
        assert!(problems.contains("negative polarity"), "{problems}");
        assert!(
            problems.contains("Ready must be False when Reconciling is True"),
            "{problems}"
        );
        assert!(problems.contains("lags generation"), "{problems}");
        assert!(problems.contains("observed at generation 1"), "{problems}");

        let mut obj = repo(1);
        mark_false(&mut obj, "Ready", "Failed", "x");
        mark_stalled(&mut obj, "InvalidURL", "bad");
        obj.conditions_mut().push(crate::conditions::condition(
            "Reconciling",
            ConditionStatus::False,
            "X",
            "",
        ));
        obj.set_observed_generation(3);
        let problems = check(&obj, &SUMMARY).join("\n");
        assert!(
            problems.contains("only one of Reconciling or Stalled"),
            "{problems}"
        );
        assert!(problems.contains("greater than generation"), "{problems}");

        let mut obj = repo(1);
        mark_unknown(&mut obj, "Ready", "Progressing", "");
        assert_eq!(
            check(&obj, &SUMMARY),
            ["Ready=Unknown needs Reconciling=True"]
        );
    }
}
