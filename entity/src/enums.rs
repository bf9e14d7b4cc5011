//! Enumerated column values, stored as lowercase strings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What a queued job does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    #[sea_orm(string_value = "solve")]
    Solve,
    #[sea_orm(string_value = "forecast")]
    Forecast,
    #[sea_orm(string_value = "retrain")]
    Retrain,
    #[sea_orm(string_value = "monitor")]
    Monitor,
}

/// Where a job is in its life. `dead` is the dead letter: retries exhausted, error kept.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    #[sea_orm(string_value = "queued")]
    Queued,
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "succeeded")]
    Succeeded,
    #[sea_orm(string_value = "failed")]
    Failed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    #[sea_orm(string_value = "dead")]
    Dead,
}

impl JobStatus {
    /// The states a job can still leave: waiting, running, or failed and waiting for a retry.
    pub const UNFINISHED: [Self; 3] = [Self::Queued, Self::Failed, Self::Running];

    /// Whether no further state change can happen.
    pub fn is_terminal(self) -> bool {
        !Self::UNFINISHED.contains(&self)
    }
}

/// Lifecycle of a forecast model version.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "lowercase")]
pub enum ModelStatus {
    #[sea_orm(string_value = "candidate")]
    Candidate,
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "archived")]
    Archived,
    #[sea_orm(string_value = "rejected")]
    Rejected,
}

/// A staff member's wish to work (`on`) or not to work (`off`) a shift.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
#[serde(rename_all = "lowercase")]
pub enum RequestKind {
    #[sea_orm(string_value = "on")]
    On,
    #[sea_orm(string_value = "off")]
    Off,
}

/// Outcome of a solve as stored with the rota.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "lowercase")]
pub enum RotaStatus {
    #[sea_orm(string_value = "optimal")]
    Optimal,
    #[sea_orm(string_value = "feasible")]
    Feasible,
    #[sea_orm(string_value = "infeasible")]
    Infeasible,
    #[sea_orm(string_value = "timedout")]
    TimedOut,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// What a stored report is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    #[sea_orm(string_value = "retrain")]
    Retrain,
    #[sea_orm(string_value = "drift")]
    Drift,
}

/// What an API token may do; each role includes the ones before it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "lowercase")]
pub enum TokenRole {
    #[sea_orm(string_value = "viewer")]
    Viewer,
    #[sea_orm(string_value = "planner")]
    Planner,
    #[sea_orm(string_value = "admin")]
    Admin,
}
