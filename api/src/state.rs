//! What every handler can reach.

use sea_orm::DatabaseConnection;
use std::time::Instant;

/// Shared application state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub started: Instant,
}

impl AppState {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            started: Instant::now(),
        }
    }
}
