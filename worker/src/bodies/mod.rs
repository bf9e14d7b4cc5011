//! Job bodies: one module per job kind. Each loads what it needs, calls the domain crate,
//! stores the result keyed by the job id (a job may run more than once) and returns a summary.

mod forecast;
mod monitor;
mod retrain;
mod solve;
mod solve_cover;
mod solve_problem;
mod solve_store;

pub use forecast::ForecastBody;
pub use monitor::MonitorBody;
pub use retrain::RetrainBody;
pub use solve::SolveBody;
