//! Durable job queues on RabbitMQ, written on lapin rather than taken from apalis-amqp, which
//! publishes without confirms or persistence, reopens a channel per push and drops failed
//! jobs (issue 5).
//!
//! Topology, under a namespace `N` (default `rota`), per queue `q`:
//! - exchange `N.jobs` (direct) → durable queue `N.q`; messages are persistent and every
//!   publish waits for the broker's confirm. Workers consume with manual acks after the body
//!   finished and a prefetch of their concurrency. A worker that dies loses its connection, and
//!   the broker delivers its unacked jobs to another worker.
//! - `N.q.delay` — retries wait here with a per-message TTL, then dead-letter back to
//!   `N.jobs` / `q`. RabbitMQ expires only the head of a queue, so a retry never comes early
//!   but may wait behind a longer one.
//! - exchange `N.dead` (fanout) → `N.dead`: the dead-letter exchange of every job queue, capped
//!   at [`DEAD_QUEUE_CAP`] messages; a dead job is rejected into it. The table keeps the error.

use super::TransportError;
use crate::payloads::queue_name;
use futures::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicPublishOptions, BasicQosOptions,
    ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Acker, BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use rota_entity::enums::JobKind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Dead job ids kept in RabbitMQ; older ones are only in the table.
pub const DEAD_QUEUE_CAP: i64 = 10_000;

const ALL_KINDS: [JobKind; 4] = [
    JobKind::Solve,
    JobKind::Forecast,
    JobKind::Retrain,
    JobKind::Monitor,
];

/// Where the queues live.
#[derive(Debug, Clone)]
pub struct AmqpConfig {
    pub url: String,
    /// Prefix of every exchange and queue name; give each deployment (or test) its own.
    pub namespace: String,
}

impl AmqpConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            namespace: "rota".into(),
        }
    }
}

pub struct AmqpQueue {
    config: AmqpConfig,
    /// The current connection; replaced when it is lost.
    link: Mutex<Arc<Link>>,
    /// One reconnect at a time.
    relink: tokio::sync::Mutex<()>,
    consumers: Mutex<Vec<Channel>>,
    /// Deliveries this process holds, by job id, to ack or reject when the job is done.
    held: Mutex<HashMap<Uuid, Vec<Acker>>>,
}

/// A connection and its confirm-mode channel for pushes and retries.
struct Link {
    connection: Connection,
    publisher: Channel,
}

impl Link {
    fn is_up(&self) -> bool {
        self.connection.status().connected() && self.publisher.status().connected()
    }
}

/// One kind's consumer, on its own channel.
pub struct Fetcher {
    consumer: lapin::Consumer,
    queue: Arc<AmqpQueue>,
}

async fn publish_on(
    publisher: &Channel,
    exchange: &str,
    routing_key: &str,
    body: &[u8],
    properties: BasicProperties,
) -> Result<(), TransportError> {
    let confirm = publisher
        .basic_publish(
            exchange.into(),
            routing_key.into(),
            BasicPublishOptions::default(),
            body,
            properties,
        )
        .await?
        .await?;
    if confirm.is_nack() {
        return Err(TransportError::NotConfirmed);
    }
    Ok(())
}

/// The exchange and queue names under a namespace.
struct Names<'a>(&'a AmqpConfig);

impl Names<'_> {
    fn jobs_exchange(&self) -> String {
        format!("{}.jobs", self.0.namespace)
    }

    fn dead_name(&self) -> String {
        format!("{}.dead", self.0.namespace)
    }

    fn queue(&self, kind: JobKind) -> String {
        format!("{}.{}", self.0.namespace, queue_name(kind))
    }

    fn delay(&self, kind: JobKind) -> String {
        format!("{}.delay", self.queue(kind))
    }
}

fn persistent() -> BasicProperties {
    BasicProperties::default()
        .with_delivery_mode(2)
        .with_content_type("text/plain".into())
}

fn string_arg(value: &str) -> AMQPValue {
    AMQPValue::LongString(value.into())
}

impl AmqpQueue {
    /// Connects and declares the topology (idempotent).
    pub async fn connect(config: AmqpConfig) -> Result<Self, TransportError> {
        let link = Self::open(&config).await?;
        Ok(Self {
            config,
            link: Mutex::new(Arc::new(link)),
            relink: tokio::sync::Mutex::new(()),
            consumers: Mutex::new(Vec::new()),
            held: Mutex::new(HashMap::new()),
        })
    }

