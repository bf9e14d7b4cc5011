//! Prometheus metrics: request latency by route and status, and whatever the rest of the
//! process records through the `metrics` facade (cache hits, jobs by kind and status).

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

const LATENCY: &str = "http_request_duration_seconds";
/// Job tries run from milliseconds (no-op) to hours (a retrain).
const JOB_BUCKETS: [f64; 14] = [
    0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, 7200.0,
];
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process-wide recorder once; later calls return the same handle.
pub fn install() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(LATENCY.into()), &BUCKETS)
                .ok()?
                .set_buckets_for_metric(
                    Matcher::Full(rota_worker::metrics::JOB_DURATION.into()),
                    &JOB_BUCKETS,
                )
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(err) => {
                    tracing::warn!(%err, "metrics recorder not installed");
                    None
                }
            }
        })
        .clone()
}

/// Records each request's latency, labelled by matched route, method and status.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(LATENCY, "route" => route, "method" => method, "status" => status)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The `rota_jobs` gauge — jobs by kind and status, counted in the jobs table (the source
/// of truth whichever process ran them) at scrape time — in the text exposition format.
/// Written per scrape rather than through the global recorder, so the figures are those of
/// this scrape's database. Pairs with no job read 0.
pub async fn job_counts(db: &sea_orm::DatabaseConnection) -> Result<String, sea_orm::DbErr> {
    use rota_entity::enums::{JobKind, JobStatus};
    use rota_entity::job;
    use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, Iterable, QuerySelect};
    use std::fmt::Write;
    let counts: Vec<(JobKind, JobStatus, i64)> = job::Entity::find()
        .select_only()
        .column(job::Column::Kind)
        .column(job::Column::Status)
        .column_as(job::Column::Id.count(), "n")
        .group_by(job::Column::Kind)
        .group_by(job::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut text =
        String::from("# HELP rota_jobs Jobs by kind and status.\n# TYPE rota_jobs gauge\n");
    for kind in JobKind::iter() {
        for status in JobStatus::iter() {
            let n = counts
                .iter()
                .find(|(k, s, _)| *k == kind && *s == status)
                .map_or(0, |(_, _, n)| *n);
            let _ = writeln!(
                text,
                "rota_jobs{{kind=\"{}\",status=\"{}\"}} {n}",
                kind.to_value(),
                status.to_value()
            );
        }
    }
    Ok(text)
}

/// A router with only `/metrics`, rendering the process-wide recorder.
pub fn exporter() -> axum::Router {
    axum::Router::new().route(
        "/metrics",
        axum::routing::get(|| async {
            let body = install().map_or_else(
                || "# metrics recorder unavailable in this process\n".to_string(),
                |handle| handle.render(),
            );
            (
                [(
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; version=0.0.4",
                )],
                body,
            )
        }),
    )
}
