//! Input checks and the CSV formats.

use rota_forecast::{
    ForecastError, ForecastOptions, ForecastRow, Holdout, ModelKind, Series, StanOptimizer,
    TrainConfig, UnitModel, forecast_series, format_forecast_csv, parse_series_csv,
};

use crate::helpers::{day, unit_name};

fn flat(unit: &str, n: u64, value: f64) -> Series {
    Series::new(unit_name(unit), (0..n).map(|i| (day(i), value)).collect()).expect("valid")
}

#[test]
fn fewer_than_30_days_is_an_error_naming_the_unit_and_the_count() {
    let points = (0..29).map(|i| (day(i), 10.0)).collect();
    let err = Series::new(unit_name("icu"), points).expect_err("too short");
    assert!(matches!(err, ForecastError::TooShort { days: 29, .. }));
    assert_eq!(
        err.to_string(),
        "unit icu: 29 days of history, at least 30 are needed"
    );
}

#[test]
fn negative_and_non_finite_values_are_rejected_with_their_dates() {
    let mut points: Vec<_> = (0..40).map(|i| (day(i), 10.0)).collect();
    points[3].1 = -1.0;
    points[7].1 = f64::NAN;
    points[9].1 = f64::INFINITY;
    let err = Series::new(unit_name("icu"), points).expect_err("invalid values");
    let ForecastError::InvalidValues { dates, .. } = &err else {
        panic!("unexpected error {err}");
    };
    assert_eq!(dates, &[day(3), day(7), day(9)]);
    assert!(
        err.to_string()
            .contains("2024-01-04, 2024-01-08, 2024-01-10")
    );
}

#[test]
fn duplicate_dates_are_rejected() {
    let mut points: Vec<_> = (0..40).map(|i| (day(i), 10.0)).collect();
    points[5].0 = day(4);
    let err = Series::new(unit_name("icu"), points).expect_err("duplicates");
    assert!(matches!(err, ForecastError::DuplicateDates { ref dates, .. } if dates == &[day(4)]));
}

#[test]
fn missing_dates_are_allowed_and_forecasts_still_come() {
    let points = (0..120)
        .filter(|i| i % 10 != 3)
        .map(|i| {
            (
                day(i),
                20.0 + ((i * 37) % 11) as f64
                    + [0.0, 3.0, 4.0, 4.0, 3.0, 1.0, -2.0][(i % 7) as usize],
            )
        })
        .collect();
    let series = Series::new(unit_name("gappy"), points).expect("gaps allowed");
    let report = forecast_series(
        &series,
        &ForecastOptions::default(),
        &StanOptimizer::shared(),
    )
    .expect("forecast");
    assert_eq!(report.model, ModelKind::Prophet);
    assert_eq!(report.forecast.len(), 28);
    assert_eq!(report.forecast[0].ds, day(120));
}

#[test]
fn a_constant_series_falls_back_to_a_baseline() {
    let model = UnitModel::fit(
        &flat("calm", 60, 7.0),
        &TrainConfig::default(),
        &StanOptimizer::shared(),
    )
    .expect("constant series trains");
    assert_ne!(model.served_by(), ModelKind::Prophet);
    assert!(model.reason().contains("Prophet could not be fitted"));
    let rows = model.forecast(Default::default()).expect("forecast");
    assert!(rows.iter().all(|r| r.yhat == 7.0));
}

#[test]
fn an_all_zero_series_is_forecast_without_failure() {
    let series = flat("closed", 70, 0.0);
    let report = forecast_series(
        &series,
        &ForecastOptions::default(),
        &StanOptimizer::shared(),
    )
    .expect("all-zero series forecasts");
    assert_eq!(report.model, ModelKind::SeasonalNaive);
    assert_eq!(report.holdout_mape, None);
    assert!(report.forecast.iter().all(|r| r.yhat == 0.0));
}

#[test]
fn a_holdout_leaving_under_30_days_is_an_error() {
    let err = flat("short", 40, 5.0)
        .split_holdout(Holdout::default())
        .expect_err("holdout too long");
    assert!(matches!(
        err,
        ForecastError::HoldoutTooLong { train: 12, .. }
    ));
}

#[test]
fn csv_errors_carry_line_numbers() {
    let header = parse_series_csv(unit_name("u"), "date,value\n").expect_err("bad header");
    assert!(matches!(header, ForecastError::Csv { line: 1, .. }));
    let date = parse_series_csv(unit_name("u"), "ds,y\n2024-01-01,3\n2024-13-01,4\n")
        .expect_err("bad date");
    assert!(matches!(date, ForecastError::Csv { line: 3, .. }), "{date}");
    let number = parse_series_csv(unit_name("u"), "ds,y\n2024-01-01,three\n").expect_err("bad y");
    assert_eq!(number.to_string(), "line 2: `three` is not a number");
    let fields = parse_series_csv(unit_name("u"), "ds,y\n2024-01-01,3,4\n").expect_err("3 fields");
    assert!(matches!(fields, ForecastError::Csv { line: 2, .. }));
}

#[test]
fn csv_empty_values_are_missing_days() {
    let mut text = String::from("ds,y\n");
    for i in 0..35 {
        let y = if i == 10 {
            String::new()
        } else {
            "5".to_string()
        };
        text.push_str(&format!("{} 00:00:00,{y}\n", day(i)));
    }
    let series = parse_series_csv(unit_name("u"), &text).expect("parses");
    assert_eq!(series.len(), 34);
}

#[test]
fn forecast_csv_has_the_contract_header() {
    let rows = [ForecastRow {
        ds: day(0),
        yhat: 1.5,
        yhat_lower: 1.0,
        yhat_upper: 2.0,
    }];
    assert_eq!(
        format_forecast_csv(&rows),
        "ds,yhat,yhat_lower,yhat_upper\n2024-01-01,1.5,1,2\n"
    );
}
