//! The full k2bone model: the calcium–bone core plus vitamin K pharmacokinetics, vitamin K
//! status and carboxylation, vitamin D and vascular calcification (docs/model/vitamin-k.md).
//!
//! The state vector is the core's 39 states followed by [`EXT_STATES`]. The extension talks
//! to the core only through named rate effects ([`RateEffects`]) and the oral calcium input;
//! at its baseline every effect is exactly 1, so with no supplement the core runs unchanged.

use num_dual::Dual64;

use k2bone_units::Vitamer;

use crate::carboxylation as carb;
use crate::kparams::{KParamFile, KParams};
use crate::model::{CalciumBoneModel, Inputs};
use crate::pk::{VitamerPk, PK_VITAMERS};
use crate::remodeling::RateEffects;
use crate::scalar::Scalar;
use crate::states::{StateId as S, N_CORE};
use crate::{calcification, vitamin_d, ModelError};

/// Extension states, in vector order after the core's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtState {
    K1Gut,
    K1Lymph,
    K1Plasma,
    Mk4Gut,
    Mk4Lymph,
    Mk4Plasma,
    Mk7Gut,
    Mk7Lymph,
    Mk7Plasma,
    KStatus,
    D3Pool,
    D25,
    Calcification,
    UcMgp,
}

impl ExtState {
    /// Index in the full state vector.
    pub const fn idx(self) -> usize {
        N_CORE + self as usize
    }
}

/// Name, unit and meaning of each extension state.
pub const EXT_STATES: [(&str, &str, &str); 14] = [
    ("K1_gut", "nmol", "phylloquinone in the gut"),
    ("K1_lymph", "nmol", "phylloquinone in chylomicrons on the way to plasma"),
    ("K1_plasma", "nmol", "phylloquinone in plasma"),
    ("MK4_gut", "nmol", "MK-4 in the gut"),
    ("MK4_lymph", "nmol", "MK-4 in chylomicrons on the way to plasma"),
    ("MK4_plasma", "nmol", "MK-4 in plasma"),
    ("MK7_gut", "nmol", "MK-7 in the gut"),
    ("MK7_lymph", "nmol", "MK-7 in chylomicrons on the way to plasma"),
    ("MK7_plasma", "nmol", "MK-7 in plasma"),
    (
        "K_status",
        "nM",
        "extrahepatic vitamin K status (K1-equivalents)",
    ),
    ("D3_pool", "ug", "oral vitamin D3 awaiting 25-hydroxylation"),
    ("D25", "nmol/L", "serum 25-hydroxyvitamin D"),
    ("CI", "index", "vascular calcification index (1 at start)"),
    (
        "ucMGP_rel",
        "-",
        "circulating uncarboxylated MGP (dp-ucMGP) relative to baseline; follows the vessel-wall fraction slowly",
    ),
];

/// Number of states of the full model.
pub const N_FULL: usize = N_CORE + EXT_STATES.len();

/// What the extension needs to know about the person simulated, beyond the core's parameters.
/// Not a second description of the person: the one `Person` (who is simulated, as written in a
/// scenario) is `k2bone_scenario::Person`, and the scenario builder derives these inputs from it
/// (`vka_inhibition` from the anticoagulant and stable INR, docs/model/inr.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PersonInputs {
    /// Serum 25(OH)D at the start, nmol/L.
    pub d25_nmol_l: f64,
    /// Inhibition of vitamin K recycling by a vitamin K antagonist, 0 (none) … 1 (complete).
    pub vka_inhibition: f64,
}

impl Default for PersonInputs {
    fn default() -> Self {
        PersonInputs {
            d25_nmol_l: 75.0,
            vka_inhibition: 0.0,
        }
    }
}

/// Baseline values of the extension, derived from parameters and person.
#[derive(Debug, Clone, Copy)]
pub struct ExtBaseline {
    pub k_ex_nm: f64,
    pub f_oc: f64,
    pub f_mgp: f64,
    pub caxp: f64,
}

/// The core model plus the vitamin K / D / calcification extension.
#[derive(Debug, Clone)]
pub struct BoneHealthModel {
    core: CalciumBoneModel,
    k: KParams,
    person: PersonInputs,
    pk: [VitamerPk; 3],
    base: ExtBaseline,
}

impl Default for BoneHealthModel {
    fn default() -> Self {
        BoneHealthModel::new(
            CalciumBoneModel::default(),
            KParamFile::shipped().params,
            PersonInputs::default(),
        )
        .expect("shipped parameters are valid")
    }
}

