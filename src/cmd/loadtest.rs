//! `rota loadtest`: drives a running server with `--connections` kept-alive connections for
//! `--duration` seconds and reports throughput, latency percentiles and errors — the gate
//! that the mean stays under `--max-mean-ms`.

mod client;
mod plan;
mod stats;

use crate::cli::{LoadScenario, LoadtestArgs};
use anyhow::{Context, bail};
use client::{Connection, Target};
use plan::Plan;
use stats::{Summary, Tally};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub async fn run(args: &LoadtestArgs) -> anyhow::Result<ExitCode> {
    if !(args.duration.is_finite() && args.duration > 0.0 && args.duration <= 3600.0) {
        bail!("--duration must be between 0 and 3600 seconds");
    }
    if !(0.0..=1.0).contains(&args.max_error_rate) {
        bail!("--max-error-rate must be a fraction between 0 and 1");
    }
    let target = Target::parse(&args.url, &args.token)?;
    let plan = Arc::new(Plan::prepare(&target, args.scenario).await?);
    let created = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs_f64(args.duration);
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.connections as usize)
        .map(|c| {
            let (target, plan, created) = (target.clone(), plan.clone(), created.clone());
            tokio::spawn(async move { drive(c, &target, &plan, deadline, &created).await })
        })
        .collect();
    let mut tallies = Vec::with_capacity(tasks.len());
    for task in tasks {
        tallies.push(task.await.context("a load-test connection panicked")?);
    }
    let elapsed = started.elapsed();
    let scenario = format!("{:?}", args.scenario).to_lowercase();
    let summary = stats::summarise(&scenario, args.connections, elapsed, tallies);
    if args.scenario == LoadScenario::Solve {
        let jobs = std::mem::take(&mut *created.lock().unwrap_or_else(|e| e.into_inner()));
        cancel_all(&target, jobs).await;
    }
    print(&summary, args.json)?;
    verdict(&summary, args)
}

/// Sends requests one after another on one connection until `deadline`.
async fn drive(
    connection: usize,
    target: &Target,
    plan: &Plan,
    deadline: Instant,
    created: &Mutex<Vec<String>>,
) -> Tally {
    let mut tally = Tally::default();
    let mut open: Option<Connection> = None;
    let mut n = 0;
    while Instant::now() < deadline {
        let conn = match open.as_mut() {
            Some(conn) => conn,
            None => match Connection::open(target).await {
                Ok(conn) => open.insert(conn),
                Err(err) => {
                    tracing::debug!(%err, "cannot connect");
                    tally.fail("io".into());
                    // Back off a little so a dead server does not spin the loop.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let step = plan.step(connection, n);
        n += 1;
        let request = target.request(step.method, &step.path, step.body.as_deref());
        let sent = Instant::now();
        match conn.send(request).await {
            Ok(answer) => {
                let error = (!answer.status.is_success()).then(|| answer.status.as_str().into());
                tally.record(sent.elapsed(), error);
                if let Some(location) = answer.location {
                    created
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(location);
                }
            }
            Err(err) => {
                tracing::debug!(%err, "request failed");
                tally.fail("io".into());
                open = None;
            }
        }
    }
    tally
}

/// Cancels the jobs a solve run enqueued, a few at a time; failures are only counted.
async fn cancel_all(target: &Target, jobs: Vec<String>) {
    use futures::StreamExt;
    let total = jobs.len();
    let cancelled = futures::stream::iter(jobs)
        .map(|location| async move {
            let request = target.request(hyper::Method::DELETE, &location, None);
            client::once(target, request)
                .await
                .is_ok_and(|a| a.status.is_success())
        })
        .buffer_unordered(8)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    eprintln!("cancelled {cancelled} of the {total} solve jobs this run enqueued");
}

fn print(s: &Summary, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(s)?);
        return Ok(());
    }
    println!(
        "scenario {}  connections {}  duration {:.1} s",
        s.scenario, s.connections, s.duration_s
    );
    println!(
        "requests {}  ({:.0} req/s)  errors {}",
        s.requests, s.requests_per_s, s.errors
    );
    println!(
        "latency ms: mean {:.2}  p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
        s.mean_ms, s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms
    );
    for (kind, n) in &s.errors_by_kind {
        println!("  errors {kind}: {n}");
    }
    Ok(())
}

fn verdict(s: &Summary, args: &LoadtestArgs) -> anyhow::Result<ExitCode> {
    let attempts = s.requests + s.errors_by_kind.get("io").copied().unwrap_or(0);
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let error_rate = if attempts == 0 {
        1.0
    } else {
        s.errors as f64 / attempts as f64
    };
    let mut failed = false;
    if s.mean_ms > args.max_mean_ms {
        eprintln!(
            "error: mean latency {:.2} ms is above --max-mean-ms {}",
            s.mean_ms, args.max_mean_ms
        );
        failed = true;
    }
    if error_rate > args.max_error_rate {
        eprintln!(
            "error: {:.2} % of requests failed, above --max-error-rate {}",
            error_rate * 100.0,
            args.max_error_rate
        );
        failed = true;
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
