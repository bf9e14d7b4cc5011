//! Configuration precedence: defaults < rota.toml < environment < command-line flags.

use crate::support::rota_bin::{rota, stderr, stdout};
use serde_json::Value;

fn effective(cmd: &mut std::process::Command) -> Value {
    let output = cmd.arg("config").output().expect("rota runs");
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("config prints JSON")
}

#[test]
fn defaults_apply_without_file_or_environment() {
    let settings = effective(&mut rota());
    assert_eq!(settings["database"]["url"], "sqlite://rota.db?mode=rwc");
    assert_eq!(settings["server"]["port"], 8080);
    assert_eq!(settings["scheduler"]["retrain_cron"], "0 2 * * 0");
}

#[test]
fn file_beats_defaults_environment_beats_file_flags_beat_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("rota.toml");
    std::fs::write(
        &file,
        "[server]\nport = 9001\nhost = \"0.0.0.0\"\n[database]\nurl = \"sqlite://from-file.db\"\n[log]\nformat = \"json\"\n",
    )
    .expect("write config");
    let file = file.to_str().expect("utf-8 path");

    let from_file = effective(rota().args(["--config", file]));
    assert_eq!(from_file["server"]["port"], 9001);
    assert_eq!(from_file["database"]["url"], "sqlite://from-file.db");

    let from_env = effective(
        rota()
            .args(["--config", file])
            .env("ROTA_SERVER__PORT", "9002")
            .env("DATABASE_URL", "postgres://env@127.0.0.1/rota"),
    );
    assert_eq!(from_env["server"]["port"], 9002);
    assert_eq!(
        from_env["server"]["host"], "0.0.0.0",
        "untouched keys keep the file's value"
    );
    assert_eq!(from_env["database"]["url"], "postgres://env@127.0.0.1/rota");

    let from_flags = effective(
        rota()
            .args([
                "--config",
                file,
                "--db",
                "sqlite://flag.db",
                "--log-format",
                "pretty",
            ])
            .env("DATABASE_URL", "postgres://env@127.0.0.1/rota")
            .env("ROTA_LOG__FORMAT", "json"),
    );
    assert_eq!(from_flags["database"]["url"], "sqlite://flag.db");
    assert_eq!(from_flags["log"]["format"], "pretty");
}

#[test]
fn rota_prefixed_variable_beats_the_conventional_one() {
    let settings = effective(
        rota()
            .env("DATABASE_URL", "postgres://conventional@127.0.0.1/a")
            .env("ROTA_DATABASE__URL", "postgres://specific@127.0.0.1/b"),
    );
    assert_eq!(
        settings["database"]["url"],
        "postgres://specific@127.0.0.1/b"
    );
}

#[test]
fn passwords_never_reach_the_output() {
    let output = rota()
        .env("DATABASE_URL", "postgres://rota:hunter2@127.0.0.1/rota")
        .env("REDIS_URL", "redis://:hunter3@127.0.0.1:6379")
        .arg("config")
        .output()
        .expect("rota runs");
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(output.status.success());
    assert!(
        !all.contains("hunter2") && !all.contains("hunter3"),
        "{all}"
    );
    assert!(all.contains("rota:***@"));
}

#[test]
fn help_shows_no_secret_from_the_environment() {
    let output = rota()
        .env("DATABASE_URL", "postgres://rota:hunter2@127.0.0.1/rota")
        .args(["serve", "--help"])
        .output()
        .expect("rota runs");
    assert!(output.status.success());
    assert!(!stdout(&output).contains("hunter2"));
}
