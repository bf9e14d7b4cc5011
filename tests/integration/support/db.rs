//! A fresh database per test: a temporary SQLite file, or a PostgreSQL database named by UUID
//! that is dropped when the fixture goes out of scope, also when the test fails.

use rota::settings::DatabaseSettings;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::path::PathBuf;

/// Which database server a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests use; override with `ROTA_TEST_POSTGRES_URL`.
pub fn postgres_admin_url() -> String {
    std::env::var("ROTA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("rota-test-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let db = rota::db::connect(&settings(&url))
            .await
            .expect("SQLite test database opens");
        Self {
            db,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    pub async fn postgres() -> Self {
        let admin_url = postgres_admin_url();
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|err| {
            panic!(
                "PostgreSQL is not reachable at {admin_url}: {err}. Start it (Debian: \
                 `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`; \
                 Docker: `docker compose up -d postgres`) or point ROTA_TEST_POSTGRES_URL at one."
            )
        });
        let name = format!("rota_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("test database can be created");
        admin.close().await.ok();
        let url = replace_database(&admin_url, &name);
        let db = rota::db::connect(&settings(&url))
            .await
            .expect("PostgreSQL test database opens");
        Self {
            db,
            url,
            cleanup: Cleanup::Database { admin_url, name },
        }
    }
}

fn settings(url: &str) -> DatabaseSettings {
    DatabaseSettings {
        url: url.to_string(),
        ..DatabaseSettings::default()
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("admin URL parses");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let shown = name.clone();
                // Drop runs inside the test's runtime: do the async work on a thread of its own.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("cleanup runtime");
                    runtime.block_on(async move {
                        let admin = Database::connect(&admin_url).await?;
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await?;
                        admin.close().await
                    })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: could not drop test database {shown}");
                }
            }
        }
    }
}
