//! rota worker.
