//! The `rota` command line: every subcommand and flag, with its help text.

use crate::telemetry::LogFormat;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// rota: staff rotas for hospital units — demand forecasts, integer-programmed rotas, and the
/// queued jobs that make them.
#[derive(Debug, Parser)]
#[command(name = "rota", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file (TOML). Missing is fine unless named explicitly.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL, e.g. `sqlite://rota.db?mode=rwc` or `postgres://user@host/rota`
    /// [default: setting `database.url`, env `DATABASE_URL`].
    #[arg(
        long = "db",
        global = true,
        value_name = "URL",
        hide_default_value = true
    )]
    pub database_url: Option<String>,
    /// Log line format [default: setting `log.format`, pretty].
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and dashboard.
    Serve(ServeArgs),
    /// Run a job worker (start more processes to scale out).
    Worker(WorkerArgs),
    /// Run the cron scheduler (weekly retrain, daily drift check).
    Scheduler,
    /// Run API, worker and scheduler in one process.
    All(ServeArgs),
    /// Apply, revert or inspect the database schema migrations.
    Migrate(MigrateArgs),
    /// Load realistic demo data (units, staff, shift types, years of demand). Idempotent.
    SeedDemo(SeedArgs),
    /// Run everything on an embedded SQLite database with demo data, and serve the dashboard.
    Demo(DemoArgs),
    /// Print the effective configuration as JSON (passwords in URLs redacted).
    Config,
    /// Manage API bearer tokens.
    Token(TokenArgs),
    /// Solve a rostering instance in the Curtois & Qu text format and print the result.
    ///
    /// Exit status: 0 a valid rota was found, 1 error, 3 infeasible, 4 no rota within the
    /// time limit.
    SolveFile(SolveFileArgs),
    /// Forecast a daily series (CSV with columns ds,y) with Prophet and print the forecast.
    ///
    /// Prints CSV (ds,yhat,yhat_lower,yhat_upper) on stdout and the accuracy on stderr, or
    /// with --json one object with the forecast, holdout MAPE, baseline MAPEs and fit time.
    ForecastFile(ForecastFileArgs),
    /// Run a benchmark.
    Bench(BenchArgs),
    /// Load-test a running server over HTTP and print throughput and latency.
    ///
    /// Each connection sends its requests one after another on one kept-alive connection,
    /// for `--duration` seconds. Exit status: 0 within limits, 1 when the mean latency is
    /// above `--max-mean-ms`, the error rate above `--max-error-rate`, or the server cannot be
    /// reached.
    Loadtest(LoadtestArgs),
    /// Retrain every unit's forecast model now (or one unit's), in this process, and print the
    /// report.
    ///
    /// Each new model is validated, compared with the active one and seasonal naive, then
    /// promoted or stored as rejected; the report is stored and sent. Exit status: 0 done,
    /// 1 error, 3 a unit's model failed to train or validate (the others were still saved).
    TrainAll(TrainAllArgs),
    /// Check the active models for drift against recent actual demand and store the report.
    ///
    /// Exit status: 0 no drift, 1 error, 3 drift found.
    Monitor(MonitorArgs),
    /// List a unit's model versions, or activate one (rollback).
    Models(ModelsArgs),
    /// Check a running deployment from outside: health, readiness, a forecast read and the
    /// dashboard's load time.
    ///
    /// Prints one line per check (ok, skip or FAIL) and exits 1 naming every failed check.
    Smoke(SmokeArgs),
}

#[derive(Debug, Args)]
pub struct TrainAllArgs {
    /// Retrain only this unit (its name).
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// Days of history to train on, the latest ones [default: setting `retrain.days`, 365].
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(30..=3660))]
    pub days: Option<u32>,
    /// Units trained at once [default: setting `retrain.jobs`, the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    pub jobs: Option<u64>,
    /// Send no email of the report (the webhook, if configured, is still called).
    #[arg(long)]
    pub no_email: bool,
    /// Print the report as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// Check only this unit (its name).
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// Send no email of the report (the webhook, if configured, is still called).
    #[arg(long)]
    pub no_email: bool,
    /// Also write the report (Markdown) to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub action: ModelsAction,
}

