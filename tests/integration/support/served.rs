//! A `rota all` process on a small seeded database, with a viewer token: what `rota smoke`
//! and the release package are tested against.

use super::http::{free_port, get};
use super::rota_bin::{rota_at, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub struct Served {
    pub url: String,
    pub token: String,
    child: Child,
}

impl Served {
    /// Migrates and seeds `db` with `bin`, creates a viewer token, starts `bin all` on a free
    /// port and waits until it answers `/healthz`.
    pub fn start(bin: &Path, db: &str) -> Self {
        run(bin, &["--db", db, "migrate", "up"]);
        run(
            bin,
            &[
                "--db",
                db,
                "seed-demo",
                "--units",
                "1",
                "--staff-per-unit",
                "4",
                "--days",
                "60",
            ],
        );
        let created = run(bin, &["--db", db, "token", "create", "--role", "viewer"]);
        let token = created
            .lines()
            .last()
            .expect("a token line")
            .trim()
            .to_string();
        let port = free_port();
        let child = rota_at(bin)
            .args([
                "--db",
                db,
                "all",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("rota all starts");
        let served = Self {
            url: format!("http://127.0.0.1:{port}"),
            token,
            child,
        };
        let addr = format!("127.0.0.1:{port}");
        // Generous: this waits for a start, it does not time one.
        let deadline = Instant::now() + Duration::from_secs(120);
        while !matches!(get(&addr, "/healthz"), Ok((200, _))) {
            assert!(
                Instant::now() < deadline,
                "rota all never answered on {addr}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        served
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary the tests build.
pub fn built_rota() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rota"))
}

/// A fresh SQLite database URL in `dir`.
pub fn sqlite_in(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("rota.db").display())
}

fn run(bin: &Path, args: &[&str]) -> String {
    let output = rota_at(bin).args(args).output().expect("rota runs");
    assert!(
        output.status.success(),
        "rota {} failed: {}",
        args.join(" "),
        stderr(&output)
    );
    stdout(&output)
}
