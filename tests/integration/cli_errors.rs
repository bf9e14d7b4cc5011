//! Bad input on the command line or in the configuration ends with one clear line on stderr
//! and a non-zero exit, never a panic or a backtrace.

use crate::support::rota_bin::{rota, run, stderr};

fn assert_one_clear_line(output: &std::process::Output, expect: &str) {
    assert!(!output.status.success(), "must fail");
    let err = stderr(output);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected, got:\n{err}");
    assert!(lines[0].starts_with("error"), "{err}");
    assert!(lines[0].contains(expect), "expected '{expect}' in: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[test]
fn unknown_flag_is_one_line_and_exit_2() {
    let output = run(&["serve", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    assert_one_clear_line(&output, "--no-such-flag");
}

#[test]
fn malformed_database_url_is_one_line() {
    let output = run(&["migrate", "status", "--db", "not a url"]);
    assert_eq!(output.status.code(), Some(1));
    assert_one_clear_line(&output, "database.url");
}

#[test]
fn wrong_scheme_names_the_setting() {
    let output = run(&["migrate", "status", "--db", "mysql://root@127.0.0.1/rota"]);
    assert_one_clear_line(&output, "expected one of: sqlite, postgres");
}

#[test]
fn unreachable_database_is_one_line() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let output = run(&[
        "migrate",
        "status",
        "--db",
        "postgres://postgres@127.0.0.1:1/rota",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_one_clear_line(
        &output,
        "cannot connect to the database at postgres://postgres@127.0.0.1:1/rota",
    );
}

#[test]
fn unknown_key_in_config_file_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("rota.toml");
    std::fs::write(&file, "[server]\nprot = 80\n").expect("write config");
    let output = rota()
        .args(["--config", file.to_str().expect("utf-8"), "config"])
        .output()
        .expect("rota runs");
    assert_one_clear_line(&output, "prot");
}

#[test]
fn missing_named_config_file_is_an_error() {
    let output = run(&["--config", "/nonexistent/rota.toml", "config"]);
    assert_one_clear_line(&output, "does not exist");
}

#[test]
fn unknown_worker_queue_is_named() {
    let output = run(&["worker", "--queues", "solve,bake"]);
    assert_one_clear_line(&output, "'bake'");
}

#[test]
fn every_subcommand_has_help() {
    for command in [
        "serve",
        "worker",
        "scheduler",
        "all",
        "migrate",
        "seed-demo",
        "demo",
        "config",
    ] {
        let output = run(&[command, "--help"]);
        assert!(output.status.success(), "{command} --help");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("Usage: rota"), "{command}: {text}");
    }
}

#[tokio::test]
async fn token_create_prints_the_token_alone_on_the_last_line_and_stores_its_hash() {
    use crate::support::rota_bin::stdout;
    use rota_entity::{TokenRole, api_token};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let test = crate::support::TestDb::sqlite().await;
    let output = run(&[
        "token", "create", "--role", "planner", "--name", "ci", "--db", &test.url,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    let token = printed.lines().last().expect("a last line").trim();
    assert!(token.starts_with("rota_") && token.len() == 69, "{printed}");

    let stored = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(rota_api::auth::hash_token(token)))
        .one(&test.db)
        .await
        .expect("query")
        .expect("the token's hash is stored");
    assert_eq!(stored.role, TokenRole::Planner);
    assert_ne!(stored.token_hash, token, "the token itself is never stored");
}
