//! The exact (forward-mode) Jacobian against central finite differences of the right-hand
//! side, at the baseline and at random valid states (argmin's property-test pattern).

use k2bone_physiology::{CalciumBoneModel, StateId, N_CORE};
use proptest::prelude::*;

fn fd_column(m: &CalciumBoneModel, t: f64, y: &[f64], col: usize) -> Vec<f64> {
    let h = 1e-6 * y[col].abs().max(1e-8);
    let mut yp = y.to_vec();
    let mut ym = y.to_vec();
    yp[col] += h;
    ym[col] -= h;
    let (mut fp, mut fm) = (vec![0.0; N_CORE], vec![0.0; N_CORE]);
    let inputs = m.default_inputs();
    let none = k2bone_physiology::RateEffects::none();
    m.rhs_generic(t, &yp, &inputs, &none, &mut fp);
    m.rhs_generic(t, &ym, &inputs, &none, &mut fm);
    fp.iter()
        .zip(&fm)
        .map(|(a, b)| (a - b) / (2.0 * h))
        .collect()
}

/// Compares the state-scaled Jacobian `J[r][c] * y[c]` entry by entry:
/// `|ΔJ y_c| <= 1e-4 |J y_c| + 1e-7 max_c |J[r][c] y_c|` (the row's largest sensitivity).
fn check(m: &CalciumBoneModel, t: f64, y: &[f64]) -> Result<(), String> {
    let jac = m.jacobian(t, y, &m.default_inputs());
    let yc = |c: usize| y[c].abs().max(1e-8);
    let row_scale: Vec<f64> = (0..N_CORE)
        .map(|r| {
            (0..N_CORE)
                .map(|c| (jac[c * N_CORE + r] * yc(c)).abs())
                .fold(0.0, f64::max)
        })
        .collect();
    for col in 0..N_CORE {
        // The caller keeps states away from the kinks (BCL2 at 105, phosphate at 1.2 mM).
        let fd = fd_column(m, t, y, col);
        for row in 0..N_CORE {
            let exact = jac[col * N_CORE + row];
            let err = (exact - fd[row]).abs() * yc(col);
            if err > 1e-4 * (exact * yc(col)).abs() + 1e-7 * row_scale[row] {
                return Err(format!(
                    "d f[{row}] / d y[{col}]: exact {exact:e}, finite difference {:e}",
                    fd[row]
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn jacobian_matches_finite_differences_at_baseline_and_under_drugs() {
    let m = CalciumBoneModel::default();
    let mut y = m.initial_state();
    // Move phosphate off the PhosEffect kink at exactly 1.2 mM (spec §8 quirk 2).
    y[StateId::ECCPhos.idx()] *= 1.01;
    check(&m, 0.0, &y).unwrap();
    // With teriparatide and denosumab on board.
    y[StateId::TERISC.idx()] = 4856.962;
    y[StateId::DENSC.idx()] = 2.0e7;
    y[StateId::DENCENT.idx()] = 5.0e6;
    y[StateId::DENPER.idx()] = 1.0e6;
    check(&m, 100.0, &y).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn jacobian_matches_finite_differences_at_random_states(
        scales in proptest::collection::vec(0.7f64..1.4, N_CORE),
        t in 0.0f64..1e5,
    ) {
        let m = CalciumBoneModel::default();
        let mut y: Vec<f64> = m.initial_state().iter().zip(&scales).map(|(v, s)| v * s).collect();
        // Keep away from the two kinks, where a finite difference straddles the switch.
        let bcl2 = &mut y[StateId::BCL2.idx()];
        if (*bcl2 - 105.0).abs() < 1.0 { *bcl2 = 103.0; }
        let c2 = y[StateId::ECCPhos.idx()] / 14.0;
        if (c2 - 1.2).abs() < 0.01 { y[StateId::ECCPhos.idx()] = 14.0 * 1.25; }
        y[StateId::TERISC.idx()] = 1000.0 * scales[0];
        y[StateId::DENCENT.idx()] = 1.0e6 * scales[1];
        prop_assert!(check(&m, t, &y).is_ok(), "{}", check(&m, t, &y).unwrap_err());
    }
}
