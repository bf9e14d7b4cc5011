//! Warming a unit's forecast cache from the database right after an event made it stale, so
//! the first read after a retrain or a forecast job does not pay for the query.

use crate::cache::{Cache, event_units, keys, stale_keys};
use crate::events::JobEvent;
use crate::retrain::versions;
use rota_entity::{enums::JobKind, forecast};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use std::time::Duration;

/// A backstop only: events keep the entry fresh.
const TTL: Duration = Duration::from_secs(24 * 3600);

/// Caches again the forecasts of every unit whose forecasts `event` made stale.
pub async fn rewarm(cache: &Cache, db: &DatabaseConnection, event: &JobEvent) {
    if !matches!(event.kind, JobKind::Forecast | JobKind::Retrain) {
        return;
    }
    if stale_keys(event).is_empty() {
        return;
    }
    for unit_id in event_units(event) {
        if let Err(err) = warm(cache, db, unit_id).await {
            tracing::warn!(%err, unit_id, "cannot warm the forecast cache");
        }
    }
}

/// Stores the active model's forecasts of `unit_id` under [`keys::forecasts`]: its version
/// and, per date and shift type, yhat with its interval.
pub async fn warm(cache: &Cache, db: &DatabaseConnection, unit_id: i32) -> anyhow::Result<()> {
    let Some(active) = versions::active(db, unit_id).await? else {
        return Ok(());
    };
    let rows = forecast::Entity::find()
        .filter(forecast::Column::ModelVersionId.eq(active.id))
        .order_by_asc(forecast::Column::Date)
        .order_by_asc(forecast::Column::ShiftTypeId)
        .all(db)
        .await?;
    let items: Vec<_> = rows
        .iter()
        .map(|r| json!({"date": r.date, "shift_type_id": r.shift_type_id, "yhat": r.yhat, "lower": r.lower, "upper": r.upper}))
        .collect();
    let value = json!({"unit_id": unit_id, "model_version": active.version, "algorithm": active.algorithm, "items": items});
    cache
        .set(&keys::forecasts(unit_id), &value.to_string(), TTL)
        .await?;
    Ok(())
}
