//! Caches of forecast and rota reads, and the subscriber that keeps them fresh: an event that
//! makes a key stale deletes exactly that key (a finished solve → the unit's latest rota; a new
//! model version or forecast → the unit's forecasts). TTLs are only a backstop.
//!
//! Redis through fred when `redis.url` is set, in-process otherwise; callers use [`Cache`]
//! either way.

use crate::events::JobEvent;
use fred::prelude::*;
use futures::{Stream, StreamExt};
use rota_entity::enums::{JobKind, JobStatus};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// A cache that failed.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("Redis cache: {0}")]
    Redis(#[from] fred::error::Error),
    #[error("RabbitMQ events: {0}")]
    Amqp(#[from] lapin::Error),
}

/// The cache keys rota uses.
pub mod keys {
    /// A unit's forecasts (all horizons) as the API serves them.
    pub fn forecasts(unit_id: i32) -> String {
        format!("forecasts:unit:{unit_id}")
    }

    /// A unit's latest rota as the API serves it.
    pub fn latest_rota(unit_id: i32) -> String {
        format!("rota:latest:unit:{unit_id}")
    }
}

/// The units whose cached reads `event` makes stale: the job's unit, and for a retrain of
/// every unit the units named in its result (`{"units": [1, 2]}`). Only successes change
/// what is read.
pub fn affected_units(event: &JobEvent) -> Vec<i32> {
    if event.status != JobStatus::Succeeded {
        return Vec::new();
    }
    let mut units: Vec<i32> = event.unit_id.into_iter().collect();
    if let Some(listed) = event
        .result
        .as_ref()
        .and_then(|r| r.get("units"))
        .and_then(|u| u.as_array())
    {
        units.extend(
            listed
                .iter()
                .filter_map(|u| u.as_i64())
                .filter_map(|u| i32::try_from(u).ok()),
        );
    }
    units.sort_unstable();
    units.dedup();
    units
}

/// The keys `event` makes stale.
pub fn stale_keys(event: &JobEvent) -> Vec<String> {
    let key: fn(i32) -> String = match event.kind {
        JobKind::Solve => keys::latest_rota,
        JobKind::Forecast | JobKind::Retrain => keys::forecasts,
        JobKind::Monitor => return Vec::new(),
    };
    affected_units(event).into_iter().map(key).collect()
}

type Entries = HashMap<String, (String, Instant)>;

/// A string cache with TTLs.
#[derive(Clone)]
pub enum Cache {
    Memory(Arc<Mutex<Entries>>),
    Redis { client: Client, prefix: String },
}

impl Cache {
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// A Redis cache whose keys all start with `prefix:`.
    pub async fn redis(url: &str, prefix: &str) -> Result<Self, CacheError> {
        let client = Builder::from_config(Config::from_url(url)?).build()?;
        client.init().await?;
        Ok(Self::Redis {
            client,
            prefix: prefix.to_string(),
        })
    }

    fn entries(map: &Mutex<Entries>) -> std::sync::MutexGuard<'_, Entries> {
        map.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        match self {
            Self::Memory(map) => {
                let mut entries = Self::entries(map);
                match entries.get(key) {
                    Some((value, until)) if *until > Instant::now() => Ok(Some(value.clone())),
                    Some(_) => {
                        entries.remove(key);
                        Ok(None)
                    }
                    None => Ok(None),
                }
            }
            Self::Redis { client, prefix } => Ok(client.get(format!("{prefix}:{key}")).await?),
        }
    }

    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), CacheError> {
        match self {
            Self::Memory(map) => {
                Self::entries(map)
                    .insert(key.to_string(), (value.to_string(), Instant::now() + ttl));
                Ok(())
            }
            Self::Redis { client, prefix } => {
                let ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX).max(1);
                let _: () = client
                    .set(
                        format!("{prefix}:{key}"),
                        value,
                        Some(Expiration::PX(ms)),
                        None,
                        false,
                    )
                    .await?;
                Ok(())
            }
        }
    }

    pub async fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        if keys.is_empty() {
            return Ok(());
        }
        match self {
            Self::Memory(map) => {
                let mut entries = Self::entries(map);
                for key in keys {
                    entries.remove(key);
                }
                Ok(())
            }
            Self::Redis { client, prefix } => {
                let full: Vec<String> = keys.iter().map(|k| format!("{prefix}:{k}")).collect();
                let _: i64 = client.del(full).await?;
                Ok(())
            }
        }
    }

    /// Whether the cache answers: `None` for the in-process cache, which always does.
    pub async fn ping(&self) -> Option<Result<(), CacheError>> {
        match self {
            Self::Memory(_) => None,
            Self::Redis { client, .. } => Some(client.ping::<()>(None).await.map_err(Into::into)),
        }
    }

    /// Drops a unit's cached forecasts (another model version became active); a failure is
    /// logged, and the TTL expires them.
    pub async fn forget_forecasts(&self, unit_id: i32) {
        if let Err(err) = self.delete(&[keys::forecasts(unit_id)]).await {
            tracing::warn!(%err, unit_id, "cannot drop cached forecasts; their TTL will");
        }
    }

    /// Deletes the keys `event` makes stale; a failure is logged (the TTL expires them).
    pub async fn invalidate(&self, event: &JobEvent) {
        let stale = stale_keys(event);
        if stale.is_empty() {
            return;
        }
        match self.delete(&stale).await {
            Ok(()) => tracing::debug!(keys = ?stale, job_id = %event.job_id, "cache invalidated"),
            Err(err) => {
                tracing::warn!(%err, keys = ?stale, "cache invalidation failed; TTL will expire them")
            }
        }
    }

    /// Invalidates from `events` (see [`local_events`], [`amqp_events`]) until they end or
    /// `shutdown`.
    pub async fn follow(&self, events: impl Stream<Item = JobEvent>, shutdown: CancellationToken) {
        for_each_event(events, shutdown, |event| async move {
            self.invalidate(&event).await;
        })
        .await;
    }
}

