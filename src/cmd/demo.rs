//! `rota demo`: the whole system on an embedded SQLite file with demo data, no servers needed.

use crate::cli::DemoArgs;
use crate::seed::{SeedOptions, default_end, seed};
use crate::settings::{DatabaseSettings, Settings};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use serde::Serialize;
use std::process::ExitCode;

/// Counts of what the demo database holds.
#[derive(Debug, Serialize)]
struct Summary {
    database: String,
    units: u64,
    staff: u64,
    demand_rows: u64,
    seeded_now: bool,
}

/// `db_flag` is the `--db` flag: the only way to point the demo at another database.
pub async fn run(
    mut settings: Settings,
    args: DemoArgs,
    db_flag: Option<String>,
) -> anyhow::Result<ExitCode> {
    // The demo is the embedded default whatever the environment says: a local SQLite file
    // (unless --db names another), in-process queues, cache and events.
    if std::env::var_os("DATABASE_URL").is_some() || settings.redis.url.is_some() {
        tracing::info!(
            "rota demo ignores DATABASE_URL, REDIS_URL and AMQP_URL; use --db to pick a database"
        );
    }
    let url = db_flag.unwrap_or_else(|| DatabaseSettings::default().url);
    settings.database.url = url;
    settings.redis.url = None;
    settings.amqp.url = None;

    let db = crate::db::connect(&settings.database).await?;
    crate::db::migrate_up(&db).await?;
    let seeded_now = crate::seed::is_empty(&db).await?;
    if seeded_now {
        tracing::info!("empty database: seeding demo data");
        let report = seed(&db, &default_seed()).await?;
        tracing::info!(?report, "demo data seeded");
    }

    if args.once {
        let summary = summarise(&db, &settings.database.url, seeded_now).await?;
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(ExitCode::SUCCESS);
    }

    let listener = rota_api::bind(&settings.server).await?;
    let addr = listener.local_addr()?;
    let token =
        rota_api::auth::create_token(&db, rota_entity::TokenRole::Admin, Some("demo".into()))
            .await?;
    println!(
        "rota demo is running: dashboard at http://{addr}/#/?token={token}  (Ctrl-C stops it)"
    );
    println!("admin API token: {token}");
    let first_models = !has_active_models(&db).await?;
    super::all::run_with(
        settings,
        db,
        listener,
        crate::shutdown::on_signal(),
        first_models,
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

async fn has_active_models(db: &DatabaseConnection) -> anyhow::Result<bool> {
    use rota_entity::{ModelStatus, model_version};
    use sea_orm::{ColumnTrait, QueryFilter};
    let active = model_version::Entity::find()
        .filter(model_version::Column::Status.eq(ModelStatus::Active))
        .count(db)
        .await?;
    Ok(active > 0)
}

fn default_seed() -> SeedOptions {
    SeedOptions {
        units: 5,
        staff_per_unit: 14,
        days: 730,
        seed: 42,
        end: default_end(),
    }
}

async fn summarise(
    db: &DatabaseConnection,
    url: &str,
    seeded_now: bool,
) -> anyhow::Result<Summary> {
    use rota_entity::prelude::*;
    Ok(Summary {
        database: crate::redact::redact_url(url),
        units: Unit::find().count(db).await?,
        staff: Staff::find().count(db).await?,
        demand_rows: DemandHistory::find().count(db).await?,
        seeded_now,
    })
}
