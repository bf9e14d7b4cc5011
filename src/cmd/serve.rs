//! `rota serve`: the HTTP API and dashboard.

use crate::settings::Settings;
use rota_api::AppState;
use std::process::ExitCode;

pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    let listener = rota_api::bind(&settings.server).await?;
    rota_api::serve(listener, AppState::new(db), crate::shutdown::on_signal()).await?;
    Ok(ExitCode::SUCCESS)
}
