//! A planner's explicit cover requirement for one shift, which beats the forecast.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "cover_overrides")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    pub date: Date,
    pub shift_type_id: i32,
    pub requirement: i32,
    /// Penalty per missing person.
    pub under_weight: i32,
    /// Penalty per person beyond the requirement.
    pub over_weight: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
