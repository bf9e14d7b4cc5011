//! Job events: one is published on every state change of a job. In-process subscribers get
//! them from a tokio broadcast channel; with RabbitMQ they also go to the topic exchange
//! `rota.events` (routing key `job.<kind>.<status>`, JSON body). Publishing never blocks the
//! job: a slow in-process subscriber loses the oldest events and is told how many it missed,
//! and broker publishes run on a task of their own that retries through an outage.

use crate::transport::amqp::AmqpQueue;
use chrono::{DateTime, Utc};
use rota_entity::enums::{JobKind, JobStatus};
use rota_entity::job::Model;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
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

/// Events waiting for the broker; beyond this, during a long outage, new ones are dropped
/// (and logged) rather than held without bound.
const BROKER_BACKLOG: usize = 10_000;

/// Where job events go.
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<JobEvent>,
    broker: Option<mpsc::Sender<JobEvent>>,
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
        Self {
            sender,
            broker: None,
        }
    }

    /// These events, also published on `exchange` (a topic exchange) through `channel`, which
    /// must be in confirm mode (see `AmqpQueue::events_channel`).
    pub fn with_amqp(mut self, channel: lapin::Channel, exchange: String) -> Self {
        let (tx, rx) = mpsc::channel(BROKER_BACKLOG);
        tokio::spawn(publish_to_broker(Source::Fixed(channel), exchange, rx));
        self.broker = Some(tx);
        self
    }

    /// As [`Events::with_amqp`], on a channel of `queue`'s connection that is opened again
    /// whenever the connection is lost.
    pub async fn with_amqp_queue(
        mut self,
        queue: Arc<AmqpQueue>,
        exchange: String,
    ) -> Result<Self, crate::TransportError> {
        let channel = queue.events_channel(&exchange).await?;
        let (tx, rx) = mpsc::channel(BROKER_BACKLOG);
        tokio::spawn(publish_to_broker(
            Source::Queue(channel, queue),
            exchange,
            rx,
        ));
        self.broker = Some(tx);
        Ok(self)
    }

    /// Publishes without waiting; having no subscriber is fine.
    pub fn publish(&self, event: JobEvent) {
        tracing::debug!(job_id = %event.job_id, key = %event.routing_key(), "job event");
        if let Some(broker) = &self.broker
            && let Err(err) = broker.try_send(event.clone())
        {
            tracing::warn!(%err, "job event not sent to the broker: its backlog is full");
        }
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.sender.subscribe()
    }
}

/// The events channel, and where a new one comes from once it is lost.
enum Source {
    Fixed(lapin::Channel),
    Queue(lapin::Channel, Arc<AmqpQueue>),
}

impl Source {
    fn channel(&self) -> &lapin::Channel {
        match self {
            Self::Fixed(channel) | Self::Queue(channel, _) => channel,
        }
    }

    /// A usable channel: `false` when it is closed for good.
    async fn reopen(&mut self, exchange: &str) -> bool {
        if self.channel().status().connected() {
            return true;
        }
        match self {
            Self::Fixed(_) => false,
            Self::Queue(channel, queue) => match queue.events_channel(exchange).await {
                Ok(fresh) => {
                    *channel = fresh;
                    true
                }
                Err(err) => {
                    tracing::warn!(%err, "cannot reopen the events channel; retrying");
                    true
                }
            },
        }
    }
}

/// Publishes each event persistently and waits for the confirm; on failure, retries with a
/// growing pause (an outage delays events, it does not lose them while the backlog has room).
async fn publish_to_broker(
    mut source: Source,
    exchange: String,
    mut events: mpsc::Receiver<JobEvent>,
) {
    use lapin::options::BasicPublishOptions;
    while let Some(event) = events.recv().await {
        let Ok(body) = serde_json::to_vec(&event) else {
            continue;
        };
        let key = event.routing_key();
        let mut pause = Duration::from_millis(100);
        loop {
            let properties = lapin::BasicProperties::default()
                .with_delivery_mode(2)
                .with_content_type("application/json".into());
            let channel = source.channel();
            let published = async {
                channel
                    .basic_publish(
                        exchange.as_str().into(),
                        key.as_str().into(),
                        BasicPublishOptions::default(),
                        &body,
                        properties,
                    )
                    .await?
                    .await
            }
            .await;
            match published {
                Ok(confirm) if confirm.is_ack() => break,
                Ok(_) => tracing::warn!(%key, "broker refused a job event; retrying"),
                Err(err) => tracing::warn!(%err, %key, "publishing a job event failed; retrying"),
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(10));
            if !source.reopen(&exchange).await {
                tracing::error!(%key, "the events channel is closed; dropping job events");
                return;
            }
        }
    }
}
