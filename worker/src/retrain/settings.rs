//! Settings of the retraining pipeline and of its notifications, one struct per concern.

use serde::{Deserialize, Serialize};

/// How models are retrained, compared, kept and reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetrainSettings {
    /// Days of history each unit is trained on (the latest ones).
    pub days: u32,
    /// Units trained at once; `None` uses the number of cores.
    pub jobs: Option<usize>,
    /// A new model may be worse than the active one by at most this many percent (relative
    /// holdout MAPE) and still be promoted.
    pub tolerance_pct: f64,
    /// Restorable versions (active plus archived) kept per unit; older archived ones, and
    /// rejected ones beyond this many, are deleted.
    pub keep_versions: u32,
    /// Reports older than this many days are deleted.
    pub report_retention_days: u32,
    /// Days forecast and stored for every promoted model.
    pub horizon_days: u32,
}

impl Default for RetrainSettings {
    fn default() -> Self {
        Self {
            days: 365,
            jobs: None,
            tolerance_pct: 5.0,
            keep_versions: 3,
            report_retention_days: 90,
            horizon_days: 28,
        }
    }
}

impl RetrainSettings {
    /// Rejects values that parse but cannot work, naming the setting at fault.
    pub fn check(&self) -> Result<(), String> {
        if self.days < 30 {
            return Err("retrain.days must be at least 30".into());
        }
        if !(self.tolerance_pct.is_finite() && self.tolerance_pct >= 0.0) {
            return Err("retrain.tolerance_pct must be a number ≥ 0".into());
        }
        if self.keep_versions == 0 {
            return Err("retrain.keep_versions must be at least 1".into());
        }
        if self.jobs == Some(0) {
            return Err("retrain.jobs must be at least 1".into());
        }
        if self.horizon_days == 0 || self.horizon_days > 366 {
            return Err("retrain.horizon_days must be between 1 and 366".into());
        }
        Ok(())
    }
}

/// Where retrain and drift reports are sent. Both are optional; a failure is logged and
/// recorded in the report, never fails the run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// The report is POSTed as JSON to this URL.
    pub webhook_url: Option<String>,
    /// Seconds a webhook call or an SMTP session may take [default 10].
    pub timeout_secs: Option<u64>,
    /// The SMTP server: `smtp://user:password@host:port` (plain, or `?tls=required` for
    /// STARTTLS), `smtps://…` (TLS from the start). Unset: no email.
    pub smtp_url: Option<String>,
    /// Sender address of the email.
    pub email_from: Option<String>,
    /// Recipients of the email.
    pub email_to: Vec<String>,
}

impl NotifySettings {
    /// Rejects an email setup that cannot send, naming the setting at fault.
    pub fn check(&self) -> Result<(), String> {
        if self.smtp_url.is_some() {
            if self.email_from.is_none() {
                return Err("notify.email_from is required with notify.smtp_url".into());
            }
            if self.email_to.is_empty() {
                return Err(
                    "notify.email_to needs at least one address with notify.smtp_url".into(),
                );
            }
        }
        Ok(())
    }
}
