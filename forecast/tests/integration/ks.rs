//! KS p-values against SciPy 1.17.1 `scipy.stats.ks_2samp`.
//!
//! Reference values were produced once with
//! `ks_2samp(a, b, method='exact')` (and `method='asymp'` for the large case), where the
//! samples are `seq(n, mul, modulus, shift)[i] = ((i * mul) % modulus) / 10 + shift`, exactly
//! representable in both languages.

use rota_forecast::{KsMethod, ks_2samp, ks_2samp_with};

fn seq(n: usize, mul: usize, modulus: usize, shift: f64) -> Vec<f64> {
    (0..n)
        .map(|i| ((i * mul) % modulus) as f64 / 10.0 + shift)
        .collect()
}

fn assert_close(actual: f64, expected: f64, rel: f64) {
    assert!(
        (actual - expected).abs() <= rel * expected.abs(),
        "{actual} differs from {expected} by more than {rel} relative"
    );
}

#[test]
fn exact_p_value_of_small_unequal_samples_matches_scipy() {
    let test = ks_2samp(&[0.1, 0.5, 0.9, 1.3, 2.0], &[0.3, 0.7, 1.1, 2.5, 3.0, 3.5])
        .expect("valid samples");
    assert_eq!(test.method, KsMethod::Exact);
    assert_close(test.statistic, 0.5, 1e-12);
    assert_close(test.p_value, 0.357_142_857_142_857_15, 1e-9);
}

#[test]
fn exact_p_value_of_equal_sizes_matches_scipy() {
    let test = ks_2samp(&seq(8, 37, 101, 0.0), &seq(8, 53, 97, 2.0)).expect("valid samples");
    assert_close(test.statistic, 0.25, 1e-12);
    assert_close(test.p_value, 0.980_108_780_108_78, 1e-9);
}

#[test]
fn exact_p_value_of_training_against_recent_residual_sizes_matches_scipy() {
    let test = ks_2samp(&seq(337, 37, 101, 0.0), &seq(28, 53, 97, 1.5)).expect("valid samples");
    assert_close(test.statistic, 0.151_335_311_572_700_3, 1e-12);
    assert_close(test.p_value, 0.538_283_354_476_409, 1e-9);
}

#[test]
fn exact_p_value_with_ties_between_samples_matches_scipy() {
    let test = ks_2samp(&seq(120, 37, 101, 0.0), &seq(40, 53, 97, 0.0)).expect("valid samples");
    assert_close(test.statistic, 0.1, 1e-12);
    assert_close(test.p_value, 0.912_909_237_171_367, 1e-9);
}

#[test]
fn exact_tiny_p_value_keeps_its_relative_precision() {
    let test = ks_2samp(&seq(60, 37, 101, 0.0), &seq(50, 53, 97, 6.0)).expect("valid samples");
    assert_close(test.statistic, 0.6, 1e-12);
    assert_close(test.p_value, 1.155_221_566_358_648e-9, 1e-6);
}

#[test]
fn large_samples_use_the_asymptotic_p_value_close_to_scipy() {
    // SciPy's asymptotic method evaluates `kstwo.sf(D, round(n1 n2 / (n1 + n2)))`; Stephens'
    // corrected Kolmogorov limit agrees to about 0.1 % here (0.036234 against 0.036278).
    let a = seq(2000, 37, 101, 0.0);
    let b = seq(1500, 53, 97, 0.4);
    let test = ks_2samp(&a, &b).expect("valid samples");
    assert_eq!(test.method, KsMethod::Asymptotic);
    assert_close(test.statistic, 0.048_166_666_666_666_68, 1e-12);
    assert_close(test.p_value, 0.036_278_269_346_665_004, 0.01);
}

#[test]
fn identical_samples_have_p_value_one() {
    let a = seq(30, 37, 101, 0.0);
    let test = ks_2samp_with(&a, &a, KsMethod::Exact).expect("valid samples");
    assert_eq!(test.statistic, 0.0);
    assert_eq!(test.p_value, 1.0);
}

#[test]
fn empty_or_non_finite_samples_are_rejected() {
    assert!(ks_2samp(&[], &[1.0]).is_err());
    assert!(ks_2samp(&[f64::NAN], &[1.0]).is_err());
}

mod properties {
    use proptest::prelude::*;
    use rota_forecast::{KsMethod, ks_2samp_with};

    proptest! {
        #[test]
        fn p_value_is_a_probability_and_symmetric(
            a in prop::collection::vec(-100.0f64..100.0, 1..40),
            b in prop::collection::vec(-100.0f64..100.0, 1..40),
        ) {
            let ab = ks_2samp_with(&a, &b, KsMethod::Exact).expect("valid samples");
            let ba = ks_2samp_with(&b, &a, KsMethod::Exact).expect("valid samples");
            prop_assert!((0.0..=1.0).contains(&ab.p_value));
            prop_assert!((0.0..=1.0).contains(&ab.statistic));
            prop_assert_eq!(ab.statistic, ba.statistic);
            prop_assert!((ab.p_value - ba.p_value).abs() < 1e-12);
        }
    }
}
