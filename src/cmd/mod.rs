//! One module per subcommand; `run` loads settings and dispatches.

mod all;
mod bench;
mod bench_queue;
mod bench_soak;
mod demo;
mod forecast_file;
mod loadtest;
mod migrate;
mod models;
mod monitor;
mod seed_demo;
mod serve;
mod smoke;
mod solve_file;
mod token;
mod train_all;
mod worker;

use crate::cli::{Cli, Command};
use crate::settings::{DatabaseOverride, LogOverride, Overrides, ServerOverride, Settings};
use std::path::PathBuf;
use std::process::ExitCode;

const DEFAULT_CONFIG: &str = "rota.toml";

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = load_settings(&cli)?;
    if let Command::Worker(args) = &cli.command {
        worker::apply_args(&mut settings, args)?;
    }
    crate::telemetry::init(&settings.log)?;
    let db_flag = cli.global.database_url.clone();
    match cli.command {
        Command::Serve(_) => serve::run(settings).await,
        Command::Worker(_) => worker::run(settings).await,
        Command::Scheduler => {
            let db = crate::db::connect(&settings.database).await?;
            let jobs =
                crate::jobs::connect(&settings, db, &rota_worker::WorkerId::generate()).await?;
            rota_scheduler::run(settings.scheduler, jobs, crate::shutdown::on_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::All(_) => all::run(settings).await,
        Command::Migrate(args) => migrate::run(&settings, args.action).await,
        Command::SeedDemo(args) => seed_demo::run(&settings, &args).await,
        Command::Demo(args) => demo::run(settings, args, db_flag).await,
        Command::Token(args) => token::run(&settings, args.action).await,
        Command::SolveFile(args) => solve_file::run(&args),
        Command::Bench(args) => match args.target {
            crate::cli::BenchTarget::Queue(queue) => {
                bench_queue::run(&settings, queue, db_flag).await
            }
            crate::cli::BenchTarget::Curtois(curtois) => bench::curtois(&curtois),
            crate::cli::BenchTarget::Soak(soak) => bench_soak::run(&settings, soak, db_flag).await,
            crate::cli::BenchTarget::SoakWorker(worker) => {
                bench_soak::worker::run(&settings, &worker).await
            }
        },
        Command::ForecastFile(args) => forecast_file::run(&args),
        Command::Loadtest(args) => loadtest::run(&args).await,
        Command::TrainAll(args) => train_all::run(settings, &args).await,
        Command::Monitor(args) => monitor::run(&settings, &args).await,
        Command::Models(args) => models::run(&settings, args.action).await,
        Command::Smoke(args) => smoke::run(&args).await,
        Command::Config => {
            println!("{}", serde_json::to_string_pretty(&settings.redacted())?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_settings(cli: &Cli) -> anyhow::Result<Settings> {
    let (config, explicit) = match &cli.global.config {
        Some(path) => (path.clone(), true),
        None => (PathBuf::from(DEFAULT_CONFIG), false),
    };
    let server = match &cli.command {
        Command::Serve(args) | Command::All(args) => Some(ServerOverride {
            host: args.host.clone(),
            port: args.port,
        }),
        Command::Demo(args) => Some(ServerOverride {
            host: Some(args.host.clone()),
            port: Some(args.port),
        }),
        _ => None,
    };
    let overrides = Overrides {
        database: cli
            .global
            .database_url
            .clone()
            .map(|url| DatabaseOverride { url }),
        server,
        log: cli.global.log_format.map(|format| LogOverride { format }),
    };
    Settings::load(&config, explicit, &overrides)
}
