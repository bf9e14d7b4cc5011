//! Latency statistics of a load test: nearest-rank percentiles over every answered request.

use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// What one connection saw.
#[derive(Debug, Default)]
pub struct Tally {
    /// Microseconds per answered request.
    pub latencies_us: Vec<u64>,
    /// Failures by kind: an HTTP status (`"503"`) or `"io"`.
    pub errors: BTreeMap<String, u64>,
}

impl Tally {
    pub fn record(&mut self, elapsed: Duration, error: Option<String>) {
        self.latencies_us
            .push(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
        if let Some(kind) = error {
            self.fail(kind);
        }
    }

    pub fn fail(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }

    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
    }
}

/// The load test's result (`--json` prints it; keep the keys stable).
#[derive(Debug, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub connections: u32,
    pub duration_s: f64,
    /// Requests answered (including error answers); I/O failures are only in `errors`.
    pub requests: u64,
    pub requests_per_s: f64,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub errors_by_kind: BTreeMap<String, u64>,
}

/// Merges the connections' tallies over `elapsed` of sending.
pub fn summarise(
    scenario: &str,
    connections: u32,
    elapsed: Duration,
    tallies: Vec<Tally>,
) -> Summary {
    let mut all = Tally::default();
    for tally in tallies {
        all.merge(tally);
    }
    let mut lat = all.latencies_us;
    lat.sort_unstable();
    let requests = lat.len() as u64;
    let secs = elapsed.as_secs_f64().max(f64::EPSILON);
    let ms = |us: u64| us as f64 / 1e3;
    let mean_ms = if lat.is_empty() {
        0.0
    } else {
        lat.iter().map(|&us| us as f64).sum::<f64>() / lat.len() as f64 / 1e3
    };
    Summary {
        scenario: scenario.to_string(),
        connections,
        duration_s: secs,
        requests,
        requests_per_s: requests as f64 / secs,
        mean_ms,
        p50_ms: ms(percentile(&lat, 50.0)),
        p90_ms: ms(percentile(&lat, 90.0)),
        p99_ms: ms(percentile(&lat, 99.0)),
        max_ms: ms(lat.last().copied().unwrap_or(0)),
        errors: all.errors.values().sum(),
        errors_by_kind: all.errors,
    }
}

/// Nearest-rank percentile of sorted values; 0 for none.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_pick_an_observed_value() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), 50);
        assert_eq!(percentile(&values, 90.0), 90);
        assert_eq!(percentile(&values, 99.0), 99);
        assert_eq!(percentile(&values, 100.0), 100);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
    }

    #[test]
    fn summary_merges_connections_and_counts_errors() {
        let mut a = Tally::default();
        a.record(Duration::from_millis(2), None);
        a.record(Duration::from_millis(4), Some("503".into()));
        let mut b = Tally::default();
        b.record(Duration::from_millis(6), None);
        b.fail("io".into());
        let s = summarise("forecast", 2, Duration::from_secs(2), vec![a, b]);
        assert_eq!(s.requests, 3);
        assert!((s.requests_per_s - 1.5).abs() < 1e-9);
        assert!((s.mean_ms - 4.0).abs() < 1e-9);
        assert!((s.max_ms - 6.0).abs() < 1e-9);
        assert_eq!(s.errors, 2);
        assert_eq!(s.errors_by_kind.get("503"), Some(&1));
        assert_eq!(s.errors_by_kind.get("io"), Some(&1));
    }
}
