//! Prophet through augurs, configured like Python Prophet, with seeded intervals.

use std::collections::HashMap;

use augurs_prophet::{
    Algorithm, EstimationMode, FeatureMode, GrowthType, Holiday, HolidayOccurrence, IntervalWidth,
    Prophet, ProphetOptions, Scaling, SeasonalityOption, TrainingData, optimizer::OptimizeOpts,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    ForecastError, ForecastRow, Series,
    features::{FeatureSet, canonical_columns, piecewise_linear, timestamp},
    intervals::{IntervalSpec, sample_intervals},
    optimizer::{FitParams, Recorder, StanOptimizer},
};

/// Whether a seasonality is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SeasonalityMode {
    /// Always.
    On,
    /// Never.
    Off,
    /// Yearly: only with at least two years of history (Prophet's rule).
    #[default]
    Auto,
}

impl std::str::FromStr for SeasonalityMode {
    type Err = ForecastError;

    /// `on`, `off` or `auto` (the CLI's `--yearly` and `--weekly` values).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "on" => Ok(Self::On),
            "off" => Ok(Self::Off),
            "auto" => Ok(Self::Auto),
            other => Err(ForecastError::InvalidOption {
                name: "seasonality",
                message: format!("`{other}` is not one of on, off, auto"),
            }),
        }
    }
}

/// How a unit's Prophet model is set up; persisted with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProphetSettings {
    /// Yearly seasonality (10 Fourier terms).
    pub yearly: SeasonalityMode,
    /// Weekly seasonality (3 Fourier terms); `Auto` means on.
    pub weekly: SeasonalityMode,
    /// The unit's holidays (one shared effect, prior scale 10 like Python's default).
    pub holidays: Vec<NaiveDate>,
    /// Width of the prediction interval, in (0, 1).
    pub interval_width: f64,
    /// Simulations behind each interval; 0 gives `yhat` as both bounds.
    pub uncertainty_samples: u32,
    /// Seed of the interval simulation, so that intervals are reproducible.
    pub seed: u64,
}

impl Default for ProphetSettings {
    fn default() -> Self {
        Self {
            yearly: SeasonalityMode::Auto,
            weekly: SeasonalityMode::On,
            holidays: Vec::new(),
            interval_width: 0.8,
            uncertainty_samples: 1000,
            seed: 0,
        }
    }
}

impl ProphetSettings {
    /// Resolve `Auto` for a history from `first` to `last`.
    fn feature_set<'a>(&'a self, first: NaiveDate, last: NaiveDate) -> FeatureSet<'a> {
        let span_days = (last - first).num_days() as f64;
        FeatureSet {
            yearly: match self.yearly {
                SeasonalityMode::On => true,
                SeasonalityMode::Off => false,
                SeasonalityMode::Auto => span_days >= 2.0 * 365.25,
            },
            weekly: self.weekly != SeasonalityMode::Off,
            holidays: &self.holidays,
        }
    }

    fn check(&self) -> Result<(), ForecastError> {
        if !(self.interval_width > 0.0 && self.interval_width < 1.0) {
            return Err(ForecastError::InvalidOption {
                name: "interval_width",
                message: format!("{} is not in (0, 1)", self.interval_width),
            });
        }
        Ok(())
    }
}

/// A fitted Prophet model of one unit.
///
/// Forecasts are computed here from the recorded parameters (trend plus feature columns in
/// canonical order, additive mode, as augurs and Python Prophet do), not by augurs' `predict`:
/// augurs sums the seasonal terms in `HashMap` order, which differs between two instances of
/// the same model by a unit in the last place. This way a restored model predicts the same
/// bits, and restoring needs no Stan and no augurs preprocessing.
#[derive(Debug, Clone)]
pub struct ProphetModel {
    params: FitParams,
    first: NaiveDate,
    t_scale: f64,
    y_scale: f64,
    yearly: bool,
    weekly: bool,
    settings: ProphetSettings,
}

/// Fewer points than this make the WebAssembly Stan model fail without recovery.
pub(crate) const MIN_PROPHET_POINTS: usize = 8;

impl ProphetModel {
    /// Fit `series` with Stan (L-BFGS, 10,000 iterations, Python Prophet's settings).
    /// Constant series and fewer than 8 points are refused: the WebAssembly Stan model cannot
    /// recover from the errors they cause.
    pub fn fit(
        series: &Series,
        settings: &ProphetSettings,
        stan: &StanOptimizer,
    ) -> Result<Self, ForecastError> {
        settings.check()?;
        let unit = series.unit().to_string();
        let model_error = |message: String| ForecastError::Model {
            unit: unit.clone(),
            model: "prophet",
            message,
        };
        if series.len() < MIN_PROPHET_POINTS || series.is_constant() {
            return Err(model_error(
                "constant series or too few points for Stan".into(),
            ));
        }
        let opts = OptimizeOpts {
            algorithm: Some(Algorithm::Lbfgs),
            iter: Some(10_000),
            // Python Prophet's MAP: the mode of the posterior without the Jacobian adjustment.
            jacobian: Some(false),
            ..OptimizeOpts::default()
        };
        let set = settings.feature_set(series.dates()[0], series.last_date());
        let recorder = Recorder::stan(stan, canonical_columns(series.dates(), set), opts);
        let slot = recorder.slot();
        let mut model = Prophet::new(prophet_options(settings, set), recorder);
        let ds = series.dates().iter().map(|d| timestamp(*d)).collect();
        let data = TrainingData::new(ds, series.values().to_vec())
            .map_err(|e| model_error(e.to_string()))?;
        model
            .fit(data, OptimizeOpts::default())
            .map_err(|e| model_error(e.to_string()))?;
        let params = slot
            .get()
            .ok_or_else(|| model_error("optimizer recorded no parameters".into()))?;
        Self::restore(series, settings, params)
    }

