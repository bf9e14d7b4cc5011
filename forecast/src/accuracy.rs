//! Accuracy measures of a forecast against what happened.

/// Mean absolute percentage error, in percent (8.5 means 8.5 %).
///
/// Days whose actual value is zero are left out: their percentage error is undefined and a
/// unit that is closed on some days should not get an infinite error. Returns `None` when no
/// day has a non-zero actual (or there are no days). Pairs are taken up to the shorter slice.
pub fn mape(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    let (sum, count) = actual
        .iter()
        .zip(predicted)
        .filter(|(a, _)| **a != 0.0)
        .fold((0.0, 0usize), |(sum, count), (a, p)| {
            (sum + ((a - p) / a).abs(), count + 1)
        });
    (count > 0).then(|| 100.0 * sum / count as f64)
}

/// Mean absolute error, in the unit of the series. `None` for no days.
/// Pairs are taken up to the shorter slice.
pub fn mae(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    let (sum, count) = actual
        .iter()
        .zip(predicted)
        .fold((0.0, 0usize), |(sum, count), (a, p)| {
            (sum + (a - p).abs(), count + 1)
        });
    (count > 0).then(|| sum / count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mape_is_the_mean_of_absolute_relative_errors_in_percent() {
        assert_eq!(mape(&[100.0, 200.0], &[110.0, 180.0]), Some(10.0));
    }

    #[test]
    fn mape_leaves_out_zero_actuals() {
        assert_eq!(mape(&[0.0, 50.0], &[5.0, 55.0]), Some(10.0));
    }

    #[test]
    fn mape_of_all_zero_actuals_is_undefined() {
        assert_eq!(mape(&[0.0, 0.0], &[1.0, 2.0]), None);
    }

    #[test]
    fn mae_is_the_mean_absolute_difference() {
        assert_eq!(mae(&[1.0, 2.0, 3.0], &[2.0, 2.0, 1.0]), Some(1.0));
        assert_eq!(mae(&[], &[]), None);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::{mae, mape};

        proptest! {
            #[test]
            fn mape_does_not_depend_on_the_unit_of_measure(
                pairs in prop::collection::vec((0.1f64..1e3, 0.0f64..1e3), 1..50),
                scale in 0.01f64..100.0,
            ) {
                let (a, p): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
                let scaled_a: Vec<f64> = a.iter().map(|x| x * scale).collect();
                let scaled_p: Vec<f64> = p.iter().map(|x| x * scale).collect();
                let (m, ms) = (mape(&a, &p).unwrap_or(f64::NAN), mape(&scaled_a, &scaled_p).unwrap_or(f64::NAN));
                prop_assert!((m - ms).abs() <= 1e-9 * m.max(1.0));
            }

            #[test]
            fn mae_is_zero_exactly_for_a_perfect_forecast(
                a in prop::collection::vec(0.0f64..1e3, 1..50),
            ) {
                prop_assert_eq!(mae(&a, &a), Some(0.0));
                let shifted: Vec<f64> = a.iter().map(|x| x + 1.0).collect();
                prop_assert!((mae(&a, &shifted).unwrap_or(0.0) - 1.0).abs() < 1e-9);
            }
        }
    }
}
