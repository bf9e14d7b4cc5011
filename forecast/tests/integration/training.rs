//! Parallel training and drift.

use std::num::NonZeroUsize;

use rota_forecast::{
    DriftConfig, DriftReason, ForecastError, Holdout, Series, StanOptimizer, TrainConfig, TrainJob,
    detect_drift, train_many,
};

use crate::helpers::synthetic;

#[test]
fn one_failing_unit_does_not_fail_the_others() {
    let series = vec![
        synthetic("a", 120),
        synthetic("too-short", 40),
        synthetic("c", 90),
    ];
    let outcomes = train_many(
        &jobs(&series, &TrainConfig::default()),
        &StanOptimizer::shared(),
        NonZeroUsize::new(2),
    );
    let units: Vec<&str> = outcomes.iter().map(|o| o.unit.as_str()).collect();
    assert_eq!(units, ["a", "too-short", "c"]);
    assert!(outcomes[0].result.is_ok());
    assert!(matches!(
        outcomes[1].result,
        Err(ForecastError::HoldoutTooLong { .. })
    ));
    assert!(outcomes[2].result.is_ok());
    assert!(outcomes.iter().all(|o| o.fit_ms > 0.0));
}

#[test]
fn a_shorter_holdout_is_respected() {
    let config = TrainConfig {
        holdout: Holdout::new(7).expect("valid"),
        ..TrainConfig::default()
    };
    let outcomes = train_many(
        &jobs(&[synthetic("x", 40)], &config),
        &StanOptimizer::shared(),
        None,
    );
    assert!(outcomes[0].result.is_ok());
}

fn jobs(series: &[Series], config: &TrainConfig) -> Vec<TrainJob> {
    series
        .iter()
        .map(|s| TrainJob {
            series: s.clone(),
            config: config.clone(),
        })
        .collect()
}

fn residuals(n: usize, shift: f64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i * 37) % 19) as f64 / 10.0 - 0.9 + shift)
        .collect()
}

#[test]
fn shifted_residuals_are_drift() {
    let actual = vec![20.0; 28];
    let forecast: Vec<f64> = residuals(28, 3.0).iter().map(|r| 20.0 - r).collect();
    let report = detect_drift(
        &residuals(300, 0.0),
        &actual,
        &forecast,
        Some(50.0),
        &DriftConfig::default(),
    )
    .expect("drift");
    assert_eq!(report.reasons, [DriftReason::ResidualShift]);
    assert!(report.drifted());
}

#[test]
fn mape_beyond_the_ratio_is_drift() {
    let actual = vec![20.0; 28];
    let forecast: Vec<f64> = residuals(28, 0.0).iter().map(|r| 20.0 - r).collect();
    let tight = detect_drift(
        &residuals(300, 0.0),
        &actual,
        &forecast,
        Some(1.0),
        &DriftConfig::default(),
    )
    .expect("drift");
    assert_eq!(tight.reasons, [DriftReason::MapeDegraded]);
    let loose = detect_drift(
        &residuals(300, 0.0),
        &actual,
        &forecast,
        Some(50.0),
        &DriftConfig::default(),
    )
    .expect("drift");
    assert!(!loose.drifted());
}
