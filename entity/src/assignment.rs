//! One member of staff working one shift on one date of a rota.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub rota_id: i32,
    pub staff_id: i32,
    pub date: Date,
    pub shift_type_id: i32,
    /// Fixed by a planner before solving.
    pub pinned: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::rota::Entity",
        from = "Column::RotaId",
        to = "super::rota::Column::Id",
        on_delete = "Cascade"
    )]
    Rota,
}

impl Related<super::rota::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rota.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
