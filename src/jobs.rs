//! Wiring the job system from the settings: the transport (Redis when `redis.url` is set,
//! in-process otherwise), the event channel, and the job bodies this binary runs.

use crate::settings::Settings;
use anyhow::Context;
use rota_worker::transport::redis::{RedisConfig, RedisQueue};
use rota_worker::{Events, Jobs, Registry, Transport, WorkerId};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// The job system as configured. `worker` names this process in the queue's leases.
pub async fn connect(
    settings: &Settings,
    db: DatabaseConnection,
    worker: &WorkerId,
) -> anyhow::Result<Jobs> {
    let transport = match &settings.redis.url {
        Some(url) => {
            let config = RedisConfig {
                url: url.clone(),
                prefix: settings.redis.queue_prefix.clone(),
                lease: Duration::from_secs(settings.redis.lease_secs),
            };
            let queue = RedisQueue::connect(config, worker.as_str())
                .await
                .with_context(|| {
                    format!(
                        "cannot connect to Redis at {}",
                        crate::redact::redact_url(url)
                    )
                })?;
            Transport::Redis(Arc::new(queue))
        }
        None => Transport::embedded(),
    };
    Ok(Jobs::new(db, transport, Events::default()))
}

/// The job bodies of this binary. The solve, forecast, retrain and monitor bodies register
/// here as the solver and forecast crates land; a worker consumes only registered kinds.
pub fn registry() -> Registry {
    Registry::new()
}
