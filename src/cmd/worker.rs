//! `rota worker`: a job worker process.

use crate::cli::WorkerArgs;
use crate::settings::Settings;
use anyhow::Context;
use rota_worker::{Worker, WorkerId};
use std::process::ExitCode;

/// Applies the worker's own flags on top of the loaded settings.
pub fn apply_args(settings: &mut Settings, args: &WorkerArgs) -> anyhow::Result<()> {
    if let Some(queues) = &args.queues {
        settings.worker.queues = queues.iter().map(|q| q.trim().to_string()).collect();
    }
    if let Some(concurrency) = args.concurrency {
        settings.worker.concurrency = concurrency;
    }
    settings.worker.check().context("invalid worker flags")
}

pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    let id = WorkerId::generate();
    let jobs = crate::jobs::connect(&settings, db, &id).await?;
    Worker::new(jobs, crate::jobs::registry(&settings), id, settings.worker)
        .run(crate::shutdown::on_signal())
        .await
        .context("the worker stopped on a queue error")?;
    Ok(ExitCode::SUCCESS)
}
