//! `rota forecast-file`: forecast one daily series from a CSV file.

use crate::cli::ForecastFileArgs;
use anyhow::Context;
use rota_forecast::{
    ForecastOptions, Holdout, Horizon, StanOptimizer, UnitName, forecast_series,
    format_forecast_csv, parse_series_csv,
};
use std::process::ExitCode;

pub fn run(args: &ForecastFileArgs) -> anyhow::Result<ExitCode> {
    let path = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {path}"))?;
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "series".into());
    let unit =
        UnitName::parse(&stem).with_context(|| format!("cannot name the series after {path}"))?;
    let series =
        parse_series_csv(unit, &text).with_context(|| format!("{path} is not a valid series"))?;
    let options = ForecastOptions {
        horizon: Horizon::new(args.horizon).context("invalid --horizon")?,
        holdout: Holdout::new(args.holdout).context("invalid --holdout")?,
        yearly: args.yearly.parse().context("invalid --yearly")?,
        weekly: args.weekly.parse().context("invalid --weekly")?,
    };
    let span = tracing::info_span!("forecast_file", unit = %stem);
    let _entered = span.enter();
    let report = forecast_series(&series, &options, &StanOptimizer::shared())
        .with_context(|| format!("forecasting {path} failed"))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{}", format_forecast_csv(&report.forecast));
        let mape = |m: Option<f64>| m.map_or("-".to_string(), |v| format!("{v:.2} %"));
        eprintln!(
            "{}: model {:?}, holdout MAPE {}, seasonal-naive MAPE {}, fit {:.0} ms; {}",
            report.unit,
            report.model,
            mape(report.holdout_mape),
            mape(report.baseline_mapes.seasonal_naive),
            report.fit_ms,
            report.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}
