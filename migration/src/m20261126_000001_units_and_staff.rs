//! Units, their shift types and staff (with contracts), days off and shift requests.

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
                    .table("units")
                    .col(pk_auto("id"))
                    .col(string_len_uniq("name", 100))
                    .col(string_len("timezone", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("shift_types")
                    .col(pk_auto("id"))
                    .col(integer("unit_id"))
                    .col(string_len("code", 16))
                    .col(string_len("name", 64))
                    .col(time("start_time"))
                    .col(integer("length_minutes"))
                    .col(json_binary("forbidden_next"))
                    .col(integer("min_rest_hours"))
                    .foreign_key(&mut fk_cascade("shift_types", "unit_id", "units"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("staff")
                    .col(pk_auto("id"))
                    .col(integer("unit_id"))
                    .col(string_len("name", 100))
                    .col(json_binary("skills"))
                    .col(json_binary("max_shifts_per_type"))
                    .col(integer("min_total_minutes"))
                    .col(integer("max_total_minutes"))
                    .col(integer("min_consecutive_days"))
                    .col(integer("max_consecutive_days"))
                    .col(integer("min_consecutive_days_off"))
                    .col(integer("max_weekends"))
                    .col(boolean("active"))
                    .foreign_key(&mut fk_cascade("staff", "unit_id", "units"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("staff_days_off")
                    .col(pk_auto("id"))
                    .col(integer("staff_id"))
                    .col(date("date"))
                    .col(string_len_null("reason", 200))
                    .foreign_key(&mut fk_cascade("staff_days_off", "staff_id", "staff"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("shift_requests")
                    .col(pk_auto("id"))
                    .col(integer("staff_id"))
                    .col(date("date"))
                    .col(integer("shift_type_id"))
                    .col(string_len("kind", 8))
                    .col(integer("weight"))
                    .foreign_key(&mut fk_cascade("shift_requests", "staff_id", "staff"))
                    .foreign_key(&mut fk_cascade(
                        "shift_requests",
                        "shift_type_id",
                        "shift_types",
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("shift_types", &["unit_id", "code"], true),
                index("staff", &["unit_id", "name"], true),
                index("staff_days_off", &["staff_id", "date"], true),
                index(
                    "shift_requests",
                    &["staff_id", "date", "shift_type_id"],
                    true,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "shift_requests",
                "staff_days_off",
                "staff",
                "shift_types",
                "units",
            ],
        )
        .await
    }
}
