//! A new model may serve only if it survives its own persistence and predicts sane values:
//! the stored JSON reloads into a model that predicts the same horizon, every value is finite,
//! the point forecast is not negative and lies inside its interval.

use rota_forecast::{ForecastRow, Horizon, UnitModel};

/// The reloaded model's forecast of `horizon`, or why the model is not fit to serve.
pub fn validate(model: &UnitModel, horizon: Horizon) -> Result<Vec<ForecastRow>, String> {
    let json = model
        .to_json()
        .map_err(|e| format!("does not serialize: {e}"))?;
    let reloaded = UnitModel::from_json(&json).map_err(|e| format!("does not reload: {e}"))?;
    let reloaded_rows = reloaded
        .forecast(horizon)
        .map_err(|e| format!("the reloaded model cannot forecast: {e}"))?;
    check_rows(&reloaded_rows)?;
    let original_rows = model
        .forecast(horizon)
        .map_err(|e| format!("cannot forecast: {e}"))?;
    if original_rows != reloaded_rows {
        return Err("the reloaded model predicts differently from the trained one".into());
    }
    Ok(reloaded_rows)
}

/// Every value finite, yhat ≥ 0 and within [lower, upper]. A lower bound below zero is
/// allowed (it is stored as 0): an interval on a small count may reach below it.
pub fn check_rows(rows: &[ForecastRow]) -> Result<(), String> {
    if rows.is_empty() {
        return Err("predicts no rows".into());
    }
    for row in rows {
        let ds = row.ds;
        if ![row.yhat, row.yhat_lower, row.yhat_upper]
            .iter()
            .all(|v| v.is_finite())
        {
            return Err(format!(
                "predicts a non-finite value on {ds} (yhat {}, interval {}..{})",
                row.yhat, row.yhat_lower, row.yhat_upper
            ));
        }
        if row.yhat < 0.0 {
            return Err(format!("predicts a negative demand {} on {ds}", row.yhat));
        }
        if !(row.yhat_lower <= row.yhat && row.yhat <= row.yhat_upper) {
            return Err(format!(
                "interval {}..{} on {ds} does not contain yhat {}",
                row.yhat_lower, row.yhat_upper, row.yhat
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn row(yhat: f64, lower: f64, upper: f64) -> ForecastRow {
        ForecastRow {
            ds: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            yhat,
            yhat_lower: lower,
            yhat_upper: upper,
        }
    }

    #[test]
    fn nan_negative_and_outside_interval_predictions_are_refused() {
        assert!(check_rows(&[row(f64::NAN, 0.0, 1.0)]).is_err());
        assert!(check_rows(&[row(3.0, 1.0, f64::INFINITY)]).is_err());
        assert!(check_rows(&[row(-0.5, -1.0, 1.0)]).is_err());
        assert!(check_rows(&[row(5.0, 1.0, 4.0)]).is_err());
        assert!(check_rows(&[]).is_err());
    }

    #[test]
    fn a_sane_forecast_passes_even_with_a_lower_bound_below_zero() {
        assert_eq!(
            check_rows(&[row(1.0, -0.4, 2.5), row(0.0, 0.0, 0.0)]),
            Ok(())
        );
    }
}
