//! A reliable queue on Redis, written on fred rather than taken from apalis-redis, whose
//! scheduled-set pushes, hard-coded attempts and slow orphan recovery do not fit (issue 5).
//!
//! Keys, under a prefix `P`, per queue `q`:
//! - `P:ready:q` — list of job ids; producers LPUSH, workers BLMOVE from the right into
//! - `P:processing:W:q` — worker `W`'s held jobs. The move is atomic, so a job is always in
//!   exactly one list.
//! - `P:alive:W` — `W`'s lease, a key with a TTL its heartbeat renews; `P:workers` — the set
//!   of workers that may hold jobs. Any worker's reaper moves the processing lists of a worker
//!   whose lease expired (killed, frozen, cut off) back to `ready`.
//! - `P:delayed:q` — sorted set of retries by due time (ms); promoted to `ready` when due.
//! - `P:dead` — ids of dead jobs, capped at [`DEAD_LIST_CAP`]; the table keeps their errors.
//!
//! Memory stays bounded: only ids travel, a finished job's id is removed, the dead list is
//! capped. The reaper's script builds key names from the prefix, so this needs a single Redis
//! (not Cluster).

use super::TransportError;
use crate::payloads::queue_name;
use fred::prelude::*;
use fred::types::lists::LMoveDirection;
use rota_entity::enums::JobKind;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Dead job ids kept in Redis; older ones are only in the table.
pub const DEAD_LIST_CAP: i64 = 10_000;

const ALL_KINDS: [JobKind; 4] = [
    JobKind::Solve,
    JobKind::Forecast,
    JobKind::Retrain,
    JobKind::Monitor,
];

const RETRY: &str = r"
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1";

const BURY: &str = r"
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
return 1";

// RPUSH: ready is consumed from the right, so a released job is the next one taken.
const RELEASE: &str = r"
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1";

const PROMOTE: &str = r"
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('LPUSH', KEYS[2], id)
end
return #due";

// KEYS[1] = workers set; ARGV[1] = prefix, ARGV[2] = only this worker ('' = every worker whose
// lease expired), ARGV[3..] = queue names.
const REAP: &str = r"
local moved = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local take = (ARGV[2] == w) or (ARGV[2] == '' and redis.call('EXISTS', ARGV[1] .. ':alive:' .. w) == 0)
  if take then
    for i = 3, #ARGV do
      local src = ARGV[1] .. ':processing:' .. w .. ':' .. ARGV[i]
      local dst = ARGV[1] .. ':ready:' .. ARGV[i]
      while redis.call('LMOVE', src, dst, 'RIGHT', 'RIGHT') do moved = moved + 1 end
    end
    redis.call('SREM', KEYS[1], w)
  end
end
return moved";

/// Where the queue lives and how long a worker's lease lasts.
#[derive(Debug, Clone)]
pub struct RedisConfig {
    pub url: String,
    /// Key prefix; give each deployment (or test) its own.
    pub prefix: String,
    /// A worker silent this long is taken for dead and its jobs are delivered again.
    pub lease: Duration,
}

impl RedisConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            prefix: "rota:jobs".into(),
            lease: Duration::from_secs(30),
        }
    }
}

pub struct RedisQueue {
    config: RedisConfig,
    client: Client,
    worker: String,
}

/// A blocking fetch loop's own connection.
pub struct Fetcher {
    client: Client,
    ready: String,
    processing: String,
}

impl Fetcher {
    pub(crate) async fn next(
        &mut self,
        shutdown: &CancellationToken,
    ) -> Result<Option<Uuid>, TransportError> {
        // Short blocking rounds rather than dropping a blocked command on shutdown: a dropped
        // BLMOVE may still move a job, which then waits in our processing list until `leave`.
        while !shutdown.is_cancelled() {
            let moved: Result<Option<String>, Error> = self
                .client
                .blmove(
                    &self.ready,
                    &self.processing,
                    LMoveDirection::Right,
                    LMoveDirection::Left,
                    0.5,
                )
                .await;
            // fred reports a blocking command that waited in vain as a timeout error.
            let raw = match moved {
                Ok(Some(raw)) => raw,
                Ok(None) => continue,
                Err(err) if *err.kind() == ErrorKind::Timeout => continue,
                Err(err) => return Err(err.into()),
            };
            match Uuid::parse_str(&raw) {
                Ok(id) => return Ok(Some(id)),
                Err(_) => {
                    tracing::warn!(message = %raw, "dropping a malformed message");
                    let _: i64 = self.client.lrem(&self.processing, 1, raw).await?;
                }
            }
        }
        Ok(None)
    }
}

