//! A unit's rota problem as the solver sees it, loaded from the database.

use anyhow::{Context, bail};
use chrono::{Duration, NaiveDate, Timelike};
use rota_entity::{RequestKind, shift_request, shift_type, staff, staff_day_off};
use rota_solver::{Contract, Pin, Problem, Request, ShiftType, Staff};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};

/// Contract minutes and weekends are stated per 28-day horizon; other lengths pro rata.
const CONTRACT_DAYS: f64 = 28.0;

/// The problem plus what maps its indices back to rows.
pub struct Loaded {
    pub problem: Problem,
    pub staff_ids: Vec<i32>,
    pub shifts: Vec<shift_type::Model>,
    pub dates: Vec<NaiveDate>,
}

/// Loads unit `unit_id`'s active staff, shift types, days off and requests over the horizon.
/// Cover is added by the caller.
pub async fn load(
    db: &DatabaseConnection,
    unit_id: i32,
    start: NaiveDate,
    days: usize,
    pins: &[crate::Pin],
) -> anyhow::Result<Loaded> {
    let shifts = shift_type::Entity::find()
        .filter(shift_type::Column::UnitId.eq(unit_id))
        .order_by_asc(shift_type::Column::StartTime)
        .order_by_asc(shift_type::Column::Id)
        .all(db)
        .await?;
    if shifts.is_empty() {
        bail!("unit {unit_id} has no shift types");
    }
    let members = staff::Entity::find()
        .filter(staff::Column::UnitId.eq(unit_id))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?;
    if members.is_empty() {
        bail!("unit {unit_id} has no active staff");
    }
    let dates: Vec<NaiveDate> = (0..days as i64)
        .map(|d| start + Duration::days(d))
        .collect();
    let end = start + Duration::days(days as i64 - 1);
    let index_of_day = |date: NaiveDate| -> Option<usize> {
        (date >= start && date <= end).then(|| (date - start).num_days() as usize)
    };
    let shift_index: HashMap<i32, usize> =
        shifts.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let code_index: HashMap<&str, usize> = shifts
        .iter()
        .enumerate()
        .map(|(i, s)| (s.code.as_str(), i))
        .collect();
    let staff_index: HashMap<i32, usize> =
        members.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let ids: Vec<i32> = members.iter().map(|s| s.id).collect();

    let mut days_off: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    for off in staff_day_off::Entity::find()
        .filter(staff_day_off::Column::StaffId.is_in(ids.clone()))
        .filter(staff_day_off::Column::Date.between(start, end))
        .all(db)
        .await?
    {
        if let (Some(&e), Some(d)) = (staff_index.get(&off.staff_id), index_of_day(off.date)) {
            days_off[e].push(d);
        }
    }
    let mut on_requests = Vec::new();
    let mut off_requests = Vec::new();
    for request in shift_request::Entity::find()
        .filter(shift_request::Column::StaffId.is_in(ids.clone()))
        .filter(shift_request::Column::Date.between(start, end))
        .all(db)
        .await?
    {
        let (Some(&e), Some(day), Some(&shift)) = (
            staff_index.get(&request.staff_id),
            index_of_day(request.date),
            shift_index.get(&request.shift_type_id),
        ) else {
            continue;
        };
        let request_row = Request {
            staff: e,
            day,
            shift,
            weight: i64::from(request.weight),
        };
        match request.kind {
            RequestKind::On => on_requests.push(request_row),
            RequestKind::Off => off_requests.push(request_row),
        }
    }

    let scale = days as f64 / CONTRACT_DAYS;
    let min_rest = shifts
        .iter()
        .map(|s| s.min_rest_hours)
        .max()
        .unwrap_or(0)
        .max(0) as u32
        * 60;
    let solver_staff = members
        .iter()
        .zip(days_off)
        .map(|(member, mut off)| {
            off.sort_unstable();
            off.dedup();
            let limits: BTreeMap<String, i64> =
                serde_json::from_value(member.max_shifts_per_type.clone()).unwrap_or_default();
            let max_shifts = shifts
                .iter()
                .map(|s| {
                    limits
                        .get(&s.code)
                        .map_or(days as u32, |&n| n.clamp(0, days as i64) as u32)
                })
                .collect();
            let minutes = |m: i32| (f64::from(m.max(0)) * scale).round() as u32;
            Staff {
                code: member.name.clone(),
                contract: Contract {
                    max_shifts,
                    max_total_minutes: minutes(member.max_total_minutes),
                    min_total_minutes: minutes(member.min_total_minutes),
                    max_consecutive_shifts: member.max_consecutive_days.max(1) as u32,
                    min_consecutive_shifts: member.min_consecutive_days.max(1) as u32,
                    min_consecutive_days_off: member.min_consecutive_days_off.max(1) as u32,
                    max_weekends: (f64::from(member.max_weekends.max(0)) * scale).ceil() as u32,
                    min_rest_minutes: (min_rest > 0).then_some(min_rest),
                },
                days_off: off,
                skills: serde_json::from_value(member.skills.clone()).unwrap_or_default(),
            }
        })
        .collect();

    let solver_shifts = shifts
        .iter()
        .map(|s| ShiftType {
            code: s.code.clone(),
            length_minutes: s.length_minutes.max(0) as u32,
            start_minute: Some(s.start_time.hour() * 60 + s.start_time.minute()),
            forbidden_next: serde_json::from_value::<Vec<String>>(s.forbidden_next.clone())
                .unwrap_or_default()
                .iter()
                .filter_map(|code| code_index.get(code.as_str()).copied())
                .collect(),
        })
        .collect();

    let mut solver_pins = Vec::new();
    for pin in pins {
        let staff = *staff_index.get(&pin.staff_id).with_context(|| {
            format!(
                "pinned staff {} is not active staff of unit {unit_id}",
                pin.staff_id
            )
        })?;
        let day = index_of_day(pin.date)
            .with_context(|| format!("pinned date {} is outside the horizon", pin.date))?;
        let shift = match &pin.shift_code {
            None => None,
            Some(code) => Some(*code_index.get(code.as_str()).with_context(|| {
                format!("pinned shift {code} is not a shift of unit {unit_id}")
            })?),
        };
        solver_pins.push(Pin { staff, day, shift });
    }

    Ok(Loaded {
        problem: Problem {
            days,
            shifts: solver_shifts,
            staff: solver_staff,
            on_requests,
            off_requests,
            cover: Vec::new(),
            pins: solver_pins,
        },
        staff_ids: ids,
        shifts,
        dates,
    })
}
