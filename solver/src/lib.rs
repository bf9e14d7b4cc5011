//! The rota as an integer program. Filled by the solver work.