impl BoneHealthModel {
    pub fn new(
        core: CalciumBoneModel,
        k: KParams,
        person: PersonInputs,
    ) -> Result<Self, ModelError> {
        k.validate()?;
        if !(person.d25_nmol_l.is_finite() && person.d25_nmol_l > 0.0 && person.d25_nmol_l <= 500.0)
        {
            return Err(ModelError::BadValue {
                name: "person.d25_nmol_l".into(),
                value: person.d25_nmol_l,
                accepted: "0 < 25(OH)D <= 500 nmol/L".into(),
            });
        }
        if !(0.0..=0.99).contains(&person.vka_inhibition) {
            return Err(ModelError::BadValue {
                name: "person.vka_inhibition".into(),
                value: person.vka_inhibition,
                accepted: "0 <= inhibition <= 0.99".into(),
            });
        }
        let pk = PK_VITAMERS.map(|v| VitamerPk::of(v, &k).expect("PK_VITAMERS have compartments"));
        let c0 = [pk[0].c0_nm, pk[1].c0_nm, pk[2].c0_nm];
        let k_in0 = carb::k_in(&k, c0, c0);
        let k_ex_nm = carb::extrahepatic_supply(&k, k_in0, person.vka_inhibition);
        let b = core.baseline();
        let v1 = core.params().calcium.V1;
        let base = ExtBaseline {
            k_ex_nm,
            f_oc: carb::oc_fraction(&k, k_ex_nm),
            f_mgp: carb::mgp_fraction(&k, k_ex_nm),
            caxp: b[S::P.idx()] / v1 * (b[S::ECCPhos.idx()] / v1),
        };
        Ok(BoneHealthModel {
            core,
            k,
            person,
            pk,
            base,
        })
    }

    pub fn core(&self) -> &CalciumBoneModel {
        &self.core
    }
    pub fn k_params(&self) -> &KParams {
        &self.k
    }
    pub fn person(&self) -> &PersonInputs {
        &self.person
    }
    pub fn ext_baseline(&self) -> &ExtBaseline {
        &self.base
    }
    pub(crate) fn pk_at(&self, i: usize) -> &VitamerPk {
        &self.pk[i]
    }

    /// PK constants of K1, MK-4, MK-7.
    pub fn pk(&self, v: Vitamer) -> Option<&VitamerPk> {
        self.pk.iter().find(|p| p.vitamer == v)
    }

    pub fn n_states(&self) -> usize {
        N_FULL
    }

    /// The core's baseline followed by the extension's steady state.
    pub fn initial_state(&self) -> Vec<f64> {
        let mut y = self.core.initial_state();
        for pk in &self.pk {
            let (g, l, a) = pk.baseline();
            y.push(g);
            y.push(l);
            y.push(a);
        }
        y.push(self.base.k_ex_nm);
        y.push(0.0);
        y.push(self.person.d25_nmol_l);
        y.push(1.0);
        y.push(1.0);
        debug_assert_eq!(y.len(), N_FULL);
        y
    }

    pub fn default_inputs(&self) -> Inputs {
        let mut i = self.core.default_inputs();
        i.rates = vec![0.0; N_FULL];
        i
    }

    /// The right-hand side in any [`Scalar`].
    pub fn rhs_generic<T: Scalar>(&self, t_h: f64, y: &[T], inputs: &Inputs, dy: &mut [T]) {
        debug_assert_eq!(y.len(), N_FULL);
        let (core_y, ext_y) = y.split_at(N_CORE);
        let (core_dy, ext_dy) = dy.split_at_mut(N_CORE);
        self.upstream_generic(ext_y, ext_dy);
        let effects = self.core_effects(ext_y);
        let core_inputs = Inputs {
            oral_ca_mmol_per_h: inputs.oral_ca_mmol_per_h,
            rates: Vec::new(),
        };
        self.core
            .rhs_generic(t_h, core_y, &core_inputs, &effects, core_dy);
        ext_dy[ExtState::Calcification as usize] =
            self.calcification_derivative(core_y, ext_y[ExtState::UcMgp as usize]);
        for (d, r) in dy.iter_mut().zip(&inputs.rates) {
            if *r != 0.0 {
                *d += *r;
            }
        }
    }

