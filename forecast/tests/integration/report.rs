//! The `rota forecast-file --json` contract.

use rota_forecast::{
    ForecastOptions, Horizon, ModelKind, SeasonalityMode, StanOptimizer, forecast_series,
};

use crate::helpers::synthetic;

#[test]
fn the_json_report_has_the_contract_keys() {
    let options = ForecastOptions {
        horizon: Horizon::new(14).expect("valid"),
        weekly: "on".parse().expect("valid"),
        yearly: "off".parse().expect("valid"),
        ..ForecastOptions::default()
    };
    assert_eq!(options.yearly, SeasonalityMode::Off);
    let report = forecast_series(&synthetic("ward", 150), &options, &StanOptimizer::shared())
        .expect("forecast");
    assert_eq!(report.model, ModelKind::Prophet);
    let json = serde_json::to_value(&report).expect("serializable");
    for key in ["forecast", "holdout_mape", "baseline_mapes", "fit_ms"] {
        assert!(json.get(key).is_some(), "missing key {key}");
    }
    let row = &json["forecast"][0];
    for key in ["ds", "yhat", "yhat_lower", "yhat_upper"] {
        assert!(row.get(key).is_some(), "missing row key {key}");
    }
    assert_eq!(json["forecast"].as_array().map(Vec::len), Some(14));
    assert!(json["baseline_mapes"].get("seasonal_naive").is_some());
    assert!(json["baseline_mapes"].get("mstl_ets").is_some());
}

#[test]
fn unknown_seasonality_values_are_refused() {
    assert!("sometimes".parse::<SeasonalityMode>().is_err());
}
