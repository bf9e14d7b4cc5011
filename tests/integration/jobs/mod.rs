//! The job system against real servers: the in-process transport on SQLite, the Redis
//! transport on PostgreSQL, and worker processes that are started, stopped and killed.

mod bench;
mod cache;
mod child;
mod crash;
mod enqueue;
mod events;
mod harness;
mod lifecycle;
mod metrics;
mod reconnect;
mod retrain_body;
mod scheduler;
mod shutdown;
mod soak;
mod solve_body;
mod sweep;
