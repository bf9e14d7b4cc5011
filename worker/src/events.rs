//! Job events: one is published on every state change of a job. In-process subscribers get
//! them from a tokio broadcast channel; publishing never blocks the job (a slow subscriber
//! loses the oldest events and is told how many it missed).

use chrono::{DateTime, Utc};
use rota_entity::enums::{JobKind, JobStatus};
use rota_entity::job::Model;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use uuid::Uuid;

/// A job changed state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobEvent {
    pub job_id: Uuid,
    pub kind: JobKind,
    pub status: JobStatus,
    pub unit_id: Option<i32>,
    pub attempts: i32,
    /// The body's result on `succeeded` (e.g. the rota id or the new model version).
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    pub at: DateTime<Utc>,
}

impl JobEvent {
    /// The event for a job as the table now holds it.
    pub fn of(job: &Model) -> Self {
        Self {
            job_id: job.id,
            kind: job.kind,
            status: job.status,
            unit_id: job.unit_id,
            attempts: job.attempts,
            result: job.result.clone(),
            error: job.error.clone(),
            at: Utc::now(),
        }
    }

    /// `job.<kind>.<status>`: the routing key on the `rota.events` topic exchange.
    pub fn routing_key(&self) -> String {
        format!(
            "job.{}.{}",
            crate::payloads::queue_name(self.kind),
            status_name(self.status)
        )
    }
}

fn status_name(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "queued",
        JobStatus::Running => "running",
        JobStatus::Succeeded => "succeeded",
        JobStatus::Failed => "failed",
        JobStatus::Cancelled => "cancelled",
        JobStatus::Dead => "dead",
    }
}

/// Where job events go.
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<JobEvent>,
}

impl Default for Events {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl Events {
    /// An in-process channel keeping the last `capacity` events for slow subscribers.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self { sender }
    }

    /// Publishes without waiting; having no subscriber is fine.
    pub fn publish(&self, event: JobEvent) {
        tracing::debug!(job_id = %event.job_id, key = %event.routing_key(), "job event");
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.sender.subscribe()
    }
}
