//! The one error type of the forecast crate.

use chrono::NaiveDate;

/// Everything that can go wrong while checking input, fitting, forecasting or loading a model.
#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    /// The history is shorter than the minimum the models are trusted with.
    #[error("unit {unit}: {days} days of history, at least {min} are needed")]
    TooShort {
        /// The unit at fault.
        unit: String,
        /// Observations present.
        days: usize,
        /// Observations required.
        min: usize,
    },
    /// Some values are negative, NaN or infinite.
    #[error("unit {unit}: non-finite or negative values on {}", list_dates(dates))]
    InvalidValues {
        /// The unit at fault.
        unit: String,
        /// The dates whose value was rejected.
        dates: Vec<NaiveDate>,
    },
    /// A date occurs more than once.
    #[error("unit {unit}: duplicate dates {}", list_dates(dates))]
    DuplicateDates {
        /// The unit at fault.
        unit: String,
        /// The dates seen more than once.
        dates: Vec<NaiveDate>,
    },
    /// The unit name is empty.
    #[error("a unit name must not be empty")]
    EmptyUnitName,
    /// The holdout leaves too little history to train on.
    #[error(
        "unit {unit}: holdout of {holdout} days leaves {train} days to train on, at least {min} are needed"
    )]
    HoldoutTooLong {
        /// The unit at fault.
        unit: String,
        /// The requested holdout length.
        holdout: usize,
        /// Days left for training.
        train: usize,
        /// Days required for training.
        min: usize,
    },
    /// A line of the `ds,y` CSV text cannot be read.
    #[error("line {line}: {message}")]
    Csv {
        /// 1-based line number in the input text.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// An option is outside its domain.
    #[error("invalid option {name}: {message}")]
    InvalidOption {
        /// The option's name.
        name: &'static str,
        /// Why it is rejected.
        message: String,
    },
    /// Prophet or a baseline failed to fit or predict.
    #[error("unit {unit}: {model} failed: {message}")]
    Model {
        /// The unit at fault.
        unit: String,
        /// `prophet`, `seasonal_naive` or `mstl_ets`.
        model: &'static str,
        /// The underlying error.
        message: String,
    },
    /// The WebAssembly Stan optimizer could not be compiled or loaded.
    #[error("Stan optimizer unavailable: {0}")]
    Optimizer(String),
    /// A persisted model cannot be read.
    #[error("cannot load model: {0}")]
    Load(String),
    /// The worker thread of a unit panicked during `train_many`.
    #[error("unit {unit}: training panicked")]
    Panicked {
        /// The unit at fault.
        unit: String,
    },
}

/// Up to five dates, then a count of the rest, so messages stay one line.
fn list_dates(dates: &[NaiveDate]) -> String {
    const SHOWN: usize = 5;
    let mut text = dates
        .iter()
        .take(SHOWN)
        .map(NaiveDate::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if dates.len() > SHOWN {
        text.push_str(&format!(" and {} more", dates.len() - SHOWN));
    }
    text
}
