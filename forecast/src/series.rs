//! A unit's checked daily history: the only way into the models.

use std::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::ForecastError;

/// Fewer observations than this are refused (the rule of the system this replaces).
pub const MIN_HISTORY_DAYS: usize = 30;

/// Default number of trailing days held out to measure accuracy.
pub const DEFAULT_HOLDOUT_DAYS: usize = 28;

/// A non-empty, trimmed unit name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitName(String);

impl UnitName {
    /// Accept any name that is not blank.
    pub fn parse(name: &str) -> Result<Self, ForecastError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ForecastError::EmptyUnitName);
        }
        Ok(Self(name.to_string()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitName {
    type Error = ForecastError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UnitName> for String {
    fn from(value: UnitName) -> Self {
        value.0
    }
}

impl fmt::Display for UnitName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Number of trailing days held out from training to measure accuracy (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "usize", into = "usize")]
pub struct Holdout(usize);

impl Holdout {
    /// A holdout of `days` days; zero is refused.
    pub fn new(days: usize) -> Result<Self, ForecastError> {
        if days == 0 {
            return Err(ForecastError::InvalidOption {
                name: "holdout",
                message: "must be at least 1 day".into(),
            });
        }
        Ok(Self(days))
    }

    /// The number of days.
    pub fn days(self) -> usize {
        self.0
    }
}

impl Default for Holdout {
    fn default() -> Self {
        Self(DEFAULT_HOLDOUT_DAYS)
    }
}

impl TryFrom<usize> for Holdout {
    type Error = ForecastError;
    fn try_from(value: usize) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Holdout> for usize {
    fn from(value: Holdout) -> Self {
        value.0
    }
}

/// Number of days to forecast past the end of the history (1 to 3,660).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "usize", into = "usize")]
pub struct Horizon(usize);

impl Horizon {
    /// Ten years: longer horizons are a typo, not a plan.
    pub const MAX_DAYS: usize = 3660;

    /// A horizon of `days` days.
    pub fn new(days: usize) -> Result<Self, ForecastError> {
        if days == 0 || days > Self::MAX_DAYS {
            return Err(ForecastError::InvalidOption {
                name: "horizon",
                message: format!("must be between 1 and {} days", Self::MAX_DAYS),
            });
        }
        Ok(Self(days))
    }

    /// The number of days.
    pub fn days(self) -> usize {
        self.0
    }
}

impl Default for Horizon {
    fn default() -> Self {
        Self(28)
    }
}

impl TryFrom<usize> for Horizon {
    type Error = ForecastError;
    fn try_from(value: usize) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Horizon> for usize {
    fn from(value: Horizon) -> Self {
        value.0
    }
}

/// A unit's daily history: sorted, unique dates (gaps allowed), finite non-negative values,
/// at least [`MIN_HISTORY_DAYS`] observations.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    unit: UnitName,
    dates: Vec<NaiveDate>,
    values: Vec<f64>,
}

impl Series {
    /// Check and sort `(date, value)` pairs; every rule broken is reported with its dates.
    pub fn new(unit: UnitName, mut points: Vec<(NaiveDate, f64)>) -> Result<Self, ForecastError> {
        if points.len() < MIN_HISTORY_DAYS {
            return Err(ForecastError::TooShort {
                unit: unit.to_string(),
                days: points.len(),
                min: MIN_HISTORY_DAYS,
            });
        }
        points.sort_by_key(|(date, _)| *date);
        let invalid: Vec<NaiveDate> = points
            .iter()
            .filter(|(_, y)| !y.is_finite() || *y < 0.0)
            .map(|(date, _)| *date)
            .collect();
        if !invalid.is_empty() {
            return Err(ForecastError::InvalidValues {
                unit: unit.to_string(),
                dates: invalid,
            });
        }
        let mut duplicates: Vec<NaiveDate> = points
            .windows(2)
            .filter(|pair| pair[0].0 == pair[1].0)
            .map(|pair| pair[0].0)
            .collect();
        duplicates.dedup();
        if !duplicates.is_empty() {
            return Err(ForecastError::DuplicateDates {
                unit: unit.to_string(),
                dates: duplicates,
            });
        }
        let (dates, values) = points.into_iter().unzip();
        Ok(Self {
            unit,
            dates,
            values,
        })
    }

    /// The unit this history belongs to.
    pub fn unit(&self) -> &UnitName {
        &self.unit
    }

    /// Observation dates, ascending.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// Observed values, in date order.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Always false: a series holds at least [`MIN_HISTORY_DAYS`] observations.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// The last observed date.
    pub fn last_date(&self) -> NaiveDate {
        // A series is never empty (checked in `new`), the fallback is unreachable.
        self.dates.last().copied().unwrap_or_default()
    }

    /// The `horizon` calendar days after the last observation.
    pub fn future_dates(&self, horizon: Horizon) -> Vec<NaiveDate> {
        let last = self.last_date();
        (1..=horizon.days() as u64)
            .filter_map(|d| last.checked_add_days(Days::new(d)))
            .collect()
    }

    /// Split into (train, test): the test part is the last `holdout` observations.
    /// The train part keeps the [`MIN_HISTORY_DAYS`] rule.
    pub fn split_holdout(&self, holdout: Holdout) -> Result<(Series, Series), ForecastError> {
        let train_len = self.len().saturating_sub(holdout.days());
        if train_len < MIN_HISTORY_DAYS {
            return Err(ForecastError::HoldoutTooLong {
                unit: self.unit.to_string(),
                holdout: holdout.days(),
                train: train_len,
                min: MIN_HISTORY_DAYS,
            });
        }
        Ok((self.slice(0, train_len), self.slice(train_len, self.len())))
    }

    /// The observations with index in `from..to` (no re-check: a part of a checked series).
    fn slice(&self, from: usize, to: usize) -> Series {
        Series {
            unit: self.unit.clone(),
            dates: self.dates[from..to].to_vec(),
            values: self.values[from..to].to_vec(),
        }
    }

    /// Values on every calendar day from the first to the last date, gaps filled by linear
    /// interpolation: the baselines need a regular grid, Prophet does not.
    pub fn daily_grid(&self) -> Vec<f64> {
        let mut grid = Vec::with_capacity(self.len());
        for (i, (date, y)) in self.dates.iter().zip(&self.values).enumerate() {
            if let (Some(prev_date), Some(prev_y)) = (
                i.checked_sub(1).map(|p| self.dates[p]),
                i.checked_sub(1).map(|p| self.values[p]),
            ) {
                let gap = (*date - prev_date).num_days();
                for step in 1..gap {
                    let w = step as f64 / gap as f64;
                    grid.push(prev_y + w * (y - prev_y));
                }
            }
            grid.push(*y);
        }
        grid
    }

    /// True when every value is the same (Stan cannot fit such a series).
    pub fn is_constant(&self) -> bool {
        self.values.windows(2).all(|pair| pair[0] == pair[1])
    }
}
