//! rota's job worker and job system: the one `enqueue` ([`Jobs::enqueue`]), the `jobs` table
//! as the source of truth for status, transports (in-process, Redis), retries with backoff,
//! dead-lettering, timeouts, cancellation, progress, events and graceful shutdown.
//!
//! A job body is one module implementing [`JobBody`] for a payload type; a process registers
//! its bodies in a [`Registry`] and runs a [`Worker`], whose runtime is apalis 1.0.

mod bodies;
pub mod cache;
mod delivery;
mod events;
mod handler;
mod identity;
mod layers;
pub mod metrics;
mod payloads;
mod policy;
mod queue;
mod queue_backend;
pub mod retrain;
mod runner;
mod settings;
mod store;
mod sweeper;
pub mod transport;

pub use bodies::{ForecastBody, MonitorBody, RetrainBody, SolveBody};
pub use events::{Events, JobEvent};
pub use handler::{JobBody, JobContext, Registry};
pub use identity::WorkerId;
pub use payloads::{
    CoverSource, ForecastPayload, JobPayload, MonitorPayload, Pin, RetrainPayload, SolvePayload,
    kind_of_queue, queue_name,
};
pub use policy::{JobPolicy, Policies};
pub use queue::{Enqueued, Jobs, JobsError};
pub use runner::Worker;
pub use settings::{QUEUES, SettingsError, WorkerSettings};
pub use transport::{Transport, TransportError};
