//! The worker loop: per queue, a fetcher takes job ids while a concurrency permit is free;
//! each job runs in its own task under a `job` span, with its kind's timeout, a cancel token
//! fed from the table, and retry or dead-lettering on failure.

use crate::events::JobEvent;
use crate::handler::{BodyOutcome, JobContext, Registry};
use crate::payloads::{kind_of_queue, queue_name};
use crate::policy::JobPolicy;
use crate::queue::{Jobs, JobsError};
use crate::store::{self, Claim};
use crate::transport::{Fetcher, TransportError};
use crate::{WorkerId, WorkerSettings};
use chrono::Utc;
use rota_entity::enums::{JobKind, JobStatus};
use rota_entity::job::Model;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use uuid::Uuid;

/// How often a running job's row is checked for a cancel request.
const CANCEL_POLL: Duration = Duration::from_millis(250);

/// A worker process's job runner.
pub struct Worker {
    jobs: Jobs,
    registry: Registry,
    id: WorkerId,
    settings: WorkerSettings,
}

struct Shared {
    jobs: Jobs,
    registry: Registry,
    worker: Arc<str>,
    /// Cancelled when in-flight jobs ran past the shutdown timeout: drop them.
    hard_stop: CancellationToken,
}

impl Worker {
    pub fn new(jobs: Jobs, registry: Registry, id: WorkerId, settings: WorkerSettings) -> Self {
        Self {
            jobs,
            registry,
            id,
            settings,
        }
    }

    /// The kinds this worker takes: its queues that have a registered body.
    pub fn kinds(&self) -> Vec<JobKind> {
        let registered = self.registry.kinds();
        self.settings
            .queues
            .iter()
            .filter_map(|queue| kind_of_queue(queue))
            .filter(|kind| registered.contains(kind))
            .collect()
    }

    /// Runs until `shutdown`; then takes no more jobs, lets in-flight ones finish for up to
    /// `shutdown_timeout_secs`, and hands the rest back to the queue.
    #[tracing::instrument(skip_all, fields(worker = %self.id, transport = %self.jobs.transport.name()))]
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), TransportError> {
        let kinds = self.kinds();
        for queue in &self.settings.queues {
            if !kinds.iter().any(|k| queue_name(*k) == queue) {
                tracing::warn!(
                    queue,
                    "no job body registered for this queue; not consuming it"
                );
            }
        }
        let shared = Arc::new(Shared {
            jobs: self.jobs.clone(),
            registry: self.registry,
            worker: Arc::from(self.id.as_str()),
            hard_stop: CancellationToken::new(),
        });
        let transport = self.jobs.transport.clone();
        let prefetch = u16::try_from(self.settings.concurrency).unwrap_or(u16::MAX);
        let mut fetchers = Vec::new();
        for kind in &kinds {
            fetchers.push((*kind, transport.fetcher(*kind, prefetch).await?));
        }
        let forgetful: Vec<JobKind> = kinds
            .iter()
            .copied()
            .filter(|kind| transport.forgets_on_exit(*kind))
            .collect();
        redeliver_unfinished(&self.jobs, &forgetful).await;
        tracing::info!(
            queues = %kinds.iter().map(|k| queue_name(*k)).collect::<Vec<_>>().join(","),
            concurrency = self.settings.concurrency,
            "worker started"
        );

        let upkeep_stop = CancellationToken::new();
        let upkeep = tokio::spawn({
            let transport = transport.clone();
            let stop = upkeep_stop.clone();
            async move { transport.maintain(stop).await }
        });
        let permits = Arc::new(Semaphore::new(self.settings.concurrency.max(1)));
        let tracker = TaskTracker::new();
        // Stopped by `shutdown`, or by a fetch loop whose connection is gone for good.
        let stop = shutdown.child_token();
        let mut loops = tokio::task::JoinSet::new();
        for (kind, fetcher) in fetchers {
            loops.spawn(fetch_loop(
                Arc::clone(&shared),
                kind,
                fetcher,
                Arc::clone(&permits),
                tracker.clone(),
                stop.clone(),
            ));
        }
        let mut lost = None;
        while let Some(ended) = loops.join_next().await {
            if let Ok(Err(err)) = ended {
                stop.cancel();
                lost.get_or_insert(err);
            }
        }

        tracker.close();
        let grace = Duration::from_secs(self.settings.shutdown_timeout_secs);
        if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
            tracing::warn!(
                in_flight = tracker.len(),
                "in-flight jobs outlived the shutdown timeout; handing them back"
            );
            shared.hard_stop.cancel();
            tracker.wait().await;
        }
        if let Err(err) = transport.leave().await {
            tracing::warn!(%err, "could not hand held jobs back; the reaper will after the lease");
        }
        upkeep_stop.cancel();
        let _ = upkeep.await;
        tracing::info!("worker stopped");
        lost.map_or(Ok(()), Err)
    }
}

