//! Model versions of a unit: storing a new one (promoted with its forecasts, or rejected),
//! activating an earlier one (rollback, shared by the API and the CLI) and retention.

use super::forecasts::{self, ShiftForecast};
use chrono::{DateTime, Utc};
use rota_entity::{ModelStatus, model_version};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

/// The active version of a unit, if any.
pub async fn active(
    db: &impl ConnectionTrait,
    unit_id: i32,
) -> Result<Option<model_version::Model>, DbErr> {
    model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(unit_id))
        .filter(model_version::Column::Status.eq(ModelStatus::Active))
        .order_by_desc(model_version::Column::Version)
        .one(db)
        .await
}

/// Every version of a unit, newest first.
pub async fn list(
    db: &DatabaseConnection,
    unit_id: i32,
) -> Result<Vec<model_version::Model>, DbErr> {
    model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(unit_id))
        .order_by_desc(model_version::Column::Version)
        .all(db)
        .await
}

/// The version a retrain job already stored for a unit (it ran before and died).
pub async fn of_job(
    db: &DatabaseConnection,
    job_id: Uuid,
) -> Result<Vec<model_version::Model>, DbErr> {
    model_version::Entity::find()
        .filter(model_version::Column::JobId.eq(job_id))
        .all(db)
        .await
}

/// A trained model about to be stored.
pub struct NewVersion {
    pub unit_id: i32,
    pub job_id: Option<Uuid>,
    pub algorithm: String,
    pub trained_at: DateTime<Utc>,
    pub train_start: chrono::NaiveDate,
    pub train_end: chrono::NaiveDate,
    pub model: serde_json::Value,
    pub holdout_mape: Option<f64>,
    pub baseline_mape: Option<f64>,
    pub reason: String,
}

/// Stores `new` in one transaction: as the active version with `forecast` (the previous
/// active one archived) when `promote`, otherwise as `rejected`.
pub async fn save(
    db: &DatabaseConnection,
    new: NewVersion,
    promote: bool,
    forecast: &[ShiftForecast],
) -> Result<model_version::Model, DbErr> {
    let txn = db.begin().await?;
    let latest: Option<i32> = model_version::Entity::find()
        .select_only()
        .column_as(model_version::Column::Version.max(), "latest")
        .filter(model_version::Column::UnitId.eq(new.unit_id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    if promote {
        archive_active(&txn, new.unit_id).await?;
    }
    let saved = model_version::ActiveModel {
        unit_id: Set(new.unit_id),
        version: Set(latest.unwrap_or(0) + 1),
        algorithm: Set(new.algorithm),
        trained_at: Set(new.trained_at),
        train_start: Set(new.train_start),
        train_end: Set(new.train_end),
        model: Set(new.model),
        holdout_mape: Set(new.holdout_mape),
        baseline_mape: Set(new.baseline_mape),
        status: Set(if promote {
            ModelStatus::Active
        } else {
            ModelStatus::Rejected
        }),
        reason: Set(Some(new.reason)),
        job_id: Set(new.job_id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if promote {
        forecasts::replace(&txn, saved.unit_id, saved.id, forecast).await?;
    }
    txn.commit().await?;
    Ok(saved)
}

async fn archive_active(txn: &impl ConnectionTrait, unit_id: i32) -> Result<(), DbErr> {
    model_version::Entity::update_many()
        .col_expr(
            model_version::Column::Status,
            sea_orm::sea_query::Expr::value(ModelStatus::Archived),
        )
        .filter(model_version::Column::UnitId.eq(unit_id))
        .filter(model_version::Column::Status.eq(ModelStatus::Active))
        .exec(txn)
        .await?;
    Ok(())
}

/// Why a version cannot be activated.
#[derive(Debug, thiserror::Error)]
pub enum ActivateError {
    #[error("model version {version} of unit {unit_id} does not exist")]
    NotFound { unit_id: i32, version: i32 },
    #[error("version {version} was rejected ({reason}); it cannot serve")]
    Rejected { version: i32, reason: String },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Makes `version` the unit's active model (rollback) in one transaction; the previously
/// active one is archived. Its stored forecasts serve again as they were.
pub async fn activate(
    db: &DatabaseConnection,
    unit_id: i32,
    version: i32,
) -> Result<model_version::Model, ActivateError> {
    let txn = db.begin().await?;
    let target = model_version::Entity::find()
        .filter(model_version::Column::UnitId.eq(unit_id))
        .filter(model_version::Column::Version.eq(version))
        .one(&txn)
        .await?
        .ok_or(ActivateError::NotFound { unit_id, version })?;
    match target.status {
        ModelStatus::Active => return Ok(target),
        ModelStatus::Rejected => {
            return Err(ActivateError::Rejected {
                version,
                reason: target.reason.unwrap_or_else(|| "no reason recorded".into()),
            });
        }
        ModelStatus::Candidate | ModelStatus::Archived => {}
    }
    archive_active(&txn, unit_id).await?;
    let mut active = target.into_active_model();
    active.status = Set(ModelStatus::Active);
    active.reason = Set(Some(format!(
        "activated by hand at {}",
        Utc::now().format("%Y-%m-%d %H:%M UTC")
    )));
    let activated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(activated)
}

/// Keeps the newest `keep` restorable versions (active and archived) and the newest `keep`
/// rejected ones of a unit; deletes the rest (their forecasts go with them). Returns how many
/// were deleted.
pub async fn prune(db: &DatabaseConnection, unit_id: i32, keep: u32) -> Result<u64, DbErr> {
    let versions: Vec<(i32, ModelStatus)> = model_version::Entity::find()
        .select_only()
        .column(model_version::Column::Id)
        .column(model_version::Column::Status)
        .filter(model_version::Column::UnitId.eq(unit_id))
        .order_by_desc(model_version::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    let (mut restorable, mut rejected) = (0_u32, 0_u32);
    let mut doomed = Vec::new();
    for (id, status) in versions {
        let seen = match status {
            ModelStatus::Rejected => &mut rejected,
            ModelStatus::Active | ModelStatus::Archived | ModelStatus::Candidate => &mut restorable,
        };
        *seen += 1;
        // The active version is never pruned, however many newer archived ones exist.
        if *seen > keep && status != ModelStatus::Active {
            doomed.push(id);
        }
    }
    if doomed.is_empty() {
        return Ok(0);
    }
    let deleted = model_version::Entity::delete_many()
        .filter(model_version::Column::Id.is_in(doomed))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
