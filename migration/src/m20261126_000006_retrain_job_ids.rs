//! The retrain job that made each model version and report, so a job that runs again (after
//! its worker died) finds what it already wrote instead of writing it twice.

use crate::util::{create_indexes, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for table in ["model_versions", "reports"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(uuid_null("job_id"))
                        .to_owned(),
                )
                .await?;
        }
        create_indexes(
            manager,
            vec![
                index("model_versions", &["job_id", "unit_id"], true),
                index("reports", &["job_id"], true),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, ix) in [
            ("model_versions", "ix_model_versions_job_id_unit_id"),
            ("reports", "ix_reports_job_id"),
        ] {
            manager
                .drop_index(Index::drop().name(ix).table(table).to_owned())
                .await?;
            manager
                .alter_table(Table::alter().table(table).drop_column("job_id").to_owned())
                .await?;
        }
        Ok(())
    }
}
