//! `rota bench soak`: worker processes SIGKILLed under load, and every job must still
//! succeed once with one effect. The jobs table says where each job is; the `soak_effects`
//! table says how often each job's effect was written.

use super::bench_queue::{ScratchDb, Target, spawn_producers};
use crate::cli::{BenchSoakArgs, SoakBackend};
use crate::settings::{DatabaseSettings, Settings};
use anyhow::Context;
use rota_entity::enums::JobStatus;
use rota_entity::job::{Column, Entity};
use rota_worker::{Events, JobPayload, Jobs, Policies, Transport, WorkerId};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
};
use serde::Serialize;
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use uuid::Uuid;
use worker::SoakJob;

mod fleet;
pub mod worker;

/// How often the table is looked at for a worker to kill and for the end of the run.
const POLL: Duration = Duration::from_millis(5);

/// The JSON printed with `--json`; its keys are a public contract.
#[derive(Debug, Serialize)]
struct Report {
    backend: SoakBackend,
    workers: u32,
    concurrency: u64,
    enqueued: u64,
    succeeded: u64,
    dead: u64,
    /// Not finished when the run ended.
    lost: u64,
    /// Jobs whose effect was written more than once.
    double_effects: u64,
    /// Succeeded jobs without their effect.
    missing_effects: u64,
    kills: u64,
    /// Kills that interrupted a running job: another worker finished it.
    kills_mid_job: u64,
    /// Tries beyond each job's first.
    redeliveries: u64,
    wall_s: f64,
}

impl Report {
    /// Why the soak failed, if it did.
    fn failures(&self, args: &BenchSoakArgs) -> Vec<String> {
        let mut failures = Vec::new();
        let counts = [
            (self.lost, "lost"),
            (self.dead, "dead"),
            (self.double_effects, "with a double effect"),
            (self.missing_effects, "succeeded without their effect"),
        ];
        for (n, what) in counts {
            if n > 0 {
                failures.push(format!("{n} jobs {what}"));
            }
        }
        if self.enqueued != args.jobs {
            failures.push(format!("{} of {} jobs enqueued", self.enqueued, args.jobs));
        }
        if self.kills < u64::from(args.kills) {
            failures.push(format!(
                "only {} of {} kills: the jobs ran out (give more --jobs)",
                self.kills, args.kills
            ));
        }
        failures
    }
}

/// A SIGKILL: the worker's pid and the jobs it was running.
struct Kill {
    pid: u32,
    held: Vec<Uuid>,
}

pub async fn run(
    settings: &Settings,
    args: BenchSoakArgs,
    db_flag: Option<String>,
) -> anyhow::Result<ExitCode> {
    let scratch = ScratchDb::new();
    let report = soak(settings, &args, &scratch.url_or(db_flag)).await?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_table(&report);
    }
    let failures = report.failures(&args);
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("soak failed: {}", failures.join("; "));
    Ok(ExitCode::FAILURE)
}

async fn soak(settings: &Settings, args: &BenchSoakArgs, db_url: &str) -> anyhow::Result<Report> {
    let db = crate::db::connect(&DatabaseSettings {
        url: db_url.to_string(),
        ..settings.database.clone()
    })
    .await?;
    crate::db::migrate_up(&db).await?;
    db.execute_unprepared(worker::EFFECTS_TABLE)
        .await
        .context("cannot create the effects table")?;
    let tag = Uuid::new_v4().simple().to_string();
    let lease = Duration::from_secs(args.lease_secs);
    let target = Target::connect(
        settings,
        args.backend.into(),
        &tag,
        &WorkerId::generate(),
        lease,
    )
    .await?;
    let jobs = Jobs::new(
        db.clone(),
        Transport::single(target.backend()),
        Events::default(),
    )
    .with_policies(Policies::default().with(SoakJob::KIND, worker::policy()));
    let result = drive(settings, args, &jobs, &tag, db_url).await;
    target.clean_up().await;
    result
}

