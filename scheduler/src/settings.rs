//! When the scheduler triggers its jobs.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

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
#[error(
    "{key} = '{value}' is not a five-field cron expression (minute hour day month weekday){reason}"
)]
pub struct CronError {
    pub key: &'static str,
    pub value: String,
    reason: String,
}

impl SchedulerSettings {
    /// Rejects expressions that do not parse as five-field cron.
    pub fn check(&self) -> Result<(), CronError> {
        self.retrain()?;
        self.monitor()?;
        Ok(())
    }

    pub fn retrain(&self) -> Result<cron::Schedule, CronError> {
        parse("scheduler.retrain_cron", &self.retrain_cron)
    }

    pub fn monitor(&self) -> Result<cron::Schedule, CronError> {
        parse("scheduler.monitor_cron", &self.monitor_cron)
    }
}

const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Parses classic five-field cron (weekday 0–7, 0 and 7 = Sunday) into the `cron` crate's
/// schedule, which has a seconds field first and numbers weekdays from 1 = Sunday: the weekday
/// numbers are written as names so that both readings agree.
fn parse(key: &'static str, value: &str) -> Result<cron::Schedule, CronError> {
    let error = |reason: String| CronError {
        key,
        value: value.to_string(),
        reason,
    };
    let fields: Vec<&str> = value.split_whitespace().collect();
    let [minute, hour, day, month, weekday] = fields[..] else {
        return Err(error(String::new()));
    };
    let weekday = weekday_names(weekday).ok_or_else(|| error(": bad weekday".into()))?;
    cron::Schedule::from_str(&format!("0 {minute} {hour} {day} {month} {weekday}"))
        .map_err(|err| error(format!(": {err}")))
}

fn weekday_names(field: &str) -> Option<String> {
    let parts = field.split(',').map(|part| {
        let (days, step) = match part.split_once('/') {
            Some((days, step)) => (days, Some(step)),
            None => (part, None),
        };
        let days = days
            .split('-')
            .map(|day| match day.parse::<usize>() {
                Ok(n) if n <= 7 => Some(WEEKDAYS[n % 7].to_string()),
                Ok(_) => None,
                Err(_) => Some(day.to_string()),
            })
            .collect::<Option<Vec<_>>>()?
            .join("-");
        Some(match step {
            Some(step) => format!("{days}/{step}"),
            None => days,
        })
    });
    Some(parts.collect::<Option<Vec<_>>>()?.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike, Utc, Weekday};

    fn next(expr: &str) -> chrono::DateTime<Utc> {
        let after = Utc
            .with_ymd_and_hms(2026, 11, 26, 12, 0, 0)
            .single()
            .unwrap_or_default();
        parse("test", expr)
            .ok()
            .and_then(|s| s.after(&after).next())
            .unwrap_or_default()
    }

    #[test]
    fn default_retrain_is_sunday_at_two() {
        let at = next(&SchedulerSettings::default().retrain_cron);
        assert_eq!((at.weekday(), at.hour(), at.minute()), (Weekday::Sun, 2, 0));
    }

    #[test]
    fn seven_is_sunday_too_and_ranges_read_classically() {
        assert_eq!(next("0 2 * * 7").weekday(), Weekday::Sun);
        assert_eq!(next("30 8 * * 1-5").weekday(), Weekday::Fri);
    }

    #[test]
    fn a_four_field_expression_is_rejected_with_its_key() {
        let settings = SchedulerSettings {
            monitor_cron: "0 6 * *".into(),
            ..SchedulerSettings::default()
        };
        let err = settings.check().map(|()| "accepted").unwrap_or_else(|e| {
            assert!(e.to_string().contains("scheduler.monitor_cron"));
            "rejected"
        });
        assert_eq!(err, "rejected");
    }
}
