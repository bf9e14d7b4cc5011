//! rota: the binary`s commands.
