//! `rota solve-file`: solve one Curtois & Qu instance file.

use crate::cli::SolveFileArgs;
use anyhow::Context;
use rota_solver::{SolveOptions, Status, Summary, parse_curtois, solve};
use std::process::ExitCode;
use std::time::Duration;

/// Exit status when the problem has no valid rota at all.
const EXIT_INFEASIBLE: u8 = 3;
/// Exit status when no rota was found within the time limit.
const EXIT_TIMED_OUT: u8 = 4;

pub fn run(args: &SolveFileArgs) -> anyhow::Result<ExitCode> {
    let path = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {path}"))?;
    let problem =
        parse_curtois(&text).with_context(|| format!("{path} is not a valid instance"))?;
    let options = solve_options(args.time_limit, args.threads, args.seed, args.gap)?;
    let solution = solve(&problem, &options).with_context(|| format!("solving {path} failed"))?;
    let instance = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.clone());
    let summary = Summary::new(&instance, &problem, &solution);
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print_summary(&summary, &solution);
    }
    Ok(match solution.status {
        Status::Optimal | Status::Feasible { .. } => ExitCode::SUCCESS,
        Status::Infeasible { .. } => ExitCode::from(EXIT_INFEASIBLE),
        Status::TimedOut => ExitCode::from(EXIT_TIMED_OUT),
    })
}

/// Options from the command line's time limit, threads, seed and relative gap.
pub fn solve_options(
    time_limit: f64,
    threads: u32,
    seed: u64,
    gap: f64,
) -> anyhow::Result<SolveOptions> {
    anyhow::ensure!(
        time_limit.is_finite() && time_limit > 0.0,
        "--time-limit must be a positive number of seconds"
    );
    anyhow::ensure!(
        (0.0..1.0).contains(&gap),
        "--gap must be a fraction from 0 (prove optimality) up to but not including 1, e.g. \
         0.02 for 2 %; got {gap}"
    );
    Ok(SolveOptions {
        time_limit: Duration::from_secs_f64(time_limit),
        threads,
        seed,
        relative_gap: gap,
        ..SolveOptions::default()
    })
}

fn print_summary(summary: &Summary, solution: &rota_solver::Solution) {
    println!(
        "instance   {} ({} staff, {} days)",
        summary.instance, summary.staff, summary.days
    );
    println!("status     {}", summary.status);
    match summary.objective {
        Some(objective) => println!("objective  {objective}"),
        None => println!("objective  -"),
    }
    if let Some(bound) = summary.bound {
        println!("bound      {bound:.1}");
    }
    if let Some(gap) = summary.gap {
        println!("gap        {:.2} %", 100.0 * gap);
    }
    println!("seconds    {:.1}", summary.seconds);
    println!(
        "valid      {}",
        if summary.valid {
            "yes (independent validator)"
        } else {
            "NO"
        }
    );
    if let Some(validation) = &solution.validation {
        let e = &validation.explanation;
        println!(
            "penalties  cover under {}, cover over {}, on-requests {}, off-requests {}",
            e.by_kind.cover_under,
            e.by_kind.cover_over,
            e.by_kind.on_requests,
            e.by_kind.off_requests
        );
        println!(
            "           {} uncovered shift(s), {} unmet request(s)",
            e.uncovered.len(),
            e.unmet_requests.len()
        );
    }
    if let Status::Infeasible { explanation } = &solution.status {
        println!("infeasible {}", explanation.summary);
        for conflict in &explanation.conflicts {
            println!(
                "           {}: {:?}: {}",
                conflict.staff, conflict.rule, conflict.detail
            );
        }
    }
}
