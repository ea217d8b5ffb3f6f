//! Vitamin K status and the carboxylation of osteocalcin and Matrix Gla Protein
//! (docs/model/vitamin-k.md §3).
//!
//! Plasma vitamers add up to $K_{in}$ (nM K1-equivalents): background levels as measured,
//! rises above background weighted by potency. A vitamin K
//! antagonist blocks recycling: $K_{eff} = (1 - I_{VKA}) K_{in}$. The liver is served first
//! (Schurgers 2004: hepatic carboxylation saturates at lower intakes than bone), so the supply
//! to extrahepatic tissue is $K_{eff}^2 / (K_{eff} + K_{liver})$, which an effect compartment
//! $K_{ex}$ follows with rate $k_{e0}$. The carboxylated fractions are Hill functions of
//! $K_{ex}$: $f_{OC} = K_{ex}^h/(K_{ex}^h + EC_{50}^h)$ and likewise for MGP.

use crate::kparams::KParams;
use crate::scalar::{c, Scalar};

/// Vitamin K status input, nM K1-equivalents: the background plasma levels counted as
/// measured, plus each vitamer's rise above its background weighted by its potency
/// (assumption A-model-13: the weights say how much more a supplemental increment of serum
/// MK-4 or MK-7 does than one of K1, so they do not change the background status the EC50s are
/// scaled to). `c_nm` and `c0_nm` are plasma and background levels of K1, MK-4, MK-7.
pub fn k_in<T: Scalar>(p: &KParams, c_nm: [T; 3], c0_nm: [f64; 3]) -> T {
    let w = [p.w_k1, p.w_mk4, p.w_mk7];
    (0..3).fold(T::from(c0_nm.iter().sum::<f64>()), |total, i| {
        total + (c_nm[i] - c0_nm[i]) * w[i]
    })
}

/// Extrahepatic supply after the liver has taken its share, nM.
pub fn extrahepatic_supply<T: Scalar>(p: &KParams, k_in: T, vka_inhibition: f64) -> T {
    let k_eff = k_in * (1.0 - vka_inhibition);
    k_eff * k_eff / (k_eff + p.liver_k_nm)
}

/// Fraction of hepatic vitamin K-dependent proteins (clotting factors) carboxylated: a
/// saturating function of the effective supply with the same constant as the liver's share.
pub fn hepatic_fraction<T: Scalar>(p: &KParams, k_in: T, vka_inhibition: f64) -> T {
    let k_eff = k_in * (1.0 - vka_inhibition);
    k_eff / (k_eff + p.liver_k_nm)
}

/// d(U_MGP)/dt: circulating dp-ucMGP (relative to baseline) follows the uncarboxylated
/// fraction of MGP in the vessel wall with turnover `mgp_turnover_per_h` (assumption A-model-14:
/// a slow pool, its rate fitted to Dalmeijer 2012 at 12 weeks and Knapen 2015 at 3 years).
pub fn uc_mgp_derivative<T: Scalar>(p: &KParams, f_mgp: T, f_mgp0: f64, uc_rel: T) -> T {
    ((f_mgp * -1.0 + 1.0) / (1.0 - f_mgp0) - uc_rel) * p.mgp_turnover_per_h
}

/// d(K_ex)/dt.
pub fn status_derivative<T: Scalar>(p: &KParams, supply: T, k_ex: T) -> T {
    (supply - k_ex) * p.ke0_per_h
}

fn hill_frac<T: Scalar>(x: T, ec50: f64, h: f64) -> T {
    x.select_gt(
        0.0,
        || {
            let xh = x.powf(h);
            xh / (xh + ec50.powf(h))
        },
        || c(0.0),
    )
}

/// Carboxylated fraction of newly made osteocalcin.
pub fn oc_fraction<T: Scalar>(p: &KParams, k_ex: T) -> T {
    hill_frac(k_ex, p.oc_ec50_nm, p.oc_hill)
}

/// Carboxylated fraction of MGP.
pub fn mgp_fraction<T: Scalar>(p: &KParams, k_ex: T) -> T {
    hill_frac(k_ex, p.mgp_ec50_nm, p.mgp_hill)
}

/// The effect of carboxylation on bone: multipliers of osteoblast formation, osteoclast
/// formation and the site-specific BMD formation terms, from the change of the carboxylated
/// osteocalcin fraction since baseline, $E = f_{OC} - f_{OC,0}$. Exponential so that every
/// multiplier stays positive whatever E (a VKA makes E negative).
pub struct BoneEffects<T> {
    pub ob_formation: T,
    pub oc_formation: T,
    pub bmd_ls: T,
    pub bmd_fn: T,
}

pub fn bone_effects<T: Scalar>(p: &KParams, f_oc: T, f_oc0: f64) -> BoneEffects<T> {
    let e = f_oc - f_oc0;
    BoneEffects {
        ob_formation: (e * p.ob_emax).exp(),
        oc_formation: (e * (-p.oc_imax)).exp(),
        bmd_ls: (e * p.w_site_ls).exp(),
        bmd_fn: (e * p.w_site_fn).exp(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kparams::KParamFile;

    #[test]
    fn more_vitamin_k_carboxylates_more_and_saturates() {
        let p = KParamFile::shipped().params;
        let mut last = -1.0;
        for k in [0.0, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0, 100.0, 1e4, 1e9] {
            let s = extrahepatic_supply(&p, k, 0.0);
            let f = oc_fraction(&p, s);
            assert!(f >= last && (0.0..=1.0).contains(&f), "{k}: {f}");
            last = f;
        }
        assert!(last > 0.99, "saturates near 1: {last}");
    }

    #[test]
    fn liver_is_served_first() {
        // Where the liver's proteins are half carboxylated, osteocalcin is much less so, and
        // the extrahepatic share of the supply grows with the supply (Schurgers 2004).
        let p = KParamFile::shipped().params;
        let k = p.liver_k_nm;
        assert!((hepatic_fraction(&p, k, 0.0) - 0.5).abs() < 1e-12);
        assert!(oc_fraction(&p, extrahepatic_supply(&p, k, 0.0)) < 0.5);
        let share = |k: f64| extrahepatic_supply(&p, k, 0.0) / k;
        assert!(share(0.1) < share(1.0) && share(1.0) < share(10.0));
    }

    #[test]
    fn a_vka_lowers_carboxylation() {
        let p = KParamFile::shipped().params;
        let k = 3.0;
        assert!(hepatic_fraction(&p, k, 0.8) < hepatic_fraction(&p, k, 0.0));
        assert!(extrahepatic_supply(&p, k, 0.8) < extrahepatic_supply(&p, k, 0.0));
    }
}
