//! rota's job worker: takes jobs from the queues it is given and runs them.

mod identity;
mod settings;

pub use identity::WorkerId;
pub use settings::{QUEUES, SettingsError, WorkerSettings};

use sea_orm::DatabaseConnection;
use tokio_util::sync::CancellationToken;

/// Runs a worker until `shutdown` is cancelled.
#[tracing::instrument(skip_all, fields(worker = %id))]
pub async fn run(
    _db: DatabaseConnection,
    settings: WorkerSettings,
    id: WorkerId,
    shutdown: CancellationToken,
) {
    tracing::info!(
        queues = %settings.queues.join(","),
        concurrency = settings.concurrency,
        "worker started"
    );
    shutdown.cancelled().await;
    tracing::info!("worker stopped");
}