#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// A unit's model versions, newest first.
    List {
        /// The unit (its name).
        #[arg(long, value_name = "NAME")]
        unit: String,
    },
    /// Make an earlier version the active model again; the active one is archived.
    // `--version` is the model version here, not rota's.
    #[command(disable_version_flag = true)]
    Activate {
        /// The unit (its name).
        #[arg(long, value_name = "NAME")]
        unit: String,
        /// The version to activate.
        #[arg(long, value_name = "N")]
        version: i32,
    },
}

/// Which queue backend to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BenchBackend {
    Redis,
    Amqp,
    Embedded,
}

#[derive(Debug, Args)]
pub struct BenchQueueArgs {
    /// Queue backend.
    #[arg(long, value_enum)]
    pub backend: BenchBackend,
    /// Jobs to run end to end.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: u64,
    /// Jobs the worker runs at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub concurrency: u64,
    /// Idle-queue pickups to time, one job at a time.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    pub pickups: u64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Where the HTTP server listens.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: setting `server.host`, 127.0.0.1].
    #[arg(long, value_name = "ADDR")]
    pub host: Option<String>,
    /// Port to listen on [default: setting `server.port`, 8080].
    #[arg(long)]
    pub port: Option<u16>,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Queues to take jobs from, comma-separated [default: solve,forecast,retrain,monitor].
    #[arg(long, value_delimiter = ',', value_name = "QUEUES")]
    pub queues: Option<Vec<String>>,
    /// Jobs to run at once [default: number of cores].
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Serve Prometheus metrics at http://HOST:PORT/metrics: jobs started, succeeded,
    /// failed and dead by kind, try durations, queue depth [default: worker.metrics_port, off].
    #[arg(long, value_name = "PORT")]
    pub metrics_port: Option<u16>,
    /// Address the metrics port listens on, e.g. 127.0.0.1 to keep it to this host
    /// [default: worker.metrics_host, 0.0.0.0].
    #[arg(long, value_name = "HOST")]
    pub metrics_host: Option<std::net::IpAddr>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(subcommand)]
    pub action: MigrateAction,
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert applied migrations, newest first.
    Down {
        /// How many migrations to revert.
        #[arg(long, default_value_t = 1, conflicts_with = "all")]
        steps: u32,
        /// Revert every applied migration (drops all of rota's tables and their data).
        #[arg(long)]
        all: bool,
    },
    /// List migrations and whether each is applied; exits 1 when any is pending.
    Status,
    /// Drop every table and apply all migrations again (destroys all data).
    Fresh {
        /// Confirm that all data may be destroyed.
        #[arg(long)]
        yes: bool,
    },
}

/// Shape of the demo data set.
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// Number of units (the first five are Emergency, ICU, Maternity, Surgery, Outpatients).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub units: u32,
    /// Staff per unit.
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub staff_per_unit: u32,
    /// Days of demand history.
    #[arg(long, default_value_t = 730, value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub days: u32,
    /// Random seed; the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Last day of history (YYYY-MM-DD) [default: yesterday, UTC].
    #[arg(long, value_name = "DATE")]
    pub end: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Port for the dashboard and API.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: String,
    /// Run the pipeline's jobs to completion, print a JSON summary on stdout, and exit.
    #[arg(long)]
    pub once: bool,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub action: TokenAction,
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token and print it once (alone on the last line); only its hash is stored.
    Create {
        /// What the token may do: viewer (read), planner (plus solve, forecast, edit rota
        /// data) or admin (plus retrain, model activation, tokens).
        #[arg(long, value_enum)]
        role: Role,
        /// A label to recognise the token by.
        #[arg(long)]
        name: Option<String>,
    },
}

/// A token role on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Role {
    Viewer,
    Planner,
    Admin,
}

impl From<Role> for rota_entity::TokenRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Viewer => Self::Viewer,
            Role::Planner => Self::Planner,
            Role::Admin => Self::Admin,
        }
    }
}

