//! The API's state as configured: the read cache (Redis when `redis.url` is set, in-process
//! otherwise), the RabbitMQ connection its readiness probe uses, and the task that keeps the
//! cache fresh from job events.

use crate::redact::redact_url;
use crate::settings::Settings;
use anyhow::Context;
use rota_api::AppState;
use rota_worker::Jobs;
use rota_worker::cache::{Cache, amqp_events, local_events, subscribe_amqp};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Builds the state and starts the cache follower, which stops with `shutdown`.
pub async fn build(
    settings: &Settings,
    db: sea_orm::DatabaseConnection,
    jobs: Jobs,
    shutdown: &CancellationToken,
) -> anyhow::Result<AppState> {
    let cache = match &settings.redis.url {
        Some(url) => Cache::redis(url, &settings.redis.cache_prefix)
            .await
            .with_context(|| format!("cannot connect the cache to Redis at {}", redact_url(url)))?,
        None => Cache::memory(),
    };
    let local = jobs.subscribe();
    let mut state = AppState::new(db).with_jobs(jobs).with_cache(cache);
    match &settings.amqp.url {
        // Every process's events, this one's included, arrive through the exchange.
        Some(url) => {
            let connection =
                lapin::Connection::connect(url, lapin::ConnectionProperties::default())
                    .await
                    .with_context(|| {
                        format!("cannot connect to RabbitMQ at {}", redact_url(url))
                    })?;
            let connection = Arc::new(connection);
            let channel = connection
                .create_channel()
                .await
                .context("cannot open a RabbitMQ channel for job events")?;
            let consumer = subscribe_amqp(&channel, &settings.amqp.events_exchange)
                .await
                .context("cannot subscribe to job events")?;
            state = state.with_amqp(connection);
            let (state, shutdown) = (state.clone(), shutdown.clone());
            tokio::spawn(async move {
                // The channel lives as long as the subscription.
                let _channel = channel;
                rota_api::cache_sync::follow(state, amqp_events(consumer), shutdown).await;
            });
        }
        None => {
            let (state, shutdown) = (state.clone(), shutdown.clone());
            tokio::spawn(rota_api::cache_sync::follow(
                state,
                local_events(local),
                shutdown,
            ));
        }
    }
    Ok(state)
}
