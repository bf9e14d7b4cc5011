//! The `retrain` job: the retraining pipeline for one unit or all, with progress per unit
//! trained. The job succeeds even when some units failed (they are named in its result and
//! report); its result lists the promoted units, whose forecast caches its completion event
//! invalidates.

use crate::retrain::settings::{NotifySettings, RetrainSettings};
use crate::retrain::{self, RetrainRun, Trainer};
use crate::{JobBody, JobContext, RetrainPayload};
use serde_json::{Value, json};
use std::sync::Arc;

/// Runs `retrain` jobs.
pub struct RetrainBody {
    pub settings: RetrainSettings,
    pub notify: NotifySettings,
    pub trainer: Arc<dyn Trainer>,
}

impl JobBody for RetrainBody {
    type Payload = RetrainPayload;

    #[tracing::instrument(skip_all, fields(job_id = %ctx.job_id, unit = ?payload.unit_id))]
    async fn run(&self, ctx: JobContext, payload: RetrainPayload) -> anyhow::Result<Value> {
        ctx.progress(0.0, "loading history").await?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize, String)>();
        let writer = {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                while let Some((done, total, unit)) = rx.recv().await {
                    let fraction = 0.05 + 0.85 * done as f64 / total.max(1) as f64;
                    let message = format!("{done}/{total} units trained ({unit})");
                    if let Err(err) = ctx.progress(fraction, message).await {
                        tracing::warn!(%err, "cannot record retrain progress");
                    }
                }
            })
        };
        let on_unit: retrain::OnUnit = Arc::new(move |done, total, unit| {
            let _ = tx.send((done, total, unit.to_string()));
        });
        let run = RetrainRun {
            unit_id: payload.unit_id,
            settings: self.settings.clone(),
            notify: Some(self.notify.clone()),
            job_id: Some(ctx.job_id),
            trainer: Arc::clone(&self.trainer),
        };
        let report = retrain::run(&ctx.db, &run, on_unit).await;
        // The sender went with the pipeline's callback: the writer drains and ends.
        let _ = writer.await;
        let report = report?;
        ctx.progress(
            1.0,
            format!(
                "{} promoted, {} rejected, {} failed, {} skipped",
                report.promoted, report.rejected, report.failed, report.skipped
            ),
        )
        .await?;
        Ok(json!({
            "units": report.promoted_units(),
            "promoted": report.promoted,
            "rejected": report.rejected,
            "failed": report.failed,
            "skipped": report.skipped,
            "failed_units": report.failed_units(),
            "wall_ms": report.wall_ms,
        }))
    }
}
