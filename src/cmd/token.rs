//! `rota token create`: API bearer tokens.

use crate::cli::TokenAction;
use crate::settings::Settings;
use std::process::ExitCode;

pub async fn run(settings: &Settings, action: TokenAction) -> anyhow::Result<ExitCode> {
    let db = crate::db::connect(&settings.database).await?;
    crate::db::migrate_up(&db).await?;
    match action {
        TokenAction::Create { role, name } => {
            let token = rota_api::auth::create_token(&db, role.into(), name).await?;
            println!("Store this token now; it is not shown again.");
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
