//! The Curtois reader: good files load, bad files fail with a line and an expectation.

use rota_solver::parse_curtois;

const INSTANCE1: &str = include_str!("../fixtures/Instance1.txt");

#[test]
fn instance1_loads_with_its_sizes() {
    let p = parse_curtois(INSTANCE1).expect("parses");
    assert_eq!((p.days, p.staff.len(), p.shifts.len()), (14, 8, 1));
    assert_eq!(p.cover.len(), 14);
    assert_eq!(p.staff[0].days_off, vec![0]);
    assert!(p.check().is_ok());
}

#[test]
fn forbidden_next_lists_are_resolved() {
    let p = parse_curtois(include_str!("../fixtures/Instance3.txt")).expect("parses");
    assert!(p.shifts.iter().any(|s| !s.forbidden_next.is_empty()));
}

#[test]
fn a_bad_number_names_its_line() {
    let text = INSTANCE1.replacen("A,D=14,4320,3360,5,2,2,1", "A,D=14,43x0,3360,5,2,2,1", 1);
    let e = parse_curtois(&text).expect_err("fails");
    let line = INSTANCE1
        .lines()
        .position(|l| l.starts_with("A,D=14"))
        .map(|i| i + 1);
    assert_eq!(Some(e.line), line);
    assert!(e.expected.contains("MaxTotalMinutes"), "{e}");
}

#[test]
fn an_unknown_staff_id_is_reported() {
    let text = INSTANCE1.replacen("\nA,0\n", "\nZZ,0\n", 1);
    let e = parse_curtois(&text).expect_err("fails");
    assert!(e.expected.contains("staff ID"), "{e}");
    assert_eq!(e.found, "ZZ");
}

#[test]
fn a_day_beyond_the_horizon_is_reported() {
    let text = INSTANCE1.replacen("\nA,0\n", "\nA,14\n", 1);
    let e = parse_curtois(&text).expect_err("fails");
    assert!(e.expected.contains("below 14"), "{e}");
}

#[test]
fn a_missing_field_is_reported() {
    let text = INSTANCE1.replacen("A,D=14,4320,3360,5,2,2,1", "A,D=14,4320,3360,5,2,2", 1);
    let e = parse_curtois(&text).expect_err("fails");
    assert!(e.expected.starts_with("8 fields"), "{e}");
}

#[test]
fn data_before_any_section_is_reported() {
    let e = parse_curtois("14\n").expect_err("fails");
    assert_eq!(e.line, 1);
    assert!(e.expected.contains("SECTION_"));
}

#[test]
fn a_signed_zero_is_read_as_zero_but_negatives_are_refused() {
    let cover = INSTANCE1
        .lines()
        .find(|l| l.starts_with("0,D,"))
        .expect("cover line");
    let parts: Vec<&str> = cover.split(',').collect();
    let signed = format!("{},{},-0,{},{}", parts[0], parts[1], parts[3], parts[4]);
    let p = parse_curtois(&INSTANCE1.replacen(cover, &signed, 1)).expect("parses");
    assert_eq!(p.cover[0].requirement, 0);
    let negative = format!("{},{},-1,{},{}", parts[0], parts[1], parts[3], parts[4]);
    assert!(parse_curtois(&INSTANCE1.replacen(cover, &negative, 1)).is_err());
}
