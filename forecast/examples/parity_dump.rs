//! Print the deviation of Prophet from the Python reference for every reference unit.
//! `cargo run -p rota-forecast --example parity_dump [-- verbose]`

use std::path::PathBuf;

use chrono::NaiveDate;
use rota_forecast::{
    Holdout, ProphetModel, ProphetSettings, SeasonalityMode, StanOptimizer, UnitName,
    parse_series_csv,
};

fn main() {
    let verbose = std::env::args().nth(1).is_some();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/prophet");
    let read = |name: String| std::fs::read_to_string(dir.join(name)).expect("reference file");
    let settings = ProphetSettings {
        yearly: SeasonalityMode::On,
        ..ProphetSettings::default()
    };
    let stan = StanOptimizer::shared();
    for unit in ["emergency", "icu", "maternity"] {
        for kind in ["full", "holdout"] {
            let series = parse_series_csv(
                UnitName::parse(unit).expect("name"),
                &read(format!("unit_{unit}.csv")),
            )
            .expect("series");
            let train = if kind == "holdout" {
                series.split_holdout(Holdout::default()).expect("split").0
            } else {
                series
            };
            let reference: Vec<(NaiveDate, f64)> = read(format!("py_unit_{unit}_{kind}.csv"))
                .lines()
                .skip(1)
                .map(|l| {
                    let mut f = l.split(',');
                    (
                        f.next().and_then(|d| d.parse().ok()).expect("date"),
                        f.next().and_then(|y| y.parse().ok()).expect("yhat"),
                    )
                })
                .collect();
            let model = ProphetModel::fit(&train, &settings, &stan).expect("fit");
            let dates: Vec<NaiveDate> = reference.iter().map(|(d, _)| *d).collect();
            let yhat = model.predict_points(&dates).expect("predict");
            let n = reference.len() as f64;
            let mean = reference.iter().map(|(_, r)| r).sum::<f64>() / n;
            let mad = reference
                .iter()
                .zip(&yhat)
                .map(|((_, r), y)| (y - r).abs())
                .sum::<f64>()
                / n;
            println!("{unit:>9} {kind:>7}: {:.4} %", 100.0 * mad / mean);
            if verbose {
                println!("{:?}", model.params());
            }
        }
    }
}
