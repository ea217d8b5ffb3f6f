//! # k2bone-physiology
//!
//! The calcium homeostasis and bone remodeling model of Peterson & Riggs (Bone 2010;46:49–63),
//! in its OpenBoneMin variant with estrogen, GFR, denosumab and BMD by site (CPT:PSP 2012;1:e14),
//! as specified in `docs/model/calcium-bone.md`. Pure maths: no solver, no file I/O.
//!
//! | you want to … | use |
//! |---|---|
//! | the shipped model | [`CalciumBoneModel::default`] |
//! | your own parameter file | [`CalciumBoneModel::from_toml_str`] |
//! | change one parameter | [`CalciumBoneModel::with_param`] |
//! | $\dot y$, $J v$, $J$ | [`CalciumBoneModel::rhs`], [`CalciumBoneModel::jvp`], [`CalciumBoneModel::jacobian`] |
//! | names and units of states and outputs | [`STATES`], [`OUTPUTS`] |
//!
//! ```
//! use k2bone_physiology::{CalciumBoneModel, StateId};
//! let model = CalciumBoneModel::default();
//! let y = model.initial_state();
//! let mut dy = vec![0.0; model.n_states()];
//! model.rhs(0.0, &y, &mut dy);
//! // The baseline is an equilibrium by construction (spec §8).
//! assert!(dy[StateId::OC.idx()].abs() < 1e-12);
//! ```

mod bmd;
mod bone_health;
pub mod bone_posterior;
pub mod bone_response;
mod calcification;
mod calcium;
pub mod carboxylation;
mod derived;
mod dosing;
mod drugs;
mod ext_outputs;
pub mod fracture;
pub mod inr;
mod kparams;
mod model;
mod outputs;
mod params;
pub mod pk;
mod pth;
mod remodeling;
mod scalar;
mod states;
mod supplements;
pub mod vitamin_d;

pub use bone_health::{BoneHealthModel, ExtBaseline, ExtState, PersonInputs, EXT_STATES, N_FULL};
pub use ext_outputs::EXT_OUTPUTS;
pub use kparams::{
    KParamFile, KParams, ParamEntry, ParamKind, K_PARAM_NAMES, SHIPPED_K_PARAMS_TOML,
};
pub use pk::{Vehicle, VitamerPk, PK_VITAMERS};
pub use supplements::Agent;

pub use derived::{Baseline, Derived};
pub use dosing::{DoseError, Drug, CALCITRIOL_G_PER_MOL};
pub use model::{CalciumBoneModel, Inputs, SHIPPED_PARAMS_TOML};
pub use outputs::{OutputInfo, OUTPUTS};
pub use params::{
    BmdParams, BoneParams, CalciumParams, DenosumabParams, ModifierParams, Params, PhosphateParams,
    PthVitdParams, TeriparatideParams,
};
pub use remodeling::RateEffects;
pub use scalar::Scalar;
pub use states::{StateId, StateInfo, DROPPED_STATES, N_CORE, STATES};

/// Everything that can be wrong with a parameter file or a parameter value.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("missing key `{key}`")]
    MissingKey { key: String },
    #[error("unknown state `{name}` in [initial_conditions]{hint}")]
    UnknownState { name: String, hint: String },
    #[error("unknown parameter `{name}`")]
    UnknownParameter { name: String },
    #[error("parameter `{name}` = {value} is out of range (accepted: {accepted})")]
    BadValue {
        name: String,
        value: f64,
        accepted: String,
    },
    #[error(
        "initial `{name}` = {given} disagrees with its derived value {formula} = {derived}; \
         remove it or make it agree"
    )]
    DerivedInitialMismatch {
        name: String,
        given: f64,
        derived: f64,
        formula: String,
    },
    #[error(
        "derived constant `{name}` is {value}: the parameters give no valid value for it \
         (its construction needs a positive base; see spec §5.1)"
    )]
    DerivedNotFinite { name: String, value: f64 },
}

/// `; did you mean `x`?` for the closest known name, or empty.
pub(crate) fn nearest_name<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    k2bone_units::fuzzy::hint(name, known)
}