#[derive(Debug, Args)]
pub struct SolveFileArgs {
    /// The instance file (Curtois & Qu format, e.g. Instance1.txt).
    pub file: PathBuf,
    /// Wall-clock budget in seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub time_limit: f64,
    /// Threads the MIP solver may use.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: u32,
    /// Random seed; the same input, options and seed give the same rota when the solve ends
    /// by a proof (a run cut by its time limit depends on how far it got).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Stop once the rota is proven within this fraction of the optimum, e.g. 0.02 for 2 %
    /// ((objective - bound) / objective); 0 proves optimality.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub gap: f64,
    /// Print one JSON object on stdout instead of the summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub target: BenchTarget,
}

#[derive(Debug, Subcommand)]
pub enum BenchTarget {
    /// Solve Curtois & Qu instances and compare with the published best known objectives.
    Curtois(BenchCurtoisArgs),
    /// Run no-op jobs end to end through a queue backend and compare with the raw client.
    ///
    /// Uses `--db` if given, else a temporary SQLite file; Redis and RabbitMQ come from
    /// `redis.url` / `amqp.url` (REDIS_URL, AMQP_URL), under a fresh key prefix or namespace
    /// that is removed afterwards.
    Queue(BenchQueueArgs),
    /// Crash soak: worker processes are killed (SIGKILL) under load, and no job may be lost
    /// or take effect twice.
    ///
    /// Starts `--workers` worker processes of this binary on a fresh Redis key prefix or
    /// RabbitMQ namespace, enqueues `--jobs` jobs whose body works `--work-ms` and then writes
    /// one effect row keyed by the job id, and every `--kill-every-ms` SIGKILLs a random worker
    /// that is running a job, starting a replacement at once, until `--kills` kills. Then it
    /// waits for every job to finish and reports jobs enqueued, succeeded, dead, lost (never
    /// finished), double effects, jobs without their effect, kills, kills that interrupted a
    /// running job (that job was finished by another worker), redeliveries (tries beyond the
    /// first) and wall time.
    ///
    /// Uses `--db` if given (a scratch database: it gets rota's schema, the soak's jobs and a
    /// `soak_effects` table), else a temporary SQLite file; Redis and RabbitMQ come from
    /// `redis.url` / `amqp.url` (REDIS_URL, AMQP_URL). Exit status: 0 every job succeeded
    /// once with one effect after every kill, 1 otherwise (lost, dead or doubled jobs, or
    /// fewer kills than asked because the jobs ran out).
    Soak(BenchSoakArgs),
    /// A worker process of `rota bench soak`, which starts it; not for direct use.
    #[command(hide = true)]
    SoakWorker(SoakWorkerArgs),
}

/// Which queue backend a soak runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SoakBackend {
    Redis,
    Amqp,
}

impl From<SoakBackend> for BenchBackend {
    fn from(backend: SoakBackend) -> Self {
        match backend {
            SoakBackend::Redis => Self::Redis,
            SoakBackend::Amqp => Self::Amqp,
        }
    }
}

#[derive(Debug, Args)]
pub struct BenchSoakArgs {
    /// Queue backend the workers take jobs from.
    #[arg(long, value_enum)]
    pub backend: SoakBackend,
    /// Worker processes running at any time (a killed one is replaced at once).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub workers: u32,
    /// Jobs each worker process runs at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub concurrency: u64,
    /// Workers to kill with SIGKILL, each while it runs a job.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub kills: u32,
    /// Jobs to enqueue; enough that the workers are still busy when the last kill is due.
    #[arg(long, default_value_t = 4000, value_parser = clap::value_parser!(u64).range(1..))]
    pub jobs: u64,
    /// Milliseconds each job's body works before it writes its effect.
    #[arg(long, default_value_t = 50, value_name = "MS")]
    pub work_ms: u64,
    /// Milliseconds between one kill and the next.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub kill_every_ms: u64,
    /// The workers' Redis lease in seconds: a killed worker's jobs are taken back this long
    /// after its last heartbeat (RabbitMQ redelivers them when the connection drops).
    #[arg(long, default_value_t = 2, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=300))]
    pub lease_secs: u64,
    /// Seconds to wait for every job to finish after the last kill before counting the
    /// unfinished ones as lost.
    #[arg(long, default_value_t = 600, value_name = "SECS")]
    pub timeout_secs: u64,
    /// Print one JSON object instead of a table: `backend`, `workers`, `concurrency`,
    /// `enqueued`, `succeeded`, `dead`, `lost`, `double_effects`, `missing_effects`, `kills`,
    /// `kills_mid_job`, `redeliveries`, `wall_s`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SoakWorkerArgs {
    #[arg(long, value_enum)]
    pub backend: SoakBackend,
    /// Names the soak's Redis key prefix or RabbitMQ namespace.
    #[arg(long)]
    pub tag: String,
    #[arg(long)]
    pub concurrency: u64,
    #[arg(long)]
    pub lease_secs: u64,
}

