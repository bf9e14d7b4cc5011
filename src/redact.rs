//! Keeping secrets out of logs and messages.

/// The URL with any password replaced by `***`; unparseable input is hidden entirely, as it
/// may hold a secret we cannot locate.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                // Setting a password only fails for URLs that cannot have one.
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "<unparseable URL>".into(),
    }
}

/// A webhook URL down to its scheme and host: its path and query often are the secret.
pub fn redact_webhook(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(url) => format!(
            "{}://{}/***",
            url.scheme(),
            url.host_str().unwrap_or_default()
        ),
        Err(_) => "<unparseable URL>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_keeps_only_its_scheme_and_host() {
        assert_eq!(
            redact_webhook("https://hooks.example.com/services/T0/B0/s3cret?x=1"),
            "https://hooks.example.com/***"
        );
    }

    #[test]
    fn password_is_replaced() {
        assert_eq!(
            redact_url("postgres://rota:s3cret@db:5432/rota"),
            "postgres://rota:***@db:5432/rota"
        );
    }

    #[test]
    fn url_without_password_is_kept() {
        assert_eq!(
            redact_url("sqlite://rota.db?mode=rwc"),
            "sqlite://rota.db?mode=rwc"
        );
    }

    #[test]
    fn garbage_is_hidden() {
        assert_eq!(redact_url("not a url s3cret"), "<unparseable URL>");
    }
}
