//! Bone remodeling: osteoblasts, osteoclasts, TGF-β, RANK/RANKL/OPG, osteoblast intracellular
//! PTH signalling (RUNX2, CREB, Bcl-2), estrogen and GFR (spec §5.7, §5.8).
//!
//! Osteoclasts are made at a rate set by the RANK–RANKL complex `M` and removed at a rate set by
//! TGF-β and `M`; pre-osteoblasts `ROB1` become active osteoblasts (fast and slow apoptosis
//! pools). `effects` carries multiplicative modifiers of named rates (all 1 in the core model);
//! the vitamin K extension uses them.

use crate::model::Ctx;
use crate::scalar::{c, hill, Scalar};
use crate::states::StateId as S;

/// Multiplicative effects on core rates (1 = no effect). Kept here so an extension changes a
/// named rate of the core instead of editing its equations.
#[derive(Debug, Clone, Copy)]
pub struct RateEffects<T> {
    /// Multiplies pre-osteoblast production `ROBin` (osteoblast formation).
    pub ob_formation: T,
    /// Multiplies osteoclast production `kinOC2` (osteoclast formation).
    pub oc_formation: T,
    /// Multiplies 1-α-hydroxylase synthesis `SE` (calcitriol production; vitamin D substrate).
    pub calcitriol_synthesis: T,
    /// Multiplies the formation term of lumbar-spine BMD (`BMDls`, `BMDlsDEN`).
    pub bmd_formation_ls: T,
    /// Multiplies the formation term of femoral-neck BMD (`BMDfn`).
    pub bmd_formation_fn: T,
}

impl<T: Scalar> RateEffects<T> {
    /// No effect.
    pub fn none() -> Self {
        RateEffects {
            ob_formation: c(1.0),
            oc_formation: c(1.0),
            calcitriol_synthesis: c(1.0),
            bmd_formation_ls: c(1.0),
            bmd_formation_fn: c(1.0),
        }
    }
}

