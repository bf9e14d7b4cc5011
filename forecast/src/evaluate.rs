//! Holdout evaluation and the promotion rule: Prophet serves only if it beats seasonal naive.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::{
    ForecastError, Holdout, ModelKind, ProphetSettings, Series, StanOptimizer,
    accuracy::{mae, mape},
    baseline::baseline_forecast,
    prophet::ProphetModel,
};

/// Holdout MAPEs (percent) of the baselines; `None` when a baseline failed or every
/// holdout actual was zero.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct BaselineMapes {
    /// Same weekday one week earlier.
    pub seasonal_naive: Option<f64>,
    /// MSTL with an AutoETS trend.
    pub mstl_ets: Option<f64>,
}

/// How every candidate did on the holdout, and which one should serve.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evaluation {
    pub(crate) prophet_mape: Option<f64>,
    pub(crate) baseline_mapes: BaselineMapes,
    pub(crate) winner: ModelKind,
    pub(crate) winner_mape: Option<f64>,
    pub(crate) winner_mae: Option<f64>,
    pub(crate) reason: String,
    pub(crate) fit_ms: f64,
}

/// Fit every candidate on all but the last `holdout` days and score it on those days.
pub(crate) fn evaluate(
    series: &Series,
    settings: &ProphetSettings,
    holdout: Holdout,
    stan: &StanOptimizer,
) -> Result<Evaluation, ForecastError> {
    let (train, test) = series.split_holdout(holdout)?;
    let started = Instant::now();
    let prophet = ProphetModel::fit(&train, settings, stan)
        .and_then(|model| model.predict_points(test.dates()));
    let fit_ms = started.elapsed().as_secs_f64() * 1e3;
    let score = |kind: ModelKind| {
        baseline_forecast(kind, &train, test.dates(), settings.interval_width)
            .ok()
            .map(|rows| rows.iter().map(|r| r.yhat).collect::<Vec<_>>())
    };
    let naive = score(ModelKind::SeasonalNaive);
    let mstl = score(ModelKind::MstlEts);
    let actual = test.values();
    let prophet_mape = prophet.as_ref().ok().and_then(|p| mape(actual, p));
    let baseline_mapes = BaselineMapes {
        seasonal_naive: naive.as_ref().and_then(|p| mape(actual, p)),
        mstl_ets: mstl.as_ref().and_then(|p| mape(actual, p)),
    };

    let promoted = matches!(
        (prophet_mape, baseline_mapes.seasonal_naive),
        (Some(p), Some(s)) if p < s
    );
    let (winner, reason) = if promoted {
        (
            ModelKind::Prophet,
            format!(
                "Prophet holdout MAPE {:.2} % beats seasonal naive {:.2} %",
                prophet_mape.unwrap_or_default(),
                baseline_mapes.seasonal_naive.unwrap_or_default()
            ),
        )
    } else {
        let best = best_baseline(&baseline_mapes);
        let why = match (&prophet, prophet_mape, baseline_mapes.seasonal_naive) {
            (Err(e), _, _) => format!("Prophet could not be fitted ({e})"),
            (Ok(_), Some(p), Some(s)) => {
                format!("Prophet holdout MAPE {p:.2} % does not beat seasonal naive {s:.2} %")
            }
            _ => "holdout MAPE undefined (every holdout actual is zero)".to_string(),
        };
        (best, format!("{why}; {} serves", best.as_str()))
    };
    let winner_forecast = match winner {
        ModelKind::Prophet => prophet.ok(),
        ModelKind::SeasonalNaive => naive,
        ModelKind::MstlEts => mstl,
    };
    Ok(Evaluation {
        prophet_mape,
        baseline_mapes,
        winner,
        winner_mape: winner_forecast.as_ref().and_then(|p| mape(actual, p)),
        winner_mae: winner_forecast.as_ref().and_then(|p| mae(actual, p)),
        reason,
        fit_ms,
    })
}

/// The baseline with the lower holdout MAPE; seasonal naive on ties or when neither scored.
fn best_baseline(mapes: &BaselineMapes) -> ModelKind {
    match (mapes.seasonal_naive, mapes.mstl_ets) {
        (Some(s), Some(m)) if m < s => ModelKind::MstlEts,
        (None, Some(_)) => ModelKind::MstlEts,
        _ => ModelKind::SeasonalNaive,
    }
}
