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

#[cfg(test)]
mod tests {
    use super::*;

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
