//! The dashboard in a real browser: headless Chromium, driven through ChromeDriver, against
//! `rota demo`. Opens the rota page, submits a solve, watches the progress bar reach 100 %
//! and the grid fill with assignments, and saves a screenshot and the first-load figures
//! under the target directory (CI keeps them as artifacts).

use crate::support::server;
use crate::support::webdriver::Browser;
use std::path::PathBuf;
use std::time::Duration;

/// Where CI collects artifacts: `<target dir>/browser`.
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()))
                .join("target")
        },
        PathBuf::from,
    );
    let dir = target.join("browser");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    dir
}

const FIRST_LOAD: &str = "
    const nav = performance.getEntriesByType('navigation')[0];
    const bytes = performance.getEntriesByType('resource')
        .reduce((sum, r) => sum + r.transferSize, nav.transferSize);
    return { load_ms: nav.loadEventEnd, transferred_bytes: bytes,
             units_shown: document.querySelectorAll('main h2 a').length };";

#[test]
fn a_planner_solves_a_rota_in_the_dashboard_and_sees_the_grid() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (demo, token) = server::demo(dir.path());
    let addr = &demo.addr;
    let browser = Browser::start();

    // First load: the units overview, token from the link `rota demo` prints.
    browser.open(&format!("http://{addr}/#/?token={token}"));
    browser.wait_until(
        "the units overview",
        "return document.querySelectorAll('main h2 a').length === 5;",
        "return document.body.innerText.slice(0, 500);",
        Duration::from_secs(30),
    );
    let first_load = browser.run(FIRST_LOAD);
    std::fs::write(
        artifacts().join("first-load.json"),
        first_load.to_string() + "\n",
    )
    .expect("first-load figures written");
    eprintln!("dashboard first load: {first_load}");
    let transferred = first_load["transferred_bytes"].as_f64().expect("bytes");
    assert!(
        transferred > 0.0 && transferred <= 500_000.0,
        "the dashboard must load in at most 500 KB, took {transferred} bytes"
    );

    // The rota page of the first unit: a short solve from the form.
    browser
        .run("location.hash = document.querySelector('main h2 a').getAttribute('href') + '/rota';");
    browser.wait_until(
        "the solve form",
        "return !!document.querySelector('form[aria-label=Solve] input[name=time_limit]');",
        "return document.body.innerText.slice(0, 500);",
        Duration::from_secs(30),
    );
    browser.run(
        "const form = document.querySelector('form[aria-label=Solve]');
         form.querySelector('input[name=time_limit]').value = 5;
         form.querySelector('button[type=submit]').click();",
    );
    browser.wait_until(
        "the progress bar reaching 100 % and the grid showing assignments",
        "const bar = document.querySelector('progress');
         const cells = [...document.querySelectorAll('table.grid tbody td')]
             .filter(td => ['E', 'L', 'N'].includes(td.textContent));
         return !!bar && bar.value === 1 && cells.length > 0;",
        "const bar = document.querySelector('progress');
         return { progress: bar && bar.value,
                  status: (document.querySelector('[role=status]') || {}).textContent };",
        Duration::from_secs(120),
    );
    let status = browser.run("return document.querySelector('[role=status]').textContent;");
    assert!(
        status.as_str().is_some_and(|s| s.starts_with("succeeded")),
        "the job ended as {status}"
    );
    let png = browser.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let path = artifacts().join("rota.png");
    std::fs::write(&path, png).expect("screenshot written");
    eprintln!("screenshot: {}", path.display());
}
