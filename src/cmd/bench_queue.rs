//! `rota bench queue`: no-op jobs end to end through one queue backend — enqueue rate,
//! end-to-end rate, idle pickup latency, jobs lost — and, in the same run, the raw client's
//! end-to-end rate (fred LPUSH/BRPOP, lapin publish/consume, a tokio channel) for the ratio.
//!
//! Our path includes what the raw one does not: the `jobs` row (insert, claim, finish) and
//! events. The raw AMQP baseline publishes persistently with confirms, as our transport does.

use crate::cli::{BenchBackend, BenchQueueArgs};
use crate::settings::{DatabaseSettings, Settings};
use anyhow::{Context, bail};
use rota_entity::enums::{JobKind, JobStatus};
use rota_worker::transport::Backend;
use rota_worker::transport::amqp::{AmqpConfig, AmqpQueue};
use rota_worker::transport::redis::{RedisConfig, RedisQueue};
use rota_worker::{
    Events, JobBody, JobContext, JobPayload, Jobs, Registry, Transport, Worker, WorkerId,
    WorkerSettings,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

mod raw;

/// Producers enqueueing at once, as in the measurements.
const PRODUCERS: u64 = 8;

/// The bench worker's Redis lease: it is never killed, so the production default.
const LEASE: Duration = Duration::from_secs(30);

/// The JSON printed with `--json`; its keys are a public contract.
#[derive(Debug, Serialize)]
struct Report {
    backend: BenchBackend,
    jobs: u64,
    concurrency: u64,
    enqueue_per_s: f64,
    e2e_per_s: f64,
    pickup_p50_ms: f64,
    pickup_p99_ms: f64,
    raw_e2e_per_s: f64,
    ratio: f64,
    lost: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct BenchJob {
    /// A pickup probe reports when its body starts.
    probe: bool,
}

impl JobPayload for BenchJob {
    const KIND: JobKind = JobKind::Monitor;
}

struct NoopBody {
    started: mpsc::UnboundedSender<Instant>,
}

impl JobBody for NoopBody {
    type Payload = BenchJob;

    async fn run(&self, _ctx: JobContext, job: BenchJob) -> anyhow::Result<serde_json::Value> {
        if job.probe {
            let _ = self.started.send(Instant::now());
        }
        Ok(serde_json::Value::Null)
    }
}

pub async fn run(
    settings: &Settings,
    args: BenchQueueArgs,
    db_flag: Option<String>,
) -> anyhow::Result<ExitCode> {
    let scratch = ScratchDb::new();
    let report = measure(settings, &args, &scratch.url_or(db_flag)).await?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_table(&report);
    }
    Ok(ExitCode::SUCCESS)
}

/// A temporary SQLite file for a bench run without `--db`, removed with its WAL files on drop.
pub(super) struct ScratchDb(std::path::PathBuf);

impl ScratchDb {
    pub(super) fn new() -> Self {
        Self(std::env::temp_dir().join(format!("rota-bench-{}.db", uuid::Uuid::new_v4().simple())))
    }

    /// `db_flag` if given, else this file's URL.
    pub(super) fn url_or(&self, db_flag: Option<String>) -> String {
        db_flag.unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.0.display()))
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

async fn measure(
    settings: &Settings,
    args: &BenchQueueArgs,
    db_url: &str,
) -> anyhow::Result<Report> {
    let db = crate::db::connect(&DatabaseSettings {
        url: db_url.to_string(),
        ..settings.database.clone()
    })
    .await?;
    crate::db::migrate_up(&db).await?;
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let worker_id = WorkerId::generate();
    let target = Target::connect(settings, args.backend, &tag, &worker_id, LEASE).await?;

    let capacity = usize::try_from(args.jobs.saturating_mul(4)).unwrap_or(usize::MAX);
    let jobs = Jobs::new(
        db.clone(),
        Transport::single(target.backend()),
        Events::new(capacity),
    );
    let (started_tx, mut started_rx) = mpsc::unbounded_channel();
    let worker = Worker::new(
        jobs.clone(),
        Registry::new().register(NoopBody {
            started: started_tx,
        }),
        worker_id,
        WorkerSettings {
            queues: vec!["monitor".into()],
            concurrency: usize::try_from(args.concurrency).unwrap_or(1),
            shutdown_timeout_secs: 10,
            ..WorkerSettings::default()
        },
    );
    let shutdown = CancellationToken::new();
    let running = tokio::spawn(worker.run(shutdown.clone()));

    let (enqueue_secs, e2e_secs) = end_to_end(&jobs, args.jobs).await?;
    let pickups = pickup_latencies(&jobs, &mut started_rx, args.pickups).await?;

    shutdown.cancel();
    running.await?.context("bench worker failed")?;
    let total = args.jobs + args.pickups;
    let succeeded = rota_entity::job::Entity::find()
        .filter(rota_entity::job::Column::Status.eq(JobStatus::Succeeded))
        .count(&db)
        .await?;

    let raw_e2e_per_s = target.raw_e2e_per_s(args.jobs, args.concurrency).await?;
    target.clean_up().await;

    let e2e_per_s = rate(args.jobs, e2e_secs);
    Ok(Report {
        backend: args.backend,
        jobs: args.jobs,
        concurrency: args.concurrency,
        enqueue_per_s: rate(args.jobs, enqueue_secs),
        e2e_per_s,
        pickup_p50_ms: percentile(&pickups, 0.50),
        pickup_p99_ms: percentile(&pickups, 0.99),
        raw_e2e_per_s,
        ratio: if raw_e2e_per_s > 0.0 {
            e2e_per_s / raw_e2e_per_s
        } else {
            0.0
        },
        lost: total.saturating_sub(succeeded),
    })
}

fn rate(n: u64, secs: f64) -> f64 {
    if secs > 0.0 { n as f64 / secs } else { 0.0 }
}

/// `PRODUCERS` tasks enqueue `n` jobs while the worker drains them. Returns the seconds the
/// enqueueing took and the seconds until the last job succeeded.
async fn end_to_end(jobs: &Jobs, n: u64) -> anyhow::Result<(f64, f64)> {
    let mut events = jobs.subscribe();
    let start = Instant::now();
    for producer in spawn_producers(jobs, n, BenchJob { probe: false }) {
        producer.await??;
    }
    let enqueue_secs = start.elapsed().as_secs_f64();
    let deadline = Duration::from_secs(120) + Duration::from_millis(n.saturating_mul(5));
    let mut done = 0;
    let drained = tokio::time::timeout(deadline, async {
        while done < n {
            match events.recv().await {
                Ok(event) if event.status == JobStatus::Succeeded => done += 1,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    bail!("the bench missed {missed} events; its event buffer is too small")
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
        Ok(())
    })
    .await;
    match drained {
        Ok(result) => result?,
        Err(_) => tracing::warn!(done, n, "not every job finished before the deadline"),
    }
    Ok((enqueue_secs, start.elapsed().as_secs_f64()))
}

/// `PRODUCERS` tasks that enqueue `n` copies of `job` between them.
pub(super) fn spawn_producers<P>(
    jobs: &Jobs,
    n: u64,
    job: P,
) -> Vec<tokio::task::JoinHandle<Result<(), rota_worker::JobsError>>>
where
    P: JobPayload + Clone + Send + Sync + 'static,
{
    (0..PRODUCERS)
        .map(|p| {
            let (jobs, job) = (jobs.clone(), job.clone());
            let share = n / PRODUCERS + u64::from(p < n % PRODUCERS);
            tokio::spawn(async move {
                for _ in 0..share {
                    jobs.enqueue(&job, None).await?;
                }
                Ok(())
            })
        })
        .collect()
}

/// Enqueues probes one at a time on the idle queue; each latency runs from the enqueue call
/// to the start of the job's body.
async fn pickup_latencies(
    jobs: &Jobs,
    started: &mut mpsc::UnboundedReceiver<Instant>,
    probes: u64,
) -> anyhow::Result<Vec<f64>> {
    let mut latencies = Vec::new();
    for _ in 0..probes {
        let sent = Instant::now();
        jobs.enqueue(&BenchJob { probe: true }, None).await?;
        match tokio::time::timeout(Duration::from_secs(30), started.recv()).await {
            Ok(Some(at)) => latencies.push(at.duration_since(sent).as_secs_f64() * 1000.0),
            Ok(None) => bail!("the bench worker stopped"),
            Err(_) => bail!("an idle-queue job was not picked up within 30 s"),
        }
    }
    Ok(latencies)
}

fn percentile(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn print_table(r: &Report) {
    println!("backend            {:?}", r.backend);
    println!(
        "jobs               {} (concurrency {})",
        r.jobs, r.concurrency
    );
    println!("enqueue            {:.0} jobs/s", r.enqueue_per_s);
    println!("end to end         {:.0} jobs/s", r.e2e_per_s);
    println!("raw client e2e     {:.0} jobs/s", r.raw_e2e_per_s);
    println!("ratio              {:.2}", r.ratio);
    println!(
        "idle pickup        p50 {:.2} ms, p99 {:.2} ms",
        r.pickup_p50_ms, r.pickup_p99_ms
    );
    println!("lost               {}", r.lost);
}

/// The backend under test, under a fresh prefix or namespace named by a tag; `rota bench
/// soak` and its worker processes connect to the same one by passing the tag on.
pub(super) enum Target {
    Embedded(Backend),
    Redis {
        backend: Backend,
        url: String,
        prefix: String,
    },
    Amqp {
        backend: Backend,
        url: String,
        namespace: String,
    },
}

impl Target {
    pub(super) async fn connect(
        settings: &Settings,
        backend: BenchBackend,
        tag: &str,
        worker: &WorkerId,
        lease: Duration,
    ) -> anyhow::Result<Self> {
        Ok(match backend {
            BenchBackend::Embedded => Self::Embedded(Backend::Embedded(Arc::default())),
            BenchBackend::Redis => {
                let url = settings
                    .redis
                    .url
                    .clone()
                    .context("--backend redis needs redis.url (REDIS_URL)")?;
                let prefix = format!("rota-bench:{tag}");
                let queue = RedisQueue::connect(
                    RedisConfig {
                        prefix: prefix.clone(),
                        lease,
                        ..RedisConfig::new(url.clone())
                    },
                    worker.as_str(),
                )
                .await
                .context("cannot connect to Redis")?;
                Self::Redis {
                    backend: Backend::Redis(Arc::new(queue)),
                    url,
                    prefix,
                }
            }
            BenchBackend::Amqp => {
                let url = settings
                    .amqp
                    .url
                    .clone()
                    .context("--backend amqp needs amqp.url (AMQP_URL)")?;
                let namespace = format!("rota-bench-{tag}");
                let queue = AmqpQueue::connect(AmqpConfig {
                    url: url.clone(),
                    namespace: namespace.clone(),
                })
                .await
                .context("cannot connect to RabbitMQ")?;
                Self::Amqp {
                    backend: Backend::Amqp(Arc::new(queue)),
                    url,
                    namespace,
                }
            }
        })
    }

    pub(super) fn backend(&self) -> Backend {
        match self {
            Self::Embedded(b) | Self::Redis { backend: b, .. } | Self::Amqp { backend: b, .. } => {
                b.clone()
            }
        }
    }

    async fn raw_e2e_per_s(&self, n: u64, concurrency: u64) -> anyhow::Result<f64> {
        let secs = match self {
            Self::Embedded(_) => raw::channel(n, concurrency).await,
            Self::Redis { url, prefix, .. } => raw::redis(url, prefix, n, concurrency).await?,
            Self::Amqp { url, namespace, .. } => raw::amqp(url, namespace, n, concurrency).await?,
        };
        Ok(rate(n, secs))
    }

    pub(super) async fn clean_up(&self) {
        let cleaned = match self {
            Self::Embedded(_) => Ok(()),
            Self::Redis { url, prefix, .. } => raw::drop_redis_prefix(url, prefix).await,
            Self::Amqp { url, namespace, .. } => raw::drop_amqp_namespace(url, namespace).await,
        };
        if let Err(err) = cleaned {
            tracing::warn!(%err, "could not remove the bench's queues");
        }
    }
}
