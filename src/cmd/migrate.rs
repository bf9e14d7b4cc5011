//! `rota migrate up|down|status|fresh`.

use crate::cli::MigrateAction;
use crate::settings::Settings;
use anyhow::{Context, bail};
use rota_migration::{MigrationStatus, Migrator, MigratorTrait};
use std::process::ExitCode;

pub async fn run(settings: &Settings, action: MigrateAction) -> anyhow::Result<ExitCode> {
    // One connection: schema changes run one after another anyway, and SQLite can parse a
    // statement against another pooled connection's stale copy of a schema just altered
    // ("no such column" on a column added a statement earlier).
    let mut database = settings.database.clone();
    database.max_connections = 1;
    let db = crate::db::connect(&database).await?;
    match action {
        MigrateAction::Up => {
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            crate::db::migrate_up(&db).await?;
            println!("applied {pending} migration(s); schema is up to date");
        }
        MigrateAction::Down { steps, all } => {
            let applied = Migrator::get_applied_migrations(&db).await?.len();
            let steps = if all { None } else { Some(steps) };
            Migrator::down(&db, steps)
                .await
                .context("reverting migrations failed")?;
            let reverted = steps.map_or(applied, |s| (s as usize).min(applied));
            println!("reverted {reverted} migration(s)");
        }
        MigrateAction::Status => {
            let migrations = Migrator::get_migration_with_status(&db).await?;
            let mut pending = 0;
            for migration in &migrations {
                let status = migration.status();
                if status == MigrationStatus::Pending {
                    pending += 1;
                }
                println!(
                    "{:<8} {}",
                    status.to_string().to_lowercase(),
                    migration.name()
                );
            }
            if pending > 0 {
                println!("{pending} migration(s) pending; run `rota migrate up`");
                return Ok(ExitCode::FAILURE);
            }
            println!("schema is up to date");
        }
        MigrateAction::Fresh { yes } => {
            if !yes {
                bail!("`migrate fresh` drops every table and its data; pass --yes to confirm");
            }
            Migrator::fresh(&db)
                .await
                .context("fresh migration failed")?;
            println!("dropped every table and applied all migrations");
        }
    }
    Ok(ExitCode::SUCCESS)
}
