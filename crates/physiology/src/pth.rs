//! Parathyroid hormone, the parathyroid gland, 1-α-hydroxylase and calcitriol (spec §5.6, §5.8).
//!
//! PTH secretion is a steep inverse sigmoid of plasma calcium times the gland's capacity:
//! $$ SPTH = \Big(T_{58} - (T_{58}-T_{61})\,\mathrm{hill}(Ca, T_{60}, T_{59})\Big)\,\frac{S}{0.5}\,PT_{max}. $$
//! Calcitriol (`B`) is made by the enzyme activity `AOH`, whose synthesis follows PTH and
//! phosphate. Teriparatide is treated as endogenous PTH (spec §6).

use crate::model::Ctx;
use crate::scalar::{c, hill, Scalar};
use crate::states::StateId as S;

/// `synthesis_effect` multiplies 1-α-hydroxylase synthesis (1 in the core model).
pub(crate) fn derivatives<T: Scalar>(
    x: &Ctx<'_, T>,
    teripkin: T,
    synthesis_effect: T,
    dy: &mut [T],
) {
    let pv = &x.p.pth_vitd;
    let ph = &x.p.phosphate;
    let d = x.d;
    let v1 = x.p.calcium.V1;
    let ca_conc = x.s(S::P) / v1;
    let pth_conc = x.s(S::PTH) / v1;
    let c2 = x.s(S::ECCPhos) / v1;
    let c8 = x.s(S::B) / v1;
    let s = x.s(S::S);

    // calcium-sensing secretion
    let t63 = c::<T>(pv.T58) - hill(ca_conc, d.T60.powf(pv.T59), pv.T59) * (pv.T58 - pv.T61);
    let fctd = s / 0.5 * x.s(S::PTmax);
    let spth = t63 * fctd;

    // gland pool S: calcitriol against a calcium-dependent threshold (smooth tanh switch);
    // 90 = baseline calcitriol in pM, a literal of the source (spec §8 quirk 5).
    let sca_eff = (ca_conc.recip() * d.CaConc0).powf(pv.ScaEffGam);
    let t72 = sca_eff * 90.0;
    let t74 = ((c8 - t72) * pv.T71).tanh();
    let t75 = (t74 * 0.85 + 1.0) * pv.T70;
    let t76 = (c::<T>(1.0) - t74 * 0.85) * pv.T70;
    // 0.85*(1 ± T74) + 0.15 = 1 ± 0.85*T74

    // gland capacity
    let ctriol_pt_eff = c::<T>(pv.CtriolMax)
        - hill(c8, d.Ctriol50.powf(pv.CtriolPTgam), pv.CtriolPTgam) * (pv.CtriolMax - pv.CtriolMin);
    let pt_in = ctriol_pt_eff * pv.PTout;

    // 1-alpha-hydroxylase synthesis; PhosEffect is piecewise at 1.2 mM (continuous, kinked)
    let po4_inh_pth = (c2 / 1.2).powf(ph.PO4inhPTHgam);
    let phos_effect = c2.select_gt(
        1.2,
        || {
            c::<T>(ph.PhosEff0)
                - hill(c2, ph.PhosEff50.powf(ph.PhosEffGam), ph.PhosEffGam)
                    * (d.PhosEffMax * ph.PhosEff0)
        },
        || c::<T>(1.0),
    );
    let pth_g = pth_conc.powf(pv.AlphOHgam);
    let t68 = pth_g * d.T66 / (po4_inh_pth * pv.T67.powf(pv.AlphOHgam) + pth_g);
    let se = t68 * phos_effect * pv.T65 * synthesis_effect;

    dy[S::PTH.idx()] = spth - x.s(S::PTH) * pv.kout + teripkin;
    dy[S::S.idx()] = (c::<T>(1.0) - s) * t76 - s * t75;
    dy[S::PTmax.idx()] = pt_in - x.s(S::PTmax) * pv.PTout;
    dy[S::B.idx()] = x.s(S::AOH) - x.s(S::B) * pv.T69;
    dy[S::AOH.idx()] = se - x.s(S::AOH) * pv.T64;
}
