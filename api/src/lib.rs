//! rota's HTTP API. Handlers parse, authorise, call one function and map the result; they never
//! solve or fit inline.

mod health;
mod settings;
mod state;

pub use settings::ServerSettings;
pub use state::AppState;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

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
    Router::new()
        .merge(health::routes())
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
