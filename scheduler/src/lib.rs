//! rota scheduler.
