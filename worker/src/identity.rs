//! A worker's identity. Each process needs its own: a shared id would let one worker's
//! recovery take over jobs another is still running.

use rand::Rng;
use std::fmt;

/// `host:pid:suffix`, unique per worker process.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkerId(String);

impl WorkerId {
    /// A fresh id for this process.
    pub fn generate() -> Self {
        let host = hostname::get()
            .ok()
            .and_then(|name| name.into_string().ok())
            .unwrap_or_else(|| "unknown-host".into());
        let suffix: u32 = rand::rng().random();
        Self(format!("{host}:{}:{suffix:08x}", std::process::id()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_ids_in_one_process_differ() {
        assert_ne!(WorkerId::generate(), WorkerId::generate());
    }

    #[test]
    fn id_names_the_process() {
        let id = WorkerId::generate();
        assert!(id.as_str().contains(&format!(":{}:", std::process::id())));
    }
}
