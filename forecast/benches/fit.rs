//! Fit + predict of one 365-day unit, and `train_many` of five units.
//! Reads the reference series from `../shared/reference/prophet/` next to the workspace.

use std::{hint::black_box, path::PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use rota_forecast::{
    Horizon, ProphetModel, ProphetSettings, SeasonalityMode, Series, StanOptimizer, TrainConfig,
    TrainJob, UnitName, parse_series_csv, train_many,
};

fn reference(unit: &str) -> Series {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../shared/reference/prophet/unit_{unit}.csv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = UnitName::parse(unit).expect("unit name");
    parse_series_csv(name, &text).expect("reference series")
}

fn benches(c: &mut Criterion) {
    let stan = StanOptimizer::shared();
    let icu = reference("icu");
    let settings = ProphetSettings {
        yearly: SeasonalityMode::On,
        ..ProphetSettings::default()
    };
    let dates = icu.future_dates(Horizon::default());
    c.bench_function("prophet fit + predict, 365 days", |b| {
        b.iter(|| {
            let model = ProphetModel::fit(black_box(&icu), &settings, &stan).expect("fit");
            model.predict(&dates).expect("predict")
        })
    });
    let units: Vec<TrainJob> = ["emergency", "icu", "maternity", "icu", "emergency"]
        .iter()
        .map(|u| TrainJob {
            series: reference(u),
            config: TrainConfig::default(),
        })
        .collect();
    let mut group = c.benchmark_group("train_many");
    group.sample_size(10);
    group.bench_function("5 units x 365 days", |b| {
        b.iter(|| train_many(black_box(&units), &stan, None))
    });
    group.finish();
}

criterion_group!(fit, benches);
criterion_main!(fit);
