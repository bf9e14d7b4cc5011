//! Values checked once at the edge, so code past it never re-checks (parse, don't validate).

use crate::error::ApiError;
use chrono::NaiveTime;

/// A unit's name: 1–100 characters after trimming.
pub fn name(field: &str, raw: &str, max: usize) -> Result<String, ApiError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(field, "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(trimmed.to_string())
}

/// An IANA time zone name such as `Europe/London`, or `UTC`.
pub fn timezone(raw: &str) -> Result<String, ApiError> {
    let ok = raw == "UTC"
        || (raw.len() <= 64
            && raw.contains('/')
            && raw.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
            }));
    if ok {
        Ok(raw.to_string())
    } else {
        Err(ApiError::invalid(
            "timezone",
            "must be an IANA time zone such as Europe/London",
        ))
    }
}

/// A shift code: 1–16 letters, digits, `_` or `-`.
pub fn shift_code(field: &str, raw: &str) -> Result<String, ApiError> {
    let ok = !raw.is_empty()
        && raw.len() <= 16
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if ok {
        Ok(raw.to_string())
    } else {
        Err(ApiError::invalid(
            field,
            "must be 1-16 letters, digits, '_' or '-'",
        ))
    }
}

/// `HH:MM` on a 24-hour clock.
pub fn clock(field: &str, raw: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(raw, "%H:%M")
        .map_err(|_| ApiError::invalid(field, "must be HH:MM on a 24-hour clock"))
}

/// An integer within `range`.
pub fn within(
    field: &str,
    value: i32,
    range: std::ops::RangeInclusive<i32>,
) -> Result<i32, ApiError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid(
            field,
            format!("must be between {} and {}", range.start(), range.end()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timezones() {
        assert!(timezone("Europe/London").is_ok());
        assert!(timezone("America/Argentina/Buenos_Aires").is_ok());
        assert!(timezone("UTC").is_ok());
        assert!(timezone("London").is_err());
        assert!(timezone("Europe/").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", "  ICU ", 100).ok(), Some("ICU".to_string()));
        assert!(name("name", "   ", 100).is_err());
        assert!(name("name", &"x".repeat(101), 100).is_err());
    }
}
