//! How job ids travel from `enqueue` to a worker. The table holds everything about a job; a
//! transport only carries its id, so a message is a few bytes and losing one is recoverable.
//!
//! - [`embedded`]: in-process channels for `rota demo` / `rota all` without servers;
//! - [`redis`]: a reliable queue on Redis (per-worker processing lists, worker leases with a
//!   heartbeat, a reaper, delayed retries in a sorted set, a capped dead list).

pub mod embedded;
pub mod redis;

use rota_entity::enums::JobKind;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// A transport that failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("Redis: {0}")]
    Redis(#[from] fred::error::Error),
    #[error("the in-process queue for {0:?} is closed")]
    Closed(JobKind),
}

/// One of the transports; callers never need to know which.
#[derive(Clone)]
pub enum Transport {
    Embedded(Arc<embedded::Embedded>),
    Redis(Arc<redis::RedisQueue>),
}

impl Transport {
    pub fn embedded() -> Self {
        Self::Embedded(Arc::new(embedded::Embedded::default()))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Embedded(_) => "embedded",
            Self::Redis(_) => "redis",
        }
    }

    /// Hands a job to the workers of its kind.
    pub async fn push(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self {
            Self::Embedded(q) => q.push(kind, id),
            Self::Redis(q) => q.push(kind, id).await,
        }
    }

    /// A source of deliveries for one kind (Redis: its own blocking connection).
    pub(crate) async fn fetcher(&self, kind: JobKind) -> Result<Fetcher, TransportError> {
        Ok(match self {
            Self::Embedded(q) => Fetcher::Embedded(q.receiver(kind)),
            Self::Redis(q) => Fetcher::Redis(q.fetcher(kind).await?),
        })
    }

    /// The job is finished (or was never runnable): forget the delivery.
    pub(crate) async fn ack(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self {
            Self::Embedded(_) => Ok(()),
            Self::Redis(q) => q.ack(kind, id).await,
        }
    }

    /// Deliver the job again after `delay`.
    pub(crate) async fn retry_later(
        &self,
        kind: JobKind,
        id: Uuid,
        delay: Duration,
    ) -> Result<(), TransportError> {
        match self {
            Self::Embedded(q) => {
                q.push_later(kind, id, delay);
                Ok(())
            }
            Self::Redis(q) => q.retry_later(kind, id, delay).await,
        }
    }

    /// The job is dead: keep its id on the dead list.
    pub(crate) async fn bury(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self {
            Self::Embedded(_) => Ok(()),
            Self::Redis(q) => q.bury(kind, id).await,
        }
    }

    /// The job was not run to the end here (shutdown): deliver it again now.
    pub(crate) async fn release(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self {
            Self::Embedded(q) => q.push(kind, id),
            Self::Redis(q) => q.release(kind, id).await,
        }
    }

    /// Background upkeep while a worker runs (Redis: heartbeat, reaper, delayed retries).
    pub(crate) async fn maintain(&self, shutdown: CancellationToken) {
        match self {
            Self::Embedded(_) => shutdown.cancelled().await,
            Self::Redis(q) => q.maintain(shutdown).await,
        }
    }

    /// After the last in-flight job: give back whatever this worker still holds.
    pub(crate) async fn leave(&self) -> Result<(), TransportError> {
        match self {
            Self::Embedded(_) => Ok(()),
            Self::Redis(q) => q.leave().await,
        }
    }

    /// Whether unfinished jobs in the table must be pushed again when a worker starts: an
    /// in-process queue forgets everything when its process ends.
    pub(crate) fn forgets_on_exit(&self) -> bool {
        matches!(self, Self::Embedded(_))
    }
}

/// Deliveries of one kind.
pub(crate) enum Fetcher {
    Embedded(embedded::Receiver),
    Redis(redis::Fetcher),
}

impl Fetcher {
    /// The next job id, or `None` once `shutdown` is cancelled.
    pub(crate) async fn next(
        &mut self,
        shutdown: &CancellationToken,
    ) -> Result<Option<Uuid>, TransportError> {
        match self {
            Self::Embedded(rx) => Ok(tokio::select! {
                id = rx.recv() => id,
                () = shutdown.cancelled() => None,
            }),
            Self::Redis(f) => f.next(shutdown).await,
        }
    }
}
