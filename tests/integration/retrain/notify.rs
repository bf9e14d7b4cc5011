//! Notifications: the report is POSTed to a webhook and emailed through a real SMTP server
//! on loopback; a failed notification is recorded and never fails the retrain.

use super::*;
use rota_worker::retrain::settings::NotifySettings;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Accepts one HTTP request on loopback, answers 200 and hands back its body.
async fn one_request_server() -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/hooks/retrain",
        listener.local_addr().expect("addr")
    );
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a request");
        let mut data = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            let n = socket.read(&mut buf).await.expect("read");
            data.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&data).to_string();
            if let Some(split) = text.find("\r\n\r\n") {
                let length = text[..split]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if data.len() >= split + 4 + length {
                    socket
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        )
                        .await
                        .expect("answer");
                    return text[split + 4..].to_string();
                }
            }
            assert!(n > 0, "the client closed before sending its body");
        }
    });
    (url, handle)
}

#[tokio::test]
async fn the_report_is_posted_to_the_webhook() {
    let db = seeded(Backend::Sqlite, 1, 60).await;
    let (url, server) = one_request_server().await;
    let run = RetrainRun {
        notify: Some(NotifySettings {
            webhook_url: Some(url),
            ..NotifySettings::default()
        }),
        ..prophet()
    };
    let report = retrain(&db, &run).await;
    let body: serde_json::Value =
        serde_json::from_str(&server.await.expect("server")).expect("a JSON body");
    assert_eq!(body["units"][0]["unit"], "Emergency");
    assert_eq!(report.notifications.len(), 1);
    assert!(report.notifications[0].ok, "{:?}", report.notifications);
}

#[tokio::test]
async fn a_failed_webhook_is_recorded_and_the_retrain_still_succeeds() {
    let db = seeded(Backend::Sqlite, 1, 60).await;
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let run = RetrainRun {
        notify: Some(NotifySettings {
            webhook_url: Some(format!("http://127.0.0.1:{port}/hook")),
            timeout_secs: Some(5),
            ..NotifySettings::default()
        }),
        ..prophet()
    };
    let report = retrain(&db, &run).await;
    assert_eq!(report.promoted, 1);
    assert_eq!(report.notifications.len(), 1);
    assert!(!report.notifications[0].ok);
    assert!(
        report.notifications[0].detail.contains("POST failed"),
        "{:?}",
        report.notifications
    );
}

/// An SMTP server (aiosmtpd, printing each message) on a free loopback port.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
}

impl SmtpServer {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "aiosmtpd",
                "-n",
                "-c",
                "aiosmtpd.handlers.Debugging",
            ])
            .arg("-l")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut server = Self { child, port };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(_)) = server.child.try_wait() {
                let mut err = String::new();
                if let Some(stderr) = server.child.stderr.as_mut() {
                    let _ = stderr.read_to_string(&mut err);
                }
                panic!(
                    "the SMTP test server did not start: {err}. It is the PyPI package aiosmtpd: \
                     `python3 -m pip install aiosmtpd` (.ci/run installs it)"
                );
            }
            assert!(
                std::time::Instant::now() < deadline,
                "aiosmtpd did not listen in time"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server.port = port;
        server
    }

    /// Stops the server and returns what it printed (the messages it received).
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let mut out = String::new();
        if let Some(stdout) = self.child.stdout.as_mut() {
            let _ = stdout.read_to_string(&mut out);
        }
        let _ = self.child.wait();
        out
    }
}

#[tokio::test]
async fn the_report_is_emailed_through_smtp() {
    let db = seeded(Backend::Sqlite, 1, 60).await;
    let server = SmtpServer::start();
    let notify = NotifySettings {
        smtp_url: Some(format!("smtp://127.0.0.1:{}", server.port)),
        email_from: Some("rota <rota@example.org>".into()),
        email_to: vec!["team@example.org".into()],
        timeout_secs: Some(10),
        ..NotifySettings::default()
    };
    let run = RetrainRun {
        notify: Some(notify),
        ..prophet()
    };
    let report = retrain(&db, &run).await;
    let printed = server.stop();
    assert!(report.notifications[0].ok, "{:?}", report.notifications);
    assert_eq!(report.notifications[0].channel, "email");
    assert!(
        printed.contains("Subject: rota retrain: 1 promoted"),
        "{printed}"
    );
    assert!(printed.contains("| Emergency |"), "{printed}");
    assert!(printed.contains("team@example.org"), "{printed}");
}
