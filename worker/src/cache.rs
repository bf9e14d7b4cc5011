//! Caches of forecast and rota reads, and the subscriber that keeps them fresh: an event that
//! makes a key stale deletes exactly that key (a finished solve → the unit's latest rota; a new
//! model version or forecast → the unit's forecasts). TTLs are only a backstop.
//!
//! Redis through fred when `redis.url` is set, in-process otherwise; callers use [`Cache`]
//! either way.

use crate::events::JobEvent;
use fred::prelude::*;
use futures::StreamExt;
use rota_entity::enums::{JobKind, JobStatus};
use sea_orm::DatabaseConnection;
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

/// The keys `event` makes stale. A retrain of every unit names the retrained units in its
/// result (`{"units": [1, 2]}`).
pub fn stale_keys(event: &JobEvent) -> Vec<String> {
    if event.status != JobStatus::Succeeded {
        return Vec::new();
    }
    let key: fn(i32) -> String = match event.kind {
        JobKind::Solve => keys::latest_rota,
        JobKind::Forecast | JobKind::Retrain => keys::forecasts,
        JobKind::Monitor => return Vec::new(),
    };
    event_units(event).into_iter().map(key).collect()
}

/// The units an event is about: its own, and those its result lists under `units`; sorted,
/// without repeats.
pub(crate) fn event_units(event: &JobEvent) -> Vec<i32> {
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

    async fn invalidate(&self, event: &JobEvent, warm_from: Option<&DatabaseConnection>) {
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
        if let Some(db) = warm_from {
            crate::cache_warm::rewarm(self, db, event).await;
        }
    }

    /// Invalidates from in-process events until `shutdown` (embedded mode, or the events of
    /// this process).
    pub async fn follow(&self, events: broadcast::Receiver<JobEvent>, shutdown: CancellationToken) {
        self.follow_warming(events, shutdown, None).await;
    }

    /// [`Cache::follow`], and with `warm_from` the invalidated forecasts of a unit are read
    /// from that database and cached again at once.
    pub async fn follow_warming(
        &self,
        mut events: broadcast::Receiver<JobEvent>,
        shutdown: CancellationToken,
        warm_from: Option<DatabaseConnection>,
    ) {
        loop {
            let event = tokio::select! {
                event = events.recv() => event,
                () = shutdown.cancelled() => return,
            };
            match event {
                Ok(event) => self.invalidate(&event, warm_from.as_ref()).await,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "cache invalidator fell behind; TTLs cover the gap");
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    /// Invalidates from a consumer made by [`subscribe_amqp`] until `shutdown`.
    pub async fn follow_amqp(
        &self,
        mut consumer: lapin::Consumer,
        shutdown: CancellationToken,
    ) -> Result<(), CacheError> {
        loop {
            let delivery = tokio::select! {
                delivery = consumer.next() => delivery,
                () = shutdown.cancelled() => return Ok(()),
            };
            let Some(delivery) = delivery else {
                return Ok(());
            };
            match serde_json::from_slice::<JobEvent>(&delivery?.data) {
                Ok(event) => self.invalidate(&event, None).await,
                Err(err) => tracing::warn!(%err, "ignoring a malformed job event"),
            }
        }
    }
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
