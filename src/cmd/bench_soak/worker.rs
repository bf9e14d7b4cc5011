//! The worker side of `rota bench soak`: a worker process on the soak's queue whose one job
//! body works a while and then writes the job's effect, a row in `soak_effects`.

use super::super::bench_queue::Target;
use crate::cli::SoakWorkerArgs;
use crate::settings::Settings;
use anyhow::Context;
use rota_entity::enums::JobKind;
use rota_worker::{
    Events, JobBody, JobContext, JobPayload, JobPolicy, Jobs, Policies, Registry, Transport,
    Worker, WorkerId, WorkerSettings,
};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::{Deserialize, Serialize};
use std::process::ExitCode;
use std::time::Duration;

/// No unique key on purpose: a double effect must be countable.
pub(super) const EFFECTS_TABLE: &str = "CREATE TABLE IF NOT EXISTS soak_effects \
     (job_id VARCHAR(36) NOT NULL, worker VARCHAR(255) NOT NULL)";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SoakJob {
    pub work_ms: u64,
}

// The soak runs on its own prefix or namespace, so the kind only picks the queue name.
impl JobPayload for SoakJob {
    const KIND: JobKind = JobKind::Monitor;
}

/// Generous tries: a job may be hit by several kills in a row without going `dead`.
pub(super) fn policy() -> JobPolicy {
    JobPolicy {
        max_attempts: 10,
        timeout: Duration::from_secs(60),
        backoff: Duration::from_millis(50),
        max_backoff: Duration::from_secs(1),
        cancel_grace: Duration::from_secs(5),
    }
}

struct SoakBody;

impl JobBody for SoakBody {
    type Payload = SoakJob;

    /// Looks for the job's effect before working and writes it after, if there was none. A
    /// try that runs again after its worker was killed finds the effect of a try that got
    /// that far and writes nothing, as a real body keyed by job id would; but two tries that
    /// run at the same time — two live workers holding one job — both write, and the soak
    /// counts a double effect.
    async fn run(&self, ctx: JobContext, job: SoakJob) -> anyhow::Result<serde_json::Value> {
        let done_before = effect_written(&ctx.db, ctx.job_id).await?;
        tokio::time::sleep(Duration::from_millis(job.work_ms)).await;
        if !done_before {
            ctx.db
                .execute_unprepared(&format!(
                    "INSERT INTO soak_effects (job_id, worker) VALUES ('{}', '{}')",
                    ctx.job_id,
                    ctx.worker().replace('\'', "''"),
                ))
                .await
                .context("writing the job's effect")?;
        }
        Ok(serde_json::json!({ "effect_written": !done_before }))
    }
}

async fn effect_written(db: &DatabaseConnection, job: uuid::Uuid) -> anyhow::Result<bool> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM soak_effects WHERE job_id = '{job}'"),
        ))
        .await
        .context("looking for the job's effect")?;
    let n: i64 = match row {
        Some(row) => row.try_get("", "n").context("reading the effect count")?,
        None => 0,
    };
    Ok(n > 0)
}

/// `rota bench soak-worker`: runs until SIGTERM or SIGKILL.
pub async fn run(settings: &Settings, args: &SoakWorkerArgs) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    let id = WorkerId::generate();
    let lease = Duration::from_secs(args.lease_secs);
    let target = Target::connect(settings, args.backend.into(), &args.tag, &id, lease).await?;
    let jobs = Jobs::new(db, Transport::single(target.backend()), Events::default())
        .with_policies(Policies::default().with(SoakJob::KIND, policy()));
    let worker_settings = WorkerSettings {
        queues: vec![rota_worker::queue_name(SoakJob::KIND).into()],
        concurrency: usize::try_from(args.concurrency).unwrap_or(1),
        shutdown_timeout_secs: 5,
        ..WorkerSettings::default()
    };
    Worker::new(
        jobs,
        Registry::new().register(SoakBody),
        id,
        worker_settings,
    )
    .run(crate::shutdown::on_signal())
    .await
    .context("the soak worker stopped on a queue error")?;
    Ok(ExitCode::SUCCESS)
}
