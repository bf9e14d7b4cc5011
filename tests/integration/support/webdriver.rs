//! Just enough of the W3C WebDriver protocol to drive headless Chromium through ChromeDriver:
//! open a page, run a script, take a screenshot.

use super::http::{free_port, get, request};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A ChromeDriver process with one headless browser session; both end on drop.
pub struct Browser {
    driver: Child,
    addr: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a fresh profile.
    pub fn start() -> Self {
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing: install Debian's `{package}` package \
                 (apt-get install chromium chromium-driver; .ci/run does this)"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !matches!(get(&addr, "/status"), Ok((200, _))) {
            assert!(Instant::now() < deadline, "chromedriver never answered");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("browser profile dir");
        // Flags as Chromium needs them as root in a sandboxed CI machine with no network:
        // without the background-networking ones it keeps trying to reach Google's hosts.
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1440,1000".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        }}});
        let mut browser = Self {
            driver,
            addr,
            session: String::new(),
            _profile: profile,
        };
        let created = browser.call("POST", "/session", Some(caps));
        browser.session = created["sessionId"]
            .as_str()
            .expect("a WebDriver session id")
            .to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let (status, text) = request(&self.addr, method, path, body.as_deref())
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let answer: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path} answered {status}: {e}: {text}"));
        assert_eq!(status, 200, "WebDriver {method} {path}: {answer}");
        answer["value"].clone()
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub fn open(&self, url: &str) {
        self.call(
            "POST",
            &self.session_path("/url"),
            Some(json!({ "url": url })),
        );
    }

    /// Runs `script` (a function body; `arguments` as in WebDriver) and returns its value.
    pub fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            &self.session_path("/execute/sync"),
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Polls `script` until it returns true, or fails the test with `what` and the last value
    /// of `describe` after `limit`.
    pub fn wait_until(&self, what: &str, script: &str, describe: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if self.run(script) == Value::Bool(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not happen within {limit:?}; page says: {}",
                self.run(describe)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The page as a PNG.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine;
        let encoded = self.call("GET", &self.session_path("/screenshot"), None);
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("base64 screenshot"))
            .expect("screenshot decodes")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = request(&self.addr, "DELETE", &self.session_path(""), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
