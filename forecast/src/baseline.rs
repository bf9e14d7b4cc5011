//! Baselines a Prophet model must beat: seasonal naive and MSTL + ETS.
//!
//! Both work on a regular daily grid (gaps filled by [`Series::daily_grid`]) and forecast the
//! days after the last observation.

use augurs::{Fit, Predict, ets::AutoETS, mstl::MSTLModel};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::{ForecastError, ForecastRow, Series};

const WEEK: usize = 7;

/// The models that can serve a unit's forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Prophet (augurs, Stan MAP fit).
    Prophet,
    /// The value of the same weekday one week earlier.
    SeasonalNaive,
    /// MSTL decomposition (weekly period) with an AutoETS trend.
    MstlEts,
}

impl ModelKind {
    /// The name used in reports and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prophet => "prophet",
            Self::SeasonalNaive => "seasonal_naive",
            Self::MstlEts => "mstl_ets",
        }
    }
}

/// Forecast `dates` (all after the last date of `train`) with a baseline.
pub(crate) fn baseline_forecast(
    kind: ModelKind,
    train: &Series,
    dates: &[NaiveDate],
    width: f64,
) -> Result<Vec<ForecastRow>, ForecastError> {
    let last = train.last_date();
    let steps: Vec<usize> = dates
        .iter()
        .map(|d| (*d - last).num_days().max(1) as usize)
        .collect();
    let horizon = steps.iter().copied().max().unwrap_or(0);
    let grid = train.daily_grid();
    let (point, lower, upper) = match kind {
        ModelKind::SeasonalNaive => seasonal_naive(&grid, horizon, width),
        ModelKind::MstlEts => {
            mstl_ets(&grid, horizon, width).map_err(|message| ForecastError::Model {
                unit: train.unit().to_string(),
                model: kind.as_str(),
                message,
            })?
        }
        ModelKind::Prophet => {
            return Err(ForecastError::Model {
                unit: train.unit().to_string(),
                model: kind.as_str(),
                message: "Prophet is not a baseline".into(),
            });
        }
    };
    Ok(dates
        .iter()
        .zip(steps)
        .map(|(ds, h)| ForecastRow {
            ds: *ds,
            yhat: point[h - 1],
            yhat_lower: lower[h - 1],
            yhat_upper: upper[h - 1],
        })
        .collect())
}

/// In-sample one-step fitted values on the dates of `train` (`None` where undefined).
pub(crate) fn baseline_in_sample(
    kind: ModelKind,
    train: &Series,
) -> Result<Vec<Option<f64>>, ForecastError> {
    let grid = train.daily_grid();
    let fitted: Vec<Option<f64>> = match kind {
        ModelKind::MstlEts => {
            let model = MSTLModel::new(vec![WEEK], AutoETS::non_seasonal().into_trend_model());
            let fit = model.fit(&grid).map_err(|e| ForecastError::Model {
                unit: train.unit().to_string(),
                model: kind.as_str(),
                message: e.to_string(),
            })?;
            let in_sample = fit
                .predict_in_sample(None)
                .map_err(|e| ForecastError::Model {
                    unit: train.unit().to_string(),
                    model: kind.as_str(),
                    message: e.to_string(),
                })?;
            in_sample.point.into_iter().map(Some).collect()
        }
        _ => (0..grid.len())
            .map(|i| i.checked_sub(WEEK).map(|j| grid[j]))
            .collect(),
    };
    let first = train.dates()[0];
    Ok(train
        .dates()
        .iter()
        .map(|d| {
            let i = (*d - first).num_days() as usize;
            fitted.get(i).copied().flatten()
        })
        .collect())
}

type Bands = (Vec<f64>, Vec<f64>, Vec<f64>);

/// Repeat the last week; the interval widens with the number of weeks ahead
/// (σ·√(k+1), k = whole weeks ahead, Hyndman & Athanasopoulos §5.5).
fn seasonal_naive(grid: &[f64], horizon: usize, width: f64) -> Bands {
    let n = grid.len();
    let diffs: Vec<f64> = (WEEK..n).map(|i| grid[i] - grid[i - WEEK]).collect();
    let sigma = (diffs.iter().map(|d| d * d).sum::<f64>() / diffs.len().max(1) as f64).sqrt();
    let z = standard_normal_quantile((1.0 + width) / 2.0);
    let mut bands = (Vec::new(), Vec::new(), Vec::new());
    for h in 1..=horizon {
        let yhat = grid[n - WEEK + (h - 1) % WEEK];
        let spread = z * sigma * (((h - 1) / WEEK + 1) as f64).sqrt();
        bands.0.push(yhat);
        bands.1.push(yhat - spread);
        bands.2.push(yhat + spread);
    }
    bands
}

fn mstl_ets(grid: &[f64], horizon: usize, width: f64) -> Result<Bands, String> {
    let model = MSTLModel::new(vec![WEEK], AutoETS::non_seasonal().into_trend_model());
    let fit = model.fit(grid).map_err(|e| e.to_string())?;
    let forecast = fit
        .predict(horizon, Some(width))
        .map_err(|e| e.to_string())?;
    let (lower, upper) = match forecast.intervals {
        Some(intervals) => (intervals.lower, intervals.upper),
        None => (forecast.point.clone(), forecast.point.clone()),
    };
    if forecast.point.len() < horizon || forecast.point.iter().any(|y| !y.is_finite()) {
        return Err("non-finite or short forecast".into());
    }
    Ok((forecast.point, lower, upper))
}

fn standard_normal_quantile(p: f64) -> f64 {
    Normal::new(0.0, 1.0).map_or(1.2816, |n| n.inverse_cdf(p))
}
