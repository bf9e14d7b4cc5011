//! `rota smoke`: checks a deployment from outside, as a deploy pipeline does right after it
//! switched releases — liveness, every dependency `/readyz` reports, a forecast read through
//! the API with a token, and how long the dashboard takes to load.

use crate::cli::SmokeArgs;
use anyhow::{Context, bail};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The dependencies `/readyz` may report, in the order they are printed. A key the server
/// does not send is a dependency that server version does not check.
const DEPENDENCIES: [&str; 4] = ["database", "redis", "amqp", "models"];

/// What one check concluded, with the detail printed after its name.
enum Verdict {
    Ok(String),
    Skip(String),
    Fail(String),
}

pub async fn run(args: &SmokeArgs) -> anyhow::Result<ExitCode> {
    let smoke = Smoke {
        client: Client::builder()
            .timeout(Duration::from_secs(args.timeout))
            .build()
            .context("cannot set up the HTTP client")?,
        base: base_url(&args.url)?,
        token: args.token.clone(),
    };
    let mut report = Report::default();
    report.add("health", smoke.health(Duration::from_secs(args.wait)).await);
    if report.failed.is_empty() {
        for (name, verdict) in smoke.readiness().await {
            report.add(&name, verdict);
        }
        report.add("forecast", smoke.forecast().await);
        report.add("dashboard", smoke.dashboard(args.max_dashboard_ms).await);
    }
    if !report.failed.is_empty() {
        bail!("smoke check failed: {}", report.failed.join(", "));
    }
    println!("smoke: every check passed");
    Ok(ExitCode::SUCCESS)
}

