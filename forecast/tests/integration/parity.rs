//! Parity with Python Prophet on the shared reference series (settings in its README):
//! mean |yhat − reference| ≤ 0.5 % of the reference mean, for the full and the holdout fit.

use chrono::NaiveDate;
use rota_forecast::{Holdout, ProphetModel, ProphetSettings, SeasonalityMode, StanOptimizer};

use crate::helpers::{read_reference, reference_series};

const TOLERANCE: f64 = 0.005;

/// (date, yhat) rows of a reference forecast file.
fn reference_forecast(name: &str) -> Vec<(NaiveDate, f64)> {
    read_reference(name)
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split(',');
            let ds = fields
                .next()
                .and_then(|d| d.parse().ok())
                .expect("reference date");
            let yhat = fields
                .next()
                .and_then(|y| y.parse().ok())
                .expect("reference yhat");
            (ds, yhat)
        })
        .collect()
}

fn reference_settings() -> ProphetSettings {
    ProphetSettings {
        yearly: SeasonalityMode::On,
        weekly: SeasonalityMode::On,
        ..ProphetSettings::default()
    }
}

/// Mean absolute deviation from the reference, relative to the reference mean.
fn relative_deviation(unit: &str, holdout: bool) -> f64 {
    let series = reference_series(unit);
    let (train, file) = if holdout {
        let (train, _) = series.split_holdout(Holdout::default()).expect("split");
        (train, format!("py_unit_{unit}_holdout.csv"))
    } else {
        (series, format!("py_unit_{unit}_full.csv"))
    };
    let reference = reference_forecast(&file);
    let dates: Vec<NaiveDate> = reference.iter().map(|(d, _)| *d).collect();
    let model =
        ProphetModel::fit(&train, &reference_settings(), &StanOptimizer::shared()).expect("fit");
    let yhat = model.predict_points(&dates).expect("predict");
    let n = reference.len() as f64;
    let mean_ref = reference.iter().map(|(_, y)| y).sum::<f64>() / n;
    let mad = reference
        .iter()
        .zip(&yhat)
        .map(|((_, r), y)| (y - r).abs())
        .sum::<f64>()
        / n;
    let deviation = mad / mean_ref;
    eprintln!(
        "parity {unit} {}: {:.4} %",
        if holdout { "holdout" } else { "full" },
        100.0 * deviation
    );
    deviation
}

fn assert_parity(unit: &str, holdout: bool) {
    let deviation = relative_deviation(unit, holdout);
    assert!(
        deviation <= TOLERANCE,
        "{unit} ({}): mean |yhat - reference| is {:.3} % of the reference mean",
        if holdout { "holdout" } else { "full" },
        100.0 * deviation
    );
}

#[test]
fn emergency_full_fit_matches_python_prophet() {
    assert_parity("emergency", false);
}

#[test]
fn emergency_holdout_fit_matches_python_prophet() {
    assert_parity("emergency", true);
}

#[test]
fn icu_full_fit_matches_python_prophet() {
    assert_parity("icu", false);
}

#[test]
fn icu_holdout_fit_matches_python_prophet() {
    assert_parity("icu", true);
}

#[test]
fn maternity_full_fit_matches_python_prophet() {
    assert_parity("maternity", false);
}

#[test]
fn maternity_holdout_fit_matches_python_prophet() {
    assert_parity("maternity", true);
}