pub(crate) fn derivatives<T: Scalar>(
    x: &Ctx<'_, T>,
    denmol_pm: T,
    effects: &RateEffects<T>,
    dy: &mut [T],
) {
    let bo = &x.p.bone;
    let m = &x.p.modifiers;
    let d = x.d;
    let v1 = x.p.calcium.V1;
    let pth_conc = x.s(S::PTH) / v1;
    let tgf = x.s(S::TGFBact);
    let oc = x.s(S::OC);
    let ob = x.ob();
    let rob1 = x.s(S::ROB1);
    let est = x.s(S::EST);
    let mm = x.s(S::M);
    let l = x.s(S::L);
    let rnk = x.s(S::RNK);
    let o = x.s(S::O);
    let n = x.s(S::N);
    let rob1_0 = x.b0(S::ROB1);
    let ofast0 = x.b0(S::OBfast);

    // TGF-beta effects
    let pic_rob =
        hill(tgf, d.EC50PicROB.powf(bo.PicROBgam), bo.PicROBgam) * bo.EmaxPicROB + d.E0PicROB;
    let rob_in = pic_rob * d.Dr * effects.ob_formation;
    let pic_ob = hill(tgf, d.EC50PicOB.powf(bo.PicOBgam), bo.PicOBgam) * bo.EmaxPicOB + d.E0PicOB;
    let kpt = pic_ob.recip() * d.bigDb;
    let pic_oc = hill(tgf, d.EC50PicOC.powf(bo.PicOCgam), bo.PicOCgam) * bo.EmaxPicOC + d.E0PicOC;
    let pic_ob_kb = c::<T>(d.E0PicOBkb)
        - hill(tgf, d.EC50PicOBkb.powf(bo.PicOBgamkb), bo.PicOBgamkb)
            * (d.E0PicOBkb - d.EmaxPicOBkb);
    let pic_ob_kb_eff = pic_ob_kb / bo.Pic0 * est.powf(-m.E2scalePicB1);

    // osteoclasts
    let meff_oc = hill(mm, d.EC50MeffOC.powf(bo.kinOCgam), bo.kinOCgam) * bo.EmaxMeffOC + bo.E0Meff;
    let kin_oc2 = meff_oc * (bo.Da * bo.Pic0 * x.b0(S::OC)) * effects.oc_formation;
    let pil = mm / 10.0;
    let lsurv_oc = c::<T>(bo.E0RANKL)
        - hill(pil, d.EC50surv.powf(bo.LsurvOCgam), bo.LsurvOCgam) * (bo.E0RANKL - bo.EmaxL);
    let kls_oc = pic_oc * lsurv_oc * bo.Da;

    // osteoblast apoptosis: RUNX2 / Bcl-2 / TGF-beta / estrogen.
    // RUNX2 jumps from 10 to 15 at BCL2 = 105 (spec §8 quirk 3), reproduced as in the source.
    let bcl2 = x.s(S::BCL2);
    let runx2 = bcl2.select_gt(105.0, || bcl2 - 90.0, || c::<T>(10.0));
    let runx2_kb_prime_eff = hill(runx2, d.RUNkb50.powf(bo.RUNkbGAM), bo.RUNkbGAM) * d.RUNkbMax;
    let kbprime = pic_ob_kb_eff * d.E0RUNX2kbEff - runx2_kb_prime_eff;
    let kbslow = kbprime * bo.Frackb;
    let kbfast = (kbslow * (ofast0 - d.OB0) + bo.kb * d.OB0) / ofast0;
    let frackb2 = kbfast / kbprime;

    // RANKL production
    let osteo_effect = (ob / d.OB0).powf(bo.OsteoEffectGam);
    let lpth_eff = pth_conc * bo.EmaxLpth / (osteo_effect * d.PTH50 + pth_conc);
    let kin_l = osteo_effect * lpth_eff * d.kinLbase;

    // OPG production
    let d_rel = rob1 / rob1_0;
    let p_o = d_rel * d.pObase * (pth_conc + d_rel * bo.opgPTH50) / (pth_conc * 2.0);

    // latent TGF-beta release by osteoclasts
    let tgfb = x.s(S::TGFB);
    let kout_tgf = (tgfb / x.b0(S::TGFB)).powf(bo.koutTGFGam) * bo.koutTGF0;
    let kout_tgf_eqn = kout_tgf * tgfb * (oc / x.b0(S::OC)).powf(bo.OCtgfGAM);

    // osteoblast intracellular PTH signalling
    let rx2_kout = pth_conc * bo.EmaxPTHRX2x / (pth_conc + d.EC50PTHRX2x) + bo.E0rx2Kout;
    let creb_kin =
        (pth_conc * bo.EmaxPTHcreb / (pth_conc + d.EC50PTHcreb) + bo.E0crebKin) * d.crebKin0;

    // estrogen production (used only when ESTON = 1); age in hours from ageENTER
    let age = T::time(x.t_h) + m.ageENTER;
    let kin_est_age = (age / m.ageENTER).powf(m.ageGAM) * m.koutEST;
    let kin_est = age.select_ge(
        d.ageONSET,
        || {
            let dt = age - d.ageONSET;
            let meno = dt * m.age50 * dt / (dt * dt + (m.menoDUR / 2.0).powi(2));
            kin_est_age * (c::<T>(1.0) - meno)
        },
        || kin_est_age,
    );

    let est_inv = est.recip();
    let kd = pic_ob.recip() * d.bigDb * rob1;
    dy[S::OC.idx()] = kin_oc2 - kls_oc * oc;
    dy[S::ROB1.idx()] = rob_in * est_inv.powf(m.robGAM) - kpt * rob1;
    dy[S::OBfast.idx()] = kd * frackb2 * bo.FracOBfast - kbfast * x.s(S::OBfast);
    dy[S::OBslow.idx()] = kd * ((1.0 - bo.FracOBfast) * bo.Frackb) - kbslow * x.s(S::OBslow);
    dy[S::TGFB.idx()] = (ob / d.OB0).powf(bo.OBtgfGAM) * est_inv.powf(m.tgfbGAM) * d.kinTGF
        - kout_tgf_eqn * est.powf(m.tgfbactGAM);
    dy[S::TGFBact.idx()] = kout_tgf_eqn * est.powf(m.tgfbactGAM) - tgf * d.koutTGFact;

    let k1ol = o * l * bo.k1;
    let k3rl = rnk * l * bo.k3;
    dy[S::L.idx()] = kin_l - l * bo.koutL - k1ol + n * bo.k2 - k3rl + mm * bo.k4
        - denmol_pm * l * x.p.denosumab.kdenosl;
    dy[S::RNK.idx()] = tgf.powf(bo.kinRNKgam) * d.kinRNK - rnk * bo.koutRNK - k3rl + mm * bo.k4;
    dy[S::M.idx()] = k3rl - mm * bo.k4;
    dy[S::N.idx()] = k1ol - n * bo.k2;
    dy[S::O.idx()] = p_o - k1ol + n * bo.k2 - o * bo.kO;

    dy[S::RX2.idx()] = c::<T>(d.RX2Kin) - rx2_kout * x.s(S::RX2);
    dy[S::CREB.idx()] = creb_kin - x.s(S::CREB) * bo.crebKout;
    dy[S::BCL2.idx()] = x.s(S::CREB) * x.s(S::RX2) * bo.bcl2Kout - x.s(S::BCL2) * bo.bcl2Kout;

    dy[S::EST.idx()] = (kin_est - est * m.koutEST) * m.ESTON;
    dy[S::GFR.idx()] = x.s(S::GFR) * (-d.kGFR);
}
