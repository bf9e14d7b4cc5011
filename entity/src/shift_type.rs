//! A kind of shift a unit runs (Early, Late, Night, ...).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "shift_types")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    /// Short code, unique within the unit (e.g. `E`, `L`, `N`).
    pub code: String,
    pub name: String,
    pub start_time: Time,
    pub length_minutes: i32,
    /// Codes of the shift types that may not be worked the day after this one.
    pub forbidden_next: Json,
    /// Minimum rest between the end of this shift and the start of the next one.
    pub min_rest_hours: i32,
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
