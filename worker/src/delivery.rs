//! One delivery's life on a worker: claim the row, run the body under its kind's timeout with
//! a cancel token fed from the table, and write the outcome — success, a retry through the
//! transport's delayed redelivery, `dead`, `cancelled` — to the table, the transport and the
//! events. Every write is conditional on this worker still holding the job.

use crate::events::JobEvent;
use crate::handler::{BodyOutcome, BodyService, JobContext};
use crate::metrics;
use crate::policy::JobPolicy;
use crate::queue::{Jobs, JobsError};
use crate::store::{self, Claim};
use chrono::Utc;
use rota_entity::enums::{JobKind, JobStatus};
use rota_entity::job::Model;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use uuid::Uuid;

/// How often a running job's row is checked for a cancel request.
const CANCEL_POLL: Duration = Duration::from_millis(250);

/// A body wrapped in its kind's tower timeout.
pub(crate) type TimedBody = tower::timeout::Timeout<BodyService>;

/// What every delivery on this worker shares.
pub(crate) struct Shared {
    pub jobs: Jobs,
    pub worker: Arc<str>,
    /// Cancelled when in-flight jobs ran past the shutdown timeout: hand them back.
    pub hard_stop: CancellationToken,
}

pub(crate) async fn deliver(
    shared: &Shared,
    kind: JobKind,
    id: Uuid,
    body: TimedBody,
) -> Result<(), JobsError> {
    let jobs = &shared.jobs;
    match store::claim(&jobs.db, id, &shared.worker).await? {
        Claim::Skip(job) => {
            tracing::debug!(status = ?job.as_ref().map(|j| j.status), "nothing to run");
            jobs.transport.ack(kind, id).await?;
        }
        Claim::Settled(job) => {
            metrics::job_settled(job.kind, job.status);
            jobs.events.publish(JobEvent::of(&job));
            if job.status == JobStatus::Dead {
                jobs.transport.bury(kind, id).await?;
            } else {
                jobs.transport.ack(kind, id).await?;
            }
        }
        Claim::Run(job) => {
            tracing::Span::current().record("attempt", job.attempts);
            metrics::job_started(job.kind);
            jobs.events.publish(JobEvent::of(&job));
            run_claimed(shared, job, body).await?;
        }
    }
    Ok(())
}

/// How a try ended, from the runner's side.
enum Outcome {
    Body(BodyOutcome),
    TimedOut,
    /// The body did not stop within the cancel grace.
    CancelIgnored,
    /// The worker is shutting down hard.
    Interrupted,
}

async fn run_claimed(shared: &Shared, job: Model, body: TimedBody) -> Result<(), JobsError> {
    let jobs = &shared.jobs;
    let policy = jobs.policies.get(job.kind);
    let cancel = CancellationToken::new();
    let watcher = tokio::spawn(watch_cancel(jobs.clone(), job.id, cancel.clone()));
    let ctx = JobContext::new(
        job.id,
        u32::try_from(job.attempts).unwrap_or(1),
        jobs.db.clone(),
        Arc::clone(&shared.worker),
        cancel.clone(),
    );
    let started = std::time::Instant::now();
    let outcome = run_body(
        body,
        (ctx, job.payload.clone()),
        &policy,
        &cancel,
        &shared.hard_stop,
    )
    .await;
    watcher.abort();
    let seconds = started.elapsed().as_secs_f64();

    let finisher = Finisher {
        shared,
        job: &job,
        policy: &policy,
        seconds,
    };
    match outcome {
        Outcome::Interrupted => finisher.hand_back().await,
        _ if cancel.is_cancelled() => {
            let result = match outcome {
                Outcome::Body(BodyOutcome::Done(value)) => Some(value),
                _ => None,
            };
            tracing::info!(seconds, "job cancelled");
            finisher.settle(JobStatus::Cancelled, result, None).await
        }
        Outcome::Body(BodyOutcome::Done(value)) => {
            tracing::info!(seconds, "job succeeded");
            finisher
                .settle(JobStatus::Succeeded, Some(value), None)
                .await
        }
        Outcome::Body(BodyOutcome::Failed(err)) => finisher.fail(format!("{err:#}")).await,
        Outcome::TimedOut => {
            finisher
                .fail(format!(
                    "timed out after {} s",
                    policy.timeout.as_secs_f64()
                ))
                .await
        }
        Outcome::Body(BodyOutcome::BadPayload(message)) => finisher.dead(message).await,
        Outcome::CancelIgnored => finisher.settle(JobStatus::Cancelled, None, None).await,
    }
}

