//! The job kinds and their typed payloads. A payload knows its kind, so `enqueue` needs
//! nothing else to route it.

use rota_entity::enums::JobKind;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// A job's input, stored as JSON in `jobs.payload`.
pub trait JobPayload: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The queue this payload's jobs run on.
    const KIND: JobKind;

    /// The unit the job is about, stored in `jobs.unit_id` and carried by its events.
    fn unit_id(&self) -> Option<i32> {
        None
    }
}

/// Where a solve takes the staff required per day and shift from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum CoverSource {
    /// The active model's forecast at this quantile (0.5 = median, 0.9 = cautious).
    Forecast { quantile: f64 },
    /// The same weekday's history.
    History,
    /// The planner's `cover_overrides` only.
    Explicit,
}

/// An assignment the solver must keep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pin {
    pub staff_id: i32,
    pub date: chrono::NaiveDate,
    /// `None` pins a day off.
    pub shift_code: Option<String>,
}

/// Solve one unit's rota over a horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolvePayload {
    pub unit_id: i32,
    pub horizon_start: chrono::NaiveDate,
    pub days: u32,
    pub time_limit_secs: u32,
    pub cover: CoverSource,
    #[serde(default)]
    pub pins: Vec<Pin>,
}

impl JobPayload for SolvePayload {
    const KIND: JobKind = JobKind::Solve;
    fn unit_id(&self) -> Option<i32> {
        Some(self.unit_id)
    }
}

/// Forecast one unit's demand with its active model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastPayload {
    pub unit_id: i32,
    pub horizon_days: u32,
}

impl JobPayload for ForecastPayload {
    const KIND: JobKind = JobKind::Forecast;
    fn unit_id(&self) -> Option<i32> {
        Some(self.unit_id)
    }
}

/// Retrain one unit's model, or every unit's (`unit_id: None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrainPayload {
    pub unit_id: Option<i32>,
}

impl JobPayload for RetrainPayload {
    const KIND: JobKind = JobKind::Retrain;
    fn unit_id(&self) -> Option<i32> {
        self.unit_id
    }
}

/// Check the active models for drift, one unit or all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorPayload {
    pub unit_id: Option<i32>,
}

impl JobPayload for MonitorPayload {
    const KIND: JobKind = JobKind::Monitor;
    fn unit_id(&self) -> Option<i32> {
        self.unit_id
    }
}

/// The queue name of a kind, as used in settings, Redis keys and routing keys.
pub fn queue_name(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Solve => "solve",
        JobKind::Forecast => "forecast",
        JobKind::Retrain => "retrain",
        JobKind::Monitor => "monitor",
    }
}

/// The kind a queue name stands for.
pub fn kind_of_queue(name: &str) -> Option<JobKind> {
    [
        JobKind::Solve,
        JobKind::Forecast,
        JobKind::Retrain,
        JobKind::Monitor,
    ]
    .into_iter()
    .find(|kind| queue_name(*kind) == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_payload_round_trips_with_its_cover_source() {
        let payload = SolvePayload {
            unit_id: 3,
            horizon_start: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default(),
            days: 28,
            time_limit_secs: 60,
            cover: CoverSource::Forecast { quantile: 0.9 },
            pins: vec![],
        };
        let json = serde_json::to_value(&payload).unwrap_or_default();
        assert_eq!(json["cover"]["source"], "forecast");
        let back: SolvePayload = serde_json::from_value(json).unwrap_or_else(|_| payload.clone());
        assert_eq!(back, payload);
    }

    #[test]
    fn every_queue_name_maps_back_to_its_kind() {
        for name in crate::QUEUES {
            let kind = kind_of_queue(name);
            assert_eq!(kind.map(queue_name), Some(name));
        }
    }
}
