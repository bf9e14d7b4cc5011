//! The worker's metrics, as named events recorded through the `metrics` facade; the process
//! decides whether and where they are exported (`rota worker --metrics-port`). Without an
//! installed recorder, recording costs next to nothing.

use crate::payloads::queue_name;
use crate::transport::Transport;
use rota_entity::enums::{JobKind, JobStatus};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Seconds a try ran, by kind and outcome; its buckets are set where the recorder is built.
pub const JOB_DURATION: &str = "rota_job_duration_seconds";

/// A worker claimed a job and starts its body.
pub(crate) fn job_started(kind: JobKind) {
    metrics::counter!("rota_jobs_started_total", "kind" => queue_name(kind)).increment(1);
}

/// A try ended and this worker wrote its outcome: `failed` (a retry follows), or the job's
/// final `succeeded`, `dead` or `cancelled`.
pub(crate) fn job_finished(kind: JobKind, status: JobStatus, seconds: f64) {
    if let Some(outcome) = job_settled(kind, status) {
        metrics::histogram!(JOB_DURATION, "kind" => queue_name(kind), "outcome" => outcome)
            .record(seconds);
    }
}

/// A job reached `status`, with or without a try (a job whose tries were used up by lost
/// workers is `dead` on its next delivery). Returns the outcome's label.
pub(crate) fn job_settled(kind: JobKind, status: JobStatus) -> Option<&'static str> {
    let outcome = match status {
        JobStatus::Succeeded => "succeeded",
        JobStatus::Failed => "failed",
        JobStatus::Dead => "dead",
        JobStatus::Cancelled => "cancelled",
        JobStatus::Queued | JobStatus::Running => return None,
    };
    metrics::counter!(format!("rota_jobs_{outcome}_total"), "kind" => queue_name(kind))
        .increment(1);
    Some(outcome)
}

/// Jobs waiting in a queue, as its transport counts them.
pub(crate) fn queue_depth(kind: JobKind, depth: u64) {
    #[allow(clippy::cast_precision_loss)]
    metrics::gauge!("rota_queue_depth", "queue" => queue_name(kind)).set(depth as f64);
}

/// How often queue depths are sampled.
const DEPTH_EVERY: Duration = Duration::from_secs(5);

/// Samples the depth of `kinds`' queues until `stop`.
pub(crate) async fn sample_depths(
    transport: Transport,
    kinds: Vec<JobKind>,
    stop: CancellationToken,
) {
    loop {
        for kind in &kinds {
            match transport.depth(*kind).await {
                Ok(Some(depth)) => queue_depth(*kind, depth),
                Ok(None) => {}
                Err(err) => tracing::debug!(%err, "could not read a queue's depth"),
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(DEPTH_EVERY) => {}
        }
    }
}
