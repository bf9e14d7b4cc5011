//! `rota worker`: a job worker process.

use crate::cli::WorkerArgs;
use crate::settings::Settings;
use anyhow::Context;
use rota_worker::{Worker, WorkerId};
use std::net::SocketAddr;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

/// Applies the worker's own flags on top of the loaded settings.
pub fn apply_args(settings: &mut Settings, args: &WorkerArgs) -> anyhow::Result<()> {
    if let Some(queues) = &args.queues {
        settings.worker.queues = queues.iter().map(|q| q.trim().to_string()).collect();
    }
    if let Some(concurrency) = args.concurrency {
        settings.worker.concurrency = concurrency;
    }
    if let Some(port) = args.metrics_port {
        settings.worker.metrics_port = Some(port);
    }
    if let Some(host) = args.metrics_host {
        settings.worker.metrics_host = host;
    }
    settings.worker.check().context("invalid worker flags")
}

pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    let id = WorkerId::generate();
    let jobs = crate::jobs::connect(&settings, db, &id).await?;
    let shutdown = crate::shutdown::on_signal();
    let exporter = match settings.worker.metrics_port {
        Some(port) => Some(
            serve_metrics(
                SocketAddr::new(settings.worker.metrics_host, port),
                shutdown.clone(),
            )
            .await?,
        ),
        None => None,
    };
    let ran = Worker::new(jobs, crate::jobs::registry(&settings), id, settings.worker)
        .run(shutdown.clone())
        .await
        .context("the worker stopped on a queue error");
    if let Some(exporter) = exporter {
        shutdown.cancel();
        let _ = exporter.await;
    }
    ran?;
    Ok(ExitCode::SUCCESS)
}

/// Starts the Prometheus exporter on `addr` until `shutdown`.
async fn serve_metrics(
    addr: SocketAddr,
    shutdown: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    if rota_api::metrics::install().is_none() {
        anyhow::bail!("--metrics-port: the metrics recorder could not be installed");
    }
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("cannot listen on {addr} for metrics"))?;
    Ok(tokio::spawn(async move {
        if let Err(err) = rota_api::serve_metrics(listener, shutdown).await {
            tracing::error!(%err, "the metrics exporter stopped");
        }
    }))
}
