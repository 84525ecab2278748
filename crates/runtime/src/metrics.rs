//! Prometheus metrics with the names Flux controllers expose.
//!
//! Flux's own (fluxcd/pkg runtime/metrics): `gotk_reconcile_duration_seconds`,
//! `gotk_reconcile_condition` and `gotk_suspend_status`, labelled by kind, name and namespace.
//! controller-runtime's, which Flux dashboards also read: `controller_runtime_reconcile_total`
//! (by controller and result), `controller_runtime_reconcile_errors_total`,
//! `controller_runtime_reconcile_time_seconds`, `controller_runtime_max_concurrent_reconciles`
//! and `controller_runtime_active_workers`.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ferroflux_api::meta::{Condition, ConditionStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// Labels naming one object.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ObjectLabels {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// Labels of `gotk_reconcile_condition`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ConditionLabels {
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub r#type: String,
    pub status: String,
}

/// Labels of the controller-runtime metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ControllerLabels {
    pub controller: String,
}

/// Labels of `controller_runtime_reconcile_total`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabels {
    pub controller: String,
    /// `success`, `error`, `requeue` or `requeue_after`.
    pub result: String,
}

/// Outcome of one reconcile, as controller-runtime labels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReconcileResult {
    Success,
    Error,
    Requeue,
    RequeueAfter,
}

impl ReconcileResult {
    fn label(self) -> &'static str {
        match self {
            ReconcileResult::Success => "success",
            ReconcileResult::Error => "error",
            ReconcileResult::Requeue => "requeue",
            ReconcileResult::RequeueAfter => "requeue_after",
        }
    }
}

fn duration_histogram() -> Histogram {
    // Flux: ExponentialBucketsRange(10ms, 1800s, 10).
    let factor = (1800.0f64 / 0.01).powf(1.0 / 9.0);
    Histogram::new(exponential_buckets(0.01, factor, 10))
}

fn reconcile_time_histogram() -> Histogram {
    Histogram::new([
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8,
        0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0,
        15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0,
    ])
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The metrics of one controller.
#[derive(Clone)]
pub struct Metrics {
    controller: String,
    registry: Arc<Mutex<Registry>>,
    duration: HistogramFamily<ObjectLabels>,
    condition: Family<ConditionLabels, Gauge<f64, AtomicU64>>,
    suspend: Family<ObjectLabels, Gauge>,
    reconcile_total: Family<ResultLabels, Counter>,
    reconcile_errors: Family<ControllerLabels, Counter>,
    reconcile_time: HistogramFamily<ControllerLabels>,
    max_concurrent: Family<ControllerLabels, Gauge>,
    active_workers: Family<ControllerLabels, Gauge>,
}

impl Metrics {
    /// Registers the metrics of the controller named `controller` (e.g. `ocirepository`).
    pub fn new(controller: &str) -> Metrics {
        let mut registry = Registry::default();
        let duration: HistogramFamily<ObjectLabels> =
            Family::new_with_constructor(duration_histogram);
        let reconcile_time: HistogramFamily<ControllerLabels> =
            Family::new_with_constructor(reconcile_time_histogram);
        let m = Metrics {
            controller: controller.to_owned(),
            registry: Arc::new(Mutex::new(Registry::default())),
            duration,
            condition: Family::default(),
            suspend: Family::default(),
            reconcile_total: Family::default(),
            reconcile_errors: Family::default(),
            reconcile_time,
            max_concurrent: Family::default(),
            active_workers: Family::default(),
        };
        registry.register(
            "gotk_reconcile_duration_seconds",
            "The duration in seconds of a GitOps Toolkit resource reconciliation.",
            m.duration.clone(),
        );
        registry.register(
            "gotk_reconcile_condition",
            "The current condition status of a GitOps Toolkit resource reconciliation.",
            m.condition.clone(),
        );
        registry.register(
            "gotk_suspend_status",
            "The current suspend status of a GitOps Toolkit resource.",
            m.suspend.clone(),
        );
        registry.register(
            "controller_runtime_reconcile",
            "Total number of reconciliations per controller",
            m.reconcile_total.clone(),
        );
        registry.register(
            "controller_runtime_reconcile_errors",
            "Total number of reconciliation errors per controller",
            m.reconcile_errors.clone(),
        );
        registry.register(
            "controller_runtime_reconcile_time_seconds",
            "Length of time per reconciliation per controller",
            m.reconcile_time.clone(),
        );
        registry.register(
            "controller_runtime_max_concurrent_reconciles",
            "Maximum number of concurrent reconciles per controller",
            m.max_concurrent.clone(),
        );
        registry.register(
            "controller_runtime_active_workers",
            "Number of currently used workers per controller",
            m.active_workers.clone(),
        );
        if let Ok(mut r) = m.registry.lock() {
            *r = registry;
        }
        m
    }

    fn controller_labels(&self) -> ControllerLabels {
        ControllerLabels {
            controller: self.controller.clone(),
        }
    }

    /// Records the configured concurrency.
    pub fn set_max_concurrent(&self, n: usize) {
        self.max_concurrent
            .get_or_create(&self.controller_labels())
            .set(n as i64);
    }

    /// Starts timing one reconcile of `obj`; the measurement is recorded when the guard drops,
    /// so every exit path is measured.
    pub fn start(&self, obj: ObjectLabels) -> ReconcileTimer {
        self.active_workers
            .get_or_create(&self.controller_labels())
            .inc();
        ReconcileTimer {
            metrics: self.clone(),
            obj,
            start: Instant::now(),
        }
    }

    /// Counts a finished reconcile by result.
    pub fn record_result(&self, result: ReconcileResult) {
        self.reconcile_total
            .get_or_create(&ResultLabels {
                controller: self.controller.clone(),
                result: result.label().to_owned(),
            })
            .inc();
        if result == ReconcileResult::Error {
            self.reconcile_errors
                .get_or_create(&self.controller_labels())
                .inc();
        }
    }

    /// Records `gotk_reconcile_condition` for a condition: 1 for its status, 0 for the others.
    pub fn record_condition(&self, obj: &ObjectLabels, cond: &Condition) {
        for status in [
            ConditionStatus::True,
            ConditionStatus::False,
            ConditionStatus::Unknown,
        ] {
            let value = if status == cond.status { 1.0 } else { 0.0 };
            self.condition
                .get_or_create(&ConditionLabels {
                    kind: obj.kind.clone(),
                    name: obj.name.clone(),
                    namespace: obj.namespace.clone(),
                    r#type: cond.r#type.clone(),
                    status: status.as_str().to_owned(),
                })
                .set(value);
        }
    }

    /// Records `gotk_suspend_status`.
    pub fn record_suspend(&self, obj: &ObjectLabels, suspended: bool) {
        self.suspend.get_or_create(obj).set(i64::from(suspended));
    }

    /// Forgets an object that was deleted.
    pub fn delete_object(&self, obj: &ObjectLabels, condition_types: &[&str]) {
        self.suspend.remove(obj);
        self.duration.remove(obj);
        for t in condition_types {
            for status in ["True", "False", "Unknown"] {
                self.condition.remove(&ConditionLabels {
                    kind: obj.kind.clone(),
                    name: obj.name.clone(),
                    namespace: obj.namespace.clone(),
                    r#type: (*t).to_owned(),
                    status: status.to_owned(),
                });
            }
        }
    }

    /// The metrics in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Ok(registry) = self.registry.lock() {
            if prometheus_client::encoding::text::encode(&mut out, &registry).is_err() {
                out.clear();
            }
        }
        out
    }
}

