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

#[test]
fn intervals_are_as_wide_as_python_prophets() {
    // The reference interval is random (1,000 samples); ours is seeded. Their mean widths
    // should agree to within a fifth.
    let series = reference_series("icu");
    let text = read_reference("py_unit_icu_full.csv");
    let widths: Vec<f64> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<f64> = line
                .split(',')
                .skip(2)
                .filter_map(|x| x.parse().ok())
                .collect();
            (f.len() == 2).then(|| f[1] - f[0])
        })
        .collect();
    let reference = widths.iter().sum::<f64>() / widths.len() as f64;
    let model =
        ProphetModel::fit(&series, &reference_settings(), &StanOptimizer::shared()).expect("fit");
    let rows = model
        .predict(&series.future_dates(Default::default()))
        .expect("predict");
    let ours = rows
        .iter()
        .map(|r| r.yhat_upper - r.yhat_lower)
        .sum::<f64>()
        / rows.len() as f64;
    eprintln!("interval width: ours {ours:.3}, reference {reference:.3}");
    assert!(
        (ours / reference - 1.0).abs() < 0.2,
        "ours {ours}, reference {reference}"
    );
}

#[test]
fn intervals_are_reproducible() {
    let series = reference_series("maternity");
    let model =
        ProphetModel::fit(&series, &reference_settings(), &StanOptimizer::shared()).expect("fit");
    let dates = series.future_dates(Default::default());
    assert_eq!(
        model.predict(&dates).expect("predict"),
        model.predict(&dates).expect("predict")
    );
}
