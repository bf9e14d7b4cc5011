//! The OpenAPI 3.1 document, generated from the handlers, and a docs page that renders it.

use crate::AppState;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "rota API", description = "Staff rotas for hospital units: data, forecasts, solves and jobs."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags(
        (name = "units", description = "Wards and teams"),
        (name = "shift types", description = "Shifts a unit runs"),
        (name = "staff", description = "Staff and their contracts"),
        (name = "calendar", description = "Days off and shift requests"),
        (name = "cover", description = "Planners' cover overrides"),
        (name = "demand", description = "Demand history"),
        (name = "models", description = "Forecast model versions and rollback"),
        (name = "jobs", description = "Queued work: status, progress, results"),
        (name = "forecasts", description = "Forecast demand from the active model"),
        (name = "rotas", description = "Solved rotas with explanations"),
        (name = "reports", description = "Retrain and drift reports"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn routes(spec: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    Router::new()
        .route(
            "/openapi.json",
            get(move |_: State<AppState>| {
                let spec = spec.clone();
                async move { Json(spec.as_ref().clone()) }
            }),
        )
        .route("/docs", get(|| async { Html(DOCS_PAGE) }))
}

/// A self-contained page (no CDN, no network) that lists every operation of the spec with
/// its parameters and lets the reader try it with a bearer token.
const DOCS_PAGE: &str = include_str!("docs.html");
