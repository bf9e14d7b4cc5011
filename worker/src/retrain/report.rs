//! The retrain report: per unit what was trained and decided, with totals; stored in
//! `reports` as JSON and Markdown, printed by the CLI and sent by the notifications.

use super::decide::Decision;
use chrono::{DateTime, Duration, Utc};
use rota_entity::{ReportKind, report};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use serde::{Deserialize, Serialize};
use std::fmt::Write;
use uuid::Uuid;

/// One unit's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitReport {
    pub unit: String,
    pub unit_id: i32,
    pub history_days: usize,
    pub fit_ms: f64,
    /// Holdout MAPE (percent) of the active version before the run.
    pub mape_before: Option<f64>,
    /// Holdout MAPE of the new model.
    pub mape_after: Option<f64>,
    /// Seasonal naive's MAPE on the new model's holdout.
    pub baseline_mape: Option<f64>,
    /// KS p-value of the active model's recent residuals, when it has forecasts for days
    /// with actuals.
    pub drift_p_value: Option<f64>,
    pub decision: Decision,
    pub reason: String,
    /// The version stored by this run, if any.
    pub version: Option<i32>,
    /// The model that serves it: `prophet`, `seasonal_naive` or `mstl_ets`.
    pub algorithm: Option<String>,
}

/// A notification's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub channel: String,
    pub ok: bool,
    pub detail: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrainReport {
    pub job_id: Option<Uuid>,
    pub started_at: DateTime<Utc>,
    /// Wall time of the run, database reads and writes included, in milliseconds.
    pub wall_ms: f64,
    /// Fit time summed over the units (more than `wall_ms` when units train in parallel).
    pub fit_ms_total: f64,
    /// Threads that trained units.
    pub workers: usize,
    pub days: u32,
    pub tolerance_pct: f64,
    pub promoted: usize,
    pub rejected: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Model versions deleted by retention.
    pub pruned_versions: u64,
    /// Reports deleted by retention.
    pub pruned_reports: u64,
    pub units: Vec<UnitReport>,
    #[serde(default)]
    pub notifications: Vec<Notification>,
}

impl RetrainReport {
    /// The ids of the units whose new model is now active.
    pub fn promoted_units(&self) -> Vec<i32> {
        self.units
            .iter()
            .filter(|u| u.decision == Decision::Promoted)
            .map(|u| u.unit_id)
            .collect()
    }

    /// The units whose new model failed to train or validate.
    pub fn failed_units(&self) -> Vec<&str> {
        self.units
            .iter()
            .filter(|u| u.decision == Decision::Failed)
            .map(|u| u.unit.as_str())
            .collect()
    }

    /// Counts the decisions into the totals.
    pub fn tally(&mut self) {
        let count = |d: Decision| self.units.iter().filter(|u| u.decision == d).count();
        self.promoted = count(Decision::Promoted);
        self.rejected = count(Decision::Rejected);
        self.failed = count(Decision::Failed);
        self.skipped = count(Decision::Skipped);
        self.fit_ms_total = self.units.iter().map(|u| u.fit_ms).sum();
    }

    /// The report as a Markdown document.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# Retrain report {}\n",
            self.started_at.format("%Y-%m-%d %H:%M UTC")
        );
        let _ = writeln!(
            md,
            "{} promoted, {} rejected, {} failed, {} skipped; wall {:.0} ms, fit {:.0} ms over {} workers; {} days of history, tolerance {} %.\n",
            self.promoted,
            self.rejected,
            self.failed,
            self.skipped,
            self.wall_ms,
            self.fit_ms_total,
            self.workers,
            self.days,
            self.tolerance_pct
        );
        md.push_str(&self.table());
        if !self.notifications.is_empty() {
            md.push_str("\n## Notifications\n\n");
            for n in &self.notifications {
                let _ = writeln!(
                    md,
                    "- {}: {} {}",
                    n.channel,
                    if n.ok { "sent" } else { "FAILED" },
                    n.detail
                );
            }
        }
        md
    }

    /// The per-unit table (Markdown, also readable as plain text).
    pub fn table(&self) -> String {
        let mut t = String::from(
            "| unit | days | fit ms | MAPE before | MAPE after | baseline | drift p | decision | version | reason |\n|---|---:|---:|---:|---:|---:|---:|---|---:|---|\n",
        );
        for u in &self.units {
            let _ = writeln!(
                t,
                "| {} | {} | {:.0} | {} | {} | {} | {} | {} | {} | {} |",
                u.unit,
                u.history_days,
                u.fit_ms,
                pct(u.mape_before),
                pct(u.mape_after),
                pct(u.baseline_mape),
                u.drift_p_value.map_or("–".into(), |p| format!("{p:.3}")),
                u.decision.as_str(),
                u.version.map_or("–".into(), |v| format!("v{v}")),
                u.reason.replace('|', "/"),
            );
        }
        t
    }
}

fn pct(value: Option<f64>) -> String {
    value.map_or("–".into(), |v| format!("{v:.2} %"))
}

/// Stores a report; `job_id` makes a second store of the same job's report a no-op that
/// returns the first.
pub async fn store(
    db: &DatabaseConnection,
    kind: ReportKind,
    job_id: Option<Uuid>,
    body: serde_json::Value,
    markdown: String,
) -> Result<report::Model, DbErr> {
    if let Some(job_id) = job_id
        && let Some(existing) = of_job(db, job_id).await?
    {
        return Ok(existing);
    }
    report::ActiveModel {
        kind: Set(kind),
        created_at: Set(Utc::now()),
        body: Set(body),
        markdown: Set(markdown),
        job_id: Set(job_id),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The report a job stored, if any.
pub async fn of_job(db: &DatabaseConnection, job_id: Uuid) -> Result<Option<report::Model>, DbErr> {
    report::Entity::find()
        .filter(report::Column::JobId.eq(job_id))
        .one(db)
        .await
}

/// Deletes reports older than `days` days; returns how many.
pub async fn prune(db: &DatabaseConnection, days: u32) -> Result<u64, DbErr> {
    let cutoff = Utc::now() - Duration::days(i64::from(days));
    Ok(report::Entity::delete_many()
        .filter(report::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
