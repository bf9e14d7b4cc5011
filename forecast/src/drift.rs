//! Has a unit's model drifted? Residual distribution shift (KS) or accuracy loss (MAPE).

use serde::{Deserialize, Serialize};

use crate::{ForecastError, KsTest, accuracy::mape, ks::ks_2samp};

/// Thresholds of the drift decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DriftConfig {
    /// KS p-values below this mean the recent residuals come from another distribution.
    pub alpha: f64,
    /// Recent MAPE above `ratio ×` the holdout MAPE counts as degraded.
    pub max_mape_ratio: f64,
    /// How many trailing days of actuals and forecasts are compared.
    pub recent_days: usize,
}

impl Default for DriftConfig {
    fn default() -> Self {
        Self {
            alpha: 0.05,
            max_mape_ratio: 1.2,
            recent_days: 28,
        }
    }
}

/// Why a model is considered drifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftReason {
    /// The KS p-value is below `alpha`.
    ResidualShift,
    /// Recent MAPE exceeds `max_mape_ratio ×` the holdout MAPE.
    MapeDegraded,
}

/// The drift statistics and decision for one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    /// KS test of recent residuals against training residuals.
    pub ks: KsTest,
    /// MAPE of the recent forecasts (percent), `None` if every recent actual is zero.
    pub recent_mape: Option<f64>,
    /// The model's holdout MAPE the recent MAPE is compared with.
    pub reference_mape: Option<f64>,
    /// `recent_mape / reference_mape`, when both exist and the reference is positive.
    pub mape_ratio: Option<f64>,
    /// The reasons found; empty means no drift.
    pub reasons: Vec<DriftReason>,
}

impl DriftReport {
    /// True when any reason was found.
    pub fn drifted(&self) -> bool {
        !self.reasons.is_empty()
    }
}

/// Compare the last `config.recent_days` residuals (actual − forecast) with the training
/// residuals, and the recent MAPE with `holdout_mape`. Actuals and forecasts are aligned by
/// position; longer inputs are cut to their common tail.
pub fn detect_drift(
    training_residuals: &[f64],
    recent_actual: &[f64],
    recent_forecast: &[f64],
    holdout_mape: Option<f64>,
    config: &DriftConfig,
) -> Result<DriftReport, ForecastError> {
    let n = recent_actual
        .len()
        .min(recent_forecast.len())
        .min(config.recent_days);
    let actual = &recent_actual[recent_actual.len() - n..];
    let forecast = &recent_forecast[recent_forecast.len() - n..];
    let residuals: Vec<f64> = actual.iter().zip(forecast).map(|(a, f)| a - f).collect();
    let ks = ks_2samp(training_residuals, &residuals)?;
    let recent_mape = mape(actual, forecast);
    let mape_ratio = match (recent_mape, holdout_mape) {
        (Some(recent), Some(reference)) if reference > 0.0 => Some(recent / reference),
        _ => None,
    };
    let mut reasons = Vec::new();
    if ks.p_value < config.alpha {
        reasons.push(DriftReason::ResidualShift);
    }
    if mape_ratio.is_some_and(|ratio| ratio > config.max_mape_ratio) {
        reasons.push(DriftReason::MapeDegraded);
    }
    Ok(DriftReport {
        ks,
        recent_mape,
        reference_mape: holdout_mape,
        mape_ratio,
        reasons,
    })
}
