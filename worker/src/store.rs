//! The `jobs` table: the one source of truth for a job's status. Every transition is a
//! conditional UPDATE, so two workers that hold the same job (a redelivery after a lost lease)
//! cannot both finish it: only the current holder's write matches.

use chrono::Utc;
use rota_entity::enums::{JobKind, JobStatus};
use rota_entity::job::{ActiveModel, Column, Entity, Model};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set, SqlErr,
};
use uuid::Uuid;

/// A new job row.
pub(crate) struct NewJob {
    pub kind: JobKind,
    pub payload: serde_json::Value,
    pub unit_id: Option<i32>,
    pub idempotency_key: Option<String>,
    pub max_attempts: u32,
}

/// Inserts a queued job, or returns the one that already holds the idempotency key
/// (`created = false`). The unique index on the key decides races between enqueuers.
pub(crate) async fn insert(db: &DatabaseConnection, new: NewJob) -> Result<(Model, bool), DbErr> {
    if let Some(existing) = find_by_key(db, new.idempotency_key.as_deref()).await? {
        return Ok((existing, false));
    }
    let now = Utc::now();
    let key = new.idempotency_key.clone();
    let row = ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(new.kind),
        status: Set(JobStatus::Queued),
        progress: Set(0.0),
        progress_message: Set(None),
        attempts: Set(0),
        max_attempts: Set(i32::try_from(new.max_attempts).unwrap_or(i32::MAX)),
        idempotency_key: Set(new.idempotency_key),
        unit_id: Set(new.unit_id),
        payload: Set(new.payload),
        result: Set(None),
        error: Set(None),
        worker_id: Set(None),
        cancel_requested: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
    };
    match row.insert(db).await {
        Ok(model) => Ok((model, true)),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            match find_by_key(db, key.as_deref()).await? {
                Some(existing) => Ok((existing, false)),
                None => Err(err),
            }
        }
        Err(err) => Err(err),
    }
}

async fn find_by_key(db: &DatabaseConnection, key: Option<&str>) -> Result<Option<Model>, DbErr> {
    match key {
        Some(key) => {
            Entity::find()
                .filter(Column::IdempotencyKey.eq(key))
                .one(db)
                .await
        }
        None => Ok(None),
    }
}

pub(crate) async fn get(db: &DatabaseConnection, id: Uuid) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// What a delivered job turned out to be.
pub(crate) enum Claim {
    /// This worker now runs it: status `running`, attempts counted.
    Run(Model),
    /// Nothing to run (finished, held by this worker already, or gone); the delivery is
    /// dropped. The job, if any, is as the table says.
    Skip(Option<Model>),
    /// Not run, and finished by this claim: `cancelled` (cancel requested while it waited)
    /// or `dead` (its tries were used up by workers that were lost).
    Settled(Model),
}

/// Takes a delivered job for `worker`. A job still `running` under another worker id is taken
/// over: its worker lost the lease (crashed), which is why the transport delivered it again.
/// A job whose tries are used up is `dead` instead of run once more.
pub(crate) async fn claim(db: &DatabaseConnection, id: Uuid, worker: &str) -> Result<Claim, DbErr> {
    let now = Utc::now();
    let update = Entity::update_many()
        .col_expr(Column::Status, Expr::value(JobStatus::Running))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::WorkerId, Expr::value(worker))
        .col_expr(Column::StartedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::CancelRequested.eq(false))
        .filter(Expr::col(Column::Attempts).lt(Expr::col(Column::MaxAttempts)))
        .filter(
            Column::Status
                .is_in([JobStatus::Queued, JobStatus::Failed])
                .or(Column::Status
                    .eq(JobStatus::Running)
                    .and(Column::WorkerId.ne(worker))),
        );
    // One round trip where the database can return the updated row (PostgreSQL).
    if db.support_returning() {
        if let Some(job) = update.exec_with_returning(db).await?.into_iter().next() {
            return Ok(Claim::Run(job));
        }
    } else if update.exec(db).await?.rows_affected == 1 {
        return Ok(get(db, id).await?.map_or(Claim::Skip(None), Claim::Run));
    }
    let job = get(db, id).await?;
    let Some(job) = job else {
        return Ok(Claim::Skip(None));
    };
    if job.status.is_terminal()
        || (job.status == JobStatus::Running && job.worker_id.as_deref() == Some(worker))
    {
        return Ok(Claim::Skip(Some(job)));
    }
    let settled = if job.cancel_requested {
        finish(db, id, None, JobStatus::Cancelled, None, None).await?
    } else if job.attempts >= job.max_attempts {
        let error = job.error.clone().unwrap_or_else(|| {
            "attempts exhausted: the worker running the last try was lost".into()
        });
        finish(db, id, None, JobStatus::Dead, None, Some(error)).await?
    } else {
        false
    };
    let job = get(db, id).await?;
    Ok(match job {
        Some(job) if settled => Claim::Settled(job),
        job => Claim::Skip(job),
    })
}

