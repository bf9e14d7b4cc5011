//! Sending a report: a JSON POST to a webhook and an email through SMTP, each when
//! configured. A failure is logged and returned as an outcome for the report; it never fails
//! the run.

use super::report::Notification;
use super::settings::NotifySettings;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A report as the notifications carry it.
pub struct Outgoing<'a> {
    pub subject: String,
    pub json: &'a serde_json::Value,
    pub markdown: &'a str,
}

/// Sends `report` through every configured channel.
pub async fn send(settings: &NotifySettings, report: &Outgoing<'_>) -> Vec<Notification> {
    let timeout = settings
        .timeout_secs
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    let mut outcomes = Vec::new();
    if let Some(url) = &settings.webhook_url {
        outcomes.push(outcome("webhook", post(url, report.json, timeout).await));
    }
    if let Some(url) = &settings.smtp_url {
        outcomes.push(outcome(
            "email",
            email(settings, url, report, timeout).await,
        ));
    }
    outcomes
}

fn outcome(channel: &str, result: Result<String, String>) -> Notification {
    if let Err(err) = &result {
        tracing::warn!(channel, error = %err, "notification failed");
    }
    let ok = result.is_ok();
    Notification {
        channel: channel.into(),
        ok,
        detail: result.unwrap_or_else(|err| err),
    }
}

async fn post(url: &str, body: &serde_json::Value, timeout: Duration) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let response = client
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| format!("POST failed: {}", without_url(&e)))?;
    let status = response.status();
    if status.is_success() {
        Ok(format!("HTTP {}", status.as_u16()))
    } else {
        Err(format!("the webhook answered HTTP {}", status.as_u16()))
    }
}

/// reqwest's errors quote the URL, which may carry a secret token.
fn without_url(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(url.as_str(), "<webhook>");
    }
    text
}

async fn email(
    settings: &NotifySettings,
    url: &str,
    report: &Outgoing<'_>,
    timeout: Duration,
) -> Result<String, String> {
    let from: Mailbox = settings
        .email_from
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e| format!("notify.email_from: {e}"))?;
    let mut message = Message::builder().from(from).subject(&report.subject);
    for to in &settings.email_to {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("notify.email_to '{to}': {e}"))?;
        message = message.to(to);
    }
    let message = message
        .header(ContentType::TEXT_PLAIN)
        .body(report.markdown.to_string())
        .map_err(|e| format!("cannot build the email: {e}"))?;
    // The URL may hold the SMTP password: errors never quote it.
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|_| "notify.smtp_url is not a valid smtp:// or smtps:// URL".to_string())?
        .timeout(Some(timeout))
        .build();
    let response = transport
        .send(message)
        .await
        .map_err(|e| format!("SMTP: {e}"))?;
    Ok(format!(
        "{} recipient(s), SMTP {}",
        settings.email_to.len(),
        response.code()
    ))
}
