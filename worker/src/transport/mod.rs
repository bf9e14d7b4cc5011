//! How job ids travel from `enqueue` to a worker. The table holds everything about a job; a
//! transport only carries its id, so a message is a few bytes and losing one is recoverable.
//!
//! - [`embedded`]: in-process channels for `rota demo` / `rota all` without servers;
//! - [`redis`]: a reliable queue on Redis (per-worker processing lists, worker leases with a
//!   heartbeat, a reaper, delayed retries in a sorted set, a capped dead list);
//! - [`amqp`]: durable RabbitMQ queues (persistent, confirmed, manual acks, a delay queue per
//!   kind for retries, a dead-letter exchange).
//!
//! A [`Transport`] routes each kind to one of them (e.g. `solve` on Redis, the rest on
//! RabbitMQ); callers never need to know which.

pub mod amqp;
pub mod embedded;
pub mod redis;

use rota_entity::enums::JobKind;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// A transport that failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("Redis: {0}")]
    Redis(#[from] fred::error::Error),
    #[error("RabbitMQ: {0}")]
    Amqp(#[from] lapin::Error),
    #[error("RabbitMQ did not confirm a publish")]
    NotConfirmed,
    #[error("the RabbitMQ consumer was closed (connection or channel lost)")]
    ConsumerGone,
    #[error("the in-process queue for {0:?} is closed")]
    Closed(JobKind),
}

/// One queue backend.
#[derive(Clone)]
pub enum Backend {
    Embedded(Arc<embedded::Embedded>),
    Redis(Arc<redis::RedisQueue>),
    Amqp(Arc<amqp::AmqpQueue>),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Embedded(_) => "embedded",
            Self::Redis(_) => "redis",
            Self::Amqp(_) => "amqp",
        }
    }

    fn address(&self) -> usize {
        match self {
            Self::Embedded(q) => Arc::as_ptr(q) as usize,
            Self::Redis(q) => Arc::as_ptr(q) as usize,
            Self::Amqp(q) => Arc::as_ptr(q) as usize,
        }
    }
}

/// The backend of each kind.
#[derive(Clone)]
pub struct Transport {
    default: Backend,
    routes: Arc<HashMap<JobKind, Backend>>,
    /// Every distinct backend, for upkeep and shutdown.
    distinct: Arc<Vec<Backend>>,
}

impl Transport {
    /// Every kind on `backend`.
    pub fn single(backend: Backend) -> Self {
        Self::routed(backend, [])
    }

    /// Every kind in-process.
    pub fn embedded() -> Self {
        Self::single(Backend::Embedded(Arc::new(embedded::Embedded::default())))
    }

    /// The kinds in `routes` on their backend, the rest on `default`.
    pub fn routed(default: Backend, routes: impl IntoIterator<Item = (JobKind, Backend)>) -> Self {
        let routes: HashMap<JobKind, Backend> = routes.into_iter().collect();
        let mut distinct: Vec<Backend> = Vec::new();
        for backend in std::iter::once(&default).chain(routes.values()) {
            if !distinct.iter().any(|b| b.address() == backend.address()) {
                distinct.push(backend.clone());
            }
        }
        Self {
            default,
            routes: Arc::new(routes),
            distinct: Arc::new(distinct),
        }
    }

    pub fn backend(&self, kind: JobKind) -> &Backend {
        self.routes.get(&kind).unwrap_or(&self.default)
    }

    /// The backends' names, e.g. `redis+amqp`.
    pub fn name(&self) -> String {
        self.distinct
            .iter()
            .map(Backend::name)
            .collect::<Vec<_>>()
            .join("+")
    }

    /// Hands a job to the workers of its kind.
    pub async fn push(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self.backend(kind) {
            Backend::Embedded(q) => q.push(kind, id),
            Backend::Redis(q) => q.push(kind, id).await,
            Backend::Amqp(q) => q.push(kind, id).await,
        }
    }

