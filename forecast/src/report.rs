//! The `rota forecast-file` contract: options in, one serializable report out.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::{
    BaselineMapes, ForecastError, ForecastRow, Holdout, Horizon, ModelKind, ProphetSettings,
    SeasonalityMode, Series, StanOptimizer, baseline::baseline_forecast, evaluate::evaluate,
    prophet::ProphetModel,
};

/// Options of `rota forecast-file` (`--horizon`, `--holdout`, `--yearly`, `--weekly`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastOptions {
    /// Days to forecast after the last observation (default 28).
    pub horizon: Horizon,
    /// Trailing days held out for the MAPEs (default 28).
    pub holdout: Holdout,
    /// Yearly seasonality: on, off, or auto (on with ≥ 2 years of history; the default).
    pub yearly: SeasonalityMode,
    /// Weekly seasonality: on (the default) or off.
    pub weekly: SeasonalityMode,
}

impl Default for ForecastOptions {
    fn default() -> Self {
        Self {
            horizon: Horizon::default(),
            holdout: Holdout::default(),
            yearly: SeasonalityMode::Auto,
            weekly: SeasonalityMode::On,
        }
    }
}

impl ForecastOptions {
    fn settings(&self) -> ProphetSettings {
        ProphetSettings {
            yearly: self.yearly,
            weekly: self.weekly,
            ..ProphetSettings::default()
        }
    }
}

/// The `--json` output of `rota forecast-file`; these keys are a public contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastReport {
    /// The unit forecast.
    pub unit: String,
    /// The model that produced `forecast`: Prophet unless it could not be fitted.
    pub model: ModelKind,
    /// Whether Prophet beat seasonal naive on the holdout (would be promoted to serve).
    pub promoted: bool,
    /// Why Prophet was or was not promoted.
    pub reason: String,
    /// Prophet's MAPE (percent) on the holdout; `None` if it could not be fitted or scored.
    pub holdout_mape: Option<f64>,
    /// Baseline MAPEs (percent) on the same holdout.
    pub baseline_mapes: BaselineMapes,
    /// Wall time of all fits and forecasts, in milliseconds.
    pub fit_ms: f64,
    /// One row per forecast day.
    pub forecast: Vec<ForecastRow>,
}

/// Score Prophet and the baselines on the holdout, then fit Prophet on the whole series and
/// forecast `horizon` days (the best baseline forecasts when Prophet cannot fit, e.g. for a
/// constant series).
pub fn forecast_series(
    series: &Series,
    options: &ForecastOptions,
    stan: &StanOptimizer,
) -> Result<ForecastReport, ForecastError> {
    let started = Instant::now();
    let settings = options.settings();
    let eval = evaluate(series, &settings, options.holdout, stan)?;
    let dates = series.future_dates(options.horizon);
    let (model, forecast) = match ProphetModel::fit(series, &settings, stan)
        .and_then(|prophet| prophet.predict(&dates))
    {
        Ok(rows) => (ModelKind::Prophet, rows),
        Err(_) => {
            let fallback = match eval.winner {
                ModelKind::Prophet => ModelKind::SeasonalNaive,
                kind => kind,
            };
            let rows = baseline_forecast(fallback, series, &dates, settings.interval_width)?;
            (fallback, rows)
        }
    };
    Ok(ForecastReport {
        unit: series.unit().to_string(),
        model,
        promoted: eval.winner == ModelKind::Prophet,
        reason: eval.reason,
        holdout_mape: eval.prophet_mape,
        baseline_mapes: eval.baseline_mapes,
        fit_ms: started.elapsed().as_secs_f64() * 1e3,
        forecast,
    })
}
