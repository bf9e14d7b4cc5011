//! Synthetic daily demand with what real units show: a weekly shape, a yearly season, a trend,
//! public holidays and noise. Pure functions of (seed, unit profile, date).

use super::holidays::is_bank_holiday;
use super::noise;
use chrono::{Datelike, NaiveDate};

/// How one unit's demand behaves.
#[derive(Debug, Clone)]
pub struct UnitProfile {
    pub name: String,
    /// Staff needed on an average day, all shifts together. Sized so that a unit of 14 staff
    /// on the demo contracts (about 213 shifts in 28 days) covers an average day and falls
    /// short on peaks, as a real ward's establishment does.
    pub base: f64,
    /// Multipliers Monday..Sunday.
    pub weekly: [f64; 7],
    /// Relative amplitude of the yearly cycle.
    pub yearly_amplitude: f64,
    /// Day of year at which the yearly cycle peaks.
    pub yearly_peak_day: f64,
    /// Relative growth per year.
    pub trend_per_year: f64,
    /// Multiplier on bank holidays.
    pub holiday_factor: f64,
    /// Relative standard deviation of day-to-day noise.
    pub noise: f64,
    /// Share of the day's demand on each shift (Early, Late, Night).
    pub shift_shares: [f64; 3],
    /// Fewest staff any shift ever runs with (safe staffing floor).
    pub floor: i32,
}

/// The five demo units, then numbered variations of them.
pub fn profile(index: usize) -> UnitProfile {
    let templates = [
        UnitProfile {
            name: "Emergency".into(),
            base: 8.0,
            weekly: [1.12, 1.03, 0.99, 0.97, 1.00, 0.93, 0.96],
            yearly_amplitude: 0.10,
            yearly_peak_day: 15.0,
            trend_per_year: 0.04,
            holiday_factor: 1.15,
            noise: 0.06,
            shift_shares: [0.38, 0.37, 0.25],
            floor: 2,
        },
        UnitProfile {
            name: "ICU".into(),
            base: 7.0,
            weekly: [1.08, 1.07, 1.05, 1.04, 1.02, 0.88, 0.86],
            yearly_amplitude: 0.12,
            yearly_peak_day: 20.0,
            trend_per_year: 0.02,
            holiday_factor: 0.95,
            noise: 0.05,
            shift_shares: [0.34, 0.33, 0.33],
            floor: 2,
        },
        UnitProfile {
            name: "Maternity".into(),
            base: 6.5,
            weekly: [1.10, 1.10, 1.08, 1.08, 1.06, 0.80, 0.78],
            yearly_amplitude: 0.08,
            yearly_peak_day: 260.0,
            trend_per_year: -0.01,
            holiday_factor: 0.80,
            noise: 0.07,
            shift_shares: [0.36, 0.34, 0.30],
            floor: 1,
        },
        UnitProfile {
            name: "Surgery".into(),
            base: 7.0,
            weekly: [1.22, 1.22, 1.20, 1.20, 1.11, 0.55, 0.50],
            yearly_amplitude: 0.10,
            yearly_peak_day: 60.0,
            trend_per_year: 0.03,
            holiday_factor: 0.60,
            noise: 0.05,
            shift_shares: [0.45, 0.40, 0.15],
            floor: 1,
        },
        UnitProfile {
            name: "Outpatients".into(),
            base: 6.5,
            weekly: [1.32, 1.30, 1.28, 1.28, 1.12, 0.37, 0.33],
            yearly_amplitude: 0.06,
            yearly_peak_day: 300.0,
            trend_per_year: 0.05,
            holiday_factor: 0.30,
            noise: 0.06,
            shift_shares: [0.55, 0.45, 0.0],
            floor: 0,
        },
    ];
    let mut profile = templates[index % templates.len()].clone();
    if index >= templates.len() {
        profile.name = format!("{} {}", profile.name, index / templates.len() + 1);
        // Vary the copies so they are not the same series under another name.
        let jitter = noise::uniform(index as u64, &[1]);
        profile.base *= 0.7 + 0.6 * jitter;
        profile.yearly_peak_day = (profile.yearly_peak_day + 365.0 * jitter) % 365.0;
    }
    profile
}

/// Mean demand of the whole day, before noise.
pub fn expected_daily(profile: &UnitProfile, date: NaiveDate, origin: NaiveDate) -> f64 {
    let weekday = date.weekday().num_days_from_monday() as usize;
    let years = (date - origin).num_days() as f64 / 365.25;
    let day_of_year = f64::from(date.ordinal0());
    let season = 1.0
        + profile.yearly_amplitude
            * (std::f64::consts::TAU * (day_of_year - profile.yearly_peak_day) / 365.25).cos();
    let holiday = if is_bank_holiday(date) {
        profile.holiday_factor
    } else {
        1.0
    };
    profile.base
        * profile.weekly[weekday]
        * season
        * (1.0 + profile.trend_per_year * years)
        * holiday
}

/// Staff required on each shift (Early, Late, Night) of `date`.
pub fn required(
    seed: u64,
    unit_index: usize,
    profile: &UnitProfile,
    date: NaiveDate,
    origin: NaiveDate,
) -> [i32; 3] {
    let daily = expected_daily(profile, date, origin);
    let day_key = date.num_days_from_ce() as u64;
    let day_noise = 1.0 + profile.noise * noise::normal(seed, &[unit_index as u64, day_key]);
    let mut out = [0; 3];
    for (shift, share) in profile.shift_shares.iter().enumerate() {
        if *share == 0.0 {
            continue;
        }
        let shift_noise =
            0.5 * noise::normal(seed, &[unit_index as u64, day_key, shift as u64 + 1]);
        let value = daily * share * day_noise.max(0.2) + shift_noise;
        out[shift] = (value.round() as i32).max(profile.floor);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn demand_is_a_pure_function_of_seed_and_date() {
        let p = profile(0);
        let origin = d(2024, 1, 1);
        assert_eq!(
            required(42, 0, &p, d(2025, 3, 3), origin),
            required(42, 0, &p, d(2025, 3, 3), origin)
        );
    }

    #[test]
    fn demand_is_never_negative() {
        for unit in 0..10 {
            let p = profile(unit);
            let origin = d(2024, 1, 1);
            for offset in 0..800 {
                let date = origin + chrono::Duration::days(offset);
                assert!(required(1, unit, &p, date, origin).iter().all(|r| *r >= 0));
            }
        }
    }

    #[test]
    fn copies_beyond_five_get_their_own_names() {
        assert_eq!(profile(5).name, "Emergency 2");
        assert_ne!(profile(5).base, profile(0).base);
    }
}
