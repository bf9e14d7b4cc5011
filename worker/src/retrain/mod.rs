//! The retraining pipeline, one function for the `retrain` job and `rota train-all`: load
//! each unit's latest history, train every unit on a bounded pool, validate each new model,
//! promote or reject it against the active one and seasonal naive, store it (with the
//! forecasts of a promoted one), prune old versions and reports, store the report and send it.
//!
//! A job that runs again after its worker died finds the versions and report it already
//! stored (both carry its job id) and does not train those units twice.

pub mod decide;
pub mod drift;
pub mod forecasts;
pub mod history;
pub mod notify;
pub mod report;
pub mod settings;
pub mod validate;
pub mod versions;

use decide::{Decision, Incumbent};
use report::{RetrainReport, UnitReport};
use rota_entity::{ModelStatus, ReportKind, model_version, unit};
use rota_forecast::{
    Horizon, MIN_HISTORY_DAYS, Series, StanOptimizer, TrainConfig, TrainJob, TrainOutcome,
    UnitModel, UnitName, train_many_with,
};
use sea_orm::DatabaseConnection;
use settings::{NotifySettings, RetrainSettings};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// Trains units; the seam where tests put a model of their own making.
pub trait Trainer: Send + Sync + 'static {
    /// Trains every job on `workers` threads, calling `done` as each unit finishes; outcomes
    /// in input order.
    fn train(
        &self,
        jobs: &[TrainJob],
        workers: NonZeroUsize,
        done: &(dyn Fn(&TrainOutcome) + Sync),
    ) -> Vec<TrainOutcome>;
}

/// Prophet and its baselines, as the forecast crate trains them.
pub struct ProphetTrainer;

impl Trainer for ProphetTrainer {
    fn train(
        &self,
        jobs: &[TrainJob],
        workers: NonZeroUsize,
        done: &(dyn Fn(&TrainOutcome) + Sync),
    ) -> Vec<TrainOutcome> {
        train_many_with(jobs, &StanOptimizer::shared(), Some(workers), done)
    }
}

/// One run's scope and settings.
#[derive(Clone)]
pub struct RetrainRun {
    /// One unit, or every unit.
    pub unit_id: Option<i32>,
    pub settings: RetrainSettings,
    /// Where to send the report; `None` sends nothing.
    pub notify: Option<NotifySettings>,
    /// The job running this, so a second run of it reuses what the first stored.
    pub job_id: Option<Uuid>,
    pub trainer: Arc<dyn Trainer>,
}

/// Called as each unit is done: (units done, units to train, unit name).
pub type OnUnit = Arc<dyn Fn(usize, usize, &str) + Send + Sync>;

