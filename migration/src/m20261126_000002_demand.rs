//! Demand history and planners' cover overrides.

use crate::util::{create_indexes, drop_tables, fk_cascade, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("demand_history")
                    .col(pk_auto("id"))
                    .col(integer("unit_id"))
                    .col(date("date"))
                    .col(integer("shift_type_id"))
                    .col(integer("required"))
                    .foreign_key(&mut fk_cascade("demand_history", "unit_id", "units"))
                    .foreign_key(&mut fk_cascade(
                        "demand_history",
                        "shift_type_id",
                        "shift_types",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("cover_overrides")
                    .col(pk_auto("id"))
                    .col(integer("unit_id"))
                    .col(date("date"))
                    .col(integer("shift_type_id"))
                    .col(integer("requirement"))
                    .col(integer("under_weight"))
                    .col(integer("over_weight"))
                    .foreign_key(&mut fk_cascade("cover_overrides", "unit_id", "units"))
                    .foreign_key(&mut fk_cascade(
                        "cover_overrides",
                        "shift_type_id",
                        "shift_types",
                    ))
                    .to_owned(),
            )
            .await?;
        // Reads are "a unit's demand between two dates"; the unique index serves them.
        create_indexes(
            manager,
            vec![
                index(
                    "demand_history",
                    &["unit_id", "date", "shift_type_id"],
                    true,
                ),
                index(
                    "cover_overrides",
                    &["unit_id", "date", "shift_type_id"],
                    true,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["cover_overrides", "demand_history"]).await
    }
}
