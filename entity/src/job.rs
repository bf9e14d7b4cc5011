//! A queued unit of work. This table, not any queue, is the source of truth for job status.

use crate::enums::{JobKind, JobStatus};
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: JobKind,
    pub status: JobStatus,
    /// 0.0 to 1.0.
    pub progress: f64,
    pub progress_message: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    #[sea_orm(unique)]
    pub idempotency_key: Option<String>,
    pub unit_id: Option<i32>,
    pub payload: Json,
    pub result: Option<Json>,
    pub error: Option<String>,
    pub worker_id: Option<String>,
    pub cancel_requested: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