/// Runs `apply` on each of `events`, in order, until they end or `shutdown`.
pub async fn for_each_event<F, Fut>(
    events: impl Stream<Item = JobEvent>,
    shutdown: CancellationToken,
    mut apply: F,
) where
    F: FnMut(JobEvent) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut events = std::pin::pin!(events);
    loop {
        let event = tokio::select! {
            event = events.next() => event,
            () = shutdown.cancelled() => return,
        };
        let Some(event) = event else { return };
        apply(event).await;
    }
}

/// The events of this process.
pub fn local_events(events: broadcast::Receiver<JobEvent>) -> impl Stream<Item = JobEvent> {
    futures::stream::unfold(events, |mut events| async move {
        loop {
            match events.recv().await {
                Ok(event) => return Some((event, events)),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "job event follower fell behind; TTLs cover the gap");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

/// The events of every process, from a consumer made by [`subscribe_amqp`]; malformed ones
/// are skipped with a warning.
pub fn amqp_events(consumer: lapin::Consumer) -> impl Stream<Item = JobEvent> {
    consumer.filter_map(|delivery| async move {
        match delivery {
            Ok(delivery) => match serde_json::from_slice::<JobEvent>(&delivery.data) {
                Ok(event) => Some(event),
                Err(err) => {
                    tracing::warn!(%err, "ignoring a malformed job event");
                    None
                }
            },
            Err(err) => {
                tracing::warn!(%err, "job event consumer failed");
                None
            }
        }
    })
}

/// A consumer of every process's `job.*.succeeded` events on the `exchange` topic exchange,
/// through an exclusive queue that goes away with the channel.
pub async fn subscribe_amqp(
    channel: &lapin::Channel,
    exchange: &str,
) -> Result<lapin::Consumer, CacheError> {
    use lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
    use lapin::types::FieldTable;
    let queue = channel
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                auto_delete: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await?;
    channel
        .queue_bind(
            queue.name().clone(),
            exchange.into(),
            "job.*.succeeded".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await?;
    Ok(channel
        .basic_consume(
            queue.name().clone(),
            "".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..BasicConsumeOptions::default()
            },
            FieldTable::default(),
        )
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn event(kind: JobKind, status: JobStatus, unit_id: Option<i32>) -> JobEvent {
        JobEvent {
            job_id: uuid::Uuid::nil(),
            kind,
            status,
            unit_id,
            attempts: 1,
            result: None,
            error: None,
            at: Utc::now(),
        }
    }

    #[test]
    fn a_finished_solve_makes_only_its_units_rota_stale() {
        let solved = event(JobKind::Solve, JobStatus::Succeeded, Some(3));
        assert_eq!(stale_keys(&solved), [keys::latest_rota(3)]);
    }

    #[test]
    fn a_retrain_of_every_unit_makes_the_listed_units_forecasts_stale() {
        let mut retrained = event(JobKind::Retrain, JobStatus::Succeeded, None);
        retrained.result = Some(serde_json::json!({ "units": [2, 1] }));
        assert_eq!(
            stale_keys(&retrained),
            [keys::forecasts(1), keys::forecasts(2)]
        );
    }

    #[test]
    fn unfinished_or_failed_jobs_make_nothing_stale() {
        for status in [JobStatus::Running, JobStatus::Failed, JobStatus::Dead] {
            assert!(stale_keys(&event(JobKind::Solve, status, Some(3))).is_empty());
        }
    }
}
