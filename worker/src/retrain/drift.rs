//! The drift check (`monitor`): for every unit with an active model, the forecasts it stored
//! for days that now have actual demand are compared with those actuals — recent MAPE against
//! the model's holdout MAPE, and the KS test of the recent residuals against the training
//! residuals.

use super::history;
use super::report::Notification;
use super::versions;
use chrono::{DateTime, NaiveDate, Utc};
use rota_entity::{demand_history, forecast, model_version, unit};
use rota_forecast::{DriftConfig, UnitModel};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;
use uuid::Uuid;

/// Fewer recent days than this say nothing about drift.
pub const MIN_RECENT_DAYS: usize = 7;

/// One unit's drift figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDrift {
    pub unit: String,
    pub unit_id: i32,
    pub version: Option<i32>,
    /// Days with both a stored forecast and actual demand that were compared.
    pub recent_days: usize,
    pub recent_mape: Option<f64>,
    pub holdout_mape: Option<f64>,
    pub mape_ratio: Option<f64>,
    pub ks_p_value: Option<f64>,
    pub drifted: bool,
    /// `residual_shift`, `mape_degraded`, or why nothing could be said.
    pub reasons: Vec<String>,
}

/// The drift report of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftCheck {
    pub job_id: Option<Uuid>,
    pub checked_at: DateTime<Utc>,
    pub drifted: usize,
    pub units: Vec<UnitDrift>,
    #[serde(default)]
    pub notifications: Vec<Notification>,
}

impl DriftCheck {
    /// The report as Markdown (the old system's `drift_report.txt`).
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "# Drift report {}\n\n{} of {} unit(s) drifted.\n\n| unit | version | days | recent MAPE | holdout MAPE | ratio | KS p | drift | reasons |\n|---|---:|---:|---:|---:|---:|---:|---|---|\n",
            self.checked_at.format("%Y-%m-%d %H:%M UTC"),
            self.drifted,
            self.units.len()
        );
        let num =
            |v: Option<f64>, digits: usize| v.map_or("–".into(), |v| format!("{v:.digits$}"));
        for u in &self.units {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                u.unit,
                u.version.map_or("–".into(), |v| format!("v{v}")),
                u.recent_days,
                num(u.recent_mape, 2),
                num(u.holdout_mape, 2),
                num(u.mape_ratio, 2),
                num(u.ks_p_value, 3),
                if u.drifted { "DRIFT" } else { "ok" },
                u.reasons.join("; ")
            );
        }
        md
    }
}

/// Checks one unit or all.
pub async fn check(
    db: &DatabaseConnection,
    only: Option<i32>,
    job_id: Option<Uuid>,
) -> anyhow::Result<DriftCheck> {
    let mut units = Vec::new();
    for unit in history::units(db, only).await? {
        let active = versions::active(db, unit.id).await?;
        units.push(unit_drift(db, &unit, active.as_ref(), &DriftConfig::default()).await?);
    }
    Ok(DriftCheck {
        job_id,
        checked_at: Utc::now(),
        drifted: units.iter().filter(|u| u.drifted).count(),
        units,
        notifications: Vec::new(),
    })
}

/// The drift of `unit`'s `active` model (none: nothing to check).
pub async fn unit_drift(
    db: &DatabaseConnection,
    unit: &unit::Model,
    active: Option<&model_version::Model>,
    config: &DriftConfig,
) -> anyhow::Result<UnitDrift> {
    let mut out = UnitDrift {
        unit: unit.name.clone(),
        unit_id: unit.id,
        version: active.map(|a| a.version),
        recent_days: 0,
        recent_mape: None,
        holdout_mape: active.and_then(|a| a.holdout_mape),
        mape_ratio: None,
        ks_p_value: None,
        drifted: false,
        reasons: Vec::new(),
    };
    let Some(active) = active else {
        out.reasons.push("no active model".into());
        return Ok(out);
    };
    let (actual, predicted) = recent_pairs(db, unit.id, active.id, config.recent_days).await?;
    out.recent_days = actual.len();
    if actual.len() < MIN_RECENT_DAYS {
        out.reasons.push(format!(
            "only {} day(s) with both a forecast and actual demand, at least {MIN_RECENT_DAYS} needed",
            actual.len()
        ));
        return Ok(out);
    }
    let model = UnitModel::from_json(&active.model.to_string()).map_err(|e| {
        anyhow::anyhow!("unit {}: stored model v{}: {e}", unit.name, active.version)
    })?;
    let report = model.drift(&actual, &predicted, config)?;
    out.recent_mape = report.recent_mape;
    out.mape_ratio = report.mape_ratio;
    out.ks_p_value = Some(report.ks.p_value);
    out.drifted = report.drifted();
    out.reasons = report
        .reasons
        .iter()
        .map(|r| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect();
    Ok(out)
}

/// Daily actual totals and the version's forecast totals, on the latest `days` days that
/// have both.
async fn recent_pairs(
    db: &DatabaseConnection,
    unit_id: i32,
    version_id: i32,
    days: usize,
) -> anyhow::Result<(Vec<f64>, Vec<f64>)> {
    let forecasts: Vec<(NaiveDate, f64)> = forecast::Entity::find()
        .select_only()
        .column(forecast::Column::Date)
        .column(forecast::Column::Yhat)
        .filter(forecast::Column::ModelVersionId.eq(version_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut predicted: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for (date, yhat) in forecasts {
        *predicted.entry(date).or_default() += yhat;
    }
    let (Some(first), Some(last)) = (
        predicted.keys().next().copied(),
        predicted.keys().next_back().copied(),
    ) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let rows: Vec<(NaiveDate, i32)> = demand_history::Entity::find()
        .select_only()
        .column(demand_history::Column::Date)
        .column(demand_history::Column::Required)
        .filter(demand_history::Column::UnitId.eq(unit_id))
        .filter(demand_history::Column::Date.between(first, last))
        .into_tuple()
        .all(db)
        .await?;
    let mut actual: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for (date, required) in rows {
        *actual.entry(date).or_default() += f64::from(required);
    }
    let pairs: Vec<(f64, f64)> = actual
        .iter()
        .filter_map(|(date, a)| predicted.get(date).map(|p| (*a, *p)))
        .collect();
    let tail = &pairs[pairs.len().saturating_sub(days)..];
    Ok(tail.iter().copied().unzip())
}

/// The drift check as the `monitor` job and `rota monitor` run it: check, send, store (once
/// per job: a second run of the same job returns the stored report).
pub async fn run(
    db: &DatabaseConnection,
    only: Option<i32>,
    job_id: Option<Uuid>,
    notify: Option<&super::settings::NotifySettings>,
) -> anyhow::Result<DriftCheck> {
    if let Some(job_id) = job_id
        && let Some(stored) = super::report::of_job(db, job_id).await?
    {
        return Ok(serde_json::from_value(stored.body)?);
    }
    let mut checked = check(db, only, job_id).await?;
    if let Some(notify) = notify {
        let (json, markdown) = (serde_json::to_value(&checked)?, checked.markdown());
        let subject = format!(
            "rota drift check: {} of {} unit(s) drifted",
            checked.drifted,
            checked.units.len()
        );
        checked.notifications = super::notify::send(
            notify,
            &super::notify::Outgoing {
                subject,
                json: &json,
                markdown: &markdown,
            },
        )
        .await;
    }
    super::report::store(
        db,
        rota_entity::ReportKind::Drift,
        job_id,
        serde_json::to_value(&checked)?,
        checked.markdown(),
    )
    .await?;
    Ok(checked)
}
