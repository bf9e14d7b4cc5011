//! `rota serve`: the HTTP API and dashboard.

use crate::settings::Settings;
use std::process::ExitCode;

pub async fn run(settings: Settings) -> anyhow::Result<ExitCode> {
    if settings.redis.url.is_none() && settings.amqp.url.is_none() {
        // The in-process queue lives in this process, and `serve` runs no worker.
        tracing::warn!(
            "neither redis.url nor amqp.url is set: jobs this API accepts wait until a worker \
             in this process takes them, and `rota serve` runs none; use `rota all`, or set \
             REDIS_URL / AMQP_URL and run `rota worker`"
        );
    }
    let db = crate::db::connect(&settings.database).await?;
    let jobs =
        crate::jobs::connect(&settings, db.clone(), &rota_worker::WorkerId::generate()).await?;
    let listener = rota_api::bind(&settings.server).await?;
    let shutdown = crate::shutdown::on_signal();
    let state = crate::api_state::build(&settings, db, jobs, &shutdown).await?;
    rota_api::serve(listener, state, shutdown).await?;
    Ok(ExitCode::SUCCESS)
}
