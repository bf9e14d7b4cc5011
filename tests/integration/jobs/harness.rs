//! A job system per test: its own database, its own Redis key prefix, test job bodies, and
//! workers run in-process or as child processes.

use crate::support::{Backend, TestAmqp, TestDb, TestRedis};
use rota_entity::enums::{JobKind, JobStatus};
use rota_entity::job::Model;
use rota_worker::transport::Backend as QueueBackend;
use rota_worker::transport::amqp::{AmqpConfig, AmqpQueue};
use rota_worker::transport::redis::{RedisConfig, RedisQueue};
use rota_worker::{
    Events, JobBody, JobContext, JobPayload, JobPolicy, Jobs, Policies, Registry, Transport,
    Worker, WorkerId, WorkerSettings,
};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Which transport (and database) a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// In-process queues on SQLite: `rota demo`.
    Embedded,
    /// Redis queues on PostgreSQL: production's `solve`.
    Redis,
    /// RabbitMQ queues on PostgreSQL: production's other kinds.
    Amqp,
}

/// A test job: fails its first `fail_times` tries, panics in its first `panic_times` tries,
/// optionally reports progress and waits for
/// the test to open a gate, works `sleep_ms` (stopping early when cancelled), and writes one
/// effect row per job. Runs on the `monitor` queue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TestJob {
    pub fail_times: u32,
    pub panic_times: u32,
    pub wait_for_gate: bool,
    pub sleep_ms: u64,
    pub effect: bool,
}

impl JobPayload for TestJob {
    const KIND: JobKind = JobKind::Monitor;
}

/// The body of [`TestJob`]; `gate` gets a permit per job allowed past the gate.
#[derive(Clone)]
pub struct TestBody {
    pub gate: Arc<Semaphore>,
}

impl TestBody {
    pub fn new() -> Self {
        Self {
            gate: Arc::new(Semaphore::new(0)),
        }
    }
}

impl JobBody for TestBody {
    type Payload = TestJob;

    async fn run(&self, ctx: JobContext, job: TestJob) -> anyhow::Result<serde_json::Value> {
        if ctx.attempt <= job.fail_times {
            anyhow::bail!("planned failure {}", ctx.attempt);
        }
        if ctx.attempt <= job.panic_times {
            panic!("planned panic {}", ctx.attempt);
        }
        let cancel = ctx.cancel_token().clone();
        if job.wait_for_gate {
            ctx.progress(0.5, "halfway").await?;
            tokio::select! {
                permit = self.gate.acquire() => permit?.forget(),
                () = cancel.cancelled() => return Ok(serde_json::json!({ "stopped_early": true })),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(job.sleep_ms)) => {}
            () = cancel.cancelled() => return Ok(serde_json::json!({ "stopped_early": true })),
        }
        if job.effect {
            // Keyed by job id, as real bodies key their rows: a retried try writes nothing new.
            let id = ctx.job_id;
            ctx.db
                .execute_unprepared(&format!(
                    "INSERT INTO test_effects (job_id) SELECT '{id}' \
                     WHERE NOT EXISTS (SELECT 1 FROM test_effects WHERE job_id = '{id}')"
                ))
                .await?;
        }
        Ok(serde_json::json!({ "done": true }))
    }
}

/// Short backoffs so retries happen within a test; 3 tries.
pub fn test_policy() -> JobPolicy {
    JobPolicy {
        max_attempts: 3,
        timeout: Duration::from_secs(60),
        backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        cancel_grace: Duration::from_secs(30),
    }
}

pub struct Harness {
    pub db: TestDb,
    pub redis: Option<TestRedis>,
    pub amqp: Option<TestAmqp>,
    pub jobs: Jobs,
    pub policy: JobPolicy,
}

impl Harness {
    pub async fn new(flavor: Flavor) -> Self {
        Self::with_policy(flavor, test_policy()).await
    }

