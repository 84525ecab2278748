//! Exponential backoff with jitter for failed reconciles, and jitter for intervals.
//!
//! Flux retries a failing object with controller-runtime's per-item exponential limiter
//! (`--min-retry-delay` 750ms doubling to `--max-retry-delay` 15m) and spreads successful
//! requeues with `--interval-jitter-percentage` (default 5 %).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::Rng;

/// Per-object exponential backoff.
#[derive(Debug)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    /// Fraction of the delay added as random jitter (0.0..=1.0).
    jitter: f64,
    failures: Mutex<HashMap<String, u32>>,
}

impl Backoff {
    pub fn new(min: Duration, max: Duration, jitter: f64) -> Backoff {
        Backoff {
            min,
            max: max.max(min),
            jitter: jitter.clamp(0.0, 1.0),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The delay before retrying `key` after one more failure.
    pub fn next_delay(&self, key: &str) -> Duration {
        let attempt = match self.failures.lock() {
            Ok(mut f) => {
                let n = f.entry(key.to_owned()).or_insert(0);
                *n = n.saturating_add(1);
                *n
            }
            Err(_) => 1,
        };
        self.delay_for(attempt)
    }

    /// The delay for the n-th consecutive failure (1-based), with jitter, capped at max.
    pub fn delay_for(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(40);
        let base = self
            .min
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.max);
        let jittered = add_jitter(base, self.jitter);
        jittered.min(self.max)
    }

    /// Forgets the failures of `key` (after a success).
    pub fn reset(&self, key: &str) {
        if let Ok(mut f) = self.failures.lock() {
            f.remove(key);
        }
    }

    /// Consecutive failures recorded for `key`.
    pub fn failures(&self, key: &str) -> u32 {
        self.failures
            .lock()
            .ok()
            .and_then(|f| f.get(key).copied())
            .unwrap_or(0)
    }
}

/// `d` plus a random amount up to `fraction` of it.
pub fn add_jitter(d: Duration, fraction: f64) -> Duration {
    if fraction <= 0.0 || d.is_zero() {
        return d;
    }
    let extra = rand::rng().random_range(0.0..=fraction);
    d + d.mul_f64(extra)
}

/// An interval spread by ±`percentage` %, as Flux's `--interval-jitter-percentage` does.
pub fn jitter_interval(interval: Duration, percentage: u8) -> Duration {
    let p = f64::from(percentage.min(100)) / 100.0;
    if p == 0.0 || interval.is_zero() {
        return interval;
    }
    let factor = rand::rng().random_range(-p..=p);
    interval.mul_f64(1.0 + factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_resets() {
        let b = Backoff::new(Duration::from_millis(750), Duration::from_secs(900), 0.0);
        let delays: Vec<_> = (0..5).map(|_| b.next_delay("ns/a")).collect();
        assert_eq!(
            delays,
            [750, 1500, 3000, 6000, 12000]
                .map(Duration::from_millis)
                .to_vec()
        );
        assert_eq!(b.failures("ns/a"), 5);
        assert_eq!(b.delay_for(30), Duration::from_secs(900));
        assert_eq!(b.delay_for(u32::MAX), Duration::from_secs(900));
        b.reset("ns/a");
        assert_eq!(b.next_delay("ns/a"), Duration::from_millis(750));
        assert_eq!(b.next_delay("ns/b"), Duration::from_millis(750));
    }

    #[test]
    fn jitter_stays_in_bounds() {
        let b = Backoff::new(Duration::from_secs(1), Duration::from_secs(60), 0.1);
        for attempt in 1..8 {
            let base = Duration::from_secs(1 << (attempt - 1)).min(Duration::from_secs(60));
            let d = b.delay_for(attempt);
            assert!(d >= base && d <= base.mul_f64(1.1).min(Duration::from_secs(60)));
        }
        for _ in 0..100 {
            let d = jitter_interval(Duration::from_secs(600), 5);
            assert!(
                d >= Duration::from_secs(570) && d <= Duration::from_secs(630),
                "{d:?}"
            );
        }
        assert_eq!(
            jitter_interval(Duration::from_secs(600), 0),
            Duration::from_secs(600)
        );
    }
}
