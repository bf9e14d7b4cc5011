//! One trained forecast model of a unit, with its metrics and lifecycle status.

use crate::enums::ModelStatus;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "model_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    /// 1, 2, 3, ... per unit.
    pub version: i32,
    /// `prophet`, `seasonal_naive`, `mstl_ets`, ...
    pub algorithm: String,
    pub trained_at: DateTimeUtc,
    pub train_start: Date,
    pub train_end: Date,
    /// The persisted model, in the forecast crate's versioned form.
    pub model: Json,
    pub holdout_mape: Option<f64>,
    pub baseline_mape: Option<f64>,
    pub status: ModelStatus,
    /// Why the model has its status (e.g. why it was rejected).
    pub reason: Option<String>,
    /// The retrain or monitor job that wrote it; none when written by the CLI.
    pub job_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
