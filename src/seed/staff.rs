//! Demo staff: names, skills and contracts that differ the way a real unit's do.

use super::noise;
use serde_json::{Value, json};

const FIRST: [&str; 25] = [
    "Amira", "Ben", "Chloe", "Dev", "Eilidh", "Femi", "Grace", "Hamza", "Isla", "Jonah", "Kiran",
    "Leah", "Marek", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sami", "Tomas", "Uma", "Vik",
    "Wren", "Yusuf", "Zara",
];
const LAST: [&str; 20] = [
    "Adeyemi",
    "Brennan",
    "Chowdhury",
    "Davies",
    "Evans",
    "Fraser",
    "Gallagher",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Novak",
    "O'Brien",
    "Patel",
    "Reid",
    "Singh",
    "Thompson",
    "Walsh",
];

/// One demo member of staff. Minutes are per 28-day planning horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffSpec {
    pub name: String,
    pub skills: Value,
    pub max_shifts_per_type: Value,
    pub min_total_minutes: i32,
    pub max_total_minutes: i32,
    pub min_consecutive_days: i32,
    pub max_consecutive_days: i32,
    pub min_consecutive_days_off: i32,
    pub max_weekends: i32,
}

/// The `index`-th member of staff of unit `unit`, whose speciality skill is `unit_skill`.
pub fn staff(unit: usize, index: usize, unit_skill: &str) -> StaffSpec {
    let name = format!(
        "{} {}",
        FIRST[index % FIRST.len()],
        // For a fixed first name, `index / FIRST.len()` walks every surname once, so names
        // stay unique up to FIRST.len() * LAST.len() staff per unit.
        LAST[(index / FIRST.len() + unit * 7 + (index % FIRST.len()) * 3) % LAST.len()]
    );
    let mut skills = Vec::new();
    if index.is_multiple_of(4) {
        skills.push("senior");
    }
    if index % 3 != 2 {
        skills.push(unit_skill);
    }
    // Contract patterns: full time, part time, nights-leaning, days only.
    let (min_total, max_total, max_per_type, max_consecutive, max_weekends) = match index % 7 {
        0..=2 => (7_680, 9_600, json!({}), 5, 2),
        3 | 4 => (4_320, 5_760, json!({}), 4, 2),
        5 => (7_200, 9_600, json!({"E": 0, "L": 4}), 4, 3),
        _ => (5_760, 7_680, json!({"N": 0}), 5, 2),
    };
    StaffSpec {
        name,
        skills: json!(skills),
        max_shifts_per_type: max_per_type,
        min_total_minutes: min_total,
        max_total_minutes: max_total,
        min_consecutive_days: if index % 7 == 5 { 2 } else { 1 },
        max_consecutive_days: max_consecutive,
        min_consecutive_days_off: 2,
        max_weekends,
    }
}

/// A block of leave: first day offset after the horizon start, and its length; or none.
pub fn leave(seed: u64, unit: usize, index: usize) -> Option<(i64, i64)> {
    let keys = [unit as u64, index as u64, 0x1EA5E];
    if noise::uniform(seed, &keys) >= 0.4 {
        return None;
    }
    let start = (noise::uniform(seed ^ 1, &keys) * 50.0) as i64;
    let length = 3 + (noise::uniform(seed ^ 2, &keys) * 5.0) as i64;
    Some((start, length))
}

/// A shift request: day offset after the horizon start, shift index (E, L, N), on?, weight.
pub fn request(seed: u64, unit: usize, index: usize, nth: usize) -> (i64, usize, bool, i32) {
    let keys = [unit as u64, index as u64, nth as u64, 0x5EC];
    let day = (noise::uniform(seed, &keys) * 56.0) as i64;
    let shift = (noise::uniform(seed ^ 1, &keys) * 3.0) as usize;
    let on = noise::uniform(seed ^ 2, &keys) < 0.3;
    let weight = 1 + (noise::uniform(seed ^ 3, &keys) * 3.0) as i32;
    (day, shift.min(2), on, weight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_within_a_unit() {
        let names: HashSet<String> = (0..500).map(|i| staff(2, i, "midwife").name).collect();
        assert_eq!(names.len(), 500);
    }

    #[test]
    fn contracts_differ() {
        let maxima: HashSet<i32> = (0..14)
            .map(|i| staff(0, i, "triage").max_total_minutes)
            .collect();
        assert!(maxima.len() >= 3);
    }
}
