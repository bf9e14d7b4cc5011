//! Counter-based randomness: every value is a pure function of (seed, keys), so a date's demand
//! does not depend on which other dates are generated. That is what makes seeding idempotent
//! across runs with different `--days` or `--end`.

/// SplitMix64's finaliser: a well-mixed 64-bit hash.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of the seed and keys.
pub fn hash(seed: u64, keys: &[u64]) -> u64 {
    keys.iter().fold(mix(seed), |acc, key| mix(acc ^ key))
}

/// Uniform in [0, 1).
pub fn uniform(seed: u64, keys: &[u64]) -> f64 {
    // The top 53 bits fill an f64 mantissa exactly.
    (hash(seed, keys) >> 11) as f64 / (1u64 << 53) as f64
}

/// Standard normal, by Box–Muller on two independent uniforms.
pub fn normal(seed: u64, keys: &[u64]) -> f64 {
    let u1 = uniform(seed, keys).max(f64::MIN_POSITIVE);
    let u2 = uniform(seed ^ 0xA5A5_A5A5_A5A5_A5A5, keys);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_keys_same_value() {
        assert_eq!(uniform(42, &[1, 2, 3]), uniform(42, &[1, 2, 3]));
    }

    #[test]
    fn different_seed_different_value() {
        assert_ne!(uniform(42, &[1, 2, 3]), uniform(43, &[1, 2, 3]));
    }

    #[test]
    fn normal_has_unit_moments() {
        let n = 20_000u64;
        let values: Vec<f64> = (0..n).map(|i| normal(7, &[i])).collect();
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
