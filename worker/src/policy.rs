//! Per-kind retry and timeout policy: how often a job is tried, how long each try may take,
//! and how long to wait between tries (exponential backoff with jitter).

use rand::Rng;
use rota_entity::enums::JobKind;
use std::collections::HashMap;
use std::time::Duration;

/// How one kind of job is run.
#[derive(Debug, Clone, PartialEq)]
pub struct JobPolicy {
    /// Tries in all, the first included; after the last failure the job is `dead`.
    pub max_attempts: u32,
    /// A try that runs longer fails with a timeout (and is retried if tries are left).
    pub timeout: Duration,
    /// Delay before the second try; doubles each try, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// How long a cancelled body may take to stop and return its best result before it is
    /// dropped.
    pub cancel_grace: Duration,
}

impl JobPolicy {
    /// The delay before the next try after `attempts` failed ones: `backoff · 2^(attempts-1)`,
    /// capped, then jittered into its upper half so that jobs that failed together do not
    /// come back together.
    pub fn retry_delay(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(20);
        let full = self
            .backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let jitter: f64 = rand::rng().random_range(0.5..=1.0);
        full.mul_f64(jitter)
    }

    fn default_for(kind: JobKind) -> Self {
        let (max_attempts, timeout_secs) = match kind {
            JobKind::Solve => (3, 15 * 60),
            JobKind::Forecast => (3, 30 * 60),
            JobKind::Retrain => (3, 3 * 60 * 60),
            JobKind::Monitor => (5, 15 * 60),
        };
        Self {
            max_attempts,
            timeout: Duration::from_secs(timeout_secs),
            backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(10 * 60),
            cancel_grace: Duration::from_secs(10),
        }
    }
}

/// The policy of every kind.
#[derive(Debug, Clone)]
pub struct Policies(HashMap<JobKind, JobPolicy>);

impl Default for Policies {
    fn default() -> Self {
        Self(
            [
                JobKind::Solve,
                JobKind::Forecast,
                JobKind::Retrain,
                JobKind::Monitor,
            ]
            .into_iter()
            .map(|kind| (kind, JobPolicy::default_for(kind)))
            .collect(),
        )
    }
}

impl Policies {
    pub fn get(&self, kind: JobKind) -> JobPolicy {
        self.0
            .get(&kind)
            .cloned()
            .unwrap_or_else(|| JobPolicy::default_for(kind))
    }

    /// These policies with `kind`'s replaced.
    pub fn with(mut self, kind: JobKind, policy: JobPolicy) -> Self {
        self.0.insert(kind, policy);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> JobPolicy {
        JobPolicy {
            max_attempts: 5,
            timeout: Duration::from_secs(1),
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            cancel_grace: Duration::from_secs(1),
        }
    }

    #[test]
    fn delay_doubles_per_attempt_within_its_jitter_band() {
        let policy = policy();
        for (attempts, full_ms) in [(1, 100), (2, 200), (3, 400), (4, 800)] {
            let delay = policy.retry_delay(attempts).as_millis();
            assert!(
                (full_ms / 2..=full_ms).contains(&delay),
                "attempt {attempts}: {delay} ms"
            );
        }
    }

    #[test]
    fn delay_is_capped() {
        assert!(policy().retry_delay(30) <= Duration::from_millis(1000));
    }
}
