//! `rota bench curtois`: the solver on the Curtois & Qu benchmark.

use crate::cli::BenchCurtoisArgs;
use anyhow::Context;
use rota_solver::{Summary, format_bench_table, parse_best_known, parse_curtois, solve};
use std::path::Path;
use std::process::ExitCode;

/// `rota bench curtois`: solve each instance, then print the table against the best known.
pub fn curtois(args: &BenchCurtoisArgs) -> anyhow::Result<ExitCode> {
    let options =
        super::solve_file::solve_options(args.time_limit, args.threads, args.seed, args.gap)?;
    let best_path = args.dir.join("best_known.tsv");
    let best = if best_path.exists() {
        let text = std::fs::read_to_string(&best_path)
            .with_context(|| format!("cannot read {}", best_path.display()))?;
        parse_best_known(&text).with_context(|| format!("{} is malformed", best_path.display()))?
    } else {
        Vec::new()
    };
    let instances = match &args.instances {
        Some(list) => list.clone(),
        None => instances_in(&args.dir)?,
    };
    anyhow::ensure!(
        !instances.is_empty(),
        "no InstanceN.txt files in {}",
        args.dir.display()
    );
    let mut rows = Vec::new();
    for number in instances {
        let name = format!("Instance{number}");
        let path = args.dir.join(format!("{name}.txt"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let problem = parse_curtois(&text)
            .with_context(|| format!("{} is not a valid instance", path.display()))?;
        let span = tracing::info_span!("bench", instance = %name);
        let _entered = span.enter();
        tracing::info!(staff = problem.staff.len(), days = problem.days, "solving");
        let solution =
            solve(&problem, &options).with_context(|| format!("solving {name} failed"))?;
        let row = Summary::new(&name, &problem, &solution);
        if args.json {
            println!("{}", serde_json::to_string(&row)?);
        } else {
            eprintln!(
                "{name}: {} objective {} in {:.1}s",
                row.status,
                row.objective.map_or("-".into(), |o| o.to_string()),
                row.seconds
            );
        }
        rows.push(row);
    }
    if !args.json {
        print!("{}", format_bench_table(&rows, &best));
    }
    let all_valid = rows.iter().all(|r: &Summary| r.valid);
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The N of every `InstanceN.txt` in `dir`, ascending.
fn instances_in(dir: &Path) -> anyhow::Result<Vec<u32>> {
    let mut found: Vec<u32> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read folder {}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_prefix("Instance")?
                .strip_suffix(".txt")?
                .parse()
                .ok()
        })
        .collect();
    found.sort_unstable();
    Ok(found)
}