    /// The vitamin K and vitamin D chain, which nothing in the core feeds back into:
    /// pharmacokinetics, vitamin K status, 25(OH)D and circulating ucMGP. Writes every
    /// extension derivative except the calcification index's (left unchanged).
    fn upstream_generic<T: Scalar>(&self, ext_y: &[T], ext_dy: &mut [T]) {
        let k = &self.k;
        // Pharmacokinetics.
        let mut c_nm = [T::from(0.0); 3];
        for (i, pk) in self.pk.iter().enumerate() {
            let y3 = [ext_y[3 * i], ext_y[3 * i + 1], ext_y[3 * i + 2]];
            c_nm[i] = pk.derivatives(y3, &mut ext_dy[3 * i..3 * i + 3]);
        }
        // Vitamin K status.
        let k_in = carb::k_in(k, c_nm, self.pk.each_ref().map(|p| p.c0_nm));
        let supply = carb::extrahepatic_supply(k, k_in, self.person.vka_inhibition);
        let k_ex = ext_y[ExtState::KStatus as usize];
        ext_dy[ExtState::KStatus as usize] = carb::status_derivative(k, supply, k_ex);
        // Vitamin D.
        let (d_d3, d_d25) = vitamin_d::derivatives(
            k,
            ext_y[ExtState::D3Pool as usize],
            ext_y[ExtState::D25 as usize],
            self.person.d25_nmol_l,
        );
        ext_dy[ExtState::D3Pool as usize] = d_d3;
        ext_dy[ExtState::D25 as usize] = d_d25;
        // Circulating ucMGP follows the vessel wall's uncarboxylated fraction.
        let f_mgp = carb::mgp_fraction(k, k_ex);
        let uc_mgp = ext_y[ExtState::UcMgp as usize];
        ext_dy[ExtState::UcMgp as usize] =
            carb::uc_mgp_derivative(k, f_mgp, self.base.f_mgp, uc_mgp);
    }

    /// How vitamin K status (via carboxylated osteocalcin) and 25(OH)D change the core's rates.
    fn core_effects<T: Scalar>(&self, ext_y: &[T]) -> RateEffects<T> {
        let k = &self.k;
        let f_oc = carb::oc_fraction(k, ext_y[ExtState::KStatus as usize]);
        let bone = carb::bone_effects(k, f_oc, self.base.f_oc);
        RateEffects {
            ob_formation: bone.ob_formation,
            oc_formation: bone.oc_formation,
            calcitriol_synthesis: vitamin_d::synthesis_factor(k, ext_y[ExtState::D25 as usize]),
            bmd_formation_ls: bone.bmd_ls,
            bmd_formation_fn: bone.bmd_fn,
        }
    }

    /// Vascular calcification: driven by the core's Ca×P product, inhibited by carboxylated MGP.
    fn calcification_derivative<T: Scalar>(&self, core_y: &[T], uc_mgp: T) -> T {
        let v1 = self.core.params().calcium.V1;
        let caxp_rel = core_y[S::P.idx()] / v1 * (core_y[S::ECCPhos.idx()] / v1) / self.base.caxp;
        calcification::derivative(&self.k, caxp_rel, uc_mgp)
    }

    /// The derivatives of the upstream states only (`BoneHealthModel::upstream_generic` plus
    /// their infusion rates); every other entry of `dy` is left unchanged. The fast path
    /// (k2bone-sim) integrates this chain on its own and hands it to the core as an input.
    pub fn upstream_rhs(&self, y: &[f64], inputs: &Inputs, dy: &mut [f64]) {
        debug_assert_eq!(y.len(), N_FULL);
        self.upstream_generic(&y[N_CORE..], &mut dy[N_CORE..]);
        let ci = ExtState::Calcification.idx();
        for (i, r) in inputs.rates.iter().enumerate().skip(N_CORE) {
            if *r != 0.0 && i != ci {
                dy[i] += *r;
            }
        }
    }

    pub fn rhs(&self, t_h: f64, y: &[f64], inputs: &Inputs, dy: &mut [f64]) {
        self.rhs_generic(t_h, y, inputs, dy)
    }

    /// Exact Jacobian-vector product by forward-mode differentiation.
    pub fn jvp(&self, t_h: f64, y: &[f64], v: &[f64], inputs: &Inputs, out: &mut [f64]) {
        let yd: Vec<Dual64> = y.iter().zip(v).map(|(&a, &b)| Dual64::new(a, b)).collect();
        let mut dd = vec![Dual64::from(0.0); N_FULL];
        self.rhs_generic(t_h, &yd, inputs, &mut dd);
        for (o, d) in out.iter_mut().zip(dd) {
            *o = d.eps;
        }
    }
}
