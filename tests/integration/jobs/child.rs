//! Worker processes for the crash, scaling and shutdown tests. The test binary runs itself
//! with only [`child_worker_process`] selected and [`CHILD_ENV`] set, so the child runs the
//! same test job bodies as the in-process workers, on the parent test's database and queues.

use super::harness::{Harness, TestBody, test_policy};
use rota_entity::enums::JobKind;
use rota_worker::transport::Backend;
use rota_worker::transport::amqp::{AmqpConfig, AmqpQueue};
use rota_worker::transport::redis::{RedisConfig, RedisQueue};
use rota_worker::{Events, Jobs, Policies, Registry, Transport, Worker, WorkerId, WorkerSettings};
use serde::{Deserialize, Serialize};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

const CHILD_ENV: &str = "ROTA_TEST_CHILD_WORKER";

#[derive(Debug, Serialize, Deserialize)]
struct ChildConfig {
    db_url: String,
    /// Redis URL and key prefix, or
    redis: Option<(String, String)>,
    /// RabbitMQ URL and namespace.
    amqp: Option<(String, String)>,
    lease_ms: u64,
    concurrency: usize,
    shutdown_timeout_secs: u64,
}

/// Runs a worker until SIGTERM when started by [`spawn`]; in a normal test run (no
/// [`CHILD_ENV`]) there is nothing to do.
#[test]
fn child_worker_process() {
    let Ok(raw) = std::env::var(CHILD_ENV) else {
        return;
    };
    let config: ChildConfig = serde_json::from_str(&raw).expect("child config parses");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("child runtime");
    runtime.block_on(async move {
        let db = ::rota::db::connect(&::rota::settings::DatabaseSettings {
            url: config.db_url,
            ..Default::default()
        })
        .await
        .expect("child connects to the database");
        let id = WorkerId::generate();
        let backend = match (config.redis, config.amqp) {
            (Some((url, prefix)), _) => Backend::Redis(Arc::new(
                RedisQueue::connect(
                    RedisConfig {
                        url,
                        prefix,
                        lease: Duration::from_millis(config.lease_ms),
                    },
                    id.as_str(),
                )
                .await
                .expect("child connects to Redis"),
            )),
            (None, Some((url, namespace))) => Backend::Amqp(Arc::new(
                AmqpQueue::connect(AmqpConfig { url, namespace })
                    .await
                    .expect("child connects to RabbitMQ"),
            )),
            (None, None) => panic!("a worker process needs Redis or RabbitMQ"),
        };
        let jobs = Jobs::new(db, Transport::single(backend), Events::default())
            .with_policies(Policies::default().with(JobKind::Monitor, test_policy()));
        let settings = WorkerSettings {
            queues: vec!["monitor".into()],
            concurrency: config.concurrency,
            shutdown_timeout_secs: config.shutdown_timeout_secs,
            ..WorkerSettings::default()
        };
        Worker::new(
            jobs,
            Registry::new().register(TestBody::new()),
            id,
            settings,
        )
        .run(::rota::shutdown::on_signal())
        .await
        .expect("child worker runs");
    });
}

/// A worker process; killed when dropped.
pub struct Child {
    process: std::process::Child,
}

/// Starts a worker process on the harness's database and Redis prefix or RabbitMQ namespace.
pub fn spawn(h: &Harness, concurrency: usize, shutdown_timeout_secs: u64) -> Child {
    let config = ChildConfig {
        db_url: h.db.url.clone(),
        redis: h.redis.as_ref().map(|r| (r.url.clone(), r.prefix.clone())),
        amqp: h
            .amqp
            .as_ref()
            .map(|a| (a.url.clone(), a.namespace.clone())),
        lease_ms: 1_000,
        concurrency,
        shutdown_timeout_secs,
    };
    let process = Command::new(std::env::current_exe().expect("test binary path"))
        .args([
            "--exact",
            "jobs::child::child_worker_process",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(
            CHILD_ENV,
            serde_json::to_string(&config).expect("config serializes"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("worker process starts");
    Child { process }
}

impl Child {
    /// Whether `worker_id` (`host:pid:suffix`) names this process.
    pub fn runs(&self, worker_id: Option<&str>) -> bool {
        worker_id.is_some_and(|w| w.contains(&format!(":{}:", self.process.id())))
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        self.process.kill().expect("SIGKILL delivered");
        self.process.wait().expect("killed worker reaped");
    }

    /// SIGTERM: a graceful shutdown.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.process.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM delivered");
    }

    pub fn wait(&mut self) -> ExitStatus {
        self.process.wait().expect("worker process exits")
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if matches!(self.process.try_wait(), Ok(None)) {
            let _ = self.process.kill();
            let _ = self.process.wait();
        }
    }
}
