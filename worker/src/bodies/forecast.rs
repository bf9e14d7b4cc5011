//! The `forecast` job: a unit's active model forecasts the horizon after its training
//! window; the forecast is split across shifts and stored with the model version (replacing
//! what an earlier run stored for those dates, so running twice stores it once). Its
//! completion event invalidates the unit's forecast cache, which is then warmed again.

use crate::retrain::{forecasts, history, validate, versions};
use crate::{ForecastPayload, JobBody, JobContext};
use anyhow::Context;
use rota_forecast::{Horizon, UnitModel};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Runs `forecast` jobs.
pub struct ForecastBody;

impl JobBody for ForecastBody {
    type Payload = ForecastPayload;

    #[tracing::instrument(skip_all, fields(job_id = %ctx.job_id, unit = payload.unit_id))]
    async fn run(&self, ctx: JobContext, payload: ForecastPayload) -> anyhow::Result<Value> {
        let unit_id = payload.unit_id;
        let active = versions::active(&ctx.db, unit_id)
            .await?
            .with_context(|| format!("unit {unit_id} has no active model; retrain it first"))?;
        let horizon = Horizon::new(payload.horizon_days as usize)?;
        let model = UnitModel::from_json(&active.model.to_string())
            .with_context(|| format!("stored model v{} of unit {unit_id}", active.version))?;
        let rows = tokio::task::spawn_blocking(move || model.forecast(horizon))
            .await
            .context("the forecast thread panicked")??;
        validate::check_rows(&rows)
            .map_err(|why| anyhow::anyhow!("model v{} of unit {unit_id} {why}", active.version))?;
        let splits =
            history::shift_splits(&ctx.db, &HashMap::from([(unit_id, active.train_end)])).await?;
        let split = splits.get(&unit_id).cloned().unwrap_or_default();
        let stored = forecasts::per_shift(&rows, &split);
        forecasts::replace(&ctx.db, unit_id, active.id, &stored).await?;
        ctx.progress(1.0, format!("{} forecast rows stored", stored.len()))
            .await?;
        Ok(json!({
            "unit_id": unit_id,
            "model_version": active.version,
            "from": rows.first().map(|r| r.ds),
            "to": rows.last().map(|r| r.ds),
            "rows": stored.len(),
        }))
    }
}
