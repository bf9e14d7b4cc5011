//! The worker process's runtime, on apalis 1.0: per queue, an apalis worker (`WorkerBuilder`)
//! whose backend is our transport for that queue ([`QueueBackend`]), all under one apalis
//! `Monitor` that starts them and stops them together. Each worker's tower stack, outermost
//! first: the `job` span ([`JobSpanLayer`]), a per-queue concurrency limit, apalis's
//! lifecycle tracking, and our
//! [`JobService`], which runs the delivery with the body wrapped in a tower `Timeout` of its
//! kind's limit.
//!
//! How apalis's notions map onto the `jobs` table, which stays the source of truth:
//! - *attempts* are counted in the table when a worker claims a delivery, so they survive the
//!   process; apalis's in-memory attempt counter starts again in every process and is not used.
//! - *retries* are not apalis's retry layer (which retries in place, holding a concurrency
//!   slot, and forgets on a crash): a failed try marks the row `failed` and asks the transport
//!   to deliver the id again after the backoff (Redis delayed set, RabbitMQ delay queue,
//!   in-process timer); after `max_attempts` the row is `dead` and the id goes to the dead
//!   list. A delivery is then a fresh apalis task.
//! - *timeout*: tower's `Timeout` around the body; its `Elapsed` is a failed try like any other.
//! - *status*: the apalis service succeeds whenever the outcome was written (the job itself
//!   may have failed); it errs only when the table or queue could not be written, and then the
//!   delivery stays held until the queue's crash recovery hands it on.
//! - *graceful shutdown*: the monitor stops every worker from taking tasks and waits for the
//!   in-flight ones; past `shutdown_timeout_secs` they are told to hand their jobs back.

use crate::delivery::Shared;
use crate::handler::Registry;
use crate::layers::{JobService, JobSpanLayer};
use crate::payloads::{kind_of_queue, queue_name};
use crate::queue::Jobs;
use crate::queue_backend::QueueBackend;
use crate::transport::TransportError;
use crate::{WorkerId, WorkerSettings};
use crate::{store, sweeper};
use apalis_core::monitor::Monitor;
use apalis_core::worker::builder::WorkerBuilder;
use apalis_core::worker::context::WorkerContext;
use apalis_core::worker::event::Event;
use rota_entity::enums::JobKind;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::Layer;
use tower::limit::ConcurrencyLimitLayer;
use tower::timeout::TimeoutLayer;

/// A worker process's job runner.
pub struct Worker {
    jobs: Jobs,
    registry: Registry,
    id: WorkerId,
    settings: WorkerSettings,
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
        let transport = self.jobs.transport.clone();
        let prefetch = u16::try_from(self.settings.concurrency).unwrap_or(u16::MAX);
        let mut queues = Vec::new();
        for kind in &kinds {
            let Some(body) = self.registry.service(*kind) else {
                continue;
            };
            let timeout = self.jobs.policies.get(*kind).timeout;
            let fetcher = transport.fetcher(*kind, prefetch).await?;
            queues.push((*kind, TimeoutLayer::new(timeout).layer(body), fetcher));
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
        let depths = tokio::spawn(crate::metrics::sample_depths(
            transport.clone(),
            kinds.clone(),
            upkeep_stop.clone(),
        ));
        let sweeper = tokio::spawn(sweeper::run(
            self.jobs.clone(),
            kinds.clone(),
            Duration::from_secs(self.settings.sweep_after_secs),
            upkeep_stop.clone(),
        ));
        let shared = Arc::new(Shared {
            jobs: self.jobs.clone(),
            worker: Arc::from(self.id.as_str()),
            hard_stop: CancellationToken::new(),
        });
        let stop = shutdown.child_token();
        let tracker = TaskTracker::new();
        // Two limits: per queue, at most `concurrency` deliveries in hand (tower's limit holds
        // a permit while it waits for the next job, so it must not be shared: idle queues
        // would starve the others); per process, at most `concurrency` bodies running, taken
        // once a job has arrived.
        let concurrency = self.settings.concurrency.max(1);
        let permits = Arc::new(Semaphore::new(concurrency));
        let mut monitor = Monitor::new().on_event(log_event);
        for (kind, body, fetcher) in queues {
            let fetcher = Mutex::new(Some(fetcher));
            let (shared, transport, stop, tracker, permits) = (
                Arc::clone(&shared),
                transport.clone(),
                stop.clone(),
                tracker.clone(),
                Arc::clone(&permits),
            );
            monitor = monitor.register(move |_restarts| {
                // The first run takes the fetcher opened above; a restart opens its own.
                let fetcher = fetcher
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                let backend = QueueBackend::new(kind, transport.clone(), prefetch, fetcher, &stop);
                WorkerBuilder::new(format!("{}/{}", shared.worker, queue_name(kind)).as_str())
                    .backend(backend)
                    .layer(JobSpanLayer::new(kind, Arc::clone(&shared.worker)))
                    .layer(ConcurrencyLimitLayer::new(concurrency))
                    .build(JobService::new(
                        Arc::clone(&shared),
                        kind,
                        body.clone(),
                        tracker.clone(),
                        Arc::clone(&permits),
                    ))
            });
        }

        let grace = Duration::from_secs(self.settings.shutdown_timeout_secs);
        let overtime = tokio::spawn(hand_back_after(
            grace,
            stop.clone(),
            tracker.clone(),
            shared.hard_stop.clone(),
        ));
        let signal = {
            let stop = stop.clone();
            async move {
                stop.cancelled().await;
                Ok(())
            }
        };
        if let Err(err) = monitor.run_with_signal(signal).await {
            tracing::error!(%err, "the worker's apalis monitor failed");
        }
        // Jobs of an apalis worker that ended early still run on their own tasks.
        tracker.close();
        tracker.wait().await;
        overtime.abort();
        if let Err(err) = transport.leave().await {
            tracing::warn!(%err, "could not hand held jobs back; the reaper will after the lease");
        }
        upkeep_stop.cancel();
        let _ = upkeep.await;
        let _ = sweeper.await;
        let _ = depths.await;
        tracing::info!("worker stopped");
        Ok(())
    }
}

/// Once the worker is stopping and `grace` has passed, tells the jobs still running to hand
/// themselves back.
async fn hand_back_after(
    grace: Duration,
    stop: CancellationToken,
    tracker: TaskTracker,
    hard_stop: CancellationToken,
) {
    stop.cancelled().await;
    tokio::time::sleep(grace).await;
    if !tracker.is_empty() {
        tracing::warn!(
            in_flight = tracker.len(),
            "in-flight jobs outlived the shutdown timeout; handing them back"
        );
    }
    hard_stop.cancel();
}

/// apalis's own worker events; a job's outcome is logged in its span, so only what apalis
/// alone sees is logged here.
fn log_event(worker: &WorkerContext, event: &Event) {
    match event {
        Event::Start => tracing::debug!(apalis_worker = worker.name(), "apalis worker started"),
        Event::Exit => tracing::debug!(apalis_worker = worker.name(), "apalis worker exited"),
        _ => {}
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
