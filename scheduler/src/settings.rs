//! When the scheduler triggers its jobs.

use serde::{Deserialize, Serialize};

/// Cron expressions (five fields: minute hour day-of-month month day-of-week), in UTC.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulerSettings {
    /// Weekly retrain of every unit's model: Sunday 02:00 UTC.
    pub retrain_cron: String,
    /// Daily drift check: 06:00 UTC.
    pub monitor_cron: String,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            retrain_cron: "0 2 * * 0".into(),
            monitor_cron: "0 6 * * *".into(),
        }
    }
}

/// A cron expression that cannot be scheduled.
#[derive(Debug, thiserror::Error)]
#[error("{key} = '{value}' is not a five-field cron expression (minute hour day month weekday)")]
pub struct CronError {
    pub key: &'static str,
    pub value: String,
}

impl SchedulerSettings {
    /// Rejects expressions that do not have five fields.
    pub fn check(&self) -> Result<(), CronError> {
        for (key, value) in [
            ("scheduler.retrain_cron", &self.retrain_cron),
            ("scheduler.monitor_cron", &self.monitor_cron),
        ] {
            if value.split_whitespace().count() != 5 {
                return Err(CronError {
                    key,
                    value: value.clone(),
                });
            }
        }
        Ok(())
    }
}