/// `url` without a trailing slash, so paths append cleanly (a path prefix is kept, for a
/// deployment behind a reverse proxy).
fn base_url(url: &str) -> anyhow::Result<String> {
    let parsed = url::Url::parse(url).with_context(|| format!("--url is not a URL: {url}"))?;
    if !["http", "https"].contains(&parsed.scheme()) {
        bail!("--url must be http or https, got {}", parsed.scheme());
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// Prints each check as it finishes and remembers the failures.
#[derive(Default)]
struct Report {
    failed: Vec<String>,
}

impl Report {
    fn add(&mut self, name: &str, verdict: Verdict) {
        let (tag, detail) = match verdict {
            Verdict::Ok(detail) => ("ok", detail),
            Verdict::Skip(detail) => ("skip", detail),
            Verdict::Fail(detail) => {
                self.failed.push(name.to_string());
                ("FAIL", detail)
            }
        };
        println!("{tag:<4}  {name:<9}  {detail}");
        // A pipeline reading the log live sees each line when its check ends.
        let _ = std::io::stdout().flush();
    }
}

struct Smoke {
    client: Client,
    base: String,
    token: Option<String>,
}

impl Smoke {
    fn get(&self, path: &str) -> RequestBuilder {
        let request = self.client.get(format!("{}{path}", self.base));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// `/healthz` answers 200, retried until `wait` has passed.
    async fn health(&self, wait: Duration) -> Verdict {
        let deadline = Instant::now() + wait;
        loop {
            let started = Instant::now();
            let answer = self.get("/healthz").send().await;
            let ms = elapsed_ms(started);
            let verdict = match answer {
                Ok(response) if response.status() == StatusCode::OK => {
                    return Verdict::Ok(format!("{ms:.1} ms"));
                }
                Ok(response) => Verdict::Fail(format!("GET /healthz: HTTP {}", response.status())),
                Err(err) => Verdict::Fail(format!("GET /healthz: {:#}", anyhow::Error::from(err))),
            };
            if Instant::now() >= deadline {
                return verdict;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// One verdict per dependency `/readyz` reports, plus one for the whole answer when it is
    /// not ready although no dependency says why.
    async fn readiness(&self) -> Vec<(String, Verdict)> {
        let (status, body) = match self.json("/readyz").await {
            Ok(answer) => answer,
            Err(err) => return vec![("readiness".into(), Verdict::Fail(format!("{err:#}")))],
        };
        let mut verdicts: Vec<(String, Verdict)> = DEPENDENCIES
            .iter()
            .map(|name| (name.to_string(), dependency(body.get(name))))
            .collect();
        let any_failed = verdicts.iter().any(|(_, v)| matches!(v, Verdict::Fail(_)));
        if status != StatusCode::OK && !any_failed {
            verdicts.push((
                "readiness".into(),
                Verdict::Fail(format!("GET /readyz: HTTP {status}: {body}")),
            ));
        }
        verdicts
    }

    /// The first unit's forecast reads through the API with the token.
    async fn forecast(&self) -> Verdict {
        if self.token.is_none() {
            return Verdict::Skip("no --token given".into());
        }
        let units = match self.ok_json("/api/v1/units?limit=1").await {
            Ok(units) => units,
            Err(err) => return Verdict::Fail(format!("{err:#}")),
        };
        let Some(unit) = units["items"].as_array().and_then(|items| items.first()) else {
            return Verdict::Skip("no units yet".into());
        };
        let Some(id) = unit["id"].as_i64() else {
            return Verdict::Fail(format!("GET /api/v1/units: a unit without an id: {unit}"));
        };
        let name = unit["name"].as_str().unwrap_or("?");
        let started = Instant::now();
        match self.ok_json(&format!("/api/v1/units/{id}/forecast")).await {
            Ok(forecast) => {
                let points = forecast["items"].as_array().map_or(0, Vec::len);
                let model = match forecast["model_version"].as_i64() {
                    Some(version) => format!("model version {version}"),
                    None => "no active model yet".into(),
                };
                let ms = elapsed_ms(started);
                Verdict::Ok(format!("unit {name}: {points} points, {model}, {ms:.1} ms"))
            }
            Err(err) => Verdict::Fail(format!("{err:#}")),
        }
    }

    /// The dashboard page loads, body included, within `max_ms`.
    async fn dashboard(&self, max_ms: u64) -> Verdict {
        let started = Instant::now();
        let body = match self.get("/").send().await {
            Ok(response) if response.status() == StatusCode::OK => response.text().await,
            Ok(response) => return Verdict::Fail(format!("GET /: HTTP {}", response.status())),
            Err(err) => return Verdict::Fail(format!("GET /: {:#}", anyhow::Error::from(err))),
        };
        let ms = elapsed_ms(started);
        match body {
            Err(err) => Verdict::Fail(format!("GET /: {:#}", anyhow::Error::from(err))),
            Ok(body) if body.is_empty() => Verdict::Fail("GET /: empty page".into()),
            Ok(_) if ms > max_ms as f64 => {
                Verdict::Fail(format!("{ms:.1} ms, over the {max_ms} ms limit"))
            }
            Ok(_) => Verdict::Ok(format!("{ms:.1} ms (limit {max_ms} ms)")),
        }
    }

    /// Status and JSON body of `GET path`, whatever the status.
    async fn json(&self, path: &str) -> anyhow::Result<(StatusCode, Value)> {
        let response = self
            .get(path)
            .send()
            .await
            .with_context(|| format!("GET {path}"))?;
        let status = response.status();
        let body = response
            .json()
            .await
            .with_context(|| format!("GET {path}: HTTP {status}, body is not JSON"))?;
        Ok((status, body))
    }

    /// JSON body of `GET path`, which must answer 200.
    async fn ok_json(&self, path: &str) -> anyhow::Result<Value> {
        let (status, body) = self.json(path).await?;
        if status != StatusCode::OK {
            let detail = body["detail"].as_str().unwrap_or_default();
            bail!("GET {path}: HTTP {status} {detail}");
        }
        Ok(body)
    }
}

/// A `/readyz` check: `{"status": "ok"|"down"|"not_configured", "latency_ms", "error"?}`.
fn dependency(check: Option<&Value>) -> Verdict {
    let Some(check) = check else {
        return Verdict::Skip("not reported by this server".into());
    };
    let latency = check["latency_ms"].as_f64().unwrap_or(0.0);
    match check["status"].as_str() {
        Some("ok") => Verdict::Ok(format!("{latency:.1} ms")),
        Some("not_configured") => Verdict::Skip("not configured".into()),
        Some("down") => Verdict::Fail(format!(
            "down: {}",
            check["error"].as_str().unwrap_or("no error given")
        )),
        _ => Verdict::Fail(format!("unexpected check: {check}")),
    }
}

fn elapsed_ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_missing_dependency_is_skipped_not_failed() {
        assert!(matches!(dependency(None), Verdict::Skip(_)));
    }

    #[test]
    fn a_down_dependency_fails_with_its_error() {
        let check = json!({"status": "down", "latency_ms": 3.0, "error": "refused"});
        match dependency(Some(&check)) {
            Verdict::Fail(detail) => assert_eq!(detail, "down: refused"),
            _ => panic!("down must fail"),
        }
    }

    #[test]
    fn a_dependency_that_is_not_configured_is_skipped() {
        let check = json!({"status": "not_configured", "latency_ms": 0.0});
        assert!(matches!(dependency(Some(&check)), Verdict::Skip(_)));
    }

    #[test]
    fn an_unknown_dependency_status_fails() {
        let check = json!({"status": "maybe"});
        assert!(matches!(dependency(Some(&check)), Verdict::Fail(_)));
    }

    #[test]
    fn the_base_url_keeps_a_path_prefix_and_drops_the_trailing_slash() {
        assert_eq!(
            base_url("https://example.org/rota/").ok().as_deref(),
            Some("https://example.org/rota")
        );
        assert!(base_url("ftp://example.org").is_err());
        assert!(base_url("not a url").is_err());
    }
}
