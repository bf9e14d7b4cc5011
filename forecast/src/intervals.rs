//! Seeded prediction intervals for Prophet, the way Python Prophet simulates them.
//!
//! augurs draws its interval samples from `thread_rng`, which cannot be seeded, so the same
//! model would print different intervals on every call. Here the simulation is redone with a
//! seeded ChaCha generator: per sample, future changepoints arrive as a Poisson process with
//! the history's changepoint rate, their rate changes are Laplace with the mean absolute
//! historical change as scale, and Gaussian observation noise with the fitted `sigma_obs` is
//! added. Bounds are the (1 ± width)/2 quantiles with linear interpolation (numpy's default).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{Laplace, Normal, Poisson};

use crate::{features::piecewise_linear, optimizer::FitParams};

/// What the simulation needs besides the model parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IntervalSpec {
    pub(crate) width: f64,
    pub(crate) samples: u32,
    pub(crate) seed: u64,
    pub(crate) y_scale: f64,
}

/// Lower and upper bounds for each point of `yhat` at scaled times `t`.
pub(crate) fn sample_intervals(
    yhat: &[f64],
    t: &[f64],
    params: &FitParams,
    spec: &IntervalSpec,
) -> (Vec<f64>, Vec<f64>) {
    let noise = Normal::new(0.0, params.sigma_obs).ok();
    if spec.samples == 0 || yhat.is_empty() || noise.is_none() {
        return (yhat.to_vec(), yhat.to_vec());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let base = piecewise_linear(t, &params.delta, params.k, params.m, &params.t_change);
    let t_max = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let scale =
        params.delta.iter().map(|d| d.abs()).sum::<f64>() / params.delta.len().max(1) as f64 + 1e-8;
    let laplace = Laplace::new(0.0, scale).ok();
    let rate = params.t_change.len() as f64 * (t_max - 1.0);
    let arrivals = (t_max > 1.0).then(|| Poisson::new(rate).ok()).flatten();

    let mut sims = vec![Vec::with_capacity(spec.samples as usize); yhat.len()];
    for _ in 0..spec.samples {
        let mut cps = params.t_change.clone();
        let mut deltas = params.delta.clone();
        if let (Some(arrivals), Some(laplace)) = (&arrivals, &laplace) {
            let n_new = rng.sample::<f64, _>(arrivals).round() as usize;
            let mut new_cps: Vec<f64> = (0..n_new)
                .map(|_| 1.0 + rng.r#gen::<f64>() * (t_max - 1.0))
                .collect();
            new_cps.sort_by(f64::total_cmp);
            cps.extend(new_cps);
            deltas.extend((0..n_new).map(|_| rng.sample(laplace)));
        }
        let trend = piecewise_linear(t, &deltas, params.k, params.m, &cps);
        for (i, sim) in sims.iter_mut().enumerate() {
            let eps = noise.as_ref().map_or(0.0, |n| rng.sample(n));
            sim.push(yhat[i] + (trend[i] - base[i] + eps) * spec.y_scale);
        }
    }
    let lower_q = (1.0 - spec.width) / 2.0;
    let upper_q = (1.0 + spec.width) / 2.0;
    sims.into_iter()
        .map(|mut sim| {
            sim.sort_by(f64::total_cmp);
            (quantile(&sim, lower_q), quantile(&sim, upper_q))
        })
        .unzip()
}

/// Quantile `q` of sorted, non-empty `x` with linear interpolation.
fn quantile(x: &[f64], q: f64) -> f64 {
    let pos = q * (x.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (pos - lo as f64) * (x[hi] - x[lo])
}
