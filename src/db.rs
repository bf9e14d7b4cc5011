//! Connecting to the database and bringing its schema up to date.

use crate::redact::redact_url;
use crate::settings::DatabaseSettings;
use anyhow::Context;
use rota_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// Opens a connection pool and checks that the database answers.
pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<DatabaseConnection> {
    let shown = redact_url(&settings.url);
    let mut options = ConnectOptions::new(settings.url.clone());
    options
        .max_connections(settings.max_connections)
        .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .acquire_timeout(Duration::from_secs(
            settings.connect_timeout_secs.max(1) * 2,
        ))
        .sqlx_logging(false)
        // The API, workers and scheduler share one SQLite file in embedded mode: WAL lets
        // readers run beside a writer, and a busy timeout queues writers instead of failing.
        // In WAL mode, `synchronous = NORMAL` syncs at checkpoints rather than at every commit:
        // a killed process loses nothing and the file cannot corrupt; only a power cut may
        // roll back the last commits. Every job costs a few commits, so this is most of the
        // embedded queue's speed.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let db = Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database at {shown}"))?;
    db.ping()
        .await
        .with_context(|| format!("the database at {shown} does not answer"))?;
    tracing::debug!(database = %shown, "connected");
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate_up(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("applying the database migrations failed")
}
