//! Persisted models restore identical predictions; bad input is a clear error.

use rota_forecast::{
    ForecastError, Horizon, ProphetModel, ProphetSettings, SeasonalityMode, StanOptimizer,
    TrainConfig, UnitModel,
};

use crate::helpers::{reference_series, synthetic};

#[test]
fn a_restored_prophet_model_predicts_bit_identical_values() {
    let series = reference_series("icu");
    let settings = ProphetSettings {
        yearly: SeasonalityMode::On,
        ..ProphetSettings::default()
    };
    let fitted = ProphetModel::fit(&series, &settings, &StanOptimizer::shared()).expect("fit");
    let json = serde_json::to_string(fitted.params()).expect("serialize");
    let params = serde_json::from_str(&json).expect("deserialize");
    let restored = ProphetModel::restore(&series, &settings, params).expect("restore");
    let dates = series.future_dates(Horizon::default());
    let before = fitted.predict(&dates).expect("predict");
    let after = restored.predict(&dates).expect("predict");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.yhat.to_bits(), a.yhat.to_bits());
        assert_eq!(b.yhat_lower.to_bits(), a.yhat_lower.to_bits());
        assert_eq!(b.yhat_upper.to_bits(), a.yhat_upper.to_bits());
    }
}

#[test]
fn a_unit_model_survives_a_json_round_trip() {
    let model = UnitModel::fit(
        &synthetic("ward", 200),
        &TrainConfig::default(),
        &StanOptimizer::shared(),
    )
    .expect("train");
    let loaded = UnitModel::from_json(&model.to_json().expect("json")).expect("load");
    assert_eq!(loaded, model);
    assert_eq!(
        loaded.forecast(Horizon::default()).expect("forecast"),
        model.forecast(Horizon::default()).expect("forecast")
    );
}

fn load_error(text: &str) -> String {
    match UnitModel::from_json(text) {
        Err(ForecastError::Load(message)) => message,
        other => panic!("expected a load error, got {other:?}"),
    }
}

#[test]
fn loading_something_else_names_the_problem() {
    assert!(load_error("not json").starts_with("not JSON"));
    assert!(load_error(r#"{"format":"other"}"#).contains("unknown format \"other\""));
    assert!(
        load_error(r#"{"format":"rota-forecast-model","version":99}"#)
            .contains("unsupported version 99")
    );
    assert!(
        load_error(r#"{"format":"rota-forecast-model","version":1,"unit":"x"}"#)
            .starts_with("corrupt model")
    );
}

#[test]
fn a_model_with_a_damaged_training_window_is_refused() {
    let model = UnitModel::fit(
        &synthetic("ward", 120),
        &TrainConfig::default(),
        &StanOptimizer::shared(),
    )
    .expect("train");
    let mut value: serde_json::Value =
        serde_json::from_str(&model.to_json().expect("json")).expect("valid json");
    value["training"]["values"][3] = serde_json::json!(-4.0);
    let message = load_error(&value.to_string());
    assert!(message.contains("corrupt training window"), "{message}");
}

#[test]
fn a_model_with_holidays_round_trips() {
    let holidays: Vec<chrono::NaiveDate> = crate::helpers::read_reference("holidays.csv")
        .lines()
        .skip(1)
        .filter_map(|line| line.trim().parse().ok())
        .collect();
    assert_eq!(holidays.len(), 8);
    let config = TrainConfig {
        settings: ProphetSettings {
            holidays,
            ..ProphetSettings::default()
        },
        ..TrainConfig::default()
    };
    let model = UnitModel::fit(
        &reference_series("emergency"),
        &config,
        &StanOptimizer::shared(),
    )
    .expect("train");
    let loaded = UnitModel::from_json(&model.to_json().expect("json")).expect("load");
    assert_eq!(
        loaded.forecast(Horizon::default()).expect("forecast"),
        model.forecast(Horizon::default()).expect("forecast")
    );
}
