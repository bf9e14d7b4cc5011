//! A member of staff of a unit, with the contract the rota must respect.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    /// Unique within the unit.
    pub name: String,
    /// Skill tags, a JSON array of strings (e.g. `["senior", "midwife"]`).
    pub skills: Json,
    /// Maximum shifts of each type per planning horizon, a JSON object `{code: count}`;
    /// a missing code means no limit.
    pub max_shifts_per_type: Json,
    pub min_total_minutes: i32,
    pub max_total_minutes: i32,
    pub min_consecutive_days: i32,
    pub max_consecutive_days: i32,
    pub min_consecutive_days_off: i32,
    pub max_weekends: i32,
    pub active: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id",
        on_delete = "Cascade"
    )]
    Unit,
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
