//! The migration check: up, down all, up again, on both databases.

use crate::support::{Backend, TestDb};
use rota_migration::{MigrationStatus, Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

async fn table_names(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        }
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("catalogue query runs")
        .into_iter()
        .map(|row| row.try_get::<String>("", "name").expect("name column"))
        .collect()
}

const TABLES: [&str; 14] = [
    "api_tokens",
    "assignments",
    "cover_overrides",
    "demand_history",
    "forecasts",
    "jobs",
    "model_versions",
    "reports",
    "rotas",
    "shift_requests",
    "shift_types",
    "staff",
    "staff_days_off",
    "units",
];

async fn up_down_up(backend: Backend) {
    let test = TestDb::new(backend).await;
    // As `rota migrate` does: one connection, so no statement is parsed against another
    // connection's stale copy of the schema.
    let db = &sea_orm::Database::connect(
        sea_orm::ConnectOptions::new(test.url.clone())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .expect("one connection");

    Migrator::up(db, None).await.expect("first up");
    let mut tables = table_names(db).await;
    tables.retain(|t| t != "seaql_migrations");
    assert_eq!(tables, TABLES);
    assert!(
        Migrator::get_migration_with_status(db)
            .await
            .expect("status")
            .iter()
            .all(|m| m.status() == MigrationStatus::Applied)
    );

    Migrator::down(db, None).await.expect("down all");
    assert_eq!(table_names(db).await, ["seaql_migrations"]);
    assert_eq!(
        Migrator::get_applied_migrations(db)
            .await
            .expect("status")
            .len(),
        0
    );

    Migrator::up(db, None).await.expect("second up");
    let mut tables = table_names(db).await;
    tables.retain(|t| t != "seaql_migrations");
    assert_eq!(tables, TABLES);
}

#[tokio::test]
async fn up_down_up_on_sqlite() {
    up_down_up(Backend::Sqlite).await;
}

#[tokio::test]
async fn up_down_up_on_postgres() {
    up_down_up(Backend::Postgres).await;
}

async fn status_exits_1_while_pending(backend: Backend) {
    use crate::support::rota_bin::{run, stdout};
    let test = TestDb::new(backend).await;

    let pending = run(&["migrate", "status", "--db", &test.url]);
    assert_eq!(pending.status.code(), Some(1), "{}", stdout(&pending));
    assert!(stdout(&pending).contains("pending"));

    let up = run(&["migrate", "up", "--db", &test.url]);
    assert!(up.status.success(), "{}", stdout(&up));

    let current = run(&["migrate", "status", "--db", &test.url]);
    assert_eq!(current.status.code(), Some(0));
    assert!(stdout(&current).contains("schema is up to date"));
}

#[tokio::test]
async fn migrate_status_reports_pending_then_up_to_date_on_sqlite() {
    status_exits_1_while_pending(Backend::Sqlite).await;
}

#[tokio::test]
async fn migrate_status_reports_pending_then_up_to_date_on_postgres() {
    status_exits_1_while_pending(Backend::Postgres).await;
}

#[tokio::test]
async fn migrate_fresh_refuses_without_yes() {
    use crate::support::rota_bin::{run, stderr};
    let test = TestDb::sqlite().await;
    let output = run(&["migrate", "fresh", "--db", &test.url]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--yes"));
}
