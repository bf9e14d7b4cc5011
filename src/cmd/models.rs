//! `rota models list|activate`: a unit's model versions, and rollback as the API does it.

use crate::cli::ModelsAction;
use crate::settings::Settings;
use rota_worker::cache::Cache;
use rota_worker::retrain::{history, versions};
use std::process::ExitCode;

pub async fn run(settings: &Settings, action: ModelsAction) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    match action {
        ModelsAction::List { unit } => {
            let unit = history::unit_by_name(&db, &unit).await?;
            println!(
                "version  status    algorithm       trained on               holdout  baseline  reason"
            );
            for v in versions::list(&db, unit.id).await? {
                let pct = |m: Option<f64>| m.map_or("–".into(), |m| format!("{m:.2}%"));
                println!(
                    "{:<8} {:<9} {:<15} {}..{}  {:>7}  {:>8}  {}",
                    v.version,
                    format!("{:?}", v.status).to_lowercase(),
                    v.algorithm,
                    v.train_start,
                    v.train_end,
                    pct(v.holdout_mape),
                    pct(v.baseline_mape),
                    v.reason.unwrap_or_default()
                );
            }
        }
        ModelsAction::Activate { unit, version } => {
            let unit = history::unit_by_name(&db, &unit).await?;
            let active = versions::activate(&db, unit.id, version).await?;
            drop_cached_forecasts(settings, unit.id).await;
            println!("{}: version {} is active", unit.name, active.version);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The unit's cached forecasts are the previous version's now. Only a Redis cache is
/// reachable from here; an in-process one (embedded mode) expires them within its TTL.
async fn drop_cached_forecasts(settings: &Settings, unit_id: i32) {
    let Some(url) = &settings.redis.url else {
        return;
    };
    match Cache::redis(url, &settings.redis.cache_prefix).await {
        Ok(cache) => cache.forget_forecasts(unit_id).await,
        Err(err) => {
            tracing::warn!(%err, "cannot reach the cache to drop the unit's forecasts; their TTL will")
        }
    }
}
