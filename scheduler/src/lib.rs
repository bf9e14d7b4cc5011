//! rota's scheduler: triggers the weekly retrain and the daily drift check.
//!
//! Ticks come from apalis-cron's `CronScheduler`; each tick enqueues its job with the
//! idempotency key `<kind>@<slot time>`, so any number of schedulers running at once enqueue
//! each slot once.

mod settings;

pub use settings::{CronError, SchedulerSettings};

use apalis_cron::CronScheduler;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use rota_worker::{Jobs, JobsError, MonitorPayload, RetrainPayload};
use tokio_util::sync::CancellationToken;

/// What a tick triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Retrain every unit's model.
    Retrain,
    /// Check every unit's model for drift.
    Monitor,
}

/// The scheduler failed to start.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error(transparent)]
    Cron(#[from] CronError),
}

/// Runs the scheduler until `shutdown` is cancelled.
#[tracing::instrument(skip_all)]
pub async fn run(
    settings: SchedulerSettings,
    jobs: Jobs,
    shutdown: CancellationToken,
) -> Result<(), SchedulerError> {
    let schedules = vec![
        (Trigger::Retrain, settings.retrain()?),
        (Trigger::Monitor, settings.monitor()?),
    ];
    tracing::info!(
        retrain = %settings.retrain_cron,
        monitor = %settings.monitor_cron,
        "scheduler started (UTC)"
    );
    run_schedules(schedules, jobs, shutdown).await;
    tracing::info!("scheduler stopped");
    Ok(())
}

/// Enqueues each trigger at every tick of its schedule until `shutdown`.
pub async fn run_schedules(
    schedules: Vec<(Trigger, cron::Schedule)>,
    jobs: Jobs,
    shutdown: CancellationToken,
) {
    let ticks = schedules.into_iter().map(|(trigger, schedule)| {
        CronScheduler::new(schedule)
            .into_stream()
            .map(move |tick| (trigger, tick))
            .boxed()
    });
    let mut ticks = futures::stream::select_all(ticks);
    loop {
        let next = tokio::select! {
            next = ticks.next() => next,
            () = shutdown.cancelled() => return,
        };
        let Some((trigger, tick)) = next else {
            return;
        };
        match tick {
            Ok(tick) => {
                let secs = i64::try_from(tick.get_timestamp()).unwrap_or(i64::MAX);
                let slot = DateTime::from_timestamp(secs, 0).unwrap_or_else(Utc::now);
                if let Err(err) = fire(&jobs, trigger, slot).await {
                    tracing::error!(%err, ?trigger, %slot, "could not enqueue a scheduled job");
                }
            }
            Err(err) => tracing::error!(%err, ?trigger, "cron schedule failed"),
        }
    }
}

/// Enqueues `trigger`'s job for `slot`, once however often it is called.
pub async fn fire(jobs: &Jobs, trigger: Trigger, slot: DateTime<Utc>) -> Result<(), JobsError> {
    let slot_key = slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let enqueued = match trigger {
        Trigger::Retrain => {
            jobs.enqueue(
                &RetrainPayload { unit_id: None },
                Some(&format!("retrain@{slot_key}")),
            )
            .await?
        }
        Trigger::Monitor => {
            jobs.enqueue(
                &MonitorPayload { unit_id: None },
                Some(&format!("monitor@{slot_key}")),
            )
            .await?
        }
    };
    tracing::info!(
        ?trigger,
        slot = %slot_key,
        job_id = %enqueued.job.id,
        new = enqueued.created,
        "scheduled job"
    );
    Ok(())
}
