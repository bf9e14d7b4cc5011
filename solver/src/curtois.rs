//! Reader for the Curtois & Qu benchmark format (schedulingbenchmarks.org, 2014).
//!
//! Every error names the 1-based line and what was expected there; no input panics.

use std::collections::HashMap;

use crate::model::{Contract, Cover, Problem, Request, ShiftType, Staff};

/// Why a Curtois file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: expected {expected}, found {found:?}")]
pub struct ParseError {
    /// 1-based line number (0 when the problem is the file as a whole).
    pub line: usize,
    /// What the reader expected there.
    pub expected: String,
    /// The text found instead.
    pub found: String,
}

fn err<T>(
    line: usize,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        expected: expected.into(),
        found: found.into(),
    })
}

type Lines<'a> = Vec<(usize, &'a str)>;

const SECTIONS: [&str; 7] = [
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
];

/// Parses a Curtois & Qu instance into a [`Problem`].
pub fn parse(text: &str) -> Result<Problem, ParseError> {
    let mut sections: HashMap<&str, Lines<'_>> = HashMap::new();
    let mut current: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let no = i + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("SECTION_") {
            let Some(name) = SECTIONS.iter().find(|s| **s == line) else {
                return err(no, format!("one of {}", SECTIONS.join(", ")), line);
            };
            if sections.contains_key(name) {
                return err(no, "each section once", line);
            }
            sections.insert(name, Vec::new());
            current = Some(name);
            continue;
        }
        match current.and_then(|c| sections.get_mut(c)) {
            Some(lines) => lines.push((no, line)),
            None => return err(no, "a SECTION_ header", line),
        }
    }
    let take = |name: &str| sections.get(name).cloned().unwrap_or_default();

    let days = parse_horizon(&take("SECTION_HORIZON"))?;
    let (shifts, shift_ix) = parse_shifts(&take("SECTION_SHIFTS"))?;
    let (mut staff, staff_ix) = parse_staff(&take("SECTION_STAFF"), &shift_ix, days)?;
    for &(no, line) in &take("SECTION_DAYS_OFF") {
        let f = fields(line);
        let e = lookup(&staff_ix, f[0], no, "a staff ID")?;
        for x in &f[1..] {
            if x.is_empty() {
                continue;
            }
            staff[e].days_off.push(day(x, days, no)?);
        }
    }
    let on_requests = parse_requests(
        &take("SECTION_SHIFT_ON_REQUESTS"),
        &staff_ix,
        &shift_ix,
        days,
    )?;
    let off_requests = parse_requests(
        &take("SECTION_SHIFT_OFF_REQUESTS"),
        &staff_ix,
        &shift_ix,
        days,
    )?;
    let mut cover = Vec::new();
    for &(no, line) in &take("SECTION_COVER") {
        let f = arity(
            line,
            5,
            no,
            "Day, ShiftID, Requirement, WeightForUnder, WeightForOver",
        )?;
        cover.push(Cover {
            day: day(f[0], days, no)?,
            shift: lookup(&shift_ix, f[1], no, "a shift ID")?,
            requirement: num(f[2], no, "a requirement")?,
            under_weight: num(f[3], no, "an under weight")?,
            over_weight: num(f[4], no, "an over weight")?,
            skill: None,
        });
    }
    Ok(Problem {
        days,
        shifts,
        staff,
        on_requests,
        off_requests,
        cover,
        pins: Vec::new(),
    })
}

fn fields(line: &str) -> Vec<&str> {
    line.split(',').map(str::trim).collect()
}

fn arity<'a>(line: &'a str, n: usize, no: usize, what: &str) -> Result<Vec<&'a str>, ParseError> {
    let f = fields(line);
    if f.len() == n {
        Ok(f)
    } else {
        err(no, format!("{n} fields ({what})"), line)
    }
}

fn num<T: TryFrom<u64>>(s: &str, no: usize, what: &str) -> Result<T, ParseError> {
    // Instance15 writes one requirement as "-0": accept a signed zero, nothing below it.
    let digits = s
        .strip_prefix('-')
        .filter(|d| d.bytes().all(|b| b == b'0') && !d.is_empty());
    let value = match digits {
        Some(_) => Ok(0),
        None => s.parse::<u64>(),
    };
    value.ok().and_then(|v| T::try_from(v).ok()).map_or_else(
        || err(no, format!("{what} (a non-negative integer)"), s),
        Ok,
    )
}

fn day(s: &str, days: usize, no: usize) -> Result<usize, ParseError> {
    let d: usize = num(s, no, "a day index")?;
    if d < days {
        Ok(d)
    } else {
        err(no, format!("a day index below {days}"), s)
    }
}

