//! The Stan optimizer: compiled once per process, recorded at fit time, replayed at load time.
//!
//! Compiling the WebAssembly Stan model costs seconds, so [`StanOptimizer::shared`] compiles
//! it once and hands out clones (cheap: an engine handle and a pre-instantiated component).
//! Caching the compiled machine code across processes is not offered: wasmtime can only load
//! a serialized component through `unsafe` `Component::deserialize` (this workspace forbids
//! `unsafe`), and augurs' `WasmstanOptimizer` accepts nothing but a WebAssembly binary.
//!
//! augurs keeps the optimized parameters of a fitted model private, so every fit goes through
//! [`Recorder`], which keeps a copy. Forecasts are computed from that copy
//! ([`crate::ProphetModel`]), so a model restored from it predicts the same bits.

use std::sync::{Arc, Mutex, OnceLock};

use augurs_prophet::{
    PositiveFloat,
    optimizer::{self, Data, InitialParams, OptimizeOpts, OptimizedParams, Optimizer},
    wasmstan::WasmstanOptimizer,
};
use serde::{Deserialize, Serialize};

/// A handle on the compiled Stan model; clone it freely, it is `Send + Sync`.
#[derive(Debug, Clone)]
pub struct StanOptimizer {
    inner: WasmstanOptimizer,
}

static SHARED: OnceLock<StanOptimizer> = OnceLock::new();

impl StanOptimizer {
    /// The process-wide optimizer, compiled on first use (2–3 s), cloned afterwards.
    pub fn shared() -> Self {
        SHARED
            .get_or_init(|| Self {
                inner: WasmstanOptimizer::new(),
            })
            .clone()
    }
}

/// The MAP estimate of one Prophet fit, with the feature columns in canonical order
/// (see [`crate::features`]), so it can be replayed whatever order augurs builds them in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitParams {
    /// Base growth rate (scaled units per unit of scaled time).
    pub k: f64,
    /// Offset (scaled units).
    pub m: f64,
    /// Observation noise (scaled units).
    pub sigma_obs: f64,
    /// Growth-rate changes at the changepoints.
    pub delta: Vec<f64>,
    /// Coefficients of the feature columns, canonical order.
    pub beta: Vec<f64>,
    /// Changepoint times on the scaled time axis.
    pub t_change: Vec<f64>,
}

/// An augurs optimizer that runs Stan on canonically ordered columns and records the result.
#[derive(Debug)]
pub(crate) struct Recorder {
    stan: WasmstanOptimizer,
    canonical: Vec<Vec<f64>>,
    opts_override: OptimizeOpts,
    recorded: Arc<Mutex<Option<FitParams>>>,
}

impl Recorder {
    /// Run Stan with `opts`; `canonical` are the feature columns in canonical order.
    pub(crate) fn stan(stan: &StanOptimizer, canonical: Vec<Vec<f64>>, opts: OptimizeOpts) -> Self {
        Self {
            stan: stan.inner.clone(),
            canonical,
            opts_override: opts,
            recorded: Arc::new(Mutex::new(None)),
        }
    }

    /// A handle on the parameters of the last successful fit, readable after the recorder
    /// has moved into the model.
    pub(crate) fn slot(&self) -> RecordedSlot {
        RecordedSlot(Arc::clone(&self.recorded))
    }
}

impl Optimizer for Recorder {
    fn optimize(
        &self,
        init: &InitialParams,
        data: &Data,
        _opts: &OptimizeOpts,
    ) -> Result<OptimizedParams, optimizer::Error> {
        let order = canonical_order(data, &self.canonical).ok_or_else(|| {
            optimizer::Error::static_str("feature columns do not match the model's features")
        })?;
        let data = reorder_data(data, &order);
        let init = InitialParams {
            beta: permute_to_canonical(&init.beta, &order),
            ..init.clone()
        };
        let out = self.stan.optimize(&init, &data, &self.opts_override)?;
        let params = FitParams {
            k: out.k,
            m: out.m,
            sigma_obs: *out.sigma_obs,
            delta: out.delta,
            beta: out.beta,
            t_change: data.t_change.clone(),
        };
        let sigma_obs = PositiveFloat::try_new(params.sigma_obs)
            .map_err(|_| optimizer::Error::static_str("sigma_obs must be positive"))?;
        let optimized = OptimizedParams {
            k: params.k,
            m: params.m,
            sigma_obs,
            delta: params.delta.clone(),
            beta: order.iter().map(|&c| params.beta[c]).collect(),
            // augurs does not read the fitted trend when predicting.
            trend: Vec::new(),
        };
        if let Ok(mut slot) = self.recorded.lock() {
            *slot = Some(params);
        }
        Ok(optimized)
    }
}

/// Shared view of what a [`Recorder`] recorded.
#[derive(Debug, Clone)]
pub(crate) struct RecordedSlot(Arc<Mutex<Option<FitParams>>>);

impl RecordedSlot {
    /// The parameters of the last successful fit.
    pub(crate) fn get(&self) -> Option<FitParams> {
        self.0.lock().ok().and_then(|guard| guard.clone())
    }
}

/// `order[c]` = canonical index of augurs' column `c`, matched by value.
fn canonical_order(data: &Data, canonical: &[Vec<f64>]) -> Option<Vec<usize>> {
    let (rows, cols) = (data.T as usize, data.K as usize);
    if cols != canonical.len() {
        return None;
    }
    let mut taken = vec![false; cols];
    let mut order = Vec::with_capacity(cols);
    for c in 0..cols {
        let found = (0..cols).find(|&p| {
            !taken[p]
                && canonical[p].len() == rows
                // Same formulas on both sides; the tolerance only guards against a future
                // augurs computing them in another order.
                && (0..rows).all(|r| (data.X[r * cols + c] - canonical[p][r]).abs() <= 1e-12)
        })?;
        taken[found] = true;
        order.push(found);
    }
    Some(order)
}

fn permute_to_canonical<T: Copy + Default>(values: &[T], order: &[usize]) -> Vec<T> {
    let mut out = vec![T::default(); values.len()];
    for (c, &p) in order.iter().enumerate() {
        out[p] = values[c];
    }
    out
}

fn reorder_data(data: &Data, order: &[usize]) -> Data {
    let (rows, cols) = (data.T as usize, data.K as usize);
    let mut x = vec![0.0; rows * cols];
    for r in 0..rows {
        for (c, &p) in order.iter().enumerate() {
            x[r * cols + p] = data.X[r * cols + c];
        }
    }
    let mut sigmas = data.sigmas.clone();
    for (c, &p) in order.iter().enumerate() {
        sigmas[p] = data.sigmas[c];
    }
    Data {
        X: x,
        sigmas,
        s_a: permute_to_canonical(&data.s_a, order),
        s_m: permute_to_canonical(&data.s_m, order),
        ..data.clone()
    }
}
