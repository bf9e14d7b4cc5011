//! rota's scheduler: triggers the weekly retrain and the daily drift check.

mod settings;

pub use settings::{CronError, SchedulerSettings};

use tokio_util::sync::CancellationToken;

/// Runs the scheduler until `shutdown` is cancelled.
#[tracing::instrument(skip_all)]
pub async fn run(settings: SchedulerSettings, shutdown: CancellationToken) {
    tracing::info!(
        retrain = %settings.retrain_cron,
        monitor = %settings.monitor_cron,
        "scheduler started (UTC)"
    );
    shutdown.cancelled().await;
    tracing::info!("scheduler stopped");
}
