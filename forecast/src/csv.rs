//! `ds,y` text in, `ds,yhat,yhat_lower,yhat_upper` text out (the CLI's file formats).
//!
//! Written by hand: two columns do not justify a CSV crate, and errors name the line.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::{ForecastError, ForecastRow, Series, UnitName};

/// Parse `ds,y` CSV text (header required; `ds` as `YYYY-MM-DD`, optionally followed by a
/// midnight time) into a checked series. An empty `y` means the day is missing; blank lines
/// are skipped. Errors carry 1-based line numbers.
pub fn parse_series_csv(unit: UnitName, text: &str) -> Result<Series, ForecastError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty());
    let Some((header_line, header)) = lines.next() else {
        return Err(csv_error(1, "empty input, expected a `ds,y` header"));
    };
    let columns: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    if columns != ["ds", "y"] {
        return Err(csv_error(
            header_line,
            format!("expected header `ds,y`, found `{header}`"),
        ));
    }
    let mut points = Vec::new();
    for (line_no, line) in lines {
        let fields: Vec<&str> = line
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .collect();
        let [ds, y] = fields[..] else {
            return Err(csv_error(
                line_no,
                format!("expected 2 fields, found {}", fields.len()),
            ));
        };
        let date = parse_date(ds)
            .ok_or_else(|| csv_error(line_no, format!("`{ds}` is not a date (YYYY-MM-DD)")))?;
        if y.is_empty() {
            continue;
        }
        let value: f64 = y
            .parse()
            .map_err(|_| csv_error(line_no, format!("`{y}` is not a number")))?;
        points.push((date, value));
    }
    Series::new(unit, points)
}

/// Accept `YYYY-MM-DD` and `YYYY-MM-DD 00:00:00` (what pandas writes for daily data).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let (day, time) = match text.split_once([' ', 'T']) {
        Some((day, time)) => (day, Some(time)),
        None => (text, None),
    };
    if time.is_some_and(|t| {
        !t.trim_end_matches('Z')
            .trim_start_matches("00:00")
            .trim_start_matches(":00")
            .is_empty()
    }) {
        return None;
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

fn csv_error(line: usize, message: impl Into<String>) -> ForecastError {
    ForecastError::Csv {
        line,
        message: message.into(),
    }
}

/// Format forecast rows as CSV with the header `ds,yhat,yhat_lower,yhat_upper`.
/// Floats are written in the shortest form that reads back to the same value.
pub fn format_forecast_csv(rows: &[ForecastRow]) -> String {
    let mut out = String::from("ds,yhat,yhat_lower,yhat_upper\n");
    for row in rows {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{},{},{},{}",
            row.ds, row.yhat, row.yhat_lower, row.yhat_upper
        );
    }
    out
}
