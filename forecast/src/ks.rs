//! Two-sample Kolmogorov–Smirnov test (two-sided).
//!
//! Written here because no maintained Rust crate offers the exact two-sample distribution:
//! `statrs` and friends only have the one-sample limit. The exact p-value follows a uniform
//! random lattice path from (0, 0) to (n1, n2) and sums the probability of first touching the
//! band |i/n1 − j/n2| ≥ D (Hodges 1957), which avoids the cancellation of `1 − P(inside)` for
//! small p-values. Larger samples use the Kolmogorov limit with Stephens' (1970) small-sample
//! correction.

use serde::{Deserialize, Serialize};

use crate::ForecastError;

/// Above this many lattice cells (n1 × n2) the asymptotic p-value is used.
pub const EXACT_MAX_CELLS: usize = 1_000_000;

/// How a p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KsMethod {
    /// Exact distribution of D under the null (no ties assumed).
    Exact,
    /// Kolmogorov limiting distribution with Stephens' correction.
    Asymptotic,
}

/// Result of a two-sample KS test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KsTest {
    /// The largest distance between the two empirical CDFs.
    pub statistic: f64,
    /// Probability of a distance at least this large if both samples share one distribution.
    pub p_value: f64,
    /// How `p_value` was computed.
    pub method: KsMethod,
}

/// Two-sided two-sample KS test, `Exact` when n1 × n2 ≤ [`EXACT_MAX_CELLS`].
/// Empty or non-finite samples are an error.
pub fn ks_2samp(a: &[f64], b: &[f64]) -> Result<KsTest, ForecastError> {
    let method = if a.len().saturating_mul(b.len()) <= EXACT_MAX_CELLS {
        KsMethod::Exact
    } else {
        KsMethod::Asymptotic
    };
    ks_2samp_with(a, b, method)
}

/// Two-sided two-sample KS test with the p-value method chosen by the caller.
pub fn ks_2samp_with(a: &[f64], b: &[f64], method: KsMethod) -> Result<KsTest, ForecastError> {
    let sorted_a = sorted_sample(a, "sample a")?;
    let sorted_b = sorted_sample(b, "sample b")?;
    let (n1, n2) = (sorted_a.len(), sorted_b.len());
    let d_scaled = scaled_statistic(&sorted_a, &sorted_b);
    let statistic = d_scaled as f64 / (n1 as f64 * n2 as f64);
    let p_value = match method {
        KsMethod::Exact => exact_p_value(n1, n2, d_scaled),
        KsMethod::Asymptotic => asymptotic_p_value(n1, n2, statistic),
    };
    Ok(KsTest {
        statistic,
        p_value: p_value.clamp(0.0, 1.0),
        method,
    })
}

fn sorted_sample(sample: &[f64], name: &'static str) -> Result<Vec<f64>, ForecastError> {
    if sample.is_empty() || sample.iter().any(|x| !x.is_finite()) {
        return Err(ForecastError::InvalidOption {
            name: "ks_2samp",
            message: format!("{name} must be non-empty and finite"),
        });
    }
    let mut sorted = sample.to_vec();
    sorted.sort_by(f64::total_cmp);
    Ok(sorted)
}

/// D × n1 × n2, an integer, so that lattice comparisons below are exact.
fn scaled_statistic(a: &[f64], b: &[f64]) -> u64 {
    let (n1, n2) = (a.len() as i64, b.len() as i64);
    let (mut i, mut j, mut best) = (0usize, 0usize, 0u64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        best = best.max((i as i64 * n2 - j as i64 * n1).unsigned_abs());
    }
    best
}

/// P(D ≥ d) for a uniform random path of n1 steps in i and n2 steps in j.
fn exact_p_value(n1: usize, n2: usize, d_scaled: u64) -> f64 {
    if d_scaled == 0 {
        return 1.0;
    }
    let outside = |i: usize, j: usize| {
        (i as i64 * n2 as i64 - j as i64 * n1 as i64).unsigned_abs() >= d_scaled
    };
    // row[j]: probability of standing on (i, j) without having touched the band yet.
    let mut row = vec![0.0f64; n2 + 1];
    let mut next = vec![0.0f64; n2 + 1];
    row[0] = 1.0;
    let mut touched = 0.0;
    for i in 0..n1 {
        next.iter_mut().for_each(|x| *x = 0.0);
        for j in 0..=n2 {
            let mass = row[j];
            if mass == 0.0 {
                continue;
            }
            // Every remaining path is equally likely, so the next step goes in i with
            // probability (steps left in i) / (steps left).
            let (left_i, left_j) = ((n1 - i) as f64, (n2 - j) as f64);
            let to_i = mass * left_i / (left_i + left_j);
            let to_j = mass - to_i;
            if outside(i + 1, j) {
                touched += to_i;
            } else {
                next[j] += to_i;
            }
            if j < n2 {
                if outside(i, j + 1) {
                    touched += to_j;
                } else {
                    row[j + 1] += to_j;
                }
            }
        }
        std::mem::swap(&mut row, &mut next);
    }
    // Last row (i = n1): only steps in j remain, each taken with probability 1.
    for j in 0..n2 {
        if row[j] != 0.0 && outside(n1, j + 1) {
            touched += row[j];
        } else {
            row[j + 1] += row[j];
        }
    }
    touched
}

/// Kolmogorov's limit Q(λ) = 2 Σ (−1)^(k−1) exp(−2k²λ²) at λ = (√ne + 0.12 + 0.11/√ne)·D,
/// ne = n1·n2/(n1 + n2) (Stephens 1970).
fn asymptotic_p_value(n1: usize, n2: usize, statistic: f64) -> f64 {
    let ne = (n1 as f64 * n2 as f64 / (n1 + n2) as f64).sqrt();
    let lambda = (ne + 0.12 + 0.11 / ne) * statistic;
    if lambda < 0.2 {
        // The series converges too slowly here and the answer is 1 to double precision.
        return 1.0;
    }
    let mut sum = 0.0;
    for k in 1..=100u32 {
        let kf = f64::from(k);
        let term = (-2.0 * kf * kf * lambda * lambda).exp();
        sum += if k % 2 == 1 { term } else { -term };
        if term < 1e-16 * sum.abs() {
            break;
        }
    }
    2.0 * sum
}
