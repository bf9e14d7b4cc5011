//! The `monitor` job: the drift check of one unit's or every unit's active model, stored as
//! a drift report and sent to the configured notifications.

use crate::retrain::drift;
use crate::retrain::settings::NotifySettings;
use crate::{JobBody, JobContext, MonitorPayload};
use serde_json::{Value, json};

/// Runs `monitor` jobs.
pub struct MonitorBody {
    pub notify: NotifySettings,
}

impl JobBody for MonitorBody {
    type Payload = MonitorPayload;

    #[tracing::instrument(skip_all, fields(job_id = %ctx.job_id, unit = ?payload.unit_id))]
    async fn run(&self, ctx: JobContext, payload: MonitorPayload) -> anyhow::Result<Value> {
        let checked = drift::run(
            &ctx.db,
            payload.unit_id,
            Some(ctx.job_id),
            Some(&self.notify),
        )
        .await?;
        let drifted: Vec<i32> = checked
            .units
            .iter()
            .filter(|u| u.drifted)
            .map(|u| u.unit_id)
            .collect();
        Ok(json!({
            "checked": checked.units.len(),
            "drifted": checked.drifted,
            "drifted_units": drifted,
        }))
    }
}