async fn run_body(
    body: TimedBody,
    request: (JobContext, serde_json::Value),
    policy: &JobPolicy,
    cancel: &CancellationToken,
    hard_stop: &CancellationToken,
) -> Outcome {
    let timed = body.oneshot(request);
    tokio::pin!(timed);
    let grace_after_cancel = async {
        cancel.cancelled().await;
        tokio::time::sleep(policy.cancel_grace).await;
    };
    tokio::select! {
        result = &mut timed => match result {
            Ok(outcome) => Outcome::Body(outcome),
            Err(err) if err.is::<tower::timeout::error::Elapsed>() => Outcome::TimedOut,
            Err(err) => Outcome::Body(BodyOutcome::Failed(anyhow::anyhow!(err))),
        },
        () = grace_after_cancel => Outcome::CancelIgnored,
        () = hard_stop.cancelled() => Outcome::Interrupted,
    }
}

/// Fires `cancel` once the job's row asks for it.
async fn watch_cancel(jobs: Jobs, id: Uuid, cancel: CancellationToken) {
    loop {
        tokio::time::sleep(CANCEL_POLL).await;
        match store::cancel_requested(&jobs.db, id).await {
            Ok(true) => {
                tracing::info!("cancel requested");
                cancel.cancel();
                return;
            }
            Ok(false) => {}
            Err(err) => tracing::warn!(%err, "could not check for a cancel request"),
        }
    }
}

/// Writes a try's end to the table, the transport and the events.
struct Finisher<'a> {
    shared: &'a Shared,
    job: &'a Model,
    policy: &'a JobPolicy,
    /// How long the try ran.
    seconds: f64,
}

impl Finisher<'_> {
    fn event(&self, status: JobStatus, result: Option<serde_json::Value>, error: Option<String>) {
        self.shared.jobs.events.publish(JobEvent {
            job_id: self.job.id,
            kind: self.job.kind,
            status,
            unit_id: self.job.unit_id,
            attempts: self.job.attempts,
            result,
            error,
            at: Utc::now(),
        });
    }

    /// A final state. Written only if this worker still holds the job: a worker that lost
    /// its lease and was replaced must not finish the job a second time.
    async fn settle(
        &self,
        status: JobStatus,
        result: Option<serde_json::Value>,
        error: Option<String>,
    ) -> Result<(), JobsError> {
        let jobs = &self.shared.jobs;
        let mine = store::finish(
            &jobs.db,
            self.job.id,
            Some(&self.shared.worker),
            status,
            result.clone(),
            error.clone(),
        )
        .await?;
        if mine {
            metrics::job_finished(self.job.kind, status, self.seconds);
            self.event(status, result, error);
        } else {
            tracing::warn!(
                ?status,
                "job is no longer held by this worker; outcome dropped"
            );
        }
        if mine && status == JobStatus::Dead {
            jobs.transport.bury(self.job.kind, self.job.id).await?;
        } else {
            jobs.transport.ack(self.job.kind, self.job.id).await?;
        }
        Ok(())
    }

    async fn fail(&self, error: String) -> Result<(), JobsError> {
        let attempts = u32::try_from(self.job.attempts).unwrap_or(u32::MAX);
        if self.job.attempts >= self.job.max_attempts {
            return self.dead(error).await;
        }
        let jobs = &self.shared.jobs;
        let delay = self.policy.retry_delay(attempts);
        tracing::warn!(%error, retry_in_ms = delay.as_millis(), "job failed; will retry");
        let mine = store::finish(
            &jobs.db,
            self.job.id,
            Some(&self.shared.worker),
            JobStatus::Failed,
            None,
            Some(error.clone()),
        )
        .await?;
        if mine {
            metrics::job_finished(self.job.kind, JobStatus::Failed, self.seconds);
            self.event(JobStatus::Failed, None, Some(error));
            jobs.transport
                .retry_later(self.job.kind, self.job.id, delay)
                .await?;
        } else {
            jobs.transport.ack(self.job.kind, self.job.id).await?;
        }
        Ok(())
    }

    async fn dead(&self, error: String) -> Result<(), JobsError> {
        tracing::error!(%error, attempts = self.job.attempts, "job is dead");
        self.settle(JobStatus::Dead, None, Some(error)).await
    }

    async fn hand_back(&self) -> Result<(), JobsError> {
        let jobs = &self.shared.jobs;
        if store::release(&jobs.db, self.job.id, &self.shared.worker).await? {
            self.event(JobStatus::Queued, None, None);
        }
        jobs.transport.release(self.job.kind, self.job.id).await?;
        Ok(())
    }
}