/// Moves a job out of `running` (or, with `worker = None`, out of any unfinished state) to
/// `status`. Returns whether this call made the change: `false` means another worker holds
/// the job or it was already finished, and the caller must not report it as its own.
pub(crate) async fn finish(
    db: &DatabaseConnection,
    id: Uuid,
    worker: Option<&str>,
    status: JobStatus,
    result: Option<serde_json::Value>,
    error: Option<String>,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let mut update = Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::Error, Expr::value(error))
        .filter(Column::Id.eq(id));
    if status.is_terminal() {
        update = update.col_expr(Column::FinishedAt, Expr::value(now));
    }
    if status == JobStatus::Succeeded {
        update = update.col_expr(Column::Progress, Expr::value(1.0));
    }
    if let Some(result) = result {
        update = update.col_expr(Column::Result, Expr::value(result));
    }
    update = match worker {
        Some(worker) => update
            .filter(Column::Status.eq(JobStatus::Running))
            .filter(Column::WorkerId.eq(worker)),
        None => update.filter(Column::Status.is_in([
            JobStatus::Queued,
            JobStatus::Failed,
            JobStatus::Running,
        ])),
    };
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Puts a job this worker holds back to `queued` (graceful shutdown before it finished); the
/// try is not counted against it.
pub(crate) async fn release(
    db: &DatabaseConnection,
    id: Uuid,
    worker: &str,
) -> Result<bool, DbErr> {
    let updated = Entity::update_many()
        .col_expr(Column::Status, Expr::value(JobStatus::Queued))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .col_expr(Column::WorkerId, Expr::value(Option::<String>::None))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(JobStatus::Running))
        .filter(Column::WorkerId.eq(worker))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Records a running job's progress (clamped to 0–1).
pub(crate) async fn progress(
    db: &DatabaseConnection,
    id: Uuid,
    worker: &str,
    fraction: f64,
    message: Option<String>,
) -> Result<bool, DbErr> {
    let updated = Entity::update_many()
        .col_expr(Column::Progress, Expr::value(fraction.clamp(0.0, 1.0)))
        .col_expr(Column::ProgressMessage, Expr::value(message))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(JobStatus::Running))
        .filter(Column::WorkerId.eq(worker))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Whether someone asked to cancel the job.
pub(crate) async fn cancel_requested(db: &DatabaseConnection, id: Uuid) -> Result<bool, DbErr> {
    Ok(get(db, id).await?.is_some_and(|job| job.cancel_requested))
}

/// Asks for a job to be cancelled: a queued or waiting one is `cancelled` at once, a running
/// one when its worker notices. Returns the job as it is now.
pub(crate) async fn request_cancel(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<Model>, DbErr> {
    Entity::update_many()
        .col_expr(Column::CancelRequested, Expr::value(true))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(JobStatus::UNFINISHED))
        .exec(db)
        .await?;
    let now = Utc::now();
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(JobStatus::Cancelled))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::FinishedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in([JobStatus::Queued, JobStatus::Failed]))
        .exec(db)
        .await?;
    get(db, id).await
}

/// Jobs not finished, of the given kinds: what an in-process queue must deliver again after a
/// restart.
pub(crate) async fn unfinished(
    db: &DatabaseConnection,
    kinds: &[JobKind],
) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::Kind.is_in(kinds.iter().copied()))
        .filter(Column::Status.is_in(JobStatus::UNFINISHED))
        .all(db)
        .await
}

/// Takes a queued job untouched since `cutoff` for a fresh push: stamps it now, so that other
/// sweepers pass it by. Returns whether this call took it.
pub(crate) async fn take_stale_queued(
    db: &DatabaseConnection,
    id: Uuid,
    cutoff: chrono::DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = Entity::update_many()
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(JobStatus::Queued))
        .filter(Column::UpdatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Queued jobs of `kinds` untouched since `cutoff`, oldest first, at most `limit`.
pub(crate) async fn stale_queued(
    db: &DatabaseConnection,
    kinds: &[JobKind],
    cutoff: chrono::DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(Uuid, JobKind)>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    Entity::find()
        .select_only()
        .column(Column::Id)
        .column(Column::Kind)
        .filter(Column::Kind.is_in(kinds.iter().copied()))
        .filter(Column::Status.eq(JobStatus::Queued))
        .filter(Column::UpdatedAt.lt(cutoff))
        .order_by_asc(Column::UpdatedAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}
