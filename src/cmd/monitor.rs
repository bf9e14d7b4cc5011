//! `rota monitor`: the drift check in this process; exit 3 when a model drifted.

use crate::cli::MonitorArgs;
use crate::settings::Settings;
use anyhow::Context;
use rota_worker::retrain::settings::NotifySettings;
use rota_worker::retrain::{drift, history};
use std::process::ExitCode;

const DRIFT_FOUND: u8 = 3;

pub async fn run(settings: &Settings, args: &MonitorArgs) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    let unit_id = match &args.unit {
        Some(name) => Some(history::unit_by_name(&db, name).await?.id),
        None => None,
    };
    let notify = without_email(&settings.notify, args.no_email);
    let checked = drift::run(&db, unit_id, None, Some(&notify)).await?;
    let markdown = checked.markdown();
    print!("{markdown}");
    if let Some(out) = &args.out {
        std::fs::write(out, &markdown)
            .with_context(|| format!("cannot write the report to {}", out.display()))?;
    }
    Ok(if checked.drifted > 0 {
        ExitCode::from(DRIFT_FOUND)
    } else {
        ExitCode::SUCCESS
    })
}

/// The notifications to send: all configured ones, less email with `--no-email`.
pub fn without_email(notify: &NotifySettings, no_email: bool) -> NotifySettings {
    let mut notify = notify.clone();
    if no_email {
        notify.smtp_url = None;
    }
    notify
}
