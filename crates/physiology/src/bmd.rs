//! Bone mineral density by site (Peterson & Riggs 2012; spec §4.6, §7).
//!
//! Each site is an indirect-response state relative to its own baseline:
//! $$ \dot{BMD} = k_{out} BMD_0 (OB/OB_0)^{\gamma_{OB}} - k_{out} (OC/OC_0)^{\gamma_{OC}} BMD, $$
//! so formation follows osteoblasts (BSAP) and resorption osteoclasts (CTx), with site-specific
//! time constants: lumbar spine ≈ 105 days (generic) or ≈ 287 days (denosumab calibration),
//! femoral neck ≈ 20 years with a stronger osteoclast exponent.

use crate::model::Ctx;
use crate::remodeling::RateEffects;
use crate::scalar::Scalar;
use crate::states::StateId as S;

pub(crate) fn derivatives<T: Scalar>(x: &Ctx<'_, T>, effects: &RateEffects<T>, dy: &mut [T]) {
    let b = &x.p.bmd;
    let d = x.d;
    let ob_rel = x.ob() / d.OB0;
    let oc_rel = x.s(S::OC) / x.b0(S::OC);
    let formation = ob_rel.powf(b.gamOB);
    let formation_ls = formation * effects.bmd_formation_ls;
    dy[S::BMDls.idx()] =
        formation_ls * d.kinBMDls - oc_rel.powf(b.gamOCls) * x.s(S::BMDls) * b.koutBMDls;
    dy[S::BMDlsDEN.idx()] = formation_ls * d.kinBMDlsDEN
        - oc_rel.powf(b.gamOClsDEN) * x.s(S::BMDlsDEN) * b.koutBMDlsDEN;
    dy[S::BMDfn.idx()] = formation * effects.bmd_formation_fn * d.kinBMDfn
        - oc_rel.powf(b.gamOCfnBAS) * x.s(S::BMDfn) * b.koutBMDfnBAS;
}
