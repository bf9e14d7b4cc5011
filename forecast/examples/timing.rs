//! Quick timings without criterion: `cargo run -p rota-forecast --example timing [units]`.
//! Prints the optimizer compile time, the median fit + predict of a 365-day series,
//! `train_many` of 5 units, and `train_many` of `units` units (default 500).

use std::{path::PathBuf, time::Instant};

use rota_forecast::{
    Horizon, ProphetModel, ProphetSettings, SeasonalityMode, Series, StanOptimizer, TrainConfig,
    TrainJob, UnitName, parse_series_csv, train_many,
};

fn reference(unit: &str) -> Series {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../shared/reference/prophet/unit_{unit}.csv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_series_csv(UnitName::parse(unit).expect("name"), &text).expect("series")
}

/// CPU time of this thread in ms (Linux `schedstat`), to separate our cost from machine load.
fn thread_cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |ns| ns / 1e6)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let many: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let t0 = Instant::now();
    let stan = StanOptimizer::shared();
    println!(
        "optimizer compile: {:.0} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );

    let names = ["emergency", "icu", "maternity"];
    let settings = ProphetSettings {
        yearly: SeasonalityMode::On,
        ..ProphetSettings::default()
    };
    for name in names {
        let series = reference(name);
        let dates = series.future_dates(Horizon::default());
        let cpu_start = thread_cpu_ms();
        let times: Vec<f64> = (0..21)
            .map(|_| {
                let t = Instant::now();
                let model = ProphetModel::fit(&series, &settings, &stan).expect("fit");
                model.predict(&dates).expect("predict");
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        let cpu = (thread_cpu_ms() - cpu_start) / 21.0;
        println!(
            "fit + predict {name} (365 days): median {:.1} ms wall, mean {cpu:.1} ms CPU",
            median(times)
        );
        let model = ProphetModel::fit(&series, &settings, &stan).expect("fit");
        let t = Instant::now();
        for _ in 0..20 {
            model.predict(&dates).expect("predict");
        }
        println!(
            "  predict alone: {:.2} ms",
            t.elapsed().as_secs_f64() * 1e3 / 20.0
        );
    }

    let five: Vec<TrainJob> = ["emergency", "icu", "maternity", "icu", "emergency"]
        .iter()
        .map(|u| TrainJob {
            series: reference(u),
            config: TrainConfig::default(),
        })
        .collect();
    let times: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let out = train_many(&five, &stan, None);
            assert!(out.iter().all(|o| o.result.is_ok()));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    println!("train_many 5 units: median {:.0} ms wall", median(times));

    let units: Vec<TrainJob> = (0..many).map(|i| five[i % 5].clone()).collect();
    let t = Instant::now();
    let out = train_many(&units, &stan, None);
    let failed = out.iter().filter(|o| o.result.is_err()).count();
    println!(
        "train_many {many} units: {:.1} s wall, {failed} failed",
        t.elapsed().as_secs_f64()
    );
}