    /// Rebuild a fitted model from the series it was fitted on, its settings and its recorded
    /// parameters, without running Stan.
    pub fn restore(
        series: &Series,
        settings: &ProphetSettings,
        params: FitParams,
    ) -> Result<Self, ForecastError> {
        settings.check()?;
        let first = series.dates()[0];
        let last = series.last_date();
        let set = settings.feature_set(first, last);
        let columns = canonical_columns(&[first], set).len();
        if params.beta.len() != columns || params.delta.len() != params.t_change.len() {
            return Err(ForecastError::Load(format!(
                "unit {}: recorded Prophet parameters do not fit the model ({} coefficients, {} expected)",
                series.unit(),
                params.beta.len(),
                columns
            )));
        }
        let y_max = series
            .values()
            .iter()
            .fold(0.0f64, |acc, y| acc.max(y.abs()));
        Ok(Self {
            params,
            first,
            t_scale: (timestamp(last) - timestamp(first)) as f64,
            y_scale: if y_max == 0.0 { 1.0 } else { y_max },
            yearly: set.yearly,
            weekly: set.weekly,
            settings: settings.clone(),
        })
    }

    /// The recorded MAP parameters.
    pub fn params(&self) -> &FitParams {
        &self.params
    }

    /// Whether yearly and weekly seasonality are in the model (after resolving `Auto`).
    pub fn seasonalities(&self) -> (bool, bool) {
        (self.yearly, self.weekly)
    }

    /// Point forecasts and seeded intervals for `dates`.
    pub fn predict(&self, dates: &[NaiveDate]) -> Result<Vec<ForecastRow>, ForecastError> {
        let yhat = self.predict_points(dates)?;
        let spec = IntervalSpec {
            width: self.settings.interval_width,
            samples: self.settings.uncertainty_samples,
            seed: self.settings.seed,
            y_scale: self.y_scale,
        };
        let (lower, upper) = sample_intervals(&yhat, &self.scaled_time(dates), &self.params, &spec);
        Ok(dates
            .iter()
            .zip(yhat)
            .zip(lower.into_iter().zip(upper))
            .map(|((ds, yhat), (yhat_lower, yhat_upper))| ForecastRow {
                ds: *ds,
                yhat,
                yhat_lower,
                yhat_upper,
            })
            .collect())
    }

    /// Point forecasts (`yhat`) for `dates`.
    pub fn predict_points(&self, dates: &[NaiveDate]) -> Result<Vec<f64>, ForecastError> {
        let p = &self.params;
        let trend = piecewise_linear(&self.scaled_time(dates), &p.delta, p.k, p.m, &p.t_change);
        let set = FeatureSet {
            yearly: self.yearly,
            weekly: self.weekly,
            holidays: &self.settings.holidays,
        };
        let columns = canonical_columns(dates, set);
        Ok(trend
            .iter()
            .enumerate()
            .map(|(i, trend)| {
                let seasonal: f64 = columns.iter().zip(&p.beta).map(|(x, b)| x[i] * b).sum();
                trend * self.y_scale + seasonal * self.y_scale
            })
            .collect())
    }

    fn scaled_time(&self, dates: &[NaiveDate]) -> Vec<f64> {
        let start = timestamp(self.first);
        dates
            .iter()
            .map(|d| (timestamp(*d) - start) as f64 / self.t_scale)
            .collect()
    }
}

/// Python Prophet's defaults, made explicit (augurs' defaults differ), intervals switched off
/// in augurs because its random generator cannot be seeded (see [`crate::intervals`]).
fn prophet_options(settings: &ProphetSettings, set: FeatureSet<'_>) -> ProphetOptions {
    let mut holidays = HashMap::new();
    if !settings.holidays.is_empty() {
        let occurrences = settings
            .holidays
            .iter()
            .map(|d| HolidayOccurrence::for_day(timestamp(*d)))
            .collect();
        holidays.insert("holidays".to_string(), Holiday::new(occurrences));
    }
    ProphetOptions {
        growth: GrowthType::Linear,
        changepoints: None,
        n_changepoints: 25,
        yearly_seasonality: SeasonalityOption::Manual(set.yearly),
        weekly_seasonality: SeasonalityOption::Manual(set.weekly),
        daily_seasonality: SeasonalityOption::Manual(false),
        seasonality_mode: FeatureMode::Additive,
        estimation: EstimationMode::Mle,
        interval_width: IntervalWidth::try_new(settings.interval_width).unwrap_or_default(),
        uncertainty_samples: 0,
        scaling: Scaling::AbsMax,
        holidays,
        // Python's default holidays_prior_scale is 10; augurs' is 100.
        holidays_prior_scale: augurs_prophet::PositiveFloat::try_new(10.0)
            .unwrap_or(augurs_prophet::PositiveFloat::one()),
        holidays_mode: None,
        ..ProphetOptions::default()
    }
}
