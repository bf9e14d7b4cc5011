//! The `solve` job: a unit's rota over a horizon, solved on HiGHS in a blocking thread, with
//! progress written to the job row and cancellation keeping the best rota found so far.

use super::{solve_cover, solve_problem, solve_store};
use crate::{JobBody, JobContext, SolvePayload};
use anyhow::Context;
use chrono::Utc;
use rota_entity::{assignment, rota};
use rota_solver::solve::ProgressFn;
use rota_solver::{SolveOptions, Status, solve};
use sea_orm::ActiveValue::Set;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Progress is written at most this often: the solver reports far more often.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Runs `solve` jobs.
pub struct SolveBody;

impl JobBody for SolveBody {
    type Payload = SolvePayload;

    async fn run(&self, ctx: JobContext, payload: SolvePayload) -> anyhow::Result<Value> {
        if let Some(done) = solve_store::existing(&ctx.db, ctx.job_id).await? {
            // An earlier try stored its rota and died before finishing the job: keep it.
            return Ok(summary(&done));
        }
        ctx.progress(0.0, "loading staff, shifts and cover").await?;
        let days = payload.days as usize;
        let mut loaded = solve_problem::load(
            &ctx.db,
            payload.unit_id,
            payload.horizon_start,
            days,
            &payload.pins,
        )
        .await?;
        loaded.problem.cover = solve_cover::cover(
            &ctx.db,
            payload.unit_id,
            &payload.cover,
            &loaded.dates,
            &loaded.shifts,
        )
        .await?;

        let cancel = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (flag, token) = (cancel.clone(), ctx.cancel_token().clone());
            tokio::spawn(async move {
                token.cancelled().await;
                flag.store(true, Ordering::SeqCst);
            })
        };
        let (tx, mut rx) = tokio::sync::watch::channel((0.0_f64, String::from("solving")));
        let writer = {
            let ctx = ctx.clone();
            tokio::spawn(async move {
                while rx.changed().await.is_ok() {
                    let (fraction, message) = rx.borrow_and_update().clone();
                    if let Err(err) = ctx.progress(0.05 + 0.9 * fraction, message).await {
                        tracing::warn!(%err, "cannot record solve progress");
                    }
                    tokio::time::sleep(PROGRESS_EVERY).await;
                }
            })
        };
        let progress: ProgressFn = Arc::new(move |fraction: f64, message: &str| {
            let _ = tx.send((fraction, message.to_string()));
        });
        let options = SolveOptions {
            time_limit: Duration::from_secs(u64::from(payload.time_limit_secs)),
            threads: 1,
            seed: 0,
            cancel: Some(cancel.clone()),
            progress: Some(progress),
            ..SolveOptions::default()
        };
        let problem = loaded.problem.clone();
        let solved = tokio::task::spawn_blocking(move || solve(&problem, &options))
            .await
            .context("the solver thread panicked")?;
        watcher.abort();
        // The progress sender was dropped with the options: the writer ends.
        let _ = writer.await;
        let solution = solved.context("the solver rejected the problem")?;
        let cancelled = cancel.load(Ordering::SeqCst);

        let explanation = match &solution.status {
            Status::Infeasible { explanation } => serde_json::to_value(explanation)?,
            _ => match &solution.validation {
                Some(validation) => serde_json::to_value(&validation.explanation)?,
                None => Value::Null,
            },
        };
        let (bound, gap) = match &solution.status {
            Status::Feasible { bound, gap } => (*bound, *gap),
            Status::Optimal => (solution.objective().map(|o| o as f64), Some(0.0)),
            _ => (None, None),
        };
        let row = rota::ActiveModel {
            job_id: Set(Some(ctx.job_id)),
            unit_id: Set(payload.unit_id),
            horizon_start: Set(payload.horizon_start),
            days: Set(payload.days as i32),
            status: Set(solve_store::status(&solution.status, cancelled)),
            objective: Set(solution.objective().map(|o| o as f64)),
            bound: Set(bound),
            gap: Set(gap),
            seconds: Set(solution.seconds),
            published: Set(false),
            explanation: Set((!explanation.is_null()).then_some(explanation)),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        let mut assignments = Vec::new();
        if let Some(assignment) = &solution.assignment {
            for (e, row) in assignment.shifts.iter().enumerate() {
                for (d, shift) in row.iter().enumerate() {
                    let Some(s) = shift else { continue };
                    let pinned = loaded
                        .problem
                        .pins
                        .iter()
                        .any(|p| p.staff == e && p.day == d);
                    assignments.push(assignment::ActiveModel {
                        staff_id: Set(loaded.staff_ids[e]),
                        date: Set(loaded.dates[d]),
                        shift_type_id: Set(loaded.shifts[*s].id),
                        pinned: Set(pinned),
                        ..Default::default()
                    });
                }
            }
        }
        let saved = solve_store::save(&ctx.db, row, assignments).await?;
        ctx.progress(1.0, format!("rota {} stored", saved.id))
            .await?;
        Ok(summary(&saved))
    }
}

fn summary(r: &rota::Model) -> Value {
    json!({
        "rota_id": r.id,
        "unit_id": r.unit_id,
        "status": r.status,
        "objective": r.objective,
        "gap": r.gap,
        "seconds": r.seconds,
    })
}
