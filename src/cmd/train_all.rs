//! `rota train-all`: the retraining pipeline in this process, against the configured
//! database, with its report printed.

use crate::cli::TrainAllArgs;
use crate::settings::Settings;
use rota_worker::retrain::{self, ProphetTrainer, RetrainRun, history};
use std::process::ExitCode;
use std::sync::Arc;

/// Exit status when a unit's model failed to train or validate.
const SOME_FAILED: u8 = 3;

pub async fn run(mut settings: Settings, args: &TrainAllArgs) -> anyhow::Result<ExitCode> {
    if let Some(days) = args.days {
        settings.retrain.days = days;
    }
    if let Some(jobs) = args.jobs {
        settings.retrain.jobs = Some(jobs as usize);
    }
    let db = crate::db::connect(&settings.database).await?;
    let unit_id = match &args.unit {
        Some(name) => Some(history::unit_by_name(&db, name).await?.id),
        None => None,
    };
    let run = RetrainRun {
        unit_id,
        settings: settings.retrain.clone(),
        notify: Some(super::monitor::without_email(
            &settings.notify,
            args.no_email,
        )),
        job_id: None,
        trainer: Arc::new(ProphetTrainer),
    };
    let report = retrain::run(&db, &run, Arc::new(|_, _, _| {})).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
        println!(
            "{} promoted, {} rejected, {} failed, {} skipped; wall {:.0} ms, fit {:.0} ms summed over units, {} workers",
            report.promoted,
            report.rejected,
            report.failed,
            report.skipped,
            report.wall_ms,
            report.fit_ms_total,
            report.workers
        );
        for n in &report.notifications {
            println!(
                "{}: {} ({})",
                n.channel,
                if n.ok { "sent" } else { "failed" },
                n.detail
            );
        }
    }
    let failed = report.failed_units();
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: the model of {} failed to train or validate; the active model stays",
            failed.join(", ")
        );
        Ok(ExitCode::from(SOME_FAILED))
    }
}
