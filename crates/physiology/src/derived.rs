//! Derived constants (spec §5.1): pure functions of the parameters and the baseline state.
//!
//! Every EC50 here is built so that its effect equals its baseline value exactly at baseline;
//! that is how the unperturbed model sits at steady state. The formulas are the spec's, not
//! simplified. Baselines (`X_0`) are fixed references: starting a run from another state does
//! not move them (spec §1).

use crate::params::Params;
use crate::states::{StateId, N_CORE};
use crate::ModelError;

/// The baseline state `X_0` of every core state (spec §3).
pub type Baseline = [f64; N_CORE];

/// Constants computed once per parameter set. Field names are the spec's.
#[derive(Debug, Clone, PartialEq)]
#[allow(non_snake_case)]
pub struct Derived {
    pub CaConc0: f64,
    pub PTHconc0: f64,
    pub Calcitriol0: f64,
    pub OB0: f64,
    pub T13: f64,
    pub T15: f64,
    pub J14OC50: f64,
    pub MOCratio0: f64,
    pub kinRNK: f64,
    pub bigDb: f64,
    pub Dr: f64,
    pub kinTGF: f64,
    pub koutTGFact: f64,
    pub E0PicROB: f64,
    pub EC50PicROB: f64,
    pub E0PicOB: f64,
    pub EC50PicOB: f64,
    pub E0PicOC: f64,
    pub EC50PicOC: f64,
    pub EC50MeffOC: f64,
    pub PiL0: f64,
    pub EC50surv: f64,
    pub T66: f64,
    pub k15a: f64,
    pub kLShap: f64,
    pub kHApIn: f64,
    pub kinLbase: f64,
    pub PTH50: f64,
    pub pObase: f64,
    pub RX2Kin: f64,
    pub EC50PTHRX2x: f64,
    pub EC50PTHcreb: f64,
    pub crebKin0: f64,
    pub PhosEffMax: f64,
    pub mtmEST: f64,
    pub T17: f64,
    pub E0PicOBkb: f64,
    pub EmaxPicOBkb: f64,
    pub EC50PicOBkb: f64,
    pub E0RUNX2kbEff: f64,
    pub RUNkbMax: f64,
    pub RUNkb50: f64,
    pub T29: f64,
    pub Ctriol50: f64,
    pub T60: f64,
    pub kinBMDls: f64,
    pub kinBMDlsDEN: f64,
    pub kinBMDfn: f64,
    pub GFRend: f64,
    pub kGFR: f64,
    pub ageONSET: f64,
}