/// Runs the pipeline and returns its report (also stored in `reports`).
#[tracing::instrument(skip_all, fields(unit = ?run.unit_id, job_id = ?run.job_id))]
pub async fn run(
    db: &DatabaseConnection,
    run: &RetrainRun,
    on_unit: OnUnit,
) -> anyhow::Result<RetrainReport> {
    if let Some(job_id) = run.job_id
        && let Some(stored) = report::of_job(db, job_id).await?
    {
        return Ok(serde_json::from_value(stored.body)?);
    }
    let started = Instant::now();
    let started_at = chrono::Utc::now();
    let settings = &run.settings;
    let workers = settings
        .jobs
        .and_then(NonZeroUsize::new)
        .or_else(|| std::thread::available_parallelism().ok())
        .unwrap_or(NonZeroUsize::MIN);
    let horizon = Horizon::new(settings.horizon_days as usize)?;

    let units = history::units(db, run.unit_id).await?;
    let ids: Vec<i32> = units.iter().map(|u| u.id).collect();
    let mut totals = history::daily_totals(db, &ids, settings.days).await?;
    let done_before: HashMap<i32, model_version::Model> = match run.job_id {
        Some(job_id) => versions::of_job(db, job_id)
            .await?
            .into_iter()
            .map(|v| (v.unit_id, v))
            .collect(),
        None => HashMap::new(),
    };

    let mut lines: Vec<UnitReport> = Vec::new();
    let mut to_train: Vec<(
        unit::Model,
        TrainJob,
        Option<model_version::Model>,
        UnitReport,
    )> = Vec::new();
    for unit in units {
        let points = totals.remove(&unit.id).unwrap_or_default();
        let active = versions::active(db, unit.id).await?;
        let drift = drift::unit_drift(db, &unit, active.as_ref(), &Default::default()).await?;
        let mut line = UnitReport {
            unit: unit.name.clone(),
            unit_id: unit.id,
            history_days: points.len(),
            fit_ms: 0.0,
            mape_before: active.as_ref().and_then(|a| a.holdout_mape),
            mape_after: None,
            baseline_mape: None,
            drift_p_value: drift.ks_p_value,
            decision: Decision::Skipped,
            reason: String::new(),
            version: None,
            algorithm: None,
        };
        if let Some(stored) = done_before.get(&unit.id) {
            line.decision = match stored.status {
                ModelStatus::Rejected => Decision::Rejected,
                _ => Decision::Promoted,
            };
            line.mape_after = stored.holdout_mape;
            line.baseline_mape = stored.baseline_mape;
            line.version = Some(stored.version);
            line.algorithm = Some(stored.algorithm.clone());
            line.reason = stored.reason.clone().unwrap_or_default();
            lines.push(line);
            continue;
        }
        if points.len() < MIN_HISTORY_DAYS {
            line.reason = format!(
                "{} day(s) of history, at least {MIN_HISTORY_DAYS} are needed",
                points.len()
            );
            lines.push(line);
            continue;
        }
        let series = UnitName::parse(&unit.name).and_then(|name| Series::new(name, points));
        match series {
            Ok(series) => {
                let job = TrainJob {
                    series,
                    config: TrainConfig::default(),
                };
                to_train.push((unit, job, active, line));
            }
            Err(err) => {
                line.decision = Decision::Failed;
                line.reason = format!("history rejected: {err}");
                lines.push(line);
            }
        }
    }

    let jobs: Vec<TrainJob> = to_train.iter().map(|(_, job, _, _)| job.clone()).collect();
    let total = jobs.len();
    let trainer = Arc::clone(&run.trainer);
    let outcomes = tokio::task::spawn_blocking(move || {
        let finished = std::sync::atomic::AtomicUsize::new(0);
        let done = |outcome: &TrainOutcome| {
            let n = finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            tracing::info!(unit = %outcome.unit, fit_ms = outcome.fit_ms, ok = outcome.result.is_ok(), "unit trained");
            on_unit(n, total, outcome.unit.as_str());
        };
        trainer.train(&jobs, workers, &done)
    })
    .await?;

    let ends: HashMap<i32, chrono::NaiveDate> = to_train
        .iter()
        .map(|(unit, job, _, _)| (unit.id, job.series.last_date()))
        .collect();
    let splits = history::shift_splits(db, &ends).await?;
    for ((unit, job, active, mut line), outcome) in to_train.into_iter().zip(outcomes) {
        line.fit_ms = outcome.fit_ms;
        let model = match outcome.result {
            Ok(model) => model,
            Err(err) => {
                line.decision = Decision::Failed;
                line.reason = format!("training failed: {err}");
                lines.push(line);
                continue;
            }
        };
        let split = splits.get(&unit.id).cloned().unwrap_or_default();
        let incumbent = active.as_ref().map(|a| Incumbent {
            version: a.version,
            holdout_mape: a.holdout_mape,
        });
        store_unit(db, run, &model, &job, horizon, &split, incumbent, &mut line).await?;
        lines.push(line);
    }

    let mut pruned_versions = 0;
    for id in &ids {
        pruned_versions += versions::prune(db, *id, settings.keep_versions).await?;
    }
    let pruned_reports = report::prune(db, settings.report_retention_days).await?;
    lines.sort_by_key(|l| l.unit_id);
    let mut report = RetrainReport {
        job_id: run.job_id,
        started_at,
        wall_ms: 0.0,
        fit_ms_total: 0.0,
        workers: workers.get(),
        days: settings.days,
        tolerance_pct: settings.tolerance_pct,
        promoted: 0,
        rejected: 0,
        failed: 0,
        skipped: 0,
        pruned_versions,
        pruned_reports,
        units: lines,
        notifications: Vec::new(),
    };
    report.tally();
    report.wall_ms = started.elapsed().as_secs_f64() * 1e3;
    if let Some(notify) = &run.notify {
        let subject = format!(
            "rota retrain: {} promoted, {} rejected, {} failed, {} skipped",
            report.promoted, report.rejected, report.failed, report.skipped
        );
        let (json, markdown) = (serde_json::to_value(&report)?, report.markdown());
        report.notifications = notify::send(
            notify,
            &notify::Outgoing {
                subject,
                json: &json,
                markdown: &markdown,
            },
        )
        .await;
    }
    report::store(
        db,
        ReportKind::Retrain,
        run.job_id,
        serde_json::to_value(&report)?,
        report.markdown(),
    )
    .await?;
    Ok(report)
}

/// Validates, decides and stores one unit's new model, filling in its report line.
#[allow(clippy::too_many_arguments)]
async fn store_unit(
    db: &DatabaseConnection,
    run: &RetrainRun,
    model: &UnitModel,
    job: &TrainJob,
    horizon: Horizon,
    split: &history::ShiftSplit,
    incumbent: Option<Incumbent>,
    line: &mut UnitReport,
) -> anyhow::Result<()> {
    let metrics = model.metrics();
    line.mape_after = metrics.holdout_mape;
    line.baseline_mape = metrics.baseline_mapes.seasonal_naive;
    line.algorithm = Some(model.served_by().as_str().to_string());
    let (decision, reason, rows) = match validate::validate(model, horizon) {
        Err(why) => (
            Decision::Failed,
            format!("validation failed: {why}"),
            Vec::new(),
        ),
        Ok(rows) => {
            let (decision, reason) = decide::decide(
                line.mape_after,
                incumbent,
                line.baseline_mape,
                run.settings.tolerance_pct,
            );
            (decision, reason, rows)
        }
    };
    let promote = decision == Decision::Promoted;
    let stored = versions::save(
        db,
        versions::NewVersion {
            unit_id: line.unit_id,
            job_id: run.job_id,
            algorithm: model.served_by().as_str().to_string(),
            trained_at: chrono::Utc::now(),
            train_start: job.series.dates()[0],
            train_end: job.series.last_date(),
            model: serde_json::to_value(model)?,
            holdout_mape: line.mape_after,
            baseline_mape: line.baseline_mape,
            reason: reason.clone(),
        },
        promote,
        &forecasts::per_shift(&rows, split),
    )
    .await?;
    tracing::info!(unit = %line.unit, version = stored.version, decision = decision.as_str(), %reason, "model stored");
    line.decision = decision;
    line.reason = reason;
    line.version = Some(stored.version);
    Ok(())
}
