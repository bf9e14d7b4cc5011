//! The tower side of a worker: the service apalis calls for each delivered job id, and the
//! layer that gives every job its `job` span.

use crate::delivery::{self, Shared, TimedBody};
use crate::payloads::queue_name;
use apalis_core::task::Task;
use futures::future::BoxFuture;
use rota_entity::enums::JobKind;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::Semaphore;
use tokio_util::task::TaskTracker;
use tower::{Layer, Service};
use tracing::Instrument;
use uuid::Uuid;

/// Runs each delivery on a tokio task of its own: apalis drives all of a worker's in-flight
/// futures from one task, which would put every body on one core.
#[derive(Clone)]
pub(crate) struct JobService {
    shared: Arc<Shared>,
    kind: JobKind,
    body: TimedBody,
    tracker: TaskTracker,
    /// The process's running-job slots, shared by every queue.
    permits: Arc<Semaphore>,
}

impl JobService {
    pub(crate) fn new(
        shared: Arc<Shared>,
        kind: JobKind,
        body: TimedBody,
        tracker: TaskTracker,
        permits: Arc<Semaphore>,
    ) -> Self {
        Self {
            shared,
            kind,
            body,
            tracker,
            permits,
        }
    }
}

/// A delivery that could not be taken through to its end (the table or the queue failed).
/// The delivery stays with this worker: the queue hands it on after the lease if the
/// process dies, and the table still says where the job is.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DeliveryError {
    #[error(transparent)]
    Jobs(#[from] crate::JobsError),
    #[error("the job's task ended abnormally: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl Service<Task<Uuid>> for JobService {
    type Response = ();
    type Error = DeliveryError;
    type Future = BoxFuture<'static, Result<(), DeliveryError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, task: Task<Uuid>) -> Self::Future {
        let (shared, kind, body) = (Arc::clone(&self.shared), self.kind, self.body.clone());
        let permits = Arc::clone(&self.permits);
        let id = task.args;
        let running = self.tracker.spawn(
            async move {
                // The semaphore is never closed; were it, the job would run unlimited rather
                // than not at all.
                let _slot = permits.acquire_owned().await.ok();
                let delivered = delivery::deliver(&shared, kind, id, body).await;
                if let Err(err) = &delivered {
                    tracing::error!(%err, "job delivery failed");
                }
                delivered
            }
            .in_current_span(),
        );
        Box::pin(async move { Ok(running.await??) })
    }
}

/// Gives each job a `job` span (id, kind, worker; the attempt once claimed) that covers its
/// whole delivery, the spawned task included.
#[derive(Clone)]
pub(crate) struct JobSpanLayer {
    kind: JobKind,
    worker: Arc<str>,
}

impl JobSpanLayer {
    pub(crate) fn new(kind: JobKind, worker: Arc<str>) -> Self {
        Self { kind, worker }
    }
}

impl<S> Layer<S> for JobSpanLayer {
    type Service = JobSpan<S>;

    fn layer(&self, inner: S) -> Self::Service {
        JobSpan {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct JobSpan<S> {
    inner: S,
    layer: JobSpanLayer,
}

impl<S> Service<Task<Uuid>> for JobSpan<S>
where
    S: Service<Task<Uuid>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = tracing::instrument::Instrumented<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, task: Task<Uuid>) -> Self::Future {
        let span = tracing::info_span!(
            "job",
            job_id = %task.args,
            kind = queue_name(self.layer.kind),
            worker = %self.layer.worker,
            attempt = tracing::field::Empty,
        );
        let future = span.in_scope(|| self.inner.call(task));
        future.instrument(span)
    }
}
