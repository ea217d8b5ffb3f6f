//! The INR of a person on a vitamin K antagonist, from what they eat: the vitamin K cycle with
//! warfarin of Wajima et al. 2009 (CPT 86:290; BioModels BIOMD0000000338–340) reduced to what the
//! INR needs (docs/model/inr.md).
//!
//! | you have | use | you get |
//! |---|---|---|
//! | a stable INR on the usual diet | [`Anchor`] | the factor level it implies, [`derived_vka_inhibition`] for the bone model |
//! | vitamin K doses (food, supplements) over time | [`InrModel::course`] | the predicted INR every hour, with the calibration interval |
//! | a steady daily intake | [`InrModel::steady_state`] | the INR it settles at |
//! | the declared evidence sets | [`calibrate::fit_pool`], [`calibrate::validate`] | the fitted pool and every validation result with its miss |
//!
//! The reduced model, per clotting factor F ∈ {II, VII, X} (fraction of normal, f):
//! $$ \dot f_F = k_F\,\big(f_0\,W(t)\,R(t) - f_F\big),\qquad
//!    R(t) = 1 + \frac{1}{Q}\sum_v \pi_v\,E_v(t),\qquad
//!    \mathrm{INR} = g\big((f_{II} f_{VII} f_X)^{1/3}\big) $$
//! where $E_v$ is vitamer $v$'s plasma excess over the usual diet from k2bone's vitamer PK,
//! expressed as the µg/day of steady intake that would hold it, $\pi_v$ its potency per µg
//! relative to K1, $Q$ the hepatic supply of the usual diet (calibrated on Schurgers 2004),
//! $f_0 = g^{-1}(\mathrm{INR}_0)$ the anchor, $W = (1-I(t))/(1-\bar I_0)$ a warfarin dose change
//! through Wajima's warfarin PK (1 at the anchor dose), and $g$ the tabulated PT-test read-out.
//!
//! Every output of this module is a model, not medical advice: the INR must be measured and the
//! patient's clinician decides ([`DISCLAIMER`]).

pub mod calibrate;
mod course;
mod expm;
mod model;
mod params;
mod readout;

pub use course::{InrCourse, InrPoint, RangeFlag};
pub use model::{
    derived_vka_inhibition, Anchor, InrModel, SteadyInr, VkDaily, VkDose, Vka, MAX_HOURS, MAX_UG,
    STEP_H, WARFARIN_MG_RANGE,
};
pub use params::{InrParamFile, InrParams, INR_PARAM_NAMES, SHIPPED_INR_PARAMS_TOML};
pub use readout::{InrTable, SHIPPED_INR_TABLE_CSV};

/// Printed with every INR prediction.
pub const DISCLAIMER: &str = "This is a model, not medical advice. The INR must be measured; \
the patient's clinician decides on any change of diet, supplement or anticoagulant dose.";

/// What can be wrong with an INR input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InrError {
    #[error("{origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("{field} = {value} is out of range (accepted: {accepted})")]
    BadValue {
        field: String,
        value: f64,
        accepted: String,
    },
    #[error("{what}: {message}")]
    Study { what: String, message: String },
}

pub(crate) fn bad(field: impl Into<String>, value: f64, accepted: impl Into<String>) -> InrError {
    InrError::BadValue {
        field: field.into(),
        value,
        accepted: accepted.into(),
    }
}