async fn connect(url: &str) -> Result<Client, TransportError> {
    // Reconnect for ever after a lost connection (the first connect still fails fast).
    let client = Builder::from_config(Config::from_url(url)?)
        .set_policy(ReconnectPolicy::new_exponential(0, 100, 5_000, 2))
        .build()?;
    client.init().await?;
    Ok(client)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl RedisQueue {
    /// Connects; `worker` names this process's processing lists and lease.
    pub async fn connect(config: RedisConfig, worker: &str) -> Result<Self, TransportError> {
        let client = connect(&config.url).await?;
        Ok(Self {
            config,
            client,
            worker: worker.to_string(),
        })
    }

    fn key(&self, part: &str, kind: JobKind) -> String {
        format!("{}:{part}:{}", self.config.prefix, queue_name(kind))
    }

    /// `P:ready:q` — public so tools and tests can look at queue depth.
    pub fn ready_key(&self, kind: JobKind) -> String {
        self.key("ready", kind)
    }

    fn processing_key(&self, kind: JobKind) -> String {
        format!(
            "{}:processing:{}:{}",
            self.config.prefix,
            self.worker,
            queue_name(kind)
        )
    }

    pub fn dead_key(&self) -> String {
        format!("{}:dead", self.config.prefix)
    }

    fn alive_key(&self) -> String {
        format!("{}:alive:{}", self.config.prefix, self.worker)
    }

    fn workers_key(&self) -> String {
        format!("{}:workers", self.config.prefix)
    }

    pub(crate) async fn push(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        let _: i64 = self
            .client
            .lpush(self.ready_key(kind), id.to_string())
            .await?;
        Ok(())
    }

    pub(crate) async fn depth(&self, kind: JobKind) -> Result<u64, TransportError> {
        Ok(self.client.llen(self.ready_key(kind)).await?)
    }

    pub(crate) async fn fetcher(&self, kind: JobKind) -> Result<Fetcher, TransportError> {
        self.heartbeat().await?;
        Ok(Fetcher {
            client: connect(&self.config.url).await?,
            ready: self.ready_key(kind),
            processing: self.processing_key(kind),
        })
    }

    pub(crate) async fn ack(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        let _: i64 = self
            .client
            .lrem(self.processing_key(kind), 1, id.to_string())
            .await?;
        Ok(())
    }

    pub(crate) async fn retry_later(
        &self,
        kind: JobKind,
        id: Uuid,
        delay: Duration,
    ) -> Result<(), TransportError> {
        let due = now_ms().saturating_add(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        let _: i64 = self
            .client
            .eval(
                RETRY,
                vec![self.processing_key(kind), self.key("delayed", kind)],
                vec![id.to_string(), due.to_string()],
            )
            .await?;
        Ok(())
    }

    pub(crate) async fn bury(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        let _: i64 = self
            .client
            .eval(
                BURY,
                vec![self.processing_key(kind), self.dead_key()],
                vec![id.to_string(), DEAD_LIST_CAP.to_string()],
            )
            .await?;
        Ok(())
    }

    pub(crate) async fn release(&self, kind: JobKind, id: Uuid) -> Result<(), TransportError> {
        let _: i64 = self
            .client
            .eval(
                RELEASE,
                vec![self.processing_key(kind), self.ready_key(kind)],
                vec![id.to_string()],
            )
            .await?;
        Ok(())
    }

    /// Renews this worker's lease (and re-registers it, should a reaper have taken it for
    /// dead during a long pause).
    async fn heartbeat(&self) -> Result<(), TransportError> {
        let lease_ms = i64::try_from(self.config.lease.as_millis()).unwrap_or(i64::MAX);
        let _: () = self
            .client
            .set(
                self.alive_key(),
                "1",
                Some(Expiration::PX(lease_ms)),
                None,
                false,
            )
            .await?;
        let _: i64 = self.client.sadd(self.workers_key(), &self.worker).await?;
        Ok(())
    }

    async fn reap(&self, only: &str) -> Result<i64, TransportError> {
        let mut args = vec![self.config.prefix.clone(), only.to_string()];
        args.extend(ALL_KINDS.iter().map(|k| queue_name(*k).to_string()));
        Ok(self
            .client
            .eval(REAP, vec![self.workers_key()], args)
            .await?)
    }

    async fn promote(&self) -> Result<(), TransportError> {
        let now = now_ms().to_string();
        for kind in ALL_KINDS {
            let _: i64 = self
                .client
                .eval(
                    PROMOTE,
                    vec![self.key("delayed", kind), self.ready_key(kind)],
                    vec![now.clone(), "500".to_string()],
                )
                .await?;
        }
        Ok(())
    }

    /// Heartbeat and reaper every third of a lease; due retries promoted every 100 ms.
    pub(crate) async fn maintain(&self, shutdown: CancellationToken) {
        let beat_every = (self.config.lease / 3).max(Duration::from_millis(100));
        let mut last_beat = tokio::time::Instant::now();
        loop {
            let step = async {
                if last_beat.elapsed() >= beat_every {
                    last_beat = tokio::time::Instant::now();
                    self.heartbeat().await?;
                    let moved = self.reap("").await?;
                    if moved > 0 {
                        tracing::warn!(moved, "re-queued jobs of workers whose lease expired");
                    }
                }
                self.promote().await
            };
            if let Err(err) = step.await {
                tracing::warn!(%err, "Redis queue upkeep failed; retrying");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    }

    /// Gives back every job this worker still holds and ends its lease.
    pub(crate) async fn leave(&self) -> Result<(), TransportError> {
        self.heartbeat().await?;
        let moved = self.reap(&self.worker.clone()).await?;
        if moved > 0 {
            tracing::info!(moved, "handed unfinished jobs back to the queue");
        }
        let _: i64 = self.client.del(self.alive_key()).await?;
        Ok(())
    }
}