async fn drive(
    settings: &Settings,
    args: &BenchSoakArgs,
    jobs: &Jobs,
    tag: &str,
    db_url: &str,
) -> anyhow::Result<Report> {
    let db = jobs.db();
    let mut fleet = fleet::Fleet::start(settings, args, tag, db_url)?;
    let started = Instant::now();
    let work = SoakJob {
        work_ms: args.work_ms,
    };
    let producers = spawn_producers(jobs, args.jobs, work);

    let mut kills = Vec::new();
    let mut next_kill = Instant::now() + Duration::from_millis(args.kill_every_ms);
    let give_up = Instant::now() + Duration::from_secs(args.timeout_secs);
    while kills.len() < usize::try_from(args.kills).unwrap_or(usize::MAX)
        && Instant::now() < give_up
    {
        fleet.check_alive()?;
        let running = running(db).await?;
        let enqueued = producers.iter().all(|p| p.is_finished());
        if running.is_empty() && enqueued && unfinished(db).await? == 0 {
            break;
        }
        if Instant::now() >= next_kill
            && let Some(pid) = fleet.pick(running.iter().filter_map(|(_, w)| w.as_deref()))
        {
            let held = running
                .iter()
                .filter(|(_, w)| fleet::runs(w.as_deref(), pid))
                .map(|(id, _)| *id)
                .collect();
            fleet.kill_and_replace(pid)?;
            tracing::info!(pid, kill = kills.len() + 1, "killed a worker mid-job");
            kills.push(Kill { pid, held });
            next_kill = Instant::now() + Duration::from_millis(args.kill_every_ms);
        }
        tokio::time::sleep(POLL).await;
    }
    for producer in producers {
        producer.await??;
    }
    let give_up = Instant::now() + Duration::from_secs(args.timeout_secs);
    while unfinished(db).await? > 0 && Instant::now() < give_up {
        fleet.check_alive()?;
        tokio::time::sleep(POLL * 20).await;
    }
    let wall_s = started.elapsed().as_secs_f64();
    drop(fleet);
    tally(db, args, &kills, wall_s).await
}

/// Running jobs and their workers.
async fn running(db: &DatabaseConnection) -> anyhow::Result<Vec<(Uuid, Option<String>)>> {
    Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::WorkerId)
        .filter(Column::Status.eq(JobStatus::Running))
        .into_tuple()
        .all(db)
        .await
        .context("cannot read the running jobs")
}

async fn unfinished(db: &DatabaseConnection) -> anyhow::Result<u64> {
    Entity::find()
        .filter(Column::Status.is_in(JobStatus::UNFINISHED))
        .count(db)
        .await
        .context("cannot count the unfinished jobs")
}

/// Effect rows per job.
async fn effects(db: &DatabaseConnection) -> anyhow::Result<HashMap<Uuid, i64>> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT job_id, COUNT(*) AS n FROM soak_effects GROUP BY job_id",
        ))
        .await
        .context("cannot read the effects")?;
    let mut counts = HashMap::new();
    for row in rows {
        let id: String = row.try_get("", "job_id")?;
        counts.insert(Uuid::parse_str(&id)?, row.try_get("", "n")?);
    }
    Ok(counts)
}

/// A job's id, status, tries and last worker.
type JobRow = (Uuid, JobStatus, i32, Option<String>);

async fn tally(
    db: &DatabaseConnection,
    args: &BenchSoakArgs,
    kills: &[Kill],
    wall_s: f64,
) -> anyhow::Result<Report> {
    let rows: Vec<JobRow> = Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::Status)
        .column(Column::Attempts)
        .column(Column::WorkerId)
        .into_tuple()
        .all(db)
        .await
        .context("cannot read the jobs")?;
    let effects = effects(db).await?;
    let count = |f: &dyn Fn(&JobRow) -> bool| rows.iter().filter(|r| f(r)).count() as u64;
    let finisher: HashMap<Uuid, Option<&str>> = rows
        .iter()
        .map(|(id, _, _, worker)| (*id, worker.as_deref()))
        .collect();
    let kills_mid_job = kills
        .iter()
        .filter(|kill| {
            kill.held.iter().any(|id| {
                finisher
                    .get(id)
                    .is_some_and(|worker| !fleet::runs(*worker, kill.pid))
            })
        })
        .count() as u64;
    Ok(Report {
        backend: args.backend,
        workers: args.workers,
        concurrency: args.concurrency,
        enqueued: rows.len() as u64,
        succeeded: count(&|r| r.1 == JobStatus::Succeeded),
        dead: count(&|r| r.1 == JobStatus::Dead),
        lost: count(&|r| !r.1.is_terminal()),
        double_effects: effects.values().filter(|n| **n > 1).count() as u64,
        missing_effects: count(&|r| {
            r.1 == JobStatus::Succeeded && effects.get(&r.0).is_none_or(|n| *n == 0)
        }),
        kills: kills.len() as u64,
        kills_mid_job,
        redeliveries: rows
            .iter()
            .map(|r| u64::try_from(r.2.saturating_sub(1)).unwrap_or(0))
            .sum(),
        wall_s,
    })
}

fn print_table(r: &Report) {
    let rows = [
        ("backend", format!("{:?}", r.backend)),
        (
            "workers",
            format!("{} × concurrency {}", r.workers, r.concurrency),
        ),
        ("enqueued", r.enqueued.to_string()),
        ("succeeded", r.succeeded.to_string()),
        ("dead", r.dead.to_string()),
        ("lost", r.lost.to_string()),
        ("double effects", r.double_effects.to_string()),
        ("missing effects", r.missing_effects.to_string()),
        (
            "kills",
            format!("{} ({} mid-job)", r.kills, r.kills_mid_job),
        ),
        ("redeliveries", r.redeliveries.to_string()),
        ("wall time", format!("{:.1} s", r.wall_s)),
    ];
    for (label, value) in rows {
        println!("{label:<19}{value}");
    }
}