/// An in-process queue lost its contents with its last process: deliver the table's
/// unfinished jobs again (a claim skips any that turn out to be running here already).
async fn redeliver_unfinished(jobs: &Jobs, kinds: &[JobKind]) {
    if kinds.is_empty() {
        return;
    }
    match store::unfinished(&jobs.db, kinds).await {
        Ok(pending) => {
            for job in pending {
                if let Err(err) = jobs.transport.push(job.kind, job.id).await {
                    tracing::warn!(%err, job_id = %job.id, "could not redeliver");
                }
            }
        }
        Err(err) => tracing::warn!(%err, "could not look up unfinished jobs"),
    }
}

async fn fetch_loop(
    shared: Arc<Shared>,
    kind: JobKind,
    mut fetcher: Fetcher,
    permits: Arc<Semaphore>,
    tracker: TaskTracker,
    shutdown: CancellationToken,
) -> Result<(), TransportError> {
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return Ok(()),
            },
            () = shutdown.cancelled() => return Ok(()),
        };
        match fetcher.next(&shutdown).await {
            Ok(Some(id)) => {
                tracker.spawn(execute(Arc::clone(&shared), kind, id, permit));
            }
            Ok(None) => return Ok(()),
            Err(err @ TransportError::ConsumerGone) => {
                // No reconnect here: stop cleanly and let the supervisor start a fresh worker;
                // the broker has requeued what this one held.
                tracing::error!(%err, queue = queue_name(kind), "stopping the worker");
                return Err(err);
            }
            Err(err) => {
                tracing::warn!(%err, queue = queue_name(kind), "fetching a job failed; retrying");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    () = shutdown.cancelled() => return Ok(()),
                }
            }
        }
    }
}

async fn execute(shared: Arc<Shared>, kind: JobKind, id: Uuid, _permit: OwnedSemaphorePermit) {
    let span = tracing::info_span!(
        "job",
        job_id = %id,
        kind = queue_name(kind),
        worker = %shared.worker,
        attempt = tracing::field::Empty,
    );
    async {
        if let Err(err) = deliver(&shared, kind, id).await {
            // The delivery stays with this worker; the reaper hands it on after the lease if
            // this process dies, and the table still says where the job is.
            tracing::error!(%err, "job delivery failed");
        }
    }
    .instrument(span)
    .await;
}

async fn deliver(shared: &Shared, kind: JobKind, id: Uuid) -> Result<(), JobsError> {
    let jobs = &shared.jobs;
    match store::claim(&jobs.db, id, &shared.worker).await? {
        Claim::Skip(job) => {
            tracing::debug!(status = ?job.as_ref().map(|j| j.status), "nothing to run");
            jobs.transport.ack(kind, id).await?;
        }
        Claim::Settled(job) => {
            jobs.events.publish(JobEvent::of(&job));
            if job.status == JobStatus::Dead {
                jobs.transport.bury(kind, id).await?;
            } else {
                jobs.transport.ack(kind, id).await?;
            }
        }
        Claim::Run(job) => {
            tracing::Span::current().record("attempt", job.attempts);
            jobs.events.publish(JobEvent::of(&job));
            run_claimed(shared, job).await?;
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

async fn run_claimed(shared: &Shared, job: Model) -> Result<(), JobsError> {
    let jobs = &shared.jobs;
    let Some(body) = shared.registry.get(job.kind) else {
        // Only registered kinds are fetched; should it happen anyway, let another worker have it.
        store::release(&jobs.db, job.id, &shared.worker).await?;
        jobs.transport.release(job.kind, job.id).await?;
        return Ok(());
    };
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
        body(ctx, job.payload.clone()),
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
    body: futures::future::BoxFuture<'static, BodyOutcome>,
    policy: &JobPolicy,
    cancel: &CancellationToken,
    hard_stop: &CancellationToken,
) -> Outcome {
    let timed = tokio::time::timeout(policy.timeout, body);
    tokio::pin!(timed);
    let grace_after_cancel = async {
        cancel.cancelled().await;
        tokio::time::sleep(policy.cancel_grace).await;
    };
    tokio::select! {
        result = &mut timed => match result {
            Ok(outcome) => Outcome::Body(outcome),
            Err(_) => Outcome::TimedOut,
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
