//! rota's HTTP API. Handlers parse, authorise, call one function and map the result; they never
//! solve or fit inline.

pub mod auth;
pub mod cache_sync;
mod dashboard;
pub mod domain;
pub mod error;
pub mod extract;
mod health;
pub mod metrics;
mod openapi;
pub mod pagination;
mod read_cache;
mod readiness;
mod routes;
mod settings;
mod state;

pub use settings::ServerSettings;
pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use error::{ApiError, Code};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

/// Largest request body accepted: room for a few years of demand history in one import.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Errors that stop the HTTP server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("HTTP server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The whole HTTP application, without a socket (tests call it directly).
pub fn app(state: AppState) -> Router {
    let (api, spec) = utoipa_axum::router::OpenApiRouter::with_openapi(openapi::base())
        .merge(routes::router())
        .split_for_parts();
    let spec = std::sync::Arc::new(spec);
    Router::new()
        .nest("/api/v1", api.merge(openapi::routes(spec)))
        .merge(health::routes())
        .merge(dashboard::routes())
        .fallback(|| async { ApiError::new(Code::NotFound, "no such route") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Binds the configured address.
pub async fn bind(settings: &ServerSettings) -> Result<TcpListener, ServeError> {
    let addr = format!("{}:{}", settings.host, settings.port);
    TcpListener::bind(&addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}

/// Serves only `/metrics` on `listener` until `shutdown`: the exporter of a process without
/// the API (`rota worker --metrics-port`).
pub async fn serve_metrics(
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "metrics exporter listening");
    axum::serve(listener, metrics::exporter())
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await?;
    Ok(())
}

/// Serves `app` on `listener` until `shutdown` is cancelled, then drains open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "HTTP server listening");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await?;
    tracing::info!("HTTP server stopped");
    Ok(())
}
