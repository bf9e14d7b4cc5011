//! A unit's trained model: what serves, why, how well, and everything needed to restore it.

use std::time::Instant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    BaselineMapes, DriftConfig, DriftReport, ForecastError, ForecastRow, Holdout, Horizon,
    ModelKind, ProphetSettings, Series, StanOptimizer, UnitName,
    baseline::{baseline_forecast, baseline_in_sample},
    drift::detect_drift,
    evaluate::evaluate,
    optimizer::FitParams,
    prophet::ProphetModel,
};

/// The `format` field of every persisted model.
pub const MODEL_FORMAT: &str = "rota-forecast-model";
/// The version of the persisted form this build writes and reads.
pub const MODEL_VERSION: u32 = 1;

/// How a unit is trained.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Prophet's settings for the unit.
    pub settings: ProphetSettings,
    /// Trailing days held out to score the candidates.
    pub holdout: Holdout,
}

/// The observations a model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingWindow {
    /// First observed date.
    pub first: NaiveDate,
    /// Last observed date.
    pub last: NaiveDate,
    /// Every observed date, ascending (gaps allowed).
    pub dates: Vec<NaiveDate>,
    /// The observed values, in date order.
    pub values: Vec<f64>,
}

/// Accuracy of the serving model and of the candidates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Holdout MAPE (percent) of the serving model, the reference for drift.
    pub holdout_mape: Option<f64>,
    /// Holdout MAE of the serving model.
    pub holdout_mae: Option<f64>,
    /// Holdout MAPE of Prophet, `None` when it could not be fitted or scored.
    pub prophet_holdout_mape: Option<f64>,
    /// Holdout MAPEs of the baselines.
    pub baseline_mapes: BaselineMapes,
    /// In-sample residuals (actual − fitted) of the serving model on the full history.
    pub training_residuals: Vec<f64>,
}

/// A unit's trained model, persisted as versioned, self-describing JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitModel {
    format: String,
    version: u32,
    unit: UnitName,
    config: TrainConfig,
    training: TrainingWindow,
    served_by: ModelKind,
    reason: String,
    prophet: Option<FitParams>,
    metrics: Metrics,
    fit_ms: f64,
}

impl UnitModel {
    /// Score Prophet and the baselines on the holdout, pick the serving model (Prophet only if
    /// it beats seasonal naive) and fit it on the whole history.
    pub fn fit(
        series: &Series,
        config: &TrainConfig,
        stan: &StanOptimizer,
    ) -> Result<Self, ForecastError> {
        let started = Instant::now();
        let eval = evaluate(series, &config.settings, config.holdout, stan)?;
        let mut served_by = eval.winner;
        let mut reason = eval.reason;
        let mut prophet = None;
        let training_residuals = match served_by {
            ModelKind::Prophet => match ProphetModel::fit(series, &config.settings, stan)
                .and_then(|m| Ok((m.predict_points(series.dates())?, m.params().clone())))
            {
                Ok((fitted, params)) => {
                    prophet = Some(params);
                    residuals(series.values(), fitted.into_iter().map(Some))
                }
                Err(e) => {
                    served_by = ModelKind::SeasonalNaive;
                    reason = format!("{reason}, but the full Prophet fit failed ({e})");
                    residuals(series.values(), baseline_in_sample(served_by, series)?)
                }
            },
            kind => residuals(series.values(), baseline_in_sample(kind, series)?),
        };
        Ok(Self {
            format: MODEL_FORMAT.to_string(),
            version: MODEL_VERSION,
            unit: series.unit().clone(),
            config: config.clone(),
            training: TrainingWindow {
                first: series.dates()[0],
                last: series.last_date(),
                dates: series.dates().to_vec(),
                values: series.values().to_vec(),
            },
            served_by,
            reason,
            prophet,
            metrics: Metrics {
                holdout_mape: eval.winner_mape,
                holdout_mae: eval.winner_mae,
                prophet_holdout_mape: eval.prophet_mape,
                baseline_mapes: eval.baseline_mapes,
                training_residuals,
            },
            fit_ms: started.elapsed().as_secs_f64() * 1e3,
        })
    }

    /// The unit the model belongs to.
    pub fn unit(&self) -> &UnitName {
        &self.unit
    }

    /// The model that serves forecasts.
    pub fn served_by(&self) -> ModelKind {
        self.served_by
    }

