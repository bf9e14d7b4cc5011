//! rota entity.
