//! Public holidays of England and Wales, which move hospital demand.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday of `year` (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

fn first_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, 1)
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let mut day = next_month - Duration::days(1);
    while day.weekday() != weekday {
        day -= Duration::days(1);
    }
    Some(day)
}

/// The bank holidays of `year`.
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let easter = easter(year);
    [
        NaiveDate::from_ymd_opt(year, 1, 1),
        easter.map(|e| e - Duration::days(2)),
        easter.map(|e| e + Duration::days(1)),
        first_weekday(year, 5, Weekday::Mon),
        last_weekday(year, 5, Weekday::Mon),
        last_weekday(year, 8, Weekday::Mon),
        NaiveDate::from_ymd_opt(year, 12, 25),
        NaiveDate::from_ymd_opt(year, 12, 26),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Whether `date` is a bank holiday.
pub fn is_bank_holiday(date: NaiveDate) -> bool {
    bank_holidays(date.year()).contains(&date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn easter_dates_match_the_calendar() {
        assert_eq!(easter(2024), Some(d(2024, 3, 31)));
        assert_eq!(easter(2025), Some(d(2025, 4, 20)));
        assert_eq!(easter(2026), Some(d(2026, 4, 5)));
    }

    #[test]
    fn may_and_august_holidays_are_mondays() {
        let days = bank_holidays(2026);
        assert!(days.contains(&d(2026, 5, 4)));
        assert!(days.contains(&d(2026, 5, 25)));
        assert!(days.contains(&d(2026, 8, 31)));
        assert_eq!(days.len(), 8);
    }
}