    /// Why that model serves.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Accuracy figures.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The observations it was trained on.
    pub fn training(&self) -> &TrainingWindow {
        &self.training
    }

    /// The settings it was trained with.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Wall time of training (holdout fits and the full fit), in milliseconds.
    pub fn fit_ms(&self) -> f64 {
        self.fit_ms
    }

    /// Forecast the `horizon` days after the training window.
    pub fn forecast(&self, horizon: Horizon) -> Result<Vec<ForecastRow>, ForecastError> {
        let series = self.training_series()?;
        self.predict_series(&series, &series.future_dates(horizon))
    }

    /// Forecast the given dates; baselines accept only dates after the training window.
    pub fn predict(&self, dates: &[NaiveDate]) -> Result<Vec<ForecastRow>, ForecastError> {
        self.predict_series(&self.training_series()?, dates)
    }

    fn predict_series(
        &self,
        series: &Series,
        dates: &[NaiveDate],
    ) -> Result<Vec<ForecastRow>, ForecastError> {
        match (&self.served_by, &self.prophet) {
            (ModelKind::Prophet, Some(params)) => {
                ProphetModel::restore(series, &self.config.settings, params.clone())?.predict(dates)
            }
            (ModelKind::Prophet, None) => Err(ForecastError::Load(
                "served by Prophet but no Prophet parameters recorded".into(),
            )),
            (kind, _) => {
                if dates.iter().any(|d| *d <= self.training.last) {
                    return Err(ForecastError::InvalidOption {
                        name: "dates",
                        message: format!(
                            "{} forecasts only dates after {}",
                            kind.as_str(),
                            self.training.last
                        ),
                    });
                }
                baseline_forecast(*kind, series, dates, self.config.settings.interval_width)
            }
        }
    }

    /// Drift of this model given recent actuals and the forecasts it made for those days.
    pub fn drift(
        &self,
        recent_actual: &[f64],
        recent_forecast: &[f64],
        config: &DriftConfig,
    ) -> Result<DriftReport, ForecastError> {
        detect_drift(
            &self.metrics.training_residuals,
            recent_actual,
            recent_forecast,
            self.metrics.holdout_mape,
            config,
        )
    }

    /// The persisted form: pretty JSON.
    pub fn to_json(&self) -> Result<String, ForecastError> {
        serde_json::to_string_pretty(self).map_err(|e| ForecastError::Load(e.to_string()))
    }

    /// Read a persisted model; a foreign format, another version or damaged content is an
    /// error that says which.
    pub fn from_json(text: &str) -> Result<Self, ForecastError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ForecastError::Load(format!("not JSON: {e}")))?;
        let format = value.get("format").and_then(|f| f.as_str());
        if format != Some(MODEL_FORMAT) {
            return Err(ForecastError::Load(format!(
                "unknown format {}, expected \"{MODEL_FORMAT}\"",
                format.map_or("(missing)".to_string(), |f| format!("\"{f}\""))
            )));
        }
        let version = value.get("version").and_then(|v| v.as_u64());
        if version != Some(u64::from(MODEL_VERSION)) {
            return Err(ForecastError::Load(format!(
                "unsupported version {}, this build reads version {MODEL_VERSION}",
                version.map_or("(missing)".to_string(), |v| v.to_string())
            )));
        }
        let model: Self = serde_json::from_value(value)
            .map_err(|e| ForecastError::Load(format!("corrupt model: {e}")))?;
        model
            .training_series()
            .map_err(|e| ForecastError::Load(format!("corrupt training window: {e}")))?;
        if model.served_by == ModelKind::Prophet && model.prophet.is_none() {
            return Err(ForecastError::Load(
                "corrupt model: served by Prophet but no Prophet parameters".into(),
            ));
        }
        Ok(model)
    }

    fn training_series(&self) -> Result<Series, ForecastError> {
        let points = self
            .training
            .dates
            .iter()
            .copied()
            .zip(self.training.values.iter().copied())
            .collect::<Vec<_>>();
        if points.len() != self.training.dates.len()
            || self.training.dates.len() != self.training.values.len()
        {
            return Err(ForecastError::Load(
                "dates and values differ in length".into(),
            ));
        }
        Series::new(self.unit.clone(), points)
    }
}

fn residuals(actual: &[f64], fitted: impl IntoIterator<Item = Option<f64>>) -> Vec<f64> {
    actual
        .iter()
        .zip(fitted)
        .filter_map(|(a, f)| f.map(|f| a - f))
        .collect()
}
