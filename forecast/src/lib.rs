//! Demand forecasting for rota's units: Prophet (augurs, Stan compiled to WebAssembly) set up
//! like Python Prophet, baselines that gate its promotion, accuracy, drift, persistence and
//! parallel training.
//!
//! Pure: no file or network I/O, no async runtime, no printing. Callers read files and pass
//! text or [`Series`] in; they get values, JSON text and CSV text out.
//!
//! Entry points:
//! - the CLI (`rota forecast-file`): [`parse_series_csv`] → [`forecast_series`] →
//!   [`format_forecast_csv`] or `serde_json` of the [`ForecastReport`];
//! - the retrain job: [`train_many`] (or [`UnitModel::fit`]) → [`UnitModel::to_json`];
//!   later [`UnitModel::from_json`] → [`UnitModel::forecast`] and [`UnitModel::drift`];
//! - one compiled Stan model per process: [`StanOptimizer::shared`].
//!
//! ```no_run
//! use rota_forecast::{
//!     ForecastOptions, StanOptimizer, UnitName, forecast_series, format_forecast_csv,
//!     parse_series_csv,
//! };
//! # fn main() -> Result<(), rota_forecast::ForecastError> {
//! let text = "ds,y\n2024-01-01,24\n"; // read by the caller
//! let series = parse_series_csv(UnitName::parse("icu")?, text)?;
//! let report = forecast_series(&series, &ForecastOptions::default(), &StanOptimizer::shared())?;
//! let csv = format_forecast_csv(&report.forecast);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod accuracy;
mod baseline;
mod csv;
mod drift;
mod error;
mod evaluate;
mod features;
mod intervals;
mod ks;
mod model;
mod optimizer;
mod prophet;
mod report;
mod series;
mod train;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use accuracy::{mae, mape};
pub use baseline::ModelKind;
pub use csv::{format_forecast_csv, parse_series_csv};
pub use drift::{DriftConfig, DriftReason, DriftReport, detect_drift};
pub use error::ForecastError;
pub use evaluate::BaselineMapes;
pub use ks::{EXACT_MAX_CELLS, KsMethod, KsTest, ks_2samp, ks_2samp_with};
pub use model::{MODEL_FORMAT, MODEL_VERSION, Metrics, TrainConfig, TrainingWindow, UnitModel};
pub use optimizer::{FitParams, StanOptimizer};
pub use prophet::{ProphetModel, ProphetSettings, SeasonalityMode};
pub use report::{ForecastOptions, ForecastReport, forecast_series};
pub use series::{DEFAULT_HOLDOUT_DAYS, Holdout, Horizon, MIN_HISTORY_DAYS, Series, UnitName};
pub use train::{TrainJob, TrainOutcome, train_many, train_many_with};

/// One forecast day: point forecast and prediction interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// The day.
    pub ds: NaiveDate,
    /// Point forecast.
    pub yhat: f64,
    /// Lower bound of the prediction interval.
    pub yhat_lower: f64,
    /// Upper bound of the prediction interval.
    pub yhat_upper: f64,
}
