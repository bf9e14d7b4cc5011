//! Wiring the job system from the settings: which backend carries each queue (Redis for the
//! queues in `redis.queues` and RabbitMQ for the rest when both are set; the one that is set
//! otherwise; in-process without either), the event channel, and the job bodies this binary
//! runs.

use crate::redact::redact_url;
use crate::settings::Settings;
use anyhow::Context;
use rota_worker::transport::Backend;
use rota_worker::transport::amqp::{AmqpConfig, AmqpQueue};
use rota_worker::transport::redis::{RedisConfig, RedisQueue};
use rota_worker::{Events, Jobs, Registry, Transport, WorkerId, kind_of_queue};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// The job system as configured. `worker` names this process in the Redis queue's leases.
pub async fn connect(
    settings: &Settings,
    db: DatabaseConnection,
    worker: &WorkerId,
) -> anyhow::Result<Jobs> {
    let redis = match &settings.redis.url {
        Some(url) => {
            let config = RedisConfig {
                url: url.clone(),
                prefix: settings.redis.queue_prefix.clone(),
                lease: Duration::from_secs(settings.redis.lease_secs),
            };
            let queue = RedisQueue::connect(config, worker.as_str())
                .await
                .with_context(|| format!("cannot connect to Redis at {}", redact_url(url)))?;
            Some(Backend::Redis(Arc::new(queue)))
        }
        None => None,
    };
    let amqp = match &settings.amqp.url {
        Some(url) => {
            let config = AmqpConfig {
                url: url.clone(),
                namespace: settings.amqp.namespace.clone(),
            };
            let queue = AmqpQueue::connect(config)
                .await
                .with_context(|| format!("cannot connect to RabbitMQ at {}", redact_url(url)))?;
            Some(Arc::new(queue))
        }
        None => None,
    };
    let mut events = Events::default();
    if let Some(queue) = &amqp {
        events = events
            .with_amqp_queue(Arc::clone(queue), settings.amqp.events_exchange.clone())
            .await
            .context("cannot open the RabbitMQ events channel")?;
    }
    let transport = match (redis, amqp) {
        (Some(redis), Some(amqp)) => {
            let on_redis = settings
                .redis
                .queues
                .iter()
                .filter_map(|q| kind_of_queue(q))
                .map(|kind| (kind, redis.clone()));
            Transport::routed(Backend::Amqp(amqp), on_redis)
        }
        (Some(redis), None) => Transport::single(redis),
        (None, Some(amqp)) => Transport::single(Backend::Amqp(amqp)),
        (None, None) => Transport::embedded(),
    };
    Ok(Jobs::new(db, transport, events))
}

/// The job bodies of this binary; a worker consumes only registered kinds.
pub fn registry(settings: &Settings) -> Registry {
    Registry::new()
        .register(rota_worker::SolveBody)
        .register(rota_worker::ForecastBody)
        .register(rota_worker::RetrainBody {
            settings: settings.retrain.clone(),
            notify: settings.notify.clone(),
            trainer: Arc::new(rota_worker::retrain::ProphetTrainer),
        })
        .register(rota_worker::MonitorBody {
            notify: settings.notify.clone(),
        })
}
