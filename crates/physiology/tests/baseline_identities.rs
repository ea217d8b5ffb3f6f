//! Spec §10 item 1: derived-constant identities and baseline derivatives.
//!
//! Oracle: the numbers printed in spec §10.1 item 1 (`shared/spec/calcium-bone-model.md`), which
//! come from the independent R reference implementation (`validation/reference_model.R`).

use k2bone_physiology::{CalciumBoneModel, StateId, N_CORE, STATES};

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn derived_constants_match_spec_10_1() {
    let m = CalciumBoneModel::default();
    let d = m.derived();
    // Spec §10 item 1, printed to 7 significant digits.
    let expected = [
        ("T13", d.T13, 0.03666667),
        ("T15", d.T15, 0.1114488),
        ("J14OC50", d.J14OC50, 5.423457e-3),
        ("kinRNK", d.kinRNK, 4.050782e-2),
        ("bigDb", d.bigDb, 6.651305e-4),
        ("EC50PicROB", d.EC50PicROB, 3.622433),
        ("EC50PicOB", d.EC50PicOB, 1.977037e-9),
        ("EC50PicOC", d.EC50PicOC, 14.90179),
        ("EC50MeffOC", d.EC50MeffOC, 2.633610e-4),
        ("EC50surv", d.EC50surv, 1.299990e-5),
        ("T29", d.T29, 11.87939),
        ("Ctriol50", d.Ctriol50, 68.38055),
        ("T60", d.T60, 1.818314),
        ("RUNkb50", d.RUNkb50, 29.66744),
        ("EC50PicOBkb", d.EC50PicOBkb, 0.1076966),
        ("PTH50", d.PTH50, 1.182759),
        ("T17", d.T17, 0.2366595),
    ];
    for (name, got, want) in expected {
        assert!(rel(got, want) < 1e-6, "{name}: got {got}, spec {want}");
    }
    assert_eq!(d.kGFR, 0.0);
}

#[test]
fn baseline_is_an_equilibrium_except_published_rounding() {
    let m = CalciumBoneModel::default();
    let y = m.initial_state();
    let mut dy = vec![0.0; N_CORE];
    m.rhs(0.0, &y, &mut dy);
    // Spec §10 item 1: the only non-zero baseline derivatives (per hour), from rounding in the
    // published values; everything else is zero to <= 1e-12.
    let nonzero = [
        (StateId::P, 3.466e-4),
        (StateId::ECCPhos, -1.431e-3),
        (StateId::IntraPO, 1.432e-3),
        (StateId::PhosGut, 1.5e-5),
        (StateId::T, -2.51e-6),
        (StateId::UCA, 0.149997),
    ];
    for s in STATES {
        let got = dy[s.id.idx()];
        match nonzero.iter().find(|(id, _)| *id == s.id) {
            Some((_, want)) => assert!(
                rel(got, *want) < 5e-3,
                "d{}/dt = {got}, spec {want}",
                s.name
            ),
            None => assert!(got.abs() <= 1e-12, "d{}/dt = {got}, expected 0", s.name),
        }
    }
}

#[test]
fn baseline_fluxes_match_spec_8() {
    let m = CalciumBoneModel::default();
    let y = m.initial_state();
    let (oral_in, urine) = m.calcium_in_out(0.0, &y, &m.default_inputs());
    // Spec §8: OralCa*T85 ≈ 0.1503 mmol/h; J27 ≈ 0.149997 mmol/h (3.6 mmol/day).
    assert!(rel(oral_in, 0.1503) < 1e-3, "{oral_in}");
    assert!(rel(urine, 0.149997) < 1e-5, "{urine}");
}