impl Derived {
    /// Computes every derived constant, and fails naming the first one that is not finite
    /// (an EC50 whose construction needs a positive base, spec §1).
    #[allow(non_snake_case)]
    pub fn new(p: &Params, b: &Baseline) -> Result<Derived, ModelError> {
        use StateId as S;
        let x0 = |s: S| b[s.idx()];
        let c = &p.calcium;
        let ph = &p.phosphate;
        let pv = &p.pth_vitd;
        let bo = &p.bone;
        let m = &p.modifiers;
        let bmd = &p.bmd;
        let root = |z: f64, g: f64| z.powf(1.0 / g);

        let CaConc0 = x0(S::P) / c.V1;
        let PTHconc0 = x0(S::PTH) / c.V1;
        let Calcitriol0 = x0(S::B) / c.V1;
        let OB0 = x0(S::OBfast) + x0(S::OBslow);
        let T13 = (c.CaDay / 24.0) / x0(S::Q);
        let T15 = c.CaDay / (CaConc0 * c.V1 * 24.0);
        let oc0g = x0(S::OC).powf(c.J14OCgam);
        let J14OC50 = root(c.J14OCmax * oc0g / T13 - oc0g, c.J14OCgam);
        let MOCratio0 = x0(S::M) / x0(S::OC);
        let kinRNK = (bo.koutRNK * x0(S::RNK) + bo.k3 * x0(S::RNK) * x0(S::L) - bo.k4 * x0(S::M))
            / x0(S::TGFBact).powf(bo.kinRNKgam);
        let bigDb = bo.kb * OB0 * bo.Pic0 / x0(S::ROB1);
        let Dr = bo.kb * OB0 / bo.Pic0;
        let kinTGF = bo.koutTGF0 * x0(S::TGFB);
        let koutTGFact = bo.koutTGF0 * 1000.0;
        let tgf0 = x0(S::TGFBact);
        let ec50_pic = |emax: f64, g: f64, e0: f64| {
            root(emax * tgf0.powf(g) / (bo.Pic0 - e0) - tgf0.powf(g), g)
        };
        let E0PicROB = bo.FracPicROB * bo.Pic0;
        let EC50PicROB = ec50_pic(bo.EmaxPicROB, bo.PicROBgam, E0PicROB);
        let E0PicOB = bo.FracPicOB * bo.Pic0;
        let EC50PicOB = ec50_pic(bo.EmaxPicOB, bo.PicOBgam, E0PicOB);
        let E0PicOC = bo.FracPicOC * bo.Pic0;
        let EC50PicOC = ec50_pic(bo.EmaxPicOC, bo.PicOCgam, E0PicOC);
        let m0g = x0(S::M).powf(bo.kinOCgam);
        let EC50MeffOC = root(m0g * bo.EmaxMeffOC / (1.0 - bo.E0Meff) - m0g, bo.kinOCgam);
        let PiL0 = (bo.k3 / bo.k4) * x0(S::L);
        let pil0g = PiL0.powf(bo.LsurvOCgam);
        let EC50surv = root(
            (bo.E0RANKL - bo.EmaxL) * pil0g / (bo.E0RANKL - 1.0) - pil0g,
            bo.LsurvOCgam,
        );
        let T66 =
            (pv.T67.powf(pv.AlphOHgam) + PTHconc0.powf(pv.AlphOHgam)) / PTHconc0.powf(pv.AlphOHgam);
        let k15a = c.k14a * x0(S::Qbone) / x0(S::Q);
        let kLShap = 1.0 / c.HApMRT;
        let kHApIn = kLShap / OB0;
        let kinLbase = bo.koutL * x0(S::L);
        let PTH50 = bo.EmaxLpth * PTHconc0 - PTHconc0;
        let pObase = bo.kO * x0(S::O);
        let RX2Kin = bo.RX2Kout0 * x0(S::RX2);
        let EC50PTHRX2x = bo.EmaxPTHRX2x * PTHconc0 / (bo.RX2Kout0 - bo.E0rx2Kout) - PTHconc0;
        let EC50PTHcreb = bo.EmaxPTHcreb * PTHconc0 / (1.0 - bo.E0crebKin) - PTHconc0;
        let crebKin0 = bo.crebKout * x0(S::CREB);
        let PhosEffMax = (ph.PhosEff0 - 1.0)
            * (1.2f64.powf(ph.PhosEffGam) + ph.PhosEff50.powf(ph.PhosEffGam))
            / (ph.PhosEff0 * 1.2f64.powf(ph.PhosEffGam));
        let mtmEST = (1.0 - c.maxTmESTkid) / (1.0 - 0.1);
        let T17 = PTHconc0 * c.T16 - PTHconc0;
        let E0PicOBkb = bo.MultPicOBkb * bo.Pic0;
        let EmaxPicOBkb = bo.FracPic0kb * bo.Pic0;
        let tgfkb = tgf0.powf(bo.PicOBgamkb);
        let EC50PicOBkb = root(
            (E0PicOBkb - EmaxPicOBkb) * tgfkb / (E0PicOBkb - bo.Pic0) - tgfkb,
            bo.PicOBgamkb,
        );
        let E0RUNX2kbEff = bo.E0RUNX2kbEffFACT * bo.kb;
        let RUNkbMax = E0RUNX2kbEff * bo.RUNkbMaxFact;
        let rg = bo.RUNX20.powf(bo.RUNkbGAM);
        let RUNkb50 = root(RUNkbMax * rg / (E0RUNX2kbEff - bo.kb) - rg, bo.RUNkbGAM);
        let T29 = (c.T28 * x0(S::T) - c.T310 * x0(S::T)) / c.T310;
        let cg = Calcitriol0.powf(pv.CtriolPTgam);
        let Ctriol50 = root(
            (pv.CtriolMax - pv.CtriolMin) * cg / (pv.CtriolMax - 1.0) - cg,
            pv.CtriolPTgam,
        );
        let cag = CaConc0.powf(pv.T59);
        // 385 = baseline PTH secretion kout*PTH_0, a literal in the source (spec §8 quirk 5).
        let T60 = root((pv.T58 - pv.T61) * cag / (pv.T58 - 385.0) - cag, pv.T59);
        let kinBMDls = bmd.koutBMDls * x0(S::BMDls);
        let kinBMDlsDEN = bmd.koutBMDlsDEN * x0(S::BMDlsDEN);
        let kinBMDfn = bmd.koutBMDfnBAS * x0(S::BMDfn);
        let GFRend = x0(S::GFR) - m.GFRdelta / 16.667;
        let kGFR = -(GFRend / x0(S::GFR)).ln() / (m.GFRtau * 8766.0);
        let ageONSET = m.ageDONE - m.menoDUR;

        let d = Derived {
            CaConc0,
            PTHconc0,
            Calcitriol0,
            OB0,
            T13,
            T15,
            J14OC50,
            MOCratio0,
            kinRNK,
            bigDb,
            Dr,
            kinTGF,
            koutTGFact,
            E0PicROB,
            EC50PicROB,
            E0PicOB,
            EC50PicOB,
            E0PicOC,
            EC50PicOC,
            EC50MeffOC,
            PiL0,
            EC50surv,
            T66,
            k15a,
            kLShap,
            kHApIn,
            kinLbase,
            PTH50,
            pObase,
            RX2Kin,
            EC50PTHRX2x,
            EC50PTHcreb,
            crebKin0,
            PhosEffMax,
            mtmEST,
            T17,
            E0PicOBkb,
            EmaxPicOBkb,
            EC50PicOBkb,
            E0RUNX2kbEff,
            RUNkbMax,
            RUNkb50,
            T29,
            Ctriol50,
            T60,
            kinBMDls,
            kinBMDlsDEN,
            kinBMDfn,
            GFRend,
            kGFR,
            ageONSET,
        };
        if let Some((name, value)) = d.named().into_iter().find(|(_, v)| !v.is_finite()) {
            return Err(ModelError::DerivedNotFinite {
                name: name.to_string(),
                value,
            });
        }
        Ok(d)
    }

    /// The constants that have a spec name, for error messages and tests.
    pub fn named(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("T13", self.T13),
            ("T15", self.T15),
            ("J14OC50", self.J14OC50),
            ("kinRNK", self.kinRNK),
            ("bigDb", self.bigDb),
            ("EC50PicROB", self.EC50PicROB),
            ("EC50PicOB", self.EC50PicOB),
            ("EC50PicOC", self.EC50PicOC),
            ("EC50MeffOC", self.EC50MeffOC),
            ("EC50surv", self.EC50surv),
            ("T29", self.T29),
            ("Ctriol50", self.Ctriol50),
            ("T60", self.T60),
            ("RUNkb50", self.RUNkb50),
            ("EC50PicOBkb", self.EC50PicOBkb),
            ("PTH50", self.PTH50),
            ("T17", self.T17),
            ("kGFR", self.kGFR),
            ("T66", self.T66),
            ("EC50PTHRX2x", self.EC50PTHRX2x),
            ("EC50PTHcreb", self.EC50PTHcreb),
            ("PhosEffMax", self.PhosEffMax),
        ]
    }
}
