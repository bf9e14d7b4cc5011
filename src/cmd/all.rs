//! `rota all`: API, worker and scheduler in one process, sharing one shutdown.

use crate::settings::Settings;
use anyhow::Context;
use rota_worker::{Worker, WorkerId};
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    let listener = rota_api::bind(&settings.server).await?;
    run_with(settings, db, listener, crate::shutdown::on_signal(), false).await?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the three parts until `shutdown`; if the API fails, the others stop too. With
/// `first_models`, a retrain of every unit is queued at once (the demo's first start), so the
/// dashboard has forecasts without waiting for Sunday's cron.
pub async fn run_with(
    settings: Settings,
    db: sea_orm::DatabaseConnection,
    listener: tokio::net::TcpListener,
    shutdown: CancellationToken,
    first_models: bool,
) -> anyhow::Result<()> {
    let id = WorkerId::generate();
    let jobs = crate::jobs::connect(&settings, db.clone(), &id).await?;
    let state = crate::api_state::build(&settings, db, jobs.clone(), &shutdown).await?;
    if first_models {
        let queued = jobs
            .enqueue(&rota_worker::RetrainPayload { unit_id: None }, None)
            .await
            .context("cannot queue the first retrain")?;
        tracing::info!(job_id = %queued.job.id, "no forecast models yet: first retrain queued");
    }
    let worker = tokio::spawn(
        Worker::new(
            jobs.clone(),
            crate::jobs::registry(&settings),
            id,
            settings.worker,
        )
        .run(shutdown.clone()),
    );
    let scheduler = tokio::spawn(rota_scheduler::run(
        settings.scheduler,
        jobs.clone(),
        shutdown.clone(),
    ));
    let served = rota_api::serve(listener, state, shutdown.clone()).await;
    shutdown.cancel();
    let _ = tokio::join!(worker, scheduler);
    served?;
    Ok(())
}
