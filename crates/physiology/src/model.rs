//! The Peterson–Riggs / OpenBoneMin calcium–bone model as one value: parameters, baseline,
//! derived constants, right-hand side and its exact Jacobian.
//!
//! The right-hand side is written once, generic over [`Scalar`]; evaluated with `f64` it gives
//! $\dot y$, evaluated with forward-mode dual numbers it gives the Jacobian-vector product
//! $J(y)\,v$ exactly (no finite differences), which the stiff solver uses.

use std::collections::BTreeMap;

use num_dual::Dual64;
use serde::Deserialize;

use crate::derived::{Baseline, Derived};
use crate::params::Params;
use crate::remodeling::RateEffects;
use crate::scalar::Scalar;
use crate::states::{StateId, DROPPED_STATES, N_CORE, STATES};
use crate::{bmd, calcium, drugs, pth, remodeling, ModelError};

/// The shipped parameter file (spec `calcium-bone-params.toml`), embedded at compile time.
pub const SHIPPED_PARAMS_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/model/calcium-bone-params.toml"
));

/// Layout of a parameter file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    #[serde(default)]
    #[allow(dead_code)]
    meta: Option<toml::Table>,
    parameters: Params,
    initial_conditions: BTreeMap<String, f64>,
    #[serde(default)]
    #[allow(dead_code)]
    baseline_checks: Option<toml::Table>,
}

/// Time-varying inputs of the right-hand side that are not states.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// Oral calcium intake, mmol/h (the spec's `OralCa`; the default is the parameter).
    pub oral_ca_mmol_per_h: f64,
    /// Constant rates added to each state's derivative (infusions), state unit per hour.
    pub rates: Vec<f64>,
}

/// Evaluation context shared by the domain modules.
pub(crate) struct Ctx<'a, T> {
    pub y: &'a [T],
    pub p: &'a Params,
    pub d: &'a Derived,
    pub b: &'a Baseline,
    pub t_h: f64,
    pub oral_ca_mmol_per_h: f64,
}

impl<T: Scalar> Ctx<'_, T> {
    #[inline]
    pub fn s(&self, id: StateId) -> T {
        self.y[id.idx()]
    }
    #[inline]
    pub fn b0(&self, id: StateId) -> f64 {
        self.b[id.idx()]
    }
    /// Total active osteoblasts `OB = OBfast + OBslow`.
    #[inline]
    pub fn ob(&self) -> T {
        self.s(StateId::OBfast) + self.s(StateId::OBslow)
    }
}

/// The core model: Peterson–Riggs 2010 / OpenBoneMin, 39 states, time in hours.
#[derive(Debug, Clone)]
pub struct CalciumBoneModel {
    params: Params,
    baseline: Baseline,
    derived: Derived,
}

impl Default for CalciumBoneModel {
    /// The shipped parameters (they are tested to load, so this cannot fail).
    fn default() -> Self {
        CalciumBoneModel::from_toml_str(SHIPPED_PARAMS_TOML, "<shipped calcium-bone-params.toml>")
            .expect("the shipped parameter file is valid")
    }
}

impl CalciumBoneModel {
    /// Reads a parameter file with the layout of `data/model/calcium-bone-params.toml`.
    /// `origin` names the file in error messages.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, ModelError> {
        let file: ModelFile = toml::from_str(text).map_err(|e| ModelError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let baseline = baseline_from(&file.initial_conditions, &file.parameters)?;
        CalciumBoneModel::new(file.parameters, baseline)
    }

    /// Builds the model from parameters and a baseline state, validating both.
    pub fn new(params: Params, baseline: Baseline) -> Result<Self, ModelError> {
        params.validate()?;
        for (info, v) in STATES.iter().zip(baseline.iter()) {
            if !v.is_finite() || *v < 0.0 {
                return Err(ModelError::BadValue {
                    name: format!("initial_conditions.{}", info.name),
                    value: *v,
                    accepted: "a finite number >= 0".into(),
                });
            }
        }
        let derived = Derived::new(&params, &baseline)?;
        Ok(CalciumBoneModel {
            params,
            baseline,
            derived,
        })
    }

