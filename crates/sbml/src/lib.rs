//! # k2bone-sbml
//!
//! The k2bone model as SBML Level 3 Version 2, for libSBML, libRoadRunner, COPASI and the
//! other tools of systems pharmacology.
//!
//! The SBML is not a second copy of the equations: it is *traced* from the model's own code.
//! The right-hand side, the outputs and the bolus code are generic over
//! [`k2bone_physiology::Scalar`]; run on the symbolic [`trace::Sym`], they record an
//! expression graph, which becomes rate rules (one per state), assignment rules (outputs and
//! shared subexpressions) and event assignments (doses). Constants get their parameter names
//! back by perturbation ([`names`]). A change of the equations changes the export with no
//! edit here, and the tests run the export in libRoadRunner against k2bone's own solver.
//!
//! | you want to … | use |
//! |---|---|
//! | the full model at its baseline, no doses | `export(&BoneHealthModel::default(), &ExportSpec::default())` |
//! | a scenario arm: its start state, clock and doses | [`ExportSpec`] |
//! | the core (Peterson–Riggs) alone | [`export`] with a [`k2bone_physiology::CalciumBoneModel`] |
//!
//! ```
//! use k2bone_physiology::BoneHealthModel;
//! use k2bone_sbml::{export, ExportSpec};
//! let sbml = export(&BoneHealthModel::default(), &ExportSpec::default()).unwrap();
//! assert!(sbml.xml.contains("<rateRule variable=\"MK7_plasma\">"));
//! assert_eq!(sbml.counts.rate_rules, 53);
//! ```
//!
//! States are SBML parameters with rate rules (several are not amounts: indices, BMD
//! ratios); time is in hours; every parameter and state carries its unit. Dosing: see
//! [`dosing`].

mod document;
pub mod dosing;
mod export;
pub mod expr;
mod mathml;
pub mod model;
pub mod names;
#[cfg(test)]
mod oracle_tests;
mod sym_ops;
pub mod trace;
mod unit_infer;
pub mod units;
mod xml;

pub use document::Counts;
pub use export::{DoseEvents, ExportSpec};
pub use model::SbmlModel;

/// An exported document.
#[derive(Debug, Clone)]
pub struct Sbml {
    pub xml: String,
    pub counts: Counts,
    /// Inputs the naming could not perturb (their constants may appear as numbers).
    pub unprobed: Vec<(String, String)>,
}

/// Exports `model` under `spec` as SBML Level 3 Version 2.
pub fn export<M: SbmlModel>(model: &M, spec: &ExportSpec<M::Drug>) -> Result<Sbml, ExportError> {
    let doc = export::build(model, spec)?;
    let (xml, counts) = doc.to_xml();
    Ok(Sbml {
        xml,
        counts,
        unprobed: doc.unprobed,
    })
}

/// Why a model could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "the traced code changed shape when input `{input}` was nudged: the model branches on \
         that parameter's value in plain f64 code, so the export cannot tell which constant is \
         which"
    )]
    ShapeChanged { input: String },
    #[error(
        "the model's code looked at a value {count} time(s) while being traced (first: `{what}` \
         at {location}); a branch on a value must be written with Scalar::select_gt/select_ge \
         so that SBML can hold both sides"
    )]
    ValueRead {
        what: String,
        count: usize,
        location: String,
    },
    #[error("the model uses `{what}`, which SBML's MathML cannot express")]
    Unsupported { what: String },
    #[error(
        "dose of {drug} at {time_h} h is an infusion; the SBML export takes boluses only \
         (infusions are not exported yet)"
    )]
    Infusion { drug: String, time_h: f64 },
    #[error(
        "dose of {drug} at {time_h} h, amount {amount}: accepted are finite amounts at times >= 0"
    )]
    BadDose {
        drug: String,
        time_h: f64,
        amount: f64,
    },
    #[error("initial state: {0}")]
    BadInitialState(String),
    #[error("model clock at the start = {0} h (accepted: finite, >= 0)")]
    BadClock(f64),
}
