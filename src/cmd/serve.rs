//! `rota serve`: the HTTP API and dashboard.

use crate::settings::Settings;
use rota_api::AppState;
use std::process::ExitCode;

pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    let jobs =
        crate::jobs::connect(&settings, db.clone(), &rota_worker::WorkerId::generate()).await?;
    let listener = rota_api::bind(&settings.server).await?;
    let state = AppState::new(db).with_jobs(jobs);
    rota_api::serve(listener, state, crate::shutdown::on_signal()).await?;
    Ok(ExitCode::SUCCESS)
}
