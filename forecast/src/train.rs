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

/// One unit to train: its history and its own settings (holidays differ per unit).
#[derive(Debug, Clone)]
pub struct TrainJob {
    /// The unit's checked history.
    pub series: Series,
    /// How to train it.
    pub config: TrainConfig,
}

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

/// Train every job with `workers` threads (default: available cores). Units are handed out
/// one at a time, so a slow unit holds one worker while the others keep going; an error or a
/// panic fails only its own unit. Outcomes come back in input order.
pub fn train_many(
    jobs: &[TrainJob],
    stan: &StanOptimizer,
    workers: Option<NonZeroUsize>,
) -> Vec<TrainOutcome> {
    train_many_with(jobs, stan, workers, &|_| {})
}

/// [`train_many`], calling `done` from the training thread as each unit finishes (for
/// progress reports), in completion order.
pub fn train_many_with(
    jobs: &[TrainJob],
    stan: &StanOptimizer,
    workers: Option<NonZeroUsize>,
    done: &(dyn Fn(&TrainOutcome) + Sync),
) -> Vec<TrainOutcome> {
    let workers = workers
        .or_else(|| thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
        .min(jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<TrainOutcome>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let stan = stan.clone();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else {
                        break;
                    };
                    let outcome = train_one(&job.series, &job.config, &stan);
                    done(&outcome);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(jobs)
        .map(|(slot, job)| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| TrainOutcome {
                    unit: job.series.unit().clone(),
                    fit_ms: 0.0,
                    result: Err(ForecastError::Panicked {
                        unit: job.series.unit().to_string(),
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