    pub async fn with_policy(flavor: Flavor, policy: JobPolicy) -> Self {
        let backend = match flavor {
            Flavor::Embedded => Backend::Sqlite,
            Flavor::Redis | Flavor::Amqp => Backend::Postgres,
        };
        let db = TestDb::new(backend).await;
        ::rota::db::migrate_up(&db.db)
            .await
            .expect("migrations apply");
        db.db
            .execute_unprepared("CREATE TABLE test_effects (job_id VARCHAR(36) NOT NULL)")
            .await
            .expect("effects table");
        let redis = match flavor {
            Flavor::Redis => Some(TestRedis::new().await),
            Flavor::Embedded | Flavor::Amqp => None,
        };
        let amqp = match flavor {
            Flavor::Amqp => Some(TestAmqp::new().await),
            Flavor::Embedded | Flavor::Redis => None,
        };
        let transport = make_transport(redis.as_ref(), amqp.as_ref(), &WorkerId::generate()).await;
        let mut events = Events::default();
        if let Some(amqp) = &amqp
            && let QueueBackend::Amqp(queue) = transport.backend(JobKind::Monitor)
        {
            let exchange = amqp.events_exchange();
            let channel = queue
                .events_channel(&exchange)
                .await
                .expect("events channel opens");
            events = events.with_amqp(channel, exchange);
        }
        let jobs = Jobs::new(db.db.clone(), transport, events)
            .with_policies(Policies::default().with(JobKind::Monitor, policy.clone()));
        Self {
            db,
            redis,
            amqp,
            jobs,
            policy,
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db.db
    }

    /// A worker in this process on the harness's transport (in-process queues are shared).
    pub async fn spawn_worker(&self, body: TestBody, settings: WorkerSettings) -> RunningWorker {
        self.spawn_registry(Registry::new().register(body), settings)
            .await
    }

    /// A worker running the bodies of `registry`.
    pub async fn spawn_registry(
        &self,
        registry: Registry,
        settings: WorkerSettings,
    ) -> RunningWorker {
        let id = WorkerId::generate();
        // In-process queues are shared within the process; servers get a connection per worker.
        let jobs = if self.redis.is_none() && self.amqp.is_none() {
            self.jobs.clone()
        } else {
            Jobs::new(
                self.db().clone(),
                make_transport(self.redis.as_ref(), self.amqp.as_ref(), &id).await,
                self.jobs.events().clone(),
            )
            .with_policies(Policies::default().with(JobKind::Monitor, self.policy.clone()))
        };
        let shutdown = CancellationToken::new();
        let worker = Worker::new(jobs, registry, id, settings);
        let handle = tokio::spawn(worker.run(shutdown.clone()));
        RunningWorker { shutdown, handle }
    }

    pub async fn enqueue(&self, job: &TestJob) -> Uuid {
        self.jobs
            .enqueue(job, None)
            .await
            .expect("enqueue succeeds")
            .job
            .id
    }

    pub async fn job(&self, id: Uuid) -> Model {
        self.jobs
            .get(id)
            .await
            .expect("jobs table answers")
            .expect("job exists")
    }

    /// Waits until the job's row satisfies `done`; panics after a minute with the row.
    pub async fn wait_for(&self, id: Uuid, what: &str, done: impl Fn(&Model) -> bool) -> Model {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let job = self.job(id).await;
            if done(&job) {
                return job;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "job never became {what}: {job:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn wait_for_status(&self, id: Uuid, status: JobStatus) -> Model {
        self.wait_for(id, &format!("{status:?}"), |job| job.status == status)
            .await
    }

    /// How many effect rows each job wrote.
    pub async fn effects(&self, id: Uuid) -> i64 {
        let row = self
            .db()
            .query_one_raw(sea_orm::Statement::from_string(
                self.db().get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM test_effects WHERE job_id = '{id}'"),
            ))
            .await
            .expect("effects query")
            .expect("a count row");
        row.try_get::<i64>("", "n").expect("count column")
    }
}

/// A transport on the test's Redis prefix or RabbitMQ namespace (or in-process queues).
async fn make_transport(
    redis: Option<&TestRedis>,
    amqp: Option<&TestAmqp>,
    id: &WorkerId,
) -> Transport {
    if let Some(redis) = redis {
        let config = RedisConfig {
            url: redis.url.clone(),
            prefix: redis.prefix.clone(),
            lease: Duration::from_secs(2),
        };
        let queue = RedisQueue::connect(config, id.as_str())
            .await
            .expect("Redis queue connects");
        return Transport::single(QueueBackend::Redis(Arc::new(queue)));
    }
    if let Some(amqp) = amqp {
        let config = AmqpConfig {
            url: amqp.url.clone(),
            namespace: amqp.namespace.clone(),
        };
        let queue = AmqpQueue::connect(config)
            .await
            .expect("RabbitMQ queue connects");
        return Transport::single(QueueBackend::Amqp(Arc::new(queue)));
    }
    Transport::embedded()
}

pub fn settings(concurrency: usize) -> WorkerSettings {
    WorkerSettings {
        queues: vec!["monitor".into()],
        concurrency,
        shutdown_timeout_secs: 30,
        ..WorkerSettings::default()
    }
}

/// An in-process worker; stop it with [`RunningWorker::stop`].
pub struct RunningWorker {
    pub shutdown: CancellationToken,
    pub handle: tokio::task::JoinHandle<Result<(), rota_worker::TransportError>>,
}

impl RunningWorker {
    pub async fn stop(self) {
        self.shutdown.cancel();
        self.handle
            .await
            .expect("worker task joins")
            .expect("worker stops cleanly");
    }
}
