//! The soak's worker processes: `rota bench soak-worker` children of this binary, started,
//! SIGKILLed and replaced.

use crate::cli::{BenchSoakArgs, SoakBackend};
use crate::settings::Settings;
use anyhow::Context;
use rand::seq::IndexedRandom;
use std::process::{Child, Command, Stdio};

/// The running worker processes; whatever is left of them is killed on drop.
pub(super) struct Fleet {
    command: Vec<String>,
    env: Vec<(&'static str, String)>,
    children: Vec<Child>,
}

impl Fleet {
    /// Starts `args.workers` worker processes on the queue named by `tag` and the database at
    /// `db_url`.
    pub(super) fn start(
        settings: &Settings,
        args: &BenchSoakArgs,
        tag: &str,
        db_url: &str,
    ) -> anyhow::Result<Self> {
        let backend = match args.backend {
            SoakBackend::Redis => "redis",
            SoakBackend::Amqp => "amqp",
        };
        let command = [
            "bench",
            "soak-worker",
            "--backend",
            backend,
            "--tag",
            tag,
            "--concurrency",
            &args.concurrency.to_string(),
            "--lease-secs",
            &args.lease_secs.to_string(),
            "--db",
            db_url,
        ]
        .map(str::to_string)
        .to_vec();
        // The URLs go by environment, where passwords stay off the process list.
        let mut env = Vec::new();
        if let Some(url) = &settings.redis.url {
            env.push(("REDIS_URL", url.clone()));
        }
        if let Some(url) = &settings.amqp.url {
            env.push(("AMQP_URL", url.clone()));
        }
        // Killed workers' leases and redeliveries are the point here, not news.
        if std::env::var_os("RUST_LOG").is_none() {
            env.push(("RUST_LOG", "error".into()));
        }
        let mut fleet = Self {
            command,
            env,
            children: Vec::new(),
        };
        for _ in 0..args.workers {
            fleet.spawn()?;
        }
        Ok(fleet)
    }

    fn spawn(&mut self) -> anyhow::Result<()> {
        let exe = std::env::current_exe().context("cannot find this program's path")?;
        let child = Command::new(exe)
            .args(&self.command)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .context("cannot start a soak worker process")?;
        self.children.push(child);
        Ok(())
    }

    /// A random worker among those whose id (`host:pid:suffix`) is in `holders`, by pid.
    pub(super) fn pick<'a>(&self, holders: impl Iterator<Item = &'a str>) -> Option<u32> {
        let busy: Vec<u32> = holders
            .filter_map(|worker| worker.rsplit(':').nth(1)?.parse().ok())
            .filter(|pid| self.children.iter().any(|c| c.id() == *pid))
            .collect();
        busy.choose(&mut rand::rng()).copied()
    }

    /// SIGKILLs the worker `pid` and starts a replacement at once.
    pub(super) fn kill_and_replace(&mut self, pid: u32) -> anyhow::Result<()> {
        if let Some(index) = self.children.iter().position(|c| c.id() == pid) {
            let mut victim = self.children.swap_remove(index);
            let killed = victim.kill();
            let reaped = victim.wait();
            killed.context("cannot SIGKILL a soak worker")?;
            reaped.context("cannot reap a killed soak worker")?;
        }
        self.spawn()
    }

    /// A worker that exited on its own is a failure of the soak, not a kill.
    pub(super) fn check_alive(&mut self) -> anyhow::Result<()> {
        for child in &mut self.children {
            if let Some(status) = child.try_wait().context("cannot check a soak worker")? {
                anyhow::bail!("soak worker {} exited by itself: {status}", child.id());
            }
        }
        Ok(())
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether the worker id `host:pid:suffix` names process `pid`.
pub(super) fn runs(worker: Option<&str>, pid: u32) -> bool {
    worker.is_some_and(|w| w.rsplit(':').nth(1) == Some(pid.to_string().as_str()))
}
