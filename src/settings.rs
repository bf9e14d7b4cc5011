//! Configuration: one typed struct per concern, loaded with the precedence
//! defaults < `rota.toml` < environment < command-line flags.
//!
//! Environment: `ROTA_<SECTION>__<KEY>` (e.g. `ROTA_SERVER__PORT=9000`), plus the conventional
//! `DATABASE_URL`, `REDIS_URL` and `AMQP_URL`, which `ROTA_*` variables override.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use rota_api::ServerSettings;
use rota_scheduler::SchedulerSettings;
use rota_worker::WorkerSettings;
use rota_worker::retrain::settings::{NotifySettings, RetrainSettings};
use serde::{Deserialize, Serialize};
use std::path::Path;

use crate::redact::redact_url;
use crate::telemetry::LogSettings;

/// Every setting of rota, grouped by concern.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub server: ServerSettings,
    pub redis: RedisSettings,
    pub amqp: AmqpSettings,
    pub worker: WorkerSettings,
    pub scheduler: SchedulerSettings,
    pub log: LogSettings,
    pub retrain: RetrainSettings,
    pub notify: NotifySettings,
}

/// The relational database: SQLite (embedded default) or PostgreSQL.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://PATH?mode=rwc` or `postgres://USER:PASSWORD@HOST:PORT/DB`.
    pub url: String,
    pub max_connections: u32,
    pub connect_timeout_secs: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: "sqlite://rota.db?mode=rwc".into(),
            max_connections: 10,
            connect_timeout_secs: 5,
        }
    }
}

/// Redis, for the low-latency job queue and the cache. Unset: in-process queue and cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisSettings {
    pub url: Option<String>,
    /// Prefix of the job queue's keys.
    pub queue_prefix: String,
    /// Prefix of the read cache's keys (forecasts, latest rotas).
    pub cache_prefix: String,
    /// Seconds a worker may go without a heartbeat before its jobs are delivered again.
    pub lease_secs: u64,
    /// Queues on Redis when RabbitMQ is configured too (the others go to RabbitMQ). Without
    /// RabbitMQ every queue is on Redis.
    pub queues: Vec<String>,
}

impl Default for RedisSettings {
    fn default() -> Self {
        Self {
            url: None,
            queue_prefix: "rota:jobs".into(),
            cache_prefix: "rota:cache".into(),
            lease_secs: 30,
            queues: vec!["solve".into()],
        }
    }
}

/// RabbitMQ, for durable job queues and events. Unset: in-process queues and events.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AmqpSettings {
    pub url: Option<String>,
    /// Prefix of the job exchanges and queues (`<namespace>.jobs`, `<namespace>.solve`, …).
    pub namespace: String,
    /// Topic exchange of job events (routing key `job.<kind>.<status>`).
    pub events_exchange: String,
}

impl Default for AmqpSettings {
    fn default() -> Self {
        Self {
            url: None,
            namespace: "rota".into(),
            events_exchange: "rota.events".into(),
        }
    }
}

/// Settings given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseOverride>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerOverride>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<LogOverride>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatabaseOverride {
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ServerOverride {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogOverride {
    pub format: crate::telemetry::LogFormat,
}

/// The conventional variables every platform sets, mapped onto rota's keys.
const CONVENTIONAL_ENV: [(&str, &str); 3] = [
    ("DATABASE_URL", "database.url"),
    ("REDIS_URL", "redis.url"),
    ("AMQP_URL", "amqp.url"),
];

impl Settings {
    /// Loads the settings. `config` is the optional TOML file: a missing file is fine unless it
    /// was named explicitly (`explicit`).
    pub fn load(config: &Path, explicit: bool, overrides: &Overrides) -> anyhow::Result<Self> {
        if explicit && !config.exists() {
            bail!("configuration file {} does not exist", config.display());
        }
        let figment = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(config))
            .merge(Env::raw().filter_map(|key| {
                CONVENTIONAL_ENV
                    .iter()
                    .find(|(name, _)| key.as_str() == *name)
                    .map(|(_, path)| (*path).into())
            }))
            .merge(Env::prefixed("ROTA_").split("__"))
            .merge(Serialized::defaults(overrides));
        let settings: Settings = figment
            .extract()
            .map_err(|err| anyhow::anyhow!("{}", describe_figment_error(&err)))
            .with_context(|| format!("invalid configuration (file {})", config.display()))?;
        settings.check()?;
        Ok(settings)
    }

    /// A copy safe to print or log: passwords in URLs replaced by `***`.
    pub fn redacted(&self) -> Self {
        let mut copy = self.clone();
        copy.database.url = redact_url(&copy.database.url);
        copy.redis.url = copy.redis.url.as_deref().map(redact_url);
        copy.amqp.url = copy.amqp.url.as_deref().map(redact_url);
        copy.notify.webhook_url = copy
            .notify
            .webhook_url
            .as_deref()
            .map(crate::redact::redact_webhook);
        copy.notify.smtp_url = copy.notify.smtp_url.as_deref().map(redact_url);
        copy
    }

    /// Rejects values that parse but cannot work, naming the setting at fault.
    fn check(&self) -> anyhow::Result<()> {
        check_url(
            "database.url",
            &self.database.url,
            &["sqlite", "postgres", "postgresql"],
        )?;
        if let Some(url) = &self.redis.url {
            check_url("redis.url", url, &["redis", "rediss"])?;
        }
        if let Some(url) = &self.amqp.url {
            check_url("amqp.url", url, &["amqp", "amqps"])?;
        }
        if self.redis.lease_secs == 0 {
            bail!("redis.lease_secs must be at least 1");
        }
        if let Some(bad) = self
            .redis
            .queues
            .iter()
            .find(|q| rota_worker::kind_of_queue(q).is_none())
        {
            bail!("redis.queues: unknown queue '{bad}' (known: solve, forecast, retrain, monitor)");
        }
        if self.database.max_connections == 0 {
            bail!("database.max_connections must be at least 1");
        }
        self.scheduler
            .check()
            .context("invalid scheduler settings")?;
        self.worker.check().context("invalid worker settings")?;
        self.retrain.check().map_err(|e| anyhow::anyhow!(e))?;
        self.notify.check().map_err(|e| anyhow::anyhow!(e))?;
        if let Some(url) = &self.notify.smtp_url {
            check_url("notify.smtp_url", url, &["smtp", "smtps"])?;
        }
        if let Some(url) = &self.notify.webhook_url {
            check_url("notify.webhook_url", url, &["http", "https"])
                .map_err(|_| anyhow::anyhow!("notify.webhook_url must be an http(s) URL"))?;
        }
        Ok(())
    }
}

fn check_url(key: &str, value: &str, schemes: &[&str]) -> anyhow::Result<()> {
    let parsed = url::Url::parse(value)
        .with_context(|| format!("{key} is not a valid URL: {}", redact_url(value)))?;
    if !schemes.contains(&parsed.scheme()) {
        bail!(
            "{key} has scheme '{}', expected one of: {}",
            parsed.scheme(),
            schemes.join(", ")
        );
    }
    Ok(())
}

/// figment's errors name the key and the source; keep that but on one line.
fn describe_figment_error(err: &figment::Error) -> String {
    err.clone()
        .into_iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
