//! What a job body is: one type per kind implementing [`JobBody`], registered in a
//! [`Registry`]. The body gets a [`JobContext`] to report progress and watch for cancellation.

use crate::payloads::{JobPayload, queue_name};
use crate::store;
use futures::FutureExt;
use futures::future::BoxFuture;
use rota_entity::enums::JobKind;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// The body of one kind of job: load, call the domain, store, return a result summary.
///
/// A try can run more than once (a worker that crashed mid-job is replaced), so effects must
/// be keyed by [`JobContext::job_id`] (e.g. `rotas.job_id` is unique) and written once.
pub trait JobBody: Send + Sync + 'static {
    type Payload: JobPayload;

    fn run(
        &self,
        ctx: JobContext,
        payload: Self::Payload,
    ) -> impl Future<Output = anyhow::Result<serde_json::Value>> + Send;
}

/// What a running body may use.
#[derive(Clone)]
pub struct JobContext {
    pub job_id: Uuid,
    /// 1 on the first try.
    pub attempt: u32,
    pub db: DatabaseConnection,
    worker: Arc<str>,
    cancel: CancellationToken,
}

impl JobContext {
    pub(crate) fn new(
        job_id: Uuid,
        attempt: u32,
        db: DatabaseConnection,
        worker: Arc<str>,
        cancel: CancellationToken,
    ) -> Self {
        Self {
            job_id,
            attempt,
            db,
            worker,
            cancel,
        }
    }

    /// Cancelled when the job is cancelled, times out or the worker shuts down: stop soon and
    /// return the best result so far.
    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The id of the worker running this try.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Writes progress (0–1, clamped) and a message to the job's row.
    pub async fn progress(&self, fraction: f64, message: impl Into<String>) -> anyhow::Result<()> {
        store::progress(
            &self.db,
            self.job_id,
            &self.worker,
            fraction,
            Some(message.into()),
        )
        .await?;
        Ok(())
    }
}

type ErasedBody =
    dyn Fn(JobContext, serde_json::Value) -> BoxFuture<'static, BodyOutcome> + Send + Sync;

/// A body's outcome, payload parsing included.
pub(crate) enum BodyOutcome {
    Done(serde_json::Value),
    Failed(anyhow::Error),
    /// The payload does not parse: no retry can help.
    BadPayload(String),
}

/// The bodies this process can run, by kind.
#[derive(Clone, Default)]
pub struct Registry {
    bodies: HashMap<JobKind, Arc<ErasedBody>>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `body` for its payload's kind, replacing any earlier one.
    pub fn register<B: JobBody>(mut self, body: B) -> Self {
        let body = Arc::new(body);
        let erased = move |ctx: JobContext, payload: serde_json::Value| {
            let body = Arc::clone(&body);
            let fut: BoxFuture<'static, BodyOutcome> = Box::pin(async move {
                match serde_json::from_value::<B::Payload>(payload) {
                    Ok(payload) => match body.run(ctx, payload).await {
                        Ok(value) => BodyOutcome::Done(value),
                        Err(err) => BodyOutcome::Failed(err),
                    },
                    Err(err) => BodyOutcome::BadPayload(format!(
                        "payload is not a valid {} payload: {err}",
                        queue_name(B::Payload::KIND)
                    )),
                }
            });
            fut
        };
        self.bodies.insert(B::Payload::KIND, Arc::new(erased));
        self
    }

    pub fn kinds(&self) -> Vec<JobKind> {
        self.bodies.keys().copied().collect()
    }

    /// `kind`'s body as a tower service, for the worker's middleware (its timeout) to wrap.
    pub(crate) fn service(&self, kind: JobKind) -> Option<BodyService> {
        self.bodies.get(&kind).cloned().map(BodyService)
    }
}

/// A registered body as a [`tower::Service`]: one call runs one try. It never fails as a
/// service; a failing body is a [`BodyOutcome::Failed`].
#[derive(Clone)]
pub(crate) struct BodyService(Arc<ErasedBody>);

impl tower::Service<(JobContext, serde_json::Value)> for BodyService {
    type Response = BodyOutcome;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<'static, Result<BodyOutcome, Self::Error>>;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, (ctx, payload): (JobContext, serde_json::Value)) -> Self::Future {
        let run = (self.0)(ctx, payload);
        // A panic is the body's failure like any error: caught here, the try is written as
        // failed and retried, instead of unwinding through the delivery and leaving the row
        // `running` under a worker that is still alive.
        Box::pin(async move {
            Ok(match AssertUnwindSafe(run).catch_unwind().await {
                Ok(outcome) => outcome,
                Err(panic) => BodyOutcome::Failed(anyhow::anyhow!(
                    "the job body panicked: {}",
                    panic_message(panic.as_ref())
                )),
            })
        })
    }
}

/// The text a panic was raised with (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-text panic payload")
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn a_panic_message_is_read_from_either_payload_type() {
        let text = std::panic::catch_unwind(|| panic!("static text")).expect_err("panics");
        let formatted = std::panic::catch_unwind(|| panic!("formatted {}", 7)).expect_err("panics");
        assert_eq!(
            (
                panic_message(text.as_ref()),
                panic_message(formatted.as_ref())
            ),
            ("static text", "formatted 7")
        );
    }
}
