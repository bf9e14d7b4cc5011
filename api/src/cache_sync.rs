//! Keeps the API's read cache fresh from job events: an event deletes exactly the keys it
//! makes stale, and a unit whose forecasts changed (forecast or retrain job) gets them loaded
//! again at once, so the first planner after a retrain does not pay for the miss.
//!
//! Events come from this process (in-process broadcast) and, with RabbitMQ configured, from
//! every worker through the `rota.events` exchange ([`rota_worker::cache::local_events`],
//! [`rota_worker::cache::amqp_events`]).

use crate::AppState;
use crate::read_cache::store;
use crate::routes::forecasts;
use futures::Stream;
use rota_entity::enums::JobKind;
use rota_worker::JobEvent;
use rota_worker::cache::{affected_units, for_each_event, keys};
use tokio_util::sync::CancellationToken;

/// Applies `events` to the cache until they end or `shutdown`.
pub async fn follow(
    state: AppState,
    events: impl Stream<Item = JobEvent>,
    shutdown: CancellationToken,
) {
    let state = &state;
    for_each_event(events, shutdown, |event| async move {
        state.cache.invalidate(&event).await;
        if matches!(event.kind, JobKind::Forecast | JobKind::Retrain) {
            for unit in affected_units(&event) {
                warm_forecast(state, unit).await;
            }
        }
    })
    .await;
}

#[tracing::instrument(skip(state))]
async fn warm_forecast(state: &AppState, unit: i32) {
    let warmed = match forecasts::load(&state.db, unit, None, None).await {
        Ok(out) => store(state, &keys::forecasts(unit), &out).await,
        Err(err) => Err(err),
    };
    match warmed {
        Ok(_) => tracing::debug!("forecast cache warmed"),
        Err(err) => tracing::warn!(?err, "cannot warm the forecast cache"),
    }
}