fn lookup(
    ix: &HashMap<String, usize>,
    key: &str,
    no: usize,
    what: &str,
) -> Result<usize, ParseError> {
    ix.get(key).copied().ok_or_else(|| ParseError {
        line: no,
        expected: format!("{what} declared earlier"),
        found: key.into(),
    })
}

fn parse_horizon(lines: &Lines<'_>) -> Result<usize, ParseError> {
    let Some(&(no, line)) = lines.first() else {
        return err(0, "a SECTION_HORIZON with the number of days", "nothing");
    };
    if let Some(&(no2, extra)) = lines.get(1) {
        return err(no2, "a single horizon line", extra);
    }
    let days: usize = num(line, no, "the number of days")?;
    // A bound keeps a hostile file from asking for absurd allocations.
    if days == 0 || days > 10_000 {
        return err(no, "a horizon of 1 to 10000 days", line);
    }
    Ok(days)
}

fn parse_shifts(lines: &Lines<'_>) -> Result<(Vec<ShiftType>, HashMap<String, usize>), ParseError> {
    let mut ix = HashMap::new();
    for (i, &(no, line)) in lines.iter().enumerate() {
        let id = fields(line)[0];
        if id.is_empty() || ix.insert(id.to_string(), i).is_some() {
            return err(no, "a new, non-empty shift ID", id);
        }
    }
    if lines.is_empty() {
        return err(0, "a SECTION_SHIFTS with at least one shift", "nothing");
    }
    let mut shifts = Vec::new();
    for &(no, line) in lines {
        let f = arity(line, 3, no, "ShiftID, LengthInMinutes, ForbiddenNext")?;
        let mut forbidden_next = Vec::new();
        for t in f[2].split('|').map(str::trim).filter(|t| !t.is_empty()) {
            forbidden_next.push(lookup(&ix, t, no, "a shift ID")?);
        }
        shifts.push(ShiftType {
            code: f[0].to_string(),
            length_minutes: num(f[1], no, "a length in minutes")?,
            start_minute: None,
            forbidden_next,
        });
    }
    Ok((shifts, ix))
}

fn parse_staff(
    lines: &Lines<'_>,
    shift_ix: &HashMap<String, usize>,
    days: usize,
) -> Result<(Vec<Staff>, HashMap<String, usize>), ParseError> {
    let mut staff = Vec::new();
    let mut ix = HashMap::new();
    let what = "EmployeeID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, \
                MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends";
    for &(no, line) in lines {
        let f = arity(line, 8, no, what)?;
        if f[0].is_empty() || ix.insert(f[0].to_string(), staff.len()).is_some() {
            return err(no, "a new, non-empty staff ID", f[0]);
        }
        // A shift type missing from MaxShifts is unlimited.
        let mut max_shifts = vec![u32::try_from(days).unwrap_or(u32::MAX); shift_ix.len()];
        for pair in f[1].split('|').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((s, n)) = pair.split_once('=') else {
                return err(no, "ShiftID=limit", pair);
            };
            max_shifts[lookup(shift_ix, s.trim(), no, "a shift ID")?] =
                num(n.trim(), no, "a shift limit")?;
        }
        staff.push(Staff {
            code: f[0].to_string(),
            contract: Contract {
                max_shifts,
                max_total_minutes: num(f[2], no, "MaxTotalMinutes")?,
                min_total_minutes: num(f[3], no, "MinTotalMinutes")?,
                max_consecutive_shifts: num(f[4], no, "MaxConsecutiveShifts")?,
                min_consecutive_shifts: num(f[5], no, "MinConsecutiveShifts")?,
                min_consecutive_days_off: num(f[6], no, "MinConsecutiveDaysOff")?,
                max_weekends: num(f[7], no, "MaxWeekends")?,
                min_rest_minutes: None,
            },
            days_off: Vec::new(),
            skills: Vec::new(),
        });
    }
    if staff.is_empty() {
        return err(0, "a SECTION_STAFF with at least one employee", "nothing");
    }
    Ok((staff, ix))
}

fn parse_requests(
    lines: &Lines<'_>,
    staff_ix: &HashMap<String, usize>,
    shift_ix: &HashMap<String, usize>,
    days: usize,
) -> Result<Vec<Request>, ParseError> {
    let mut out = Vec::new();
    for &(no, line) in lines {
        let f = arity(line, 4, no, "EmployeeID, Day, ShiftID, Weight")?;
        out.push(Request {
            staff: lookup(staff_ix, f[0], no, "a staff ID")?,
            day: day(f[1], days, no)?,
            shift: lookup(shift_ix, f[2], no, "a shift ID")?,
            weight: num(f[3], no, "a weight")?,
        });
    }
    Ok(out)
}
