//! Our transports as an apalis [`Backend`]: one per queue (kind) of a worker, yielding the
//! job ids its transport delivers as apalis tasks.
//!
//! The fetch runs only when apalis polls for a task, which it does once the service — our
//! concurrency limit — has a free slot, so a worker never holds more deliveries than it can
//! run. A failed fetch is retried after a pause; a consumer whose connection was lost
//! (RabbitMQ) is opened again on a fresh connection, while the broker redelivers what the old
//! one held. On close, a fetch still in flight is finished and whatever it took is handed
//! back to the queue.

use crate::transport::{Fetcher, Transport, TransportError};
use apalis_core::backend::finalize::Ephemeral;
use apalis_core::backend::{Backend, BackendConfig};
use apalis_core::task::Task;
use apalis_core::worker::context::WorkerContext;
use futures::FutureExt;
use futures::future::BoxFuture;
use rota_entity::enums::JobKind;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tower::layer::util::Identity;
use uuid::Uuid;

/// Pause after a failed fetch before the next one.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

type Fetched = (Fetcher, Result<Option<Uuid>, TransportError>);

enum State {
    Idle(Fetcher),
    Connecting(BoxFuture<'static, Result<Fetcher, TransportError>>),
    Fetching(BoxFuture<'static, Fetched>),
    Paused(Option<Fetcher>, Pin<Box<tokio::time::Sleep>>),
    Releasing(BoxFuture<'static, Result<(), TransportError>>),
    Closed,
}

/// One queue of one worker as an apalis backend.
pub(crate) struct QueueBackend {
    kind: JobKind,
    transport: Transport,
    prefetch: u16,
    /// Ends fetches: cancelled when the worker stops and when this backend closes.
    stop: CancellationToken,
    state: State,
}

impl QueueBackend {
    /// A backend on `fetcher`, or, without one (a restarted apalis worker), on a new one.
    pub(crate) fn new(
        kind: JobKind,
        transport: Transport,
        prefetch: u16,
        fetcher: Option<Fetcher>,
        stop_worker: &CancellationToken,
    ) -> Self {
        let state = match fetcher {
            Some(fetcher) => State::Idle(fetcher),
            None => State::Connecting(connect(transport.clone(), kind, prefetch)),
        };
        Self {
            kind,
            transport,
            prefetch,
            stop: stop_worker.child_token(),
            state,
        }
    }

    fn pause(&mut self, fetcher: Option<Fetcher>) {
        self.state = State::Paused(fetcher, Box::pin(tokio::time::sleep(RETRY_PAUSE)));
    }
}

fn connect(
    transport: Transport,
    kind: JobKind,
    prefetch: u16,
) -> BoxFuture<'static, Result<Fetcher, TransportError>> {
    async move { transport.fetcher(kind, prefetch).await }.boxed()
}

fn fetch(mut fetcher: Fetcher, stop: CancellationToken) -> BoxFuture<'static, Fetched> {
    async move {
        let next = fetcher.next(&stop).await;
        (fetcher, next)
    }
    .boxed()
}

impl Backend for QueueBackend {
    type Task = Task<Uuid>;
    type Error = TransportError;

    fn poll_ready(
        &mut self,
        _: &mut Context<'_>,
        _: &WorkerContext,
    ) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
        _: &WorkerContext,
    ) -> Poll<Option<Result<Self::Task, Self::Error>>> {
        let queue = crate::payloads::queue_name(self.kind);
        loop {
            match std::mem::replace(&mut self.state, State::Closed) {
                State::Idle(fetcher) => {
                    self.state = State::Fetching(fetch(fetcher, self.stop.clone()));
                }
                State::Connecting(mut connecting) => match connecting.poll_unpin(cx) {
                    Poll::Pending => {
                        self.state = State::Connecting(connecting);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(fetcher)) => self.state = State::Idle(fetcher),
                    Poll::Ready(Err(err)) => {
                        tracing::warn!(%err, queue, "cannot open a consumer; retrying");
                        self.pause(None);
                    }
                },
                State::Fetching(mut fetching) => match fetching.poll_unpin(cx) {
                    Poll::Pending => {
                        self.state = State::Fetching(fetching);
                        return Poll::Pending;
                    }
                    Poll::Ready((fetcher, Ok(Some(id)))) => {
                        self.state = State::Idle(fetcher);
                        return Poll::Ready(Some(Ok(Task::new(id))));
                    }
                    // Only once the worker stops.
                    Poll::Ready((_, Ok(None))) => return Poll::Ready(None),
                    Poll::Ready((_, Err(err @ TransportError::ConsumerGone))) => {
                        tracing::warn!(%err, queue, "opening the consumer again");
                        self.pause(None);
                    }
                    Poll::Ready((fetcher, Err(err))) => {
                        tracing::warn!(%err, queue, "fetching a job failed; retrying");
                        self.pause(Some(fetcher));
                    }
                },
                State::Paused(fetcher, mut sleep) => {
                    if self.stop.is_cancelled() {
                        return Poll::Ready(None);
                    }
                    if sleep.as_mut().poll(cx).is_pending() {
                        self.state = State::Paused(fetcher, sleep);
                        return Poll::Pending;
                    }
                    self.state = match fetcher {
                        Some(fetcher) => State::Idle(fetcher),
                        None => State::Connecting(connect(
                            self.transport.clone(),
                            self.kind,
                            self.prefetch,
                        )),
                    };
                }
                State::Releasing(_) | State::Closed => return Poll::Ready(None),
            }
        }
    }

    fn poll_close(
        &mut self,
        cx: &mut Context<'_>,
        _: &WorkerContext,
    ) -> Poll<Result<(), Self::Error>> {
        self.stop.cancel();
        loop {
            match std::mem::replace(&mut self.state, State::Closed) {
                State::Fetching(mut fetching) => match fetching.poll_unpin(cx) {
                    Poll::Pending => {
                        self.state = State::Fetching(fetching);
                        return Poll::Pending;
                    }
                    // A job taken while the worker was stopping: not claimed, so give it back.
                    Poll::Ready((_, Ok(Some(id)))) => {
                        let (transport, kind) = (self.transport.clone(), self.kind);
                        self.state = State::Releasing(
                            async move { transport.release(kind, id).await }.boxed(),
                        );
                    }
                    Poll::Ready(_) => {}
                },
                State::Releasing(mut releasing) => match releasing.poll_unpin(cx) {
                    Poll::Pending => {
                        self.state = State::Releasing(releasing);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(err)) => tracing::warn!(
                        %err,
                        "could not hand a fetched job back; the queue's recovery will"
                    ),
                    Poll::Ready(Ok(())) => {}
                },
                State::Idle(_) | State::Connecting(_) | State::Paused(..) | State::Closed => {
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}

impl BackendConfig for QueueBackend {
    type Args = Uuid;
    type Id = Uuid;
    type Kind = Ephemeral;
    type Config = ();
    type Layer = Identity;

    fn config(&self) -> &Self::Config {
        &()
    }

    fn middleware(&mut self, _: &mut WorkerContext) -> Self::Layer {
        Identity::new()
    }
}
