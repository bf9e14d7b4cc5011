//! Shared test fixtures.

pub mod amqp;
pub mod chaos;
pub mod db;
pub mod http;
pub mod redis;
pub mod rota_bin;
pub mod served;
pub mod server;
pub mod webdriver;

pub use amqp::TestAmqp;
pub use db::{Backend, TestDb};
pub use redis::TestRedis;
