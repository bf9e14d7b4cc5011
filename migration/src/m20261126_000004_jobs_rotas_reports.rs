//! Jobs (the source of truth for job status), solved rotas with their assignments, and reports.

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
                    .table("jobs")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 16))
                    .col(string_len("status", 16))
                    .col(double("progress"))
                    .col(text_null("progress_message"))
                    .col(integer("attempts"))
                    .col(integer("max_attempts"))
                    .col(string_len_null("idempotency_key", 200))
                    .col(integer_null("unit_id"))
                    .col(json_binary("payload"))
                    .col(json_binary_null("result"))
                    .col(text_null("error"))
                    .col(string_len_null("worker_id", 200))
                    .col(boolean("cancel_requested"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("started_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("rotas")
                    .col(pk_auto("id"))
                    .col(uuid_null("job_id"))
                    .col(integer("unit_id"))
                    .col(date("horizon_start"))
                    .col(integer("days"))
                    .col(string_len("status", 16))
                    .col(double_null("objective"))
                    .col(double_null("bound"))
                    .col(double_null("gap"))
                    .col(double("seconds"))
                    .col(boolean("published"))
                    .col(json_binary_null("explanation"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk_cascade("rotas", "unit_id", "units"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("assignments")
                    .col(pk_auto("id"))
                    .col(integer("rota_id"))
                    .col(integer("staff_id"))
                    .col(date("date"))
                    .col(integer("shift_type_id"))
                    .col(boolean("pinned"))
                    .foreign_key(&mut fk_cascade("assignments", "rota_id", "rotas"))
                    .foreign_key(&mut fk_cascade("assignments", "staff_id", "staff"))
                    .foreign_key(&mut fk_cascade(
                        "assignments",
                        "shift_type_id",
                        "shift_types",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("reports")
                    .col(pk_auto("id"))
                    .col(string_len("kind", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(json_binary("body"))
                    .col(text("markdown"))
                    .to_owned(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("jobs", &["idempotency_key"], true),
                index("jobs", &["status", "created_at"], false),
                index("jobs", &["kind", "status"], false),
                // One rota per solve job: a redelivered job finds the rota it already wrote.
                index("rotas", &["job_id"], true),
                index("rotas", &["unit_id", "created_at"], false),
                index("assignments", &["rota_id", "staff_id", "date"], true),
                index("reports", &["kind", "created_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["reports", "assignments", "rotas", "jobs"]).await
    }
}
