//! The one way to put work on the queues, look it up and cancel it.

use crate::events::{Events, JobEvent};
use crate::payloads::JobPayload;
use crate::policy::Policies;
use crate::store::{self, NewJob};
use crate::transport::{Transport, TransportError};
use rota_entity::job::Model;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::broadcast;
use uuid::Uuid;

/// Enqueueing or cancelling failed.
#[derive(Debug, thiserror::Error)]
pub enum JobsError {
    #[error("jobs table: {0}")]
    Db(#[from] DbErr),
    #[error("queue transport: {0}")]
    Transport(#[from] TransportError),
    #[error("payload does not serialize: {0}")]
    Payload(#[from] serde_json::Error),
}

/// A job after `enqueue`.
#[derive(Debug, Clone)]
pub struct Enqueued {
    pub job: Model,
    /// `false` when the idempotency key already named a job: that job is returned and
    /// nothing new is queued.
    pub created: bool,
}

/// Handle on the job system: the table, the transport behind it and the event channel.
/// Cheap to clone; the API, the scheduler and the workers each hold one.
#[derive(Clone)]
pub struct Jobs {
    pub(crate) db: DatabaseConnection,
    pub(crate) transport: Transport,
    pub(crate) events: Events,
    pub(crate) policies: Policies,
}

impl Jobs {
    pub fn new(db: DatabaseConnection, transport: Transport, events: Events) -> Self {
        Self {
            db,
            transport,
            events,
            policies: Policies::default(),
        }
    }

    /// These jobs with other per-kind policies (attempts, timeouts, backoff).
    pub fn with_policies(mut self, policies: Policies) -> Self {
        self.policies = policies;
        self
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub fn events(&self) -> &Events {
        &self.events
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Queues a job. With an idempotency key, a second call with the same key returns the
    /// first job and queues nothing.
    #[tracing::instrument(skip_all, fields(kind = crate::payloads::queue_name(P::KIND), job_id))]
    pub async fn enqueue<P: JobPayload>(
        &self,
        payload: &P,
        idempotency_key: Option<&str>,
    ) -> Result<Enqueued, JobsError> {
        let policy = self.policies.get(P::KIND);
        let (job, created) = store::insert(
            &self.db,
            NewJob {
                kind: P::KIND,
                payload: serde_json::to_value(payload)?,
                unit_id: payload.unit_id(),
                idempotency_key: idempotency_key.map(str::to_string),
                max_attempts: policy.max_attempts,
            },
        )
        .await?;
        tracing::Span::current().record("job_id", tracing::field::display(job.id));
        if created {
            // The row is queued already; announcing it before the push keeps `queued` ahead of
            // the worker's `running`.
            self.events.publish(JobEvent::of(&job));
            self.transport.push(job.kind, job.id).await?;
        }
        Ok(Enqueued { job, created })
    }

    /// The job as the table holds it.
    pub async fn get(&self, id: Uuid) -> Result<Option<Model>, JobsError> {
        Ok(store::get(&self.db, id).await?)
    }

    /// Cancels a job: a queued one at once, a running one as soon as its worker notices (the
    /// body's cancel token fires and it keeps its best result). Finished jobs are unchanged.
    pub async fn cancel(&self, id: Uuid) -> Result<Option<Model>, JobsError> {
        let before = store::get(&self.db, id).await?;
        let after = store::request_cancel(&self.db, id).await?;
        if let (Some(before), Some(after)) = (&before, &after)
            && before.status != after.status
        {
            self.events.publish(JobEvent::of(after));
        }
        Ok(after)
    }

    /// Events of every job state change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.events.subscribe()
    }
}
