//! Read-through caching of whole JSON answers (a unit's forecasts, its latest rota). The
//! job events delete exactly the keys they make stale (see `rota_worker::cache`), so the TTL
//! is only a backstop for a missed event. A cache that is down degrades to database reads,
//! never to an error.

use crate::AppState;
use crate::error::ApiResult;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::time::Duration;

/// How long an entry may outlive a missed invalidation.
pub const TTL: Duration = Duration::from_secs(600);

const REQUESTS: &str = "rota_cache_requests_total";

/// The JSON text under `key`, or `load`'s answer serialised — and stored there when `keep`
/// says it is worth keeping.
pub async fn json_through<T, F, Fut>(
    state: &AppState,
    cache: &'static str,
    key: &str,
    load: F,
    keep: impl FnOnce(&T) -> bool,
) -> ApiResult<String>
where
    T: serde::Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<T>>,
{
    match state.cache.get(key).await {
        Ok(Some(text)) => {
            metrics::counter!(REQUESTS, "cache" => cache, "result" => "hit").increment(1);
            return Ok(text);
        }
        Ok(None) => {}
        Err(err) => tracing::warn!(%err, key, "cache read failed; reading the database"),
    }
    metrics::counter!(REQUESTS, "cache" => cache, "result" => "miss").increment(1);
    let value = load().await?;
    if keep(&value) {
        store(state, key, &value).await
    } else {
        serialise(&value)
    }
}

/// Serialises `value` and stores it under `key` (the read path's miss, and warming after an
/// event); a cache that fails to store it is logged, not an error.
pub async fn store<T: serde::Serialize>(
    state: &AppState,
    key: &str,
    value: &T,
) -> ApiResult<String> {
    let text = serialise(value)?;
    if let Err(err) = state.cache.set(key, &text, TTL).await {
        tracing::warn!(%err, key, "cache write failed");
    }
    Ok(text)
}

fn serialise<T: serde::Serialize>(value: &T) -> ApiResult<String> {
    serde_json::to_string(value).map_err(|e| {
        crate::error::ApiError::new(
            crate::error::Code::Internal,
            format!("cannot serialise the answer: {e}"),
        )
    })
}

/// A JSON body that is already serialised.
pub fn json_text(text: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}
