//! Schema migrations of rota. The schema is created only here, and behaves the same on SQLite
//! and PostgreSQL: enumerations are short strings, JSON is `jsonb` on PostgreSQL and text on
//! SQLite, and every foreign key is declared inside its `CREATE TABLE` (SQLite cannot add one
//! later).

pub use sea_orm_migration::migrator::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261126_000001_units_and_staff;
mod m20261126_000002_demand;
mod m20261126_000003_models_and_forecasts;
mod m20261126_000004_jobs_rotas_reports;
mod m20261126_000005_api_tokens;
mod m20261126_000006_retrain_job_ids;
mod util;

/// All of rota's migrations, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_units_and_staff::Migration),
            Box::new(m20261126_000002_demand::Migration),
            Box::new(m20261126_000003_models_and_forecasts::Migration),
            Box::new(m20261126_000004_jobs_rotas_reports::Migration),
            Box::new(m20261126_000005_api_tokens::Migration),
            Box::new(m20261126_000006_retrain_job_ids::Migration),
        ]
    }
}