#[derive(Debug, Args)]
pub struct BenchCurtoisArgs {
    /// Folder with InstanceN.txt files (and best_known.tsv, if available).
    #[arg(long, value_name = "FOLDER")]
    pub dir: PathBuf,
    /// Wall-clock budget per instance, in seconds.
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub time_limit: f64,
    /// Instances to run, e.g. 1,2,3 [default: every InstanceN.txt in the folder].
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub instances: Option<Vec<u32>>,
    /// Threads the MIP solver may use.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: u32,
    /// Random seed of every solve; runs over several seeds show how far results spread.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Stop each solve once its rota is proven within this fraction of the optimum, e.g.
    /// 0.02 for 2 %; 0 proves optimality.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub gap: f64,
    /// Print one JSON object per instance (JSON lines) instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ForecastFileArgs {
    /// The series: CSV with header `ds,y`, one row per day (gaps allowed).
    pub file: PathBuf,
    /// Days to forecast after the last observation.
    #[arg(long, default_value_t = 28, value_name = "DAYS")]
    pub horizon: usize,
    /// Trailing days held out to measure accuracy (MAPE) before the final fit.
    #[arg(long, default_value_t = 28, value_name = "DAYS")]
    pub holdout: usize,
    /// Yearly seasonality: on, off, or auto (on with at least two years of history).
    #[arg(long, default_value = "auto", value_parser = ["on", "off", "auto"])]
    pub yearly: String,
    /// Weekly seasonality.
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    pub weekly: String,
    /// Print one JSON object on stdout instead of CSV.
    #[arg(long)]
    pub json: bool,
}

/// What a load test requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadScenario {
    /// `GET /api/v1/units/{id}/forecast`, round robin over the units.
    Forecast,
    /// `GET /api/v1/units/{id}/rotas/latest` over the units that have a rota.
    Rota,
    /// 75 % forecast, 20 % latest rota, 5 % unit list.
    Mixed,
    /// `POST /api/v1/units/{id}/solve` (enqueue only; every job it enqueues is cancelled
    /// after the run). Needs a planner token; use a test installation.
    Solve,
}

#[derive(Debug, Args)]
pub struct LoadtestArgs {
    /// Base URL of the server (plain HTTP).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// API bearer token (viewer for reads, planner for `solve`).
    #[arg(long)]
    pub token: String,
    /// Seconds to send requests for.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub duration: f64,
    /// Connections sending requests at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub connections: u32,
    /// What to request.
    #[arg(long, value_enum, default_value = "forecast")]
    pub scenario: LoadScenario,
    /// Fail (exit 1) when the mean latency is above this, in milliseconds.
    #[arg(long, default_value_t = 1000.0, value_name = "MS")]
    pub max_mean_ms: f64,
    /// Fail (exit 1) when more than this fraction of requests fail (non-2xx or I/O error).
    #[arg(long, default_value_t = 0.01, value_name = "FRACTION")]
    pub max_error_rate: f64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SmokeArgs {
    /// Base URL of the API, e.g. https://rota.example.org or http://127.0.0.1:8080.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// API token (any role) for the forecast read; without it that check is skipped.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Slowest acceptable load of the dashboard page `/`, in milliseconds.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub max_dashboard_ms: u64,
    /// Keep retrying `/healthz` for up to this many seconds before giving up (a freshly
    /// restarted service needs a moment).
    #[arg(long, default_value_t = 0, value_name = "SECS")]
    pub wait: u64,
    /// Timeout of each request, in seconds.
    #[arg(
        long,
        default_value_t = 10,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=600)
    )]
    pub timeout: u64,
}
