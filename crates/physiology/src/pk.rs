//! Pharmacokinetics of the three vitamers the model doses: K1, MK-4 and MK-7
//! (docs/model/vitamin-k.md §2).
//!
//! Each vitamer has a gut depot `G` and a plasma pool `A` (nmol), first-order absorption and
//! linear elimination:
//! $$ \dot G = -k_a G + R_0,\qquad \dot A = k_a G - k_{el} A,\qquad C = A / V. $$
//! The background intake `R_0` (nmol/h, diet) is the rate that holds the baseline plasma
//! level: $R_0 = k_{el} V C_0$. Doses add `amount × F(vehicle)` to `G`.

use k2bone_units::Vitamer;

use crate::kparams::KParams;
use crate::scalar::Scalar;

/// The vitamers with their own PK compartments, in state order.
pub const PK_VITAMERS: [Vitamer; 3] = [Vitamer::K1, Vitamer::Mk4, Vitamer::Mk7];

/// How a vitamin K dose is taken; sets its bioavailability relative to an oil-filled capsule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vehicle {
    /// Oil-filled soft-gel capsule (reference, F = 1).
    Oil,
    /// Tablet or powder capsule.
    Tablet,
    /// Bound in a food matrix (vegetables for K1; natto, cheese for menaquinones).
    Food,
}

impl Vehicle {
    /// Bioavailability relative to an oil capsule.
    pub fn relative_f(self, vitamer: Vitamer, p: &KParams) -> f64 {
        match self {
            Vehicle::Oil => 1.0,
            Vehicle::Tablet => p.f_tablet,
            Vehicle::Food if vitamer == Vitamer::K1 => p.f_food_k1,
            Vehicle::Food => p.f_food_mk,
        }
    }

    pub fn parse(s: &str) -> Option<Vehicle> {
        match s.trim().to_ascii_lowercase().as_str() {
            "oil" | "capsule" | "softgel" => Some(Vehicle::Oil),
            "tablet" | "powder" => Some(Vehicle::Tablet),
            "food" | "meal" => Some(Vehicle::Food),
            _ => None,
        }
    }
}

/// One vitamer's PK constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VitamerPk {
    pub vitamer: Vitamer,
    pub ka_per_h: f64,
    pub kel_per_h: f64,
    pub v_l: f64,
    /// Baseline plasma level, nM.
    pub c0_nm: f64,
    /// Molar mass, g/mol.
    pub mw_g_per_mol: f64,
}

impl VitamerPk {
    /// The constants of `vitamer`; `None` for the vitamers without PK compartments (MK-5,
    /// MK-6, MK-8 … MK-10).
    pub fn of(vitamer: Vitamer, p: &KParams) -> Option<VitamerPk> {
        let (ka, kel, v, c0_ng_ml) = match vitamer {
            Vitamer::K1 => (p.k1_ka_per_h, p.k1_kel_per_h, p.k1_v_l, p.k1_baseline_ng_ml),
            Vitamer::Mk4 => (
                p.mk4_ka_per_h,
                p.mk4_kel_per_h,
                p.mk4_v_l,
                p.mk4_baseline_ng_ml,
            ),
            Vitamer::Mk7 => (
                p.mk7_ka_per_h,
                p.mk7_kel_per_h,
                p.mk7_v_l,
                p.mk7_baseline_ng_ml,
            ),
            _ => return None,
        };
        let mw = vitamer.molar_mass_g_per_mol();
        Some(VitamerPk {
            vitamer,
            ka_per_h: ka,
            kel_per_h: kel,
            v_l: v,
            // ng/mL = µg/L; nM = nmol/L = (µg/L) × 1000 / (g/mol)
            c0_nm: c0_ng_ml * 1000.0 / mw,
            mw_g_per_mol: mw,
        })
    }

    /// Background intake that holds the baseline level, nmol/h.
    pub fn background_nmol_per_h(&self) -> f64 {
        self.kel_per_h * self.v_l * self.c0_nm
    }

    /// Baseline (gut, lymph, plasma) amounts, nmol.
    pub fn baseline(&self) -> (f64, f64, f64) {
        let transit = self.background_nmol_per_h() / self.ka_per_h;
        (transit, transit, self.v_l * self.c0_nm)
    }

    /// Plasma level in ng/mL from the plasma amount in nmol.
    pub fn ng_per_ml<T: Scalar>(&self, amount_nmol: T) -> T {
        amount_nmol / self.v_l * self.mw_g_per_mol / 1000.0
    }

    /// Writes d/dt of (gut, lymph, plasma) into `d`; returns the plasma level in nM.
    ///
    /// Oral vitamin K reaches plasma in two first-order steps of the same rate $k_a$: from the
    /// gut into chylomicrons carried by the lymph, and from the lymph into plasma (assumption
    /// A-model-15: the fat-soluble vitamins' lymphatic route; the two-step delay gives K1 its
    /// 4-h peak and its return to baseline within a day, which one step cannot).
    pub(crate) fn derivatives<T: Scalar>(&self, y: [T; 3], d: &mut [T]) -> T {
        let [gut, lymph, plasma] = y;
        let uptake = gut * self.ka_per_h;
        let absorption = lymph * self.ka_per_h;
        d[0] = -uptake + self.background_nmol_per_h();
        d[1] = uptake - absorption;
        d[2] = absorption - plasma * self.kel_per_h;
        plasma / self.v_l
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kparams::KParamFile;

    #[test]
    fn baseline_is_steady() {
        let p = KParamFile::shipped().params;
        for v in PK_VITAMERS {
            let pk = VitamerPk::of(v, &p).unwrap();
            let (g0, l0, a0) = pk.baseline();
            let mut d = [0.0; 3];
            let c = pk.derivatives([g0, l0, a0], &mut d);
            assert!(d.iter().all(|x| x.abs() < 1e-12), "{v}: {d:?}");
            assert!((pk.ng_per_ml(a0) - pk.c0_nm * pk.mw_g_per_mol / 1000.0).abs() < 1e-12);
            assert!((c - pk.c0_nm).abs() < 1e-12);
        }
        assert!(VitamerPk::of(Vitamer::Mk9, &p).is_none());
    }
}
