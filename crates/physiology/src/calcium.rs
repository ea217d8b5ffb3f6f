//! Calcium and phosphate: exchange with bone, kidney, gut absorption (spec §5.3–5.5, §5.8).
//!
//! Plasma calcium `P` gains bone release $J_{14}$ and gut absorption $J_{40}$ and loses bone
//! uptake $J_{15}$ and urine $J_{27}$:
//! $$ \dot P = J_{14} - J_{15} - J_{27} + J_{40}. $$
//! Bone calcium `Q + Qbone` is a pure integrator of $J_{15} - J_{14}$ (spec §10.1), and total
//! body calcium changes only by intake and urine, which the tests check.

use crate::model::Ctx;
use crate::scalar::{c, clamp0, hill, Scalar};
use crate::states::StateId as S;

/// Fluxes other modules and outputs need.
pub(crate) struct CalciumFluxes<T> {
    /// Urinary calcium, mmol/h.
    pub j27: T,
    /// Oral calcium entering the gut pool, mmol/h.
    pub oral_in: T,
}

pub(crate) fn derivatives<T: Scalar>(x: &Ctx<'_, T>, dy: &mut [T]) -> CalciumFluxes<T> {
    let p = &x.p.calcium;
    let ph = &x.p.phosphate;
    let d = x.d;
    let q0 = x.b0(S::Q);

    let ca_conc = x.s(S::P) / p.V1;
    let pth_conc = x.s(S::PTH) / p.V1;
    let c2 = x.s(S::ECCPhos) / p.V1;
    let c8 = x.s(S::B) / p.V1;
    let oc = x.s(S::OC);
    let gfr = x.s(S::GFR);

    // §5.3 bone calcium and phosphate exchange
    let oc_eqn = hill(oc, d.J14OC50.powf(p.J14OCgam), p.J14OCgam) * p.J14OCmax;
    let moc_ratio_eff = ((x.s(S::M) / oc) / d.MOCratio0).powf(p.MOCratioGam);
    let j14 = c::<T>(d.T13 * q0 * (1.0 - p.FracJ14)) + oc_eqn * moc_ratio_eff * (q0 * p.FracJ14);
    let j15 =
        x.s(S::P) * (d.T15 * (1.0 - p.FracJ15)) + x.s(S::P) * x.s(S::HAp) * (d.T15 * p.FracJ15);
    let j41 = j14 * 0.464;
    let j42 = j15 * 0.464;
    let j14a = x.s(S::Qbone) * p.k14a;
    let j15a = x.s(S::Q) * d.k15a;

    // §5.4 kidney, with the two clamps of the source
    let ca_filt = gfr * ca_conc * (0.6 * 0.5);
    let tm_est = x.s(S::EST) * d.mtmEST + (1.0 - d.mtmEST);
    // 0.149997 = baseline urinary Ca, a literal of the source (spec §8 quirk 5).
    let reabs_max =
        tm_est * (gfr * (0.3 * d.CaConc0) - 0.149997) * ((p.Reabs50 + d.CaConc0) / d.CaConc0);
    let reabs_pth_eff = pth_conc * p.T16 / (pth_conc + d.T17);
    let ca_reabs_active = reabs_max * ca_conc / (ca_conc + p.Reabs50) * reabs_pth_eff;
    let t20 = ca_filt - ca_reabs_active;
    let t10 = c8 * p.T7 / (c8 + p.T9);
    let j27 = clamp0((c::<T>(2.0) - t10) * t20);
    let t47 = gfr * (ph.T46 * 0.88);
    let j48 = clamp0(gfr * c2 * 0.88 - t47);
    let j53 = x.s(S::PhosGut) * ph.T52;
    let j54 = c2 * ph.T49;
    let j56 = x.s(S::IntraPO) * ph.T55;

    // §5.5 gut calcium absorption
    let t = x.s(S::T);
    let r = x.s(S::R);
    let t31 = t * p.T28 / (t + d.T29);
    let t83 = r / 0.5;
    let j40 = t31 * t * t83 / (t + p.T81) + t * p.T87;
    let t85 = hill(r, p.T81.powf(p.T80), p.T80) * p.T77;
    let h_r = hill(c8, p.T35.powf(p.CaPOgam), p.CaPOgam) * (p.T34 - p.T33);
    let t36 = h_r + p.T33;
    let t37 = c::<T>(p.T34) - h_r;
    let oral_in = t85 * x.oral_ca_mmol_per_h;

    dy[S::P.idx()] = j14 - j15 - j27 + j40;
    dy[S::ECCPhos.idx()] = j41 - j42 - j48 + j53 - j54 + j56;
    dy[S::IntraPO.idx()] = j54 - j56;
    dy[S::PhosGut.idx()] = c::<T>(ph.OralPhos * ph.F12) - j53;
    dy[S::T.idx()] = oral_in - j40;
    dy[S::R.idx()] = t36 * (c::<T>(1.0) - r) - t37 * r;
    dy[S::HAp.idx()] = x.ob() * d.kHApIn - x.s(S::HAp) * d.kLShap;
    dy[S::Q.idx()] = j15 - j14 + j14a - j15a;
    dy[S::Qbone.idx()] = j15a - j14a;
    dy[S::UCA.idx()] = j27;
    CalciumFluxes { j27, oral_in }
}
