//! A running `rota demo` or `rota all` for tests that talk to it over HTTP.

use super::http::{free_port, get};
use super::rota_bin::rota;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A server process, killed when the test ends (also on failure).
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn wait_healthy(child: Child, addr: String) -> Self {
        let server = Self { child, addr };
        let deadline = Instant::now() + Duration::from_secs(120);
        while !matches!(get(&server.addr, "/healthz"), Ok((200, _))) {
            assert!(
                Instant::now() < deadline,
                "the server never answered on {}",
                server.addr
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

/// `rota demo` on a fresh SQLite file in `dir`; returns it and the admin token it prints.
pub fn demo(dir: &std::path::Path) -> (Server, String) {
    let url = format!("sqlite://{}?mode=rwc", dir.join("demo.db").display());
    let port = free_port();
    let mut child = rota()
        .args(["demo", "--port", &port.to_string(), "--db", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("rota demo starts");
    let stdout = child.stdout.take().expect("demo stdout");
    let token = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("admin API token: ")
                .map(|t| t.trim().to_string())
        });
    let server = Server::wait_healthy(child, format!("127.0.0.1:{port}"));
    (server, token.expect("rota demo prints its admin token"))
}

/// `rota all` from `command` (environment already set), on a free port.
pub fn all(mut command: Command) -> Server {
    let port = free_port();
    let child = command
        .args(["all", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("rota all starts");
    Server::wait_healthy(child, format!("127.0.0.1:{port}"))
}
