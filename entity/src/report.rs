//! A stored retrain or drift report, as data and as Markdown.

use crate::enums::ReportKind;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: ReportKind,
    pub created_at: DateTimeUtc,
    pub body: Json,
    #[sea_orm(column_type = "Text")]
    pub markdown: String,
    /// The retrain or monitor job that wrote it; none when written by the CLI.
    pub job_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
