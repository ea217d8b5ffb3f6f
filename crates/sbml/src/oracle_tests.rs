//! The exported equations against the model's own `f64` code, without any tool: the graph of
//! the rate rules, outputs and dose assignments is evaluated at states that put every
//! `piecewise` on either side and compared with `rhs`, `outputs` and `apply_bolus`.
//! Oracle: the model's `f64` functions (the same source, a different evaluation path: the
//! exporter's naming, folding and sharing could all break the match).

use k2bone_physiology::{Agent, BoneHealthModel, CalciumBoneModel, Drug, ExtState, StateId};
use k2bone_sim::DoseEvent;

use crate::export::{build, ExportSpec, Target};
use crate::model::SbmlModel;

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs()) + 1e-300
}

/// States around `y0`: itself, each state scaled by a deterministic factor in 0.7…1.3, and
/// the corners of the branches (BCL2 either side of 105, phosphate either side of 1.2 mM,
/// vitamin K status 0).
fn probe_states(y0: &[f64], v1: f64, k_status: Option<usize>) -> Vec<Vec<f64>> {
    let mut out = vec![y0.to_vec()];
    let mut seed = 12345u64;
    for _ in 0..6 {
        let y: Vec<f64> = y0
            .iter()
            .map(|v| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                v * (0.7 + 0.6 * ((seed >> 11) as f64 / (1u64 << 53) as f64))
            })
            .collect();
        out.push(y);
    }
    for (bcl2, phos_mm) in [(100.0, 1.0), (110.0, 1.5)] {
        let mut y = y0.to_vec();
        y[StateId::BCL2.idx()] = bcl2;
        y[StateId::ECCPhos.idx()] = phos_mm * v1;
        out.push(y);
    }
    if let Some(k) = k_status {
        let mut y = y0.to_vec();
        y[k] = 0.0;
        out.push(y);
    }
    out
}

fn check_equations<M: SbmlModel>(
    model: &M,
    spec: &ExportSpec<M::Drug>,
    states: &[Vec<f64>],
    rhs: impl Fn(f64, &[f64], &mut [f64]),
    outputs: impl Fn(&[f64], &mut [f64]),
) {
    let doc = build(model, spec).unwrap();
    let params: Vec<f64> = doc.params.iter().map(|p| p.value).collect();
    let n = doc.states.len();
    for (k, y) in states.iter().enumerate() {
        for t_sbml in [0.0, 5000.0] {
            let mut dy = vec![0.0; n];
            rhs(spec.clock_start_h + t_sbml, y, &mut dy);
            for &(i, e) in &doc.rate_rules {
                let v = doc.graph.eval(e, y, &params, t_sbml);
                assert!(
                    close(v, dy[i]),
                    "state set {k}, t {t_sbml}: d{}/dt {v} vs {}",
                    doc.states[i].id,
                    dy[i]
                );
            }
        }
        let mut out = vec![0.0; doc.output_defs.len()];
        outputs(y, &mut out);
        for &(i, e) in &doc.outputs {
            let v = doc.graph.eval(e, y, &params, 0.0);
            assert!(
                close(v, out[i]),
                "state set {k}: {} {v} vs {}",
                doc.output_defs[i].id,
                out[i]
            );
        }
    }
}

#[test]
fn full_model_rate_rules_and_outputs_are_the_model() {
    let m = BoneHealthModel::default();
    let y0 = m.initial_state();
    let v1 = m.core().params().calcium.V1;
    let states = probe_states(&y0, v1, Some(ExtState::KStatus.idx()));
    let inputs = m.default_inputs();
    // A clock before and one after the menopausal onset, with estrogen dynamics on.
    let core = m.core().with_param("ESTON", 1.0).unwrap();
    let m = BoneHealthModel::new(core, m.k_params().clone(), *m.person()).unwrap();
    for clock in [0.0, 20.0 * 8760.0] {
        let spec = ExportSpec {
            clock_start_h: clock,
            ..ExportSpec::default()
        };
        check_equations(
            &m,
            &spec,
            &states,
            |t, y, dy| m.rhs(t, y, &inputs, dy),
            |y, out| m.outputs(y, out),
        );
    }
}

#[test]
fn core_model_rate_rules_and_outputs_are_the_model() {
    let m = CalciumBoneModel::default()
        .with_param("ESTON", 1.0)
        .unwrap();
    let y0 = m.initial_state();
    let states = probe_states(&y0, m.params().calcium.V1, None);
    let spec = ExportSpec {
        clock_start_h: 15.0 * 8760.0,
        ..ExportSpec::default()
    };
    check_equations(
        &m,
        &spec,
        &states,
        |t, y, dy| m.rhs(t, y, dy),
        |y, out| m.outputs(y, out),
    );
}

#[test]
fn dose_events_add_what_apply_bolus_adds() {
    let m = BoneHealthModel::default();
    let mk7 = Agent::parse("mk7:tablet").unwrap();
    let calcium = Agent::Core(Drug::Calcium);
    let dose = |time_h: f64, drug: Agent, amount: f64| DoseEvent {
        time_h,
        drug,
        amount,
        duration_h: None,
    };
    let spec = ExportSpec {
        doses: vec![
            dose(0.0, mk7, 277.0),
            dose(24.0, mk7, 277.0),
            dose(48.0, mk7, 277.0),
            dose(0.0, calcium, 500.0),
            dose(30.0, calcium, 500.0),
        ],
        ..ExportSpec::default()
    };
    let doc = build(&m, &spec).unwrap();
    let params: Vec<f64> = doc.params.iter().map(|p| p.value).collect();
    assert_eq!(
        doc.events.len(),
        2,
        "one run of MK-7, one single calcium dose"
    );
    // t = 0: both doses in the initial values.
    let mut y0 = m.initial_state();
    let before = y0.clone();
    m.apply_bolus(mk7, 277.0, &mut y0);
    m.apply_bolus(calcium, 500.0, &mut y0);
    assert_eq!(doc.initial_assignments.len(), 2);
    for &(i, e) in &doc.initial_assignments {
        let v = doc.graph.eval(e, &before, &params, 0.0);
        assert!(close(v, y0[i]), "{}: {v} vs {}", doc.states[i].id, y0[i]);
    }
    // An event: at a state other than the start, each assignment is apply_bolus.
    let mut y = y0.clone();
    y[StateId::R.idx()] *= 0.8;
    for ev in &doc.events {
        let (drug, amount) = if ev.id.contains("mk7") {
            (mk7, 277.0)
        } else {
            (calcium, 500.0)
        };
        let mut want = y.clone();
        m.apply_bolus(drug, amount, &mut want);
        let mut n_state = 0;
        for (target, e) in &ev.assignments {
            if let Target::State(i) = target {
                n_state += 1;
                let v = doc.graph.eval(*e, &y, &params, 0.0);
                assert!(
                    close(v, want[*i]),
                    "{}: {v} vs {}",
                    doc.states[*i].id,
                    want[*i]
                );
            }
        }
        assert_eq!(n_state, 1, "{}: one depot per dose", ev.id);
    }
}
