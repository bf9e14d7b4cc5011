//! rota migration.
