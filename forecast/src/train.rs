//! Train many units on a bounded pool of threads.

use std::{
    num::NonZeroUsize,
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    thread,
    time::Instant,
};

use crate::{ForecastError, Series, StanOptimizer, TrainConfig, UnitModel, UnitName};

/// The outcome of training one unit.
#[derive(Debug)]
pub struct TrainOutcome {
    /// The unit trained.
    pub unit: UnitName,
    /// Wall time spent on this unit, in milliseconds.
    pub fit_ms: f64,
    /// The model, or why there is none.
    pub result: Result<UnitModel, ForecastError>,
}

/// Train every series with `workers` threads (default: available cores). Units are handed out
/// one at a time, so a slow unit holds one worker while the others keep going; an error or a
/// panic fails only its own unit. Outcomes come back in input order.
pub fn train_many(
    series: &[Series],
    config: &TrainConfig,
    stan: &StanOptimizer,
    workers: Option<NonZeroUsize>,
) -> Vec<TrainOutcome> {
    let workers = workers
        .or_else(|| thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
        .min(series.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<TrainOutcome>>> = series.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let stan = stan.clone();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(unit_series) = series.get(i) else {
                        break;
                    };
                    let outcome = train_one(unit_series, config, &stan);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(series)
        .map(|(slot, s)| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| TrainOutcome {
                    unit: s.unit().clone(),
                    fit_ms: 0.0,
                    result: Err(ForecastError::Panicked {
                        unit: s.unit().to_string(),
                    }),
                })
        })
        .collect()
}

fn train_one(series: &Series, config: &TrainConfig, stan: &StanOptimizer) -> TrainOutcome {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| UnitModel::fit(series, config, stan)))
        .unwrap_or_else(|_| {
            Err(ForecastError::Panicked {
                unit: series.unit().to_string(),
            })
        });
    TrainOutcome {
        unit: series.unit().clone(),
        fit_ms: started.elapsed().as_secs_f64() * 1e3,
        result,
    }
}
