//! Storing a solve's rota once per job.

use rota_entity::{RotaStatus, assignment, rota};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

/// The rota a previous try of `job_id` already stored, if any.
pub async fn existing(
    db: &DatabaseConnection,
    job_id: Uuid,
) -> anyhow::Result<Option<rota::Model>> {
    Ok(rota::Entity::find()
        .filter(rota::Column::JobId.eq(job_id))
        .one(db)
        .await?)
}

/// Writes the rota and its assignments in one transaction. The unique index on `rotas.job_id`
/// makes a second write of the same job fail instead of duplicating it.
pub async fn save(
    db: &DatabaseConnection,
    row: rota::ActiveModel,
    assignments: Vec<assignment::ActiveModel>,
) -> anyhow::Result<rota::Model> {
    let txn = db.begin().await?;
    let saved = row.insert(&txn).await?;
    let with_rota: Vec<assignment::ActiveModel> = assignments
        .into_iter()
        .map(|mut a| {
            a.rota_id = Set(saved.id);
            a
        })
        .collect();
    for chunk in with_rota.chunks(500) {
        assignment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(saved)
}

/// The stored status of a solver outcome.
pub fn status(status: &rota_solver::Status, cancelled: bool) -> RotaStatus {
    match status {
        _ if cancelled => RotaStatus::Cancelled,
        rota_solver::Status::Optimal => RotaStatus::Optimal,
        rota_solver::Status::Feasible { .. } => RotaStatus::Feasible,
        rota_solver::Status::Infeasible { .. } => RotaStatus::Infeasible,
        rota_solver::Status::TimedOut => RotaStatus::TimedOut,
    }
}