    /// Jobs waiting in `kind`'s queue, where the backend can count them (not in-process).
    pub async fn depth(&self, kind: JobKind) -> Result<Option<u64>, TransportError> {
        match self.backend(kind) {
            Backend::Embedded(_) => Ok(None),
            Backend::Redis(q) => q.depth(kind).await.map(Some),
            Backend::Amqp(q) => q.depth(kind).await.map(Some),
        }
    }

    /// A source of deliveries for one kind (Redis, RabbitMQ: its own connection or channel,
    /// holding at most `prefetch` undone deliveries where the backend can bound that).
    pub(crate) async fn fetcher(
        &self,
        kind: JobKind,
        prefetch: u16,
    ) -> Result<Fetcher, TransportError> {
        Ok(match self.backend(kind) {
            Backend::Embedded(q) => Fetcher::Embedded(q.receiver(kind)),
            Backend::Redis(q) => Fetcher::Redis(q.fetcher(kind).await?),
            Backend::Amqp(q) => Fetcher::Amqp(q.fetcher(kind, prefetch).await?),
        })
    }

    /// The job is finished (or was never runnable): forget the delivery.
    pub(crate) async fn ack(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self.backend(kind) {
            Backend::Embedded(_) => Ok(()),
            Backend::Redis(q) => q.ack(kind, id).await,
            Backend::Amqp(q) => q.ack(id).await,
        }
    }

    /// Deliver the job again after `delay`.
    pub(crate) async fn retry_later(
        &self,
        kind: JobKind,
        id: Uuid,
        delay: Duration,
    ) -> Result<(), TransportError> {
        match self.backend(kind) {
            Backend::Embedded(q) => {
                q.push_later(kind, id, delay);
                Ok(())
            }
            Backend::Redis(q) => q.retry_later(kind, id, delay).await,
            Backend::Amqp(q) => q.retry_later(kind, id, delay).await,
        }
    }

    /// The job is dead: keep its id on the dead list.
    pub(crate) async fn bury(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self.backend(kind) {
            Backend::Embedded(_) => Ok(()),
            Backend::Redis(q) => q.bury(kind, id).await,
            Backend::Amqp(q) => q.bury(id).await,
        }
    }

    /// The job was not run to the end here (shutdown): deliver it again now.
    pub(crate) async fn release(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        match self.backend(kind) {
            Backend::Embedded(q) => q.push(kind, id),
            Backend::Redis(q) => q.release(kind, id).await,
            Backend::Amqp(q) => q.release(id).await,
        }
    }

    /// Background upkeep while a worker runs (Redis: heartbeat, reaper, delayed retries).
    pub(crate) async fn maintain(&self, shutdown: CancellationToken) {
        let upkeep = self.distinct.iter().map(|backend| {
            let shutdown = shutdown.clone();
            async move {
                match backend {
                    Backend::Redis(q) => q.maintain(shutdown).await,
                    Backend::Embedded(_) | Backend::Amqp(_) => shutdown.cancelled().await,
                }
            }
        });
        futures::future::join_all(upkeep).await;
    }

    /// After the last in-flight job: give back whatever this worker still holds.
    pub(crate) async fn leave(&self) -> Result<(), TransportError> {
        for backend in self.distinct.iter() {
            match backend {
                Backend::Embedded(_) => {}
                Backend::Redis(q) => q.leave().await?,
                Backend::Amqp(q) => q.leave().await?,
            }
        }
        Ok(())
    }

    /// Whether unfinished jobs of `kind` in the table must be pushed again when a worker
    /// starts: an in-process queue forgets everything when its process ends.
    pub(crate) fn forgets_on_exit(&self, kind: JobKind) -> bool {
        matches!(self.backend(kind), Backend::Embedded(_))
    }
}

/// Deliveries of one kind.
pub(crate) enum Fetcher {
    Embedded(embedded::Receiver),
    Redis(redis::Fetcher),
    Amqp(amqp::Fetcher),
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
            Self::Amqp(f) => f.next(shutdown).await,
        }
    }
}
