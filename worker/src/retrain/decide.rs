//! Promote or reject: a new model replaces the active one only when it is not worse by more
//! than the tolerance and is at least as good as seasonal naive on its holdout.

use serde::{Deserialize, Serialize};

/// What the pipeline did with a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The new version is active.
    Promoted,
    /// The new version is stored as `rejected`; the active one stays.
    Rejected,
    /// Training or validation failed; the active one stays.
    Failed,
    /// Not trained (too little history).
    Skipped,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Promoted => "promoted",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

/// The active model a new one is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incumbent {
    pub version: i32,
    pub holdout_mape: Option<f64>,
}

/// Promote or reject a valid new model with holdout MAPE `after`, against `incumbent` and the
/// seasonal-naive MAPE `baseline` on the same holdout. A model that is itself seasonal naive
/// ties with the baseline, and a tie passes.
pub fn decide(
    after: Option<f64>,
    incumbent: Option<Incumbent>,
    baseline: Option<f64>,
    tolerance_pct: f64,
) -> (Decision, String) {
    let Some(after) = after else {
        return (
            Decision::Rejected,
            "no holdout MAPE (every holdout actual was zero)".into(),
        );
    };
    if let Some(baseline) = baseline
        && after > baseline
    {
        return (
            Decision::Rejected,
            format!("holdout MAPE {after:.2} % is worse than seasonal naive's {baseline:.2} %"),
        );
    }
    match incumbent {
        None => (
            Decision::Promoted,
            format!("first model: holdout MAPE {after:.2} %"),
        ),
        Some(Incumbent {
            version,
            holdout_mape: None,
        }) => (
            Decision::Promoted,
            format!("holdout MAPE {after:.2} %; active v{version} had none to compare"),
        ),
        Some(Incumbent {
            version,
            holdout_mape: Some(before),
        }) => {
            let limit = before * (1.0 + tolerance_pct / 100.0);
            if after > limit {
                (
                    Decision::Rejected,
                    format!(
                        "holdout MAPE {after:.2} % is worse than active v{version}'s {before:.2} % by more than {tolerance_pct} %"
                    ),
                )
            } else {
                (
                    Decision::Promoted,
                    format!(
                        "holdout MAPE {after:.2} % against active v{version}'s {before:.2} % (tolerance {tolerance_pct} %)"
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active(mape: f64) -> Option<Incumbent> {
        Some(Incumbent {
            version: 4,
            holdout_mape: Some(mape),
        })
    }

    #[test]
    fn a_model_within_the_tolerance_of_the_active_one_is_promoted() {
        assert_eq!(
            decide(Some(10.4), active(10.0), Some(12.0), 5.0).0,
            Decision::Promoted
        );
    }

    #[test]
    fn a_model_worse_than_the_tolerance_allows_is_rejected_and_says_why() {
        let (decision, reason) = decide(Some(10.6), active(10.0), Some(12.0), 5.0);
        assert_eq!(decision, Decision::Rejected);
        assert!(reason.contains("active v4"), "{reason}");
    }

    #[test]
    fn a_model_worse_than_seasonal_naive_is_rejected_even_without_an_active_one() {
        let (decision, reason) = decide(Some(12.5), None, Some(12.0), 5.0);
        assert_eq!(decision, Decision::Rejected);
        assert!(reason.contains("seasonal naive"), "{reason}");
    }

    #[test]
    fn a_first_model_that_ties_with_seasonal_naive_is_promoted() {
        assert_eq!(
            decide(Some(12.0), None, Some(12.0), 5.0).0,
            Decision::Promoted
        );
    }

    #[test]
    fn a_model_without_a_holdout_mape_is_rejected() {
        assert_eq!(decide(None, None, None, 5.0).0, Decision::Rejected);
    }
}
