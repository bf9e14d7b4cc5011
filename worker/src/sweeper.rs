//! Pushes jobs whose push never happened. `enqueue` inserts the row and then pushes the id; a
//! process that dies between the two leaves a `queued` row that no transport carries. Every
//! worker sweeps its kinds now and then: a row still `queued` after `sweep_after` is pushed
//! again. A job that only waited that long in a backlog gets a second delivery, which is
//! harmless: the claim runs a job once, and a delivery of a job already taken is dropped.

use crate::queue::Jobs;
use crate::store;
use chrono::Utc;
use rota_entity::enums::JobKind;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Rows pushed per sweep at most; the next sweep takes the rest.
const BATCH: u64 = 500;

/// Sweeps every `sweep_after / 2` (at most every 30 s) until `stop`.
pub(crate) async fn run(
    jobs: Jobs,
    kinds: Vec<JobKind>,
    sweep_after: Duration,
    stop: CancellationToken,
) {
    if kinds.is_empty() {
        return;
    }
    let every = (sweep_after / 2).clamp(Duration::from_millis(100), Duration::from_secs(30));
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
        match sweep(&jobs, &kinds, sweep_after).await {
            Ok(0) => {}
            Ok(pushed) => tracing::warn!(pushed, "pushed queued jobs that no queue carried"),
            Err(err) => tracing::warn!(%err, "sweeping queued jobs failed; retrying"),
        }
    }
}

/// One sweep: returns how many jobs it pushed.
pub(crate) async fn sweep(
    jobs: &Jobs,
    kinds: &[JobKind],
    sweep_after: Duration,
) -> Result<usize, crate::JobsError> {
    let since = chrono::Duration::from_std(sweep_after).unwrap_or(chrono::Duration::MAX);
    let cutoff = Utc::now()
        .checked_sub_signed(since)
        .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC);
    let mut pushed = 0;
    for (id, kind) in store::stale_queued(&jobs.db, kinds, cutoff, BATCH).await? {
        if !store::take_stale_queued(&jobs.db, id, cutoff).await? {
            continue;
        }
        jobs.transport.push(kind, id).await?;
        pushed += 1;
    }
    Ok(pushed)
}
