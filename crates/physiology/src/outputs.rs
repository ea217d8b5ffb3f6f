//! Model outputs of spec §7 (plus calcitriol and phosphate concentrations), computed from a
//! state vector. Outputs that are states (`BMDls`, `BMDfn`, `UCA`) are not repeated here: they
//! appear under their state names.

use crate::model::CalciumBoneModel;
use crate::scalar::Scalar;
use crate::states::StateId as S;

/// Name, unit and meaning of one output.
#[derive(Debug, Clone, Copy)]
pub struct OutputInfo {
    pub name: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
}

/// The outputs, in the order [`CalciumBoneModel::outputs`] writes them.
pub const OUTPUTS: &[OutputInfo] = &[
    OutputInfo {
        name: "PTHpm",
        unit: "pM",
        meaning: "plasma PTH (includes teriparatide)",
    },
    OutputInfo {
        name: "PTHc",
        unit: "pg/mL",
        meaning: "plasma PTH",
    },
    OutputInfo {
        name: "CaC",
        unit: "mM",
        meaning: "total serum calcium",
    },
    OutputInfo {
        name: "CAchange",
        unit: "% of baseline",
        meaning: "serum calcium",
    },
    OutputInfo {
        name: "OBchange",
        unit: "% of baseline",
        meaning: "osteoblasts (BSAP surrogate)",
    },
    OutputInfo {
        name: "OCchange",
        unit: "% of baseline",
        meaning: "osteoclasts (CTx surrogate)",
    },
    OutputInfo {
        name: "OBtot",
        unit: "pM",
        meaning: "total active osteoblasts",
    },
    OutputInfo {
        name: "OBfrac",
        unit: "-",
        meaning: "osteoblasts relative to baseline",
    },
    OutputInfo {
        name: "OCfrac",
        unit: "-",
        meaning: "osteoclasts relative to baseline",
    },
    OutputInfo {
        name: "BMDlsDENchange",
        unit: "%",
        meaning: "lumbar-spine BMD change (denosumab calibration)",
    },
    OutputInfo {
        name: "DENCP",
        unit: "ng/mL",
        meaning: "serum denosumab",
    },
    OutputInfo {
        name: "DENMOL",
        unit: "pM",
        meaning: "serum denosumab",
    },
    OutputInfo {
        name: "calcitriol_pM",
        unit: "pM",
        meaning: "plasma calcitriol (B/V1)",
    },
    OutputInfo {
        name: "PO4_mM",
        unit: "mM",
        meaning: "plasma phosphate (ECCPhos/V1)",
    },
];

impl CalciumBoneModel {
    /// Writes the [`OUTPUTS`] of state `y` into `out` (same order).
    pub fn outputs(&self, y: &[f64], out: &mut [f64]) {
        self.outputs_generic(y, out)
    }

    /// [`CalciumBoneModel::outputs`] in any [`Scalar`] (the SBML export traces it).
    pub fn outputs_generic<T: Scalar>(&self, y: &[T], out: &mut [T]) {
        let v1 = self.params().calcium.V1;
        let b = self.baseline();
        let d = self.derived();
        let ob = y[S::OBfast.idx()] + y[S::OBslow.idx()];
        let oc = y[S::OC.idx()];
        let dencp = y[S::DENCENT.idx()] / self.params().denosumab.DENVC;
        let values = [
            y[S::PTH.idx()] / v1,
            y[S::PTH.idx()] / v1 * 9.4,
            y[S::P.idx()] / v1,
            y[S::P.idx()] * 100.0 / b[S::P.idx()],
            ob * 100.0 / d.OB0,
            oc * 100.0 / b[S::OC.idx()],
            ob,
            ob / d.OB0,
            oc / b[S::OC.idx()],
            (y[S::BMDlsDEN.idx()] - 1.0) * 100.0,
            dencp,
            dencp / self.params().denosumab.MW_g_per_mol * 1e6,
            y[S::B.idx()] / v1,
            y[S::ECCPhos.idx()] / v1,
        ];
        out[..values.len()].copy_from_slice(&values);
    }
}
