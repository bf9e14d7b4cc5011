//! A solved rota of a unit over a horizon, with the solver's verdict.

use crate::enums::RotaStatus;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "rotas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub job_id: Option<Uuid>,
    pub unit_id: i32,
    pub horizon_start: Date,
    pub days: i32,
    pub status: RotaStatus,
    pub objective: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
    pub seconds: f64,
    pub published: bool,
    /// The solver's explanation: penalties by rule, uncovered shifts, unmet requests.
    pub explanation: Option<Json>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::assignment::Entity")]
    Assignment,
}

impl Related<super::assignment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assignment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
