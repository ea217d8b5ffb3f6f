//! Outputs of the full model beyond the core's: vitamer levels, carboxylation markers,
//! calcification and BMD by site as % change.

use crate::bone_health::{BoneHealthModel, ExtState};
use crate::carboxylation as carb;
use crate::outputs::{OutputInfo, OUTPUTS};
use crate::scalar::Scalar;
use crate::states::StateId as S;

/// The extension's outputs, written after the core's [`OUTPUTS`].
pub const EXT_OUTPUTS: &[OutputInfo] = &[
    OutputInfo {
        name: "K1_ng_mL",
        unit: "ng/mL",
        meaning: "serum phylloquinone",
    },
    OutputInfo {
        name: "MK4_ng_mL",
        unit: "ng/mL",
        meaning: "serum MK-4",
    },
    OutputInfo {
        name: "MK7_ng_mL",
        unit: "ng/mL",
        meaning: "serum MK-7",
    },
    OutputInfo {
        name: "OC_carboxylated_fraction",
        unit: "-",
        meaning: "carboxylated fraction of osteocalcin",
    },
    OutputInfo {
        name: "OC_total_pct_change",
        unit: "%",
        meaning: "total osteocalcin, change from baseline",
    },
    OutputInfo {
        name: "ucOC_pct_change",
        unit: "%",
        meaning: "uncarboxylated osteocalcin, change from baseline",
    },
    OutputInfo {
        name: "ucOC_fraction_pct_change",
        unit: "%",
        meaning: "uncarboxylated fraction of osteocalcin, change from baseline",
    },
    OutputInfo {
        name: "ucOC_cOC_ratio",
        unit: "-",
        meaning: "ucOC/cOC",
    },
    OutputInfo {
        name: "ucOC_cOC_pct_change",
        unit: "%",
        meaning: "ucOC/cOC, change from baseline",
    },
    OutputInfo {
        name: "dp_ucMGP_pct_change",
        unit: "%",
        meaning: "dephospho-uncarboxylated MGP, change from baseline",
    },
    OutputInfo {
        name: "hepatic_carboxylation_pct",
        unit: "%",
        meaning: "carboxylated fraction of hepatic (clotting) proteins",
    },
    OutputInfo {
        name: "calcitriol_synthesis_factor",
        unit: "-",
        meaning: "25(OH)D substrate effect on calcitriol synthesis",
    },
    OutputInfo {
        name: "calcification_index_pct_change",
        unit: "%",
        meaning: "vascular calcification index, change from start",
    },
    OutputInfo {
        name: "bmd_lumbar_pct_change",
        unit: "%",
        meaning: "lumbar spine BMD, change from baseline",
    },
    OutputInfo {
        name: "bmd_femoral_neck_pct_change",
        unit: "%",
        meaning: "femoral neck BMD, change from baseline",
    },
];

impl BoneHealthModel {
    /// Core outputs then [`EXT_OUTPUTS`].
    pub fn outputs(&self, y: &[f64], out: &mut [f64]) {
        self.outputs_generic(y, out)
    }

    /// [`BoneHealthModel::outputs`] in any [`Scalar`] (the SBML export traces it).
    pub fn outputs_generic<T: Scalar>(&self, y: &[T], out: &mut [T]) {
        let n = OUTPUTS.len();
        self.core().outputs_generic(y, &mut out[..n]);
        let k = self.k_params();
        let base = self.ext_baseline();
        let level = |plasma: ExtState, i: usize| self.pk_at(i).ng_per_ml(y[plasma.idx()]);
        let c_nm = |plasma: ExtState, i: usize| y[plasma.idx()] / self.pk_at(i).v_l;
        let k_ex = y[ExtState::KStatus.idx()];
        let f_oc = carb::oc_fraction(k, k_ex);
        let b = self.core().baseline();
        let d = self.core().derived();
        let ob_rel = (y[S::OBfast.idx()] + y[S::OBslow.idx()]) / d.OB0;
        let calcitriol_rel = y[S::B.idx()] / b[S::B.idx()];
        let oc_total_rel = ob_rel * calcitriol_rel.powf(k.oc_calcitriol_gamma);
        let one = T::from(1.0);
        let uc_rel = oc_total_rel * (one - f_oc) / (1.0 - base.f_oc);
        let ratio = (one - f_oc) / f_oc;
        let ratio0 = (1.0 - base.f_oc) / base.f_oc;
        let k_in = carb::k_in(
            k,
            [
                c_nm(ExtState::K1Plasma, 0),
                c_nm(ExtState::Mk4Plasma, 1),
                c_nm(ExtState::Mk7Plasma, 2),
            ],
            [0, 1, 2].map(|i| self.pk_at(i).c0_nm),
        );
        let values = [
            level(ExtState::K1Plasma, 0),
            level(ExtState::Mk4Plasma, 1),
            level(ExtState::Mk7Plasma, 2),
            f_oc,
            (oc_total_rel - 1.0) * 100.0,
            (uc_rel - 1.0) * 100.0,
            ((one - f_oc) / (1.0 - base.f_oc) - 1.0) * 100.0,
            ratio,
            (ratio / ratio0 - 1.0) * 100.0,
            (y[ExtState::UcMgp.idx()] - 1.0) * 100.0,
            carb::hepatic_fraction(k, k_in, self.person().vka_inhibition) * 100.0,
            crate::vitamin_d::synthesis_factor(k, y[ExtState::D25.idx()]),
            (y[ExtState::Calcification.idx()] - 1.0) * 100.0,
            (y[S::BMDls.idx()] - 1.0) * 100.0,
            (y[S::BMDfn.idx()] - 1.0) * 100.0,
        ];
        out[n..n + values.len()].copy_from_slice(&values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_has_a_value_and_none_is_nan_at_baseline() {
        let m = BoneHealthModel::default();
        let mut out = vec![f64::NAN; OUTPUTS.len() + EXT_OUTPUTS.len()];
        m.outputs(&m.initial_state(), &mut out);
        assert!(out.iter().all(|v| v.is_finite()), "{out:?}");
    }
}
