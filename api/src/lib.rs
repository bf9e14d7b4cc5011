//! rota api.