    /// A copy with one parameter changed (by spec name), with derived constants recomputed.
    pub fn with_param(&self, name: &str, value: f64) -> Result<Self, ModelError> {
        let mut params = self.params.clone();
        params.set(name, value)?;
        CalciumBoneModel::new(params, self.baseline)
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn derived(&self) -> &Derived {
        &self.derived
    }

    /// The baseline state `X_0`, also the default initial state.
    pub fn baseline(&self) -> &Baseline {
        &self.baseline
    }

    pub fn n_states(&self) -> usize {
        N_CORE
    }

    pub fn initial_state(&self) -> Vec<f64> {
        self.baseline.to_vec()
    }

    /// The default inputs: the parameter file's oral calcium.
    pub fn default_inputs(&self) -> Inputs {
        Inputs {
            oral_ca_mmol_per_h: self.params.calcium.OralCa,
            rates: vec![0.0; N_CORE],
        }
    }

    /// $\dot y$ at time `t_h` (hours since start) with the default inputs.
    pub fn rhs(&self, t_h: f64, y: &[f64], dy: &mut [f64]) {
        self.rhs_generic(t_h, y, &self.default_inputs(), &RateEffects::none(), dy)
    }

    /// The right-hand side in any [`Scalar`], with inputs and rate effects. This is the one
    /// place the equations of spec §5.2–5.8 are evaluated.
    pub fn rhs_generic<T: Scalar>(
        &self,
        t_h: f64,
        y: &[T],
        inputs: &Inputs,
        effects: &RateEffects<T>,
        dy: &mut [T],
    ) {
        debug_assert_eq!(y.len(), N_CORE);
        let ctx = self.ctx(t_h, y, inputs);
        let links = drugs::derivatives(&ctx, dy);
        calcium::derivatives(&ctx, dy);
        pth::derivatives(
            &ctx,
            links.teripkin_pmol_per_h,
            effects.calcitriol_synthesis,
            dy,
        );
        remodeling::derivatives(&ctx, links.denmol_pm, effects, dy);
        bmd::derivatives(&ctx, effects, dy);
        for (d, r) in dy.iter_mut().zip(&inputs.rates) {
            if *r != 0.0 {
                *d += *r;
            }
        }
    }

    /// Jacobian-vector product $J(y)\,v$, exact, by forward-mode differentiation.
    pub fn jvp(&self, t_h: f64, y: &[f64], v: &[f64], inputs: &Inputs, out: &mut [f64]) {
        let yd: Vec<Dual64> = y.iter().zip(v).map(|(&a, &b)| Dual64::new(a, b)).collect();
        let mut dd = vec![Dual64::from(0.0); N_CORE];
        self.rhs_generic(t_h, &yd, inputs, &RateEffects::none(), &mut dd);
        for (o, d) in out.iter_mut().zip(dd) {
            *o = d.eps;
        }
    }

    /// The dense Jacobian, column-major (`jac[col * n + row]` = ∂f_row/∂y_col).
    pub fn jacobian(&self, t_h: f64, y: &[f64], inputs: &Inputs) -> Vec<f64> {
        let n = N_CORE;
        let mut jac = vec![0.0; n * n];
        let mut v = vec![0.0; n];
        for col in 0..n {
            v[col] = 1.0;
            self.jvp(t_h, y, &v, inputs, &mut jac[col * n..(col + 1) * n]);
            v[col] = 0.0;
        }
        jac
    }

    fn ctx<'a, T>(&'a self, t_h: f64, y: &'a [T], inputs: &Inputs) -> Ctx<'a, T> {
        Ctx {
            y,
            p: &self.params,
            d: &self.derived,
            b: &self.baseline,
            t_h,
            oral_ca_mmol_per_h: inputs.oral_ca_mmol_per_h,
        }
    }

    /// Calcium entering the body (gut pool) and leaving it (urine) at state `y`, mmol/h.
    /// Total body calcium `P + T + Q + Qbone` changes by exactly their difference.
    pub fn calcium_in_out(&self, t_h: f64, y: &[f64], inputs: &Inputs) -> (f64, f64) {
        let ctx = self.ctx(t_h, y, inputs);
        let mut dy = vec![0.0; N_CORE];
        let f = calcium::derivatives(&ctx, &mut dy);
        (f.oral_in, f.j27)
    }
}

/// Initial conditions whose value is derived from other baselines (spec §3); a file may state
/// them, but only with the derived value.
fn derived_initial(name: &str, b: &Baseline, p: &Params) -> Option<(f64, &'static str)> {
    use StateId as S;
    let bo = &p.bone;
    let x = |s: S| b[s.idx()];
    Some(match name {
        "M" => (bo.k3 * x(S::RNK) * x(S::L) / bo.k4, "k3*RNK*L/k4"),
        "N" => (bo.k1 * x(S::O) * x(S::L) / bo.k2, "k1*O*L/k2"),
        "AOH" => (x(S::B) / 10.0, "B/10"),
        "OBfast" => (bo.OBtot0 * bo.FracOBfast, "OBtot0*FracOBfast"),
        "OBslow" => (bo.OBtot0 * (1.0 - bo.FracOBfast), "OBtot0*(1-FracOBfast)"),
        "TGFB" => (bo.Pic0 * 1000.0, "Pic0*1000"),
        "TGFBact" => (bo.Pic0, "Pic0"),
        _ => return None,
    })
}

fn baseline_from(ic: &BTreeMap<String, f64>, p: &Params) -> Result<Baseline, ModelError> {
    for name in ic.keys() {
        if StateId::from_name(name).is_none() && !DROPPED_STATES.contains(&name.as_str()) {
            return Err(ModelError::UnknownState {
                name: name.clone(),
                hint: crate::nearest_name(name, STATES.iter().map(|s| s.name)),
            });
        }
    }
    let mut b = [0.0; N_CORE];
    for info in STATES {
        if derived_initial(info.name, &b, p).is_some() {
            continue;
        }
        b[info.id.idx()] = *ic.get(info.name).ok_or_else(|| ModelError::MissingKey {
            key: format!("initial_conditions.{}", info.name),
        })?;
    }
    for info in STATES {
        if let Some((value, formula)) = derived_initial(info.name, &b, p) {
            if let Some(&given) = ic.get(info.name) {
                if (given - value).abs() > 1e-9 * value.abs().max(1e-300) {
                    return Err(ModelError::DerivedInitialMismatch {
                        name: info.name.to_string(),
                        given,
                        derived: value,
                        formula: formula.to_string(),
                    });
                }
            }
            b[info.id.idx()] = value;
        }
    }
    Ok(b)
}
