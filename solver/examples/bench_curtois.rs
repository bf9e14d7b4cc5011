//! Runs Curtois & Qu instances and prints the benchmark table.
//!
//! `cargo run --release -p rota-solver --example bench_curtois -- <dir> [secs] [1,2,3] [threads] [seed]`

use std::time::Duration;

use rota_solver::{
    SolveOptions, Summary, format_bench_table, parse_best_known, parse_curtois, solve,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .ok_or("usage: bench_curtois <dir> [secs] [instances] [threads] [seed]")?;
    let secs: f64 = args.get(2).map_or(Ok(60.0), |s| s.parse())?;
    let threads: u32 = args.get(4).map_or(Ok(2), |s| s.parse())?;
    let seed: u64 = args.get(5).map_or(Ok(0), |s| s.parse())?;
    let best = parse_best_known(
        &std::fs::read_to_string(format!("{dir}/best_known.tsv")).unwrap_or_default(),
    )?;
    let wanted: Vec<usize> = match args.get(3) {
        Some(list) => list.split(',').map(str::parse).collect::<Result<_, _>>()?,
        None => (1..=24).collect(),
    };
    let mut rows = Vec::new();
    for i in wanted {
        let path = format!("{dir}/Instance{i}.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let problem = match parse_curtois(&text) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let verbose = std::env::var_os("BENCH_VERBOSE").is_some();
        let name = format!("Instance{i}");
        let progress: Option<rota_solver::solve::ProgressFn> = if verbose {
            Some(std::sync::Arc::new(move |f: f64, msg: &str| {
                eprintln!("  {name} {:5.1}% {msg}", 100.0 * f)
            }))
        } else {
            None
        };
        let options = SolveOptions {
            time_limit: Duration::from_secs_f64(secs),
            threads,
            seed,
            progress,
            ..SolveOptions::default()
        };
        let solution = match solve(&problem, &options) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("Instance{i}: {e}");
                continue;
            }
        };
        let row = Summary::new(&format!("Instance{i}"), &problem, &solution);
        eprintln!("{}", serde_json::to_string(&row)?);
        rows.push(row);
    }
    print!("{}", format_bench_table(&rows, &best));
    Ok(())
}
