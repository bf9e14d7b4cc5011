//! Shared test data.

use std::path::PathBuf;

use chrono::{Days, NaiveDate};
use rota_forecast::{Series, UnitName, parse_series_csv};

/// `ROTA_PROPHET_REFERENCE`, or else `../shared/reference/prophet/` relative to the
/// workspace root.
pub fn reference_dir() -> PathBuf {
    match std::env::var_os("ROTA_PROPHET_REFERENCE") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir().join("../../shared/reference/prophet"),
    }
}

/// This crate's folder as cargo names it when it runs the tests. Read at run time: a test
/// binary reused from a build cache filled by a checkout elsewhere would carry that
/// checkout's path in a compile-time `env!`.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// Read a reference file; a missing folder fails the test with its path.
pub fn read_reference(name: &str) -> String {
    let path = reference_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reference file {} is missing ({e}); the parity tests need the shared folder \
             ../shared/reference/prophet next to the workspace, or ROTA_PROPHET_REFERENCE \
             naming a folder with the reference series",
            path.display()
        )
    })
}

/// A reference unit's series.
pub fn reference_series(unit: &str) -> Series {
    parse_series_csv(
        unit_name(unit),
        &read_reference(&format!("unit_{unit}.csv")),
    )
    .expect("reference series parses")
}

pub fn unit_name(name: &str) -> UnitName {
    UnitName::parse(name).expect("valid unit name")
}

pub fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.checked_add_days(Days::new(offset)))
        .expect("valid date")
}

/// `n` days of a weekly pattern with a slow trend, starting 2024-01-01.
pub fn synthetic(unit: &str, n: u64) -> Series {
    let points = (0..n)
        .map(|i| {
            let weekly = [0.0, 3.0, 4.0, 4.0, 3.0, 1.0, -2.0][(i % 7) as usize];
            let wiggle = ((i * 37) % 11) as f64 / 5.0;
            (day(i), 20.0 + 0.01 * i as f64 + weekly + wiggle)
        })
        .collect();
    Series::new(unit_name(unit), points).expect("valid synthetic series")
}