    async fn open(config: &AmqpConfig) -> Result<Link, TransportError> {
        let connection = Connection::connect(&config.url, ConnectionProperties::default()).await?;
        let publisher = connection.create_channel().await?;
        publisher
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        declare(config, &publisher).await?;
        Ok(Link {
            connection,
            publisher,
        })
    }

    fn current(&self) -> Arc<Link> {
        Arc::clone(&self.link.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The connection, opened again if it was lost (the broker restarted, a proxy cut it).
    /// Deliveries held on the lost one were requeued by the broker.
    async fn link(&self) -> Result<Arc<Link>, TransportError> {
        let link = self.current();
        if link.is_up() {
            return Ok(link);
        }
        let _one_at_a_time = self.relink.lock().await;
        let link = self.current();
        if link.is_up() {
            return Ok(link);
        }
        tracing::warn!("the RabbitMQ connection is lost; reconnecting");
        let fresh = Arc::new(Self::open(&self.config).await?);
        *self.link.lock().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&fresh);
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        tracing::info!("reconnected to RabbitMQ");
        Ok(fresh)
    }

    fn jobs_exchange(&self) -> String {
        Names(&self.config).jobs_exchange()
    }

    /// `N.q` — public so tools and tests can look at the queue.
    pub fn queue_name(&self, kind: JobKind) -> String {
        Names(&self.config).queue(kind)
    }

    fn delay_name(&self, kind: JobKind) -> String {
        Names(&self.config).delay(kind)
    }

    pub fn dead_queue(&self) -> String {
        Names(&self.config).dead_name()
    }

    /// Publishes persistently and waits for the broker to confirm.
    async fn publish(
        &self,
        exchange: &str,
        routing_key: &str,
        body: &[u8],
        properties: BasicProperties,
    ) -> Result<(), TransportError> {
        let link = self.link().await?;
        let published = publish_on(
            &link.publisher,
            exchange,
            routing_key,
            body,
            properties.clone(),
        )
        .await;
        match published {
            // The connection went down under this publish: once more on a fresh one.
            Err(TransportError::Amqp(_)) if !link.is_up() => {
                let link = self.link().await?;
                publish_on(&link.publisher, exchange, routing_key, body, properties).await
            }
            other => other,
        }
    }

    pub(crate) async fn push(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        self.publish(
            &self.jobs_exchange(),
            queue_name(kind),
            id.to_string().as_bytes(),
            persistent(),
        )
        .await
    }

    /// Ready messages in `kind`'s queue (a passive declare: the queue must exist, and does
    /// since `connect`).
    pub(crate) async fn depth(&self, kind: JobKind) -> Result<u64, TransportError> {
        let queue = self
            .link()
            .await?
            .publisher
            .queue_declare(
                self.queue_name(kind).as_str().into(),
                QueueDeclareOptions {
                    passive: true,
                    ..QueueDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        Ok(u64::from(queue.message_count()))
    }

    pub(crate) async fn fetcher(
        self: &Arc<Self>,
        kind: JobKind,
        prefetch: u16,
    ) -> Result<Fetcher, TransportError> {
        let channel = self.link().await?.connection.create_channel().await?;
        channel
            .basic_qos(prefetch.max(1), BasicQosOptions::default())
            .await?;
        let consumer = channel
            .basic_consume(
                self.queue_name(kind).as_str().into(),
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        self.consumers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(channel);
        Ok(Fetcher {
            consumer,
            queue: Arc::clone(self),
        })
    }

    fn take(&self, id: Uuid) -> Option<Acker> {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let ackers = held.get_mut(&id)?;
        let acker = ackers.pop();
        if ackers.is_empty() {
            held.remove(&id);
        }
        acker
    }

    pub(crate) async fn ack(&self, id: Uuid) -> Result<(), TransportError> {
        if let Some(acker) = self.take(id) {
            acker.ack(BasicAckOptions::default()).await?;
        }
        Ok(())
    }

    pub(crate) async fn retry_later(
        &self,
        kind: JobKind,
        id: Uuid,
        delay: Duration,
    ) -> Result<(), TransportError> {
        let properties = persistent().with_expiration(delay.as_millis().max(1).to_string().into());
        self.publish(
            "",
            &self.delay_name(kind),
            id.to_string().as_bytes(),
            properties,
        )
        .await?;
        self.ack(id).await
    }

    /// Rejects without requeue: the queue dead-letters it to `N.dead`.
    pub(crate) async fn bury(&self, id: Uuid) -> Result<(), TransportError> {
        if let Some(acker) = self.take(id) {
            acker
                .nack(BasicNackOptions {
                    requeue: false,
                    ..BasicNackOptions::default()
                })
                .await?;
        }
        Ok(())
    }

    pub(crate) async fn release(&self, id: Uuid) -> Result<(), TransportError> {
        if let Some(acker) = self.take(id) {
            acker
                .nack(BasicNackOptions {
                    requeue: true,
                    ..BasicNackOptions::default()
                })
                .await?;
        }
        Ok(())
    }

    /// Closes the consumer channels: the broker requeues whatever they still hold.
    pub(crate) async fn leave(&self) -> Result<(), TransportError> {
        let channels: Vec<Channel> = std::mem::take(
            &mut *self
                .consumers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        for channel in channels {
            // A channel of a lost connection is closed already.
            if channel.status().connected() {
                channel.close(200, "worker stopping".into()).await?;
            }
        }
        Ok(())
    }

    /// A confirm-mode channel for job events.
    pub async fn events_channel(&self, exchange: &str) -> Result<Channel, TransportError> {
        let channel = self.link().await?.connection.create_channel().await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        channel
            .exchange_declare(
                exchange.into(),
                ExchangeKind::Topic,
                ExchangeDeclareOptions {
                    durable: true,
                    ..ExchangeDeclareOptions::default()
                },
                FieldTable::default(),
            )
            .await?;
        Ok(channel)
    }
}

impl Fetcher {
    pub(crate) async fn next(
        &mut self,
        shutdown: &CancellationToken,
    ) -> Result<Option<Uuid>, TransportError> {
        loop {
            let delivery = tokio::select! {
                delivery = self.consumer.next() => delivery,
                () = shutdown.cancelled() => return Ok(None),
            };
            let delivery = match delivery {
                Some(Ok(delivery)) => delivery,
                // The stream ends, or fails, when the channel or connection is gone.
                None | Some(Err(_)) if shutdown.is_cancelled() => return Ok(None),
                None => return Err(TransportError::ConsumerGone),
                Some(Err(err)) => {
                    tracing::warn!(%err, "RabbitMQ consumer failed");
                    return Err(TransportError::ConsumerGone);
                }
            };
            let parsed = std::str::from_utf8(&delivery.data)
                .ok()
                .and_then(|text| Uuid::parse_str(text).ok());
            match parsed {
                Some(id) => {
                    self.queue
                        .held
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .entry(id)
                        .or_default()
                        .push(delivery.acker);
                    return Ok(Some(id));
                }
                None => {
                    tracing::warn!("dead-lettering a malformed message");
                    delivery
                        .acker
                        .nack(BasicNackOptions {
                            requeue: false,
                            ..BasicNackOptions::default()
                        })
                        .await?;
                }
            }
        }
    }
}

/// Declares the exchanges and queues (idempotent).
async fn declare(config: &AmqpConfig, ch: &Channel) -> Result<(), TransportError> {
    let names = Names(config);
    let durable = ExchangeDeclareOptions {
        durable: true,
        ..ExchangeDeclareOptions::default()
    };
    let jobs = names.jobs_exchange();
    let dead = names.dead_name();
    ch.exchange_declare(
        jobs.as_str().into(),
        ExchangeKind::Direct,
        durable,
        FieldTable::default(),
    )
    .await?;
    ch.exchange_declare(
        dead.as_str().into(),
        ExchangeKind::Fanout,
        durable,
        FieldTable::default(),
    )
    .await?;
    let mut capped = FieldTable::default();
    capped.insert(
        "x-max-length".into(),
        AMQPValue::LongLongInt(DEAD_QUEUE_CAP),
    );
    ch.queue_declare(dead.as_str().into(), QueueDeclareOptions::durable(), capped)
        .await?;
    ch.queue_bind(
        dead.as_str().into(),
        dead.as_str().into(),
        "".into(),
        QueueBindOptions::default(),
        FieldTable::default(),
    )
    .await?;
    for kind in ALL_KINDS {
        let queue = names.queue(kind);
        let mut args = FieldTable::default();
        args.insert("x-dead-letter-exchange".into(), string_arg(&dead));
        ch.queue_declare(queue.as_str().into(), QueueDeclareOptions::durable(), args)
            .await?;
        ch.queue_bind(
            queue.as_str().into(),
            jobs.as_str().into(),
            queue_name(kind).into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
        let mut delay_args = FieldTable::default();
        delay_args.insert("x-dead-letter-exchange".into(), string_arg(&jobs));
        delay_args.insert(
            "x-dead-letter-routing-key".into(),
            string_arg(queue_name(kind)),
        );
        ch.queue_declare(
            names.delay(kind).as_str().into(),
            QueueDeclareOptions::durable(),
            delay_args,
        )
        .await?;
    }
    Ok(())
}