/// Times one reconcile; records on drop.
pub struct ReconcileTimer {
    metrics: Metrics,
    obj: ObjectLabels,
    start: Instant,
}

impl Drop for ReconcileTimer {
    fn drop(&mut self) {
        let secs = self.start.elapsed().as_secs_f64();
        self.metrics.duration.get_or_create(&self.obj).observe(secs);
        let labels = self.metrics.controller_labels();
        self.metrics
            .reconcile_time
            .get_or_create(&labels)
            .observe(secs);
        self.metrics.active_workers.get_or_create(&labels).dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj() -> ObjectLabels {
        ObjectLabels {
            kind: "OCIRepository".into(),
            name: "podinfo".into(),
            namespace: "flux-system".into(),
        }
    }

    #[test]
    fn exposes_flux_and_controller_runtime_names() {
        let m = Metrics::new("ocirepository");
        m.set_max_concurrent(4);
        {
            let _t = m.start(obj());
        }
        m.record_result(ReconcileResult::Error);
        m.record_suspend(&obj(), true);
        let cond = crate::conditions::condition("Ready", ConditionStatus::False, "Failed", "x");
        m.record_condition(&obj(), &cond);
        let text = m.encode();
        for needle in [
            "gotk_reconcile_duration_seconds_count{kind=\"OCIRepository\",name=\"podinfo\",namespace=\"flux-system\"} 1",
            "gotk_suspend_status{kind=\"OCIRepository\",name=\"podinfo\",namespace=\"flux-system\"} 1",
            "gotk_reconcile_condition{kind=\"OCIRepository\",name=\"podinfo\",namespace=\"flux-system\",type=\"Ready\",status=\"False\"} 1",
            "gotk_reconcile_condition{kind=\"OCIRepository\",name=\"podinfo\",namespace=\"flux-system\",type=\"Ready\",status=\"True\"} 0",
            "controller_runtime_reconcile_total{controller=\"ocirepository\",result=\"error\"} 1",
            "controller_runtime_reconcile_errors_total{controller=\"ocirepository\"} 1",
            "controller_runtime_reconcile_time_seconds_count{controller=\"ocirepository\"} 1",
            "controller_runtime_max_concurrent_reconciles{controller=\"ocirepository\"} 4",
            "controller_runtime_active_workers{controller=\"ocirepository\"} 0",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
        m.delete_object(&obj(), &["Ready"]);
        assert!(!m.encode().contains("name=\"podinfo\""));
    }
}
