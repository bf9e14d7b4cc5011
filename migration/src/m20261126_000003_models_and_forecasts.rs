//! Forecast model versions and the forecasts they made.

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
                    .table("model_versions")
                    .col(pk_auto("id"))
                    .col(integer("unit_id"))
                    .col(integer("version"))
                    .col(string_len("algorithm", 32))
                    .col(timestamp_with_time_zone("trained_at"))
                    .col(date("train_start"))
                    .col(date("train_end"))
                    .col(json_binary("model"))
                    .col(double_null("holdout_mape"))
                    .col(double_null("baseline_mape"))
                    .col(string_len("status", 16))
                    .col(text_null("reason"))
                    .foreign_key(&mut fk_cascade("model_versions", "unit_id", "units"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("forecasts")
                    .col(pk_auto("id"))
                    .col(integer("unit_id"))
                    .col(integer("model_version_id"))
                    .col(date("date"))
                    .col(integer("shift_type_id"))
                    .col(double("yhat"))
                    .col(double("lower"))
                    .col(double("upper"))
                    .foreign_key(&mut fk_cascade("forecasts", "unit_id", "units"))
                    .foreign_key(&mut fk_cascade(
                        "forecasts",
                        "model_version_id",
                        "model_versions",
                    ))
                    .foreign_key(&mut fk_cascade("forecasts", "shift_type_id", "shift_types"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("model_versions", &["unit_id", "version"], true),
                index("model_versions", &["unit_id", "status"], false),
                index(
                    "forecasts",
                    &["model_version_id", "date", "shift_type_id"],
                    true,
                ),
                index("forecasts", &["unit_id", "date"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["forecasts", "model_versions"]).await
    }
}
