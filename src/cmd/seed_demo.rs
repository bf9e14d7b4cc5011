//! `rota seed-demo`: load the demo data set.

use crate::cli::SeedArgs;
use crate::seed::{SeedOptions, default_end, seed};
use crate::settings::Settings;
use std::process::ExitCode;

pub async fn run(settings: &Settings, args: &SeedArgs) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    crate::db::migrate_up(&db).await?;
    let report = seed(&db, &options(args)).await?;
    println!(
        "inserted {} unit(s), {} shift type(s), {} staff, {} day(s) off, {} request(s), {} demand row(s)",
        report.units,
        report.shift_types,
        report.staff,
        report.days_off,
        report.requests,
        report.demand_rows
    );
    Ok(ExitCode::SUCCESS)
}

/// The seed options the flags describe.
pub fn options(args: &SeedArgs) -> SeedOptions {
    SeedOptions {
        units: args.units,
        staff_per_unit: args.staff_per_unit,
        days: args.days,
        seed: args.seed,
        end: args.end.unwrap_or_else(default_end),
    }
}
