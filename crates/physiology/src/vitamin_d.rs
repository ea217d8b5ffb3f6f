//! Vitamin D3 → 25(OH)D → calcitriol synthesis (docs/model/vitamin-k.md §4).
//!
//! Oral D3 enters a pool `D3` (µg) that is 25-hydroxylated at rate $k_c$; the flux
//! $J = 24 k_c D_3$ (µg/d) raises serum 25(OH)D with a saturable steady-state slope:
//! $$ \dot D_{25} = k_{25}(D_{25,0} - D_{25}) + k_{25}\, s\, J/(1 + J/J_{sat}), $$
//! with $k_{25} = \ln 2 / t_{1/2}$ and $s$ the rise per µg/d (Heaney 2003). The core's
//! 1-α-hydroxylase synthesis is multiplied by the substrate factor
//! $g = \frac{D_{25}/(D_{25} + K_m)}{D_{ref}/(D_{ref} + K_m)}$, equal to 1 at the 25(OH)D the
//! core was calibrated for.

use crate::kparams::KParams;
use crate::scalar::Scalar;

/// (d(D3)/dt, d(25OHD)/dt) for pool `d3_ug`, serum `d25_nmol_l`, person baseline `d25_0`.
pub fn derivatives<T: Scalar>(p: &KParams, d3_ug: T, d25_nmol_l: T, d25_0: f64) -> (T, T) {
    let conversion = d3_ug * p.d3_conversion_per_h;
    let j_ug_day = conversion * 24.0;
    let k25 = std::f64::consts::LN_2 / p.d25_half_life_h;
    let production =
        j_ug_day / (j_ug_day / p.d3_saturation_ug_day + 1.0) * (p.d25_per_ug_day * k25);
    let d_d25 = (d25_nmol_l * -1.0 + d25_0) * k25 + production;
    (-conversion, d_d25)
}

/// Multiplier of calcitriol synthesis from serum 25(OH)D.
pub fn synthesis_factor<T: Scalar>(p: &KParams, d25_nmol_l: T) -> T {
    let km = p.calcitriol_d25_km_nmol_l;
    let r = p.d25_reference_nmol_l;
    d25_nmol_l / (d25_nmol_l + km) * ((r + km) / r)
}

/// Steady-state 25(OH)D for a constant D3 intake (µg/d) on top of baseline `d25_0`.
pub fn steady_state(p: &KParams, d25_0: f64, intake_ug_day: f64) -> f64 {
    d25_0 + p.d25_per_ug_day * intake_ug_day / (1.0 + intake_ug_day / p.d3_saturation_ug_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kparams::KParamFile;

    #[test]
    fn steady_state_of_the_ode_matches_the_closed_form() {
        let p = KParamFile::shipped().params;
        // Constant intake of 25 µg/d: pool at steady state holds intake/(24 k_c).
        let intake = 25.0;
        let pool = intake / 24.0 / p.d3_conversion_per_h;
        let d25 = steady_state(&p, 50.0, intake);
        let (_, d) = derivatives(&p, pool, d25, 50.0);
        assert!(d.abs() < 1e-12, "{d}");
        // Low-dose slope is Heaney's 0.7 nmol/L per µg/d; saturation bends it down.
        assert!(steady_state(&p, 50.0, 1.0) - 50.0 > 0.69);
        assert!(steady_state(&p, 50.0, 1000.0) - 50.0 < 0.7 * 1000.0 / 2.0);
    }

    #[test]
    fn calcitriol_synthesis_follows_substrate() {
        let p = KParamFile::shipped().params;
        assert!((synthesis_factor(&p, p.d25_reference_nmol_l) - 1.0).abs() < 1e-15);
        assert!(synthesis_factor(&p, 20.0) < 0.7);
        assert!(synthesis_factor(&p, 150.0) > 1.0);
    }
}
