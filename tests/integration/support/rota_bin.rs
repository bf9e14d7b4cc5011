//! Running the real `rota` binary.

use std::path::Path;
use std::process::{Command, Output};

/// A `rota` command with a clean environment: no inherited rota or database settings, and a
/// working directory where no stray `rota.toml` is found.
pub fn rota() -> Command {
    rota_at(Path::new(env!("CARGO_BIN_EXE_rota")))
}

/// Like [`rota`], for the binary at `path` (e.g. one unpacked from a release package).
pub fn rota_at(path: &Path) -> Command {
    let mut cmd = Command::new(path);
    for (key, _) in std::env::vars() {
        if key.starts_with("ROTA_")
            || ["DATABASE_URL", "REDIS_URL", "AMQP_URL", "RUST_LOG"].contains(&key.as_str())
        {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(std::env::temp_dir());
    cmd
}

/// Runs `rota` with `args` and returns its output.
pub fn run(args: &[&str]) -> Output {
    rota().args(args).output().expect("rota binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
