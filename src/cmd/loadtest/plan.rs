//! What each request of a scenario is. Requests are chosen by a per-connection counter, not
//! at random, so two runs of the same scenario send the same mix.

use super::client::{Target, once};
use crate::cli::LoadScenario;
use anyhow::{Context, bail};
use chrono::{Datelike, Days, Utc};
use hyper::Method;
use serde::Deserialize;

#[derive(Deserialize)]
struct Page {
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: i32,
}

/// The requests one scenario cycles through.
pub struct Plan {
    pub scenario: LoadScenario,
    units: Vec<i32>,
    with_rota: Vec<i32>,
    solve_body: String,
}

/// One request to send.
pub struct Step {
    pub method: Method,
    pub path: String,
    pub body: Option<String>,
}

impl Plan {
    /// Looks up the units (and which have a rota) the scenario needs.
    pub async fn prepare(target: &Target, scenario: LoadScenario) -> anyhow::Result<Self> {
        let answer = once(target, target.request(Method::GET, "/api/v1/units", None))
            .await
            .context("cannot list the units")?;
        if !answer.status.is_success() {
            bail!(
                "listing the units answered {}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            );
        }
        let page: Page =
            serde_json::from_slice(&answer.body).context("the unit list is not the API's JSON")?;
        let units: Vec<i32> = page.items.iter().map(|u| u.id).collect();
        if units.is_empty() {
            bail!("the server has no units to load-test (run `rota seed-demo` first)");
        }
        let mut with_rota = Vec::new();
        if matches!(scenario, LoadScenario::Rota | LoadScenario::Mixed) {
            for &unit in &units {
                let path = format!("/api/v1/units/{unit}/rotas/latest");
                if once(target, target.request(Method::GET, &path, None))
                    .await?
                    .status
                    .is_success()
                {
                    with_rota.push(unit);
                }
            }
            if with_rota.is_empty() {
                bail!(
                    "no unit has a rota yet: solve one first (the `{scenario:?}` scenario reads rotas)"
                );
            }
        }
        Ok(Self {
            scenario,
            units,
            with_rota,
            solve_body: solve_body(),
        })
    }

    /// The `n`-th request of connection `connection`.
    pub fn step(&self, connection: usize, n: usize) -> Step {
        let i = connection.wrapping_add(n);
        let get = |path: String| Step {
            method: Method::GET,
            path,
            body: None,
        };
        let forecast = |i: usize| {
            let unit = self.units[i % self.units.len()];
            get(format!("/api/v1/units/{unit}/forecast"))
        };
        let rota = |i: usize| {
            let unit = self.with_rota[i % self.with_rota.len()];
            get(format!("/api/v1/units/{unit}/rotas/latest"))
        };
        match self.scenario {
            LoadScenario::Forecast => forecast(i),
            LoadScenario::Rota => rota(i),
            LoadScenario::Mixed => match n % 20 {
                0..15 => forecast(i),
                15..19 => rota(i),
                _ => get("/api/v1/units".into()),
            },
            LoadScenario::Solve => Step {
                method: Method::POST,
                path: format!("/api/v1/units/{}/solve", self.units[i % self.units.len()]),
                body: Some(self.solve_body.clone()),
            },
        }
    }
}

/// A 28-day solve from next Monday with history cover and a short limit.
fn solve_body() -> String {
    let today = Utc::now().date_naive();
    let ahead = 7 - u64::from(today.weekday().num_days_from_monday());
    let monday = today.checked_add_days(Days::new(ahead)).unwrap_or(today);
    serde_json::json!({
        "horizon_start": monday.to_string(),
        "days": 28,
        "time_limit": 5,
        "cover": "history",
    })
    .to_string()
}
