//! Fracture risk from BMD (docs/model/vitamin-k.md §6): absolute 1-, 5- and 10-year risk of
//! hip, clinical vertebral and any major fracture, from age- and sex-specific incidence, the
//! gradient of risk per SD of BMD, and the model's BMD change by site.
//!
//! $$ h_s(a) = h_{hip}(a)\,\rho_s\,RR_s^{-\Delta Z_s}\,[\times OR_{K2,s}],\qquad
//!    \text{risk}_s(H) = 1 - \exp\!\Big(-\int_0^H h_s(a + t)\,dt\Big) $$
//! Deaths are not modelled as a competing risk, so risks at older ages are overstated.

use serde::Serialize;

/// Biological sex, for incidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Female,
    Male,
}

/// Hip fracture incidence per person-year at ages 50–54 (taken at 52) and 80+ (taken at 85):
/// women 33 and 1808, men 28 and ~900 per 100,000 person-years in westernized countries
/// (musculoskeletalkey.com, "Epidemiology, risk and risk factors", Table 2.1) \[secondary\].
/// Incidence is interpolated exponentially between (and beyond) these two ages.
const HIP_INCIDENCE: [(Sex, f64, f64); 2] =
    [(Sex::Female, 33e-5, 1808e-5), (Sex::Male, 28e-5, 900e-5)];
const AGE_LOW: f64 = 52.0;
const AGE_HIGH: f64 = 85.0;

/// Lifetime risks at age 45 in Malmö women: hip 23.3%, spine 15.4%, forearm 21.5%, shoulder
/// 13.3% (Kanis et al. 2000 Osteoporos Int 11:669) \[abstract\]. Their ratios scale hip
/// incidence to clinical vertebral and to any major fracture [derived; ignores that forearm
/// fractures come at younger ages].
const VERTEBRAL_PER_HIP: f64 = 15.4 / 23.3;
const MAJOR_PER_HIP: f64 = (23.3 + 15.4 + 21.5 + 13.3) / 23.3;

/// Relative risk per SD decrease in BMD (Marshall, Johnell & Wedel 1996 BMJ 312:1254)
/// \[abstract\]: hip BMD for hip fracture 2.6, spine BMD for vertebral fracture 2.3, any site
/// for any fracture 1.5.
pub const RR_HIP_PER_SD: f64 = 2.6;
pub const RR_VERTEBRAL_PER_SD: f64 = 2.3;
pub const RR_ANY_PER_SD: f64 = 1.5;

/// SD of BMD as % of the mean, to turn a % change into a change in Z-score: lumbar spine,
/// women 51–60, 0.993 ± 0.141 g/cm² (NHANES reference values as tabulated in Front
/// Endocrinol 2026;17:1748490, Table 3) \[secondary\]. The femoral neck is taken as the same
/// (assumption; docs/assumptions.md).
pub const BMD_SD_PCT_OF_MEAN_LS: f64 = 100.0 * 0.141 / 0.993;
pub const BMD_SD_PCT_OF_MEAN_FN: f64 = BMD_SD_PCT_OF_MEAN_LS;

/// Optional K2 effect beyond BMD (off by default; an assumption): odds ratios from Mott et al.
/// 2019 Osteoporos Int 30:1543 \[abstract\]: any clinical fracture 0.72, vertebral 0.96; no hip
/// estimate there, so hip uses the any-fracture value. Cockayne 2006 (hip 0.23) is not used: it
/// pooled trials under integrity concerns.
pub const K2_OR_ANY: f64 = 0.72;
pub const K2_OR_VERTEBRAL: f64 = 0.96;
pub const K2_OR_HIP: f64 = 0.72;

/// Absolute risks in % over 1, 5 and 10 years.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FractureRisk {
    pub hip_1y_pct: f64,
    pub hip_5y_pct: f64,
    pub hip_10y_pct: f64,
    pub vertebral_1y_pct: f64,
    pub vertebral_5y_pct: f64,
    pub vertebral_10y_pct: f64,
    pub any_1y_pct: f64,
    pub any_5y_pct: f64,
    pub any_10y_pct: f64,
}

/// Hip fracture incidence per person-year at `age_years`.
pub fn hip_incidence(sex: Sex, age_years: f64) -> f64 {
    let (_, low, high) = HIP_INCIDENCE
        .iter()
        .find(|(s, _, _)| *s == sex)
        .copied()
        .expect("both sexes are tabulated");
    let beta = (high / low).ln() / (AGE_HIGH - AGE_LOW);
    low * (beta * (age_years - AGE_LOW)).exp()
}

fn cumulative_risk_pct(sex: Sex, age: f64, years: f64, scale: f64) -> f64 {
    // ∫ h(a+t) dt in closed form for exponential incidence.
    let beta = {
        let (_, low, high) = HIP_INCIDENCE
            .iter()
            .find(|(s, _, _)| *s == sex)
            .copied()
            .expect("tabulated");
        (high / low).ln() / (AGE_HIGH - AGE_LOW)
    };
    let integral = hip_incidence(sex, age) * ((beta * years).exp() - 1.0) / beta;
    100.0 * (1.0 - (-integral * scale).exp())
}

/// Risks for a person of `age_years` and `sex` whose BMD changed by `ls_pct` (lumbar spine)
/// and `fn_pct` (femoral neck) from the population average of that age; `k2_effect` applies
/// the odds ratios above.
pub fn fracture_risk(
    sex: Sex,
    age_years: f64,
    ls_pct: f64,
    fn_pct: f64,
    k2_effect: bool,
) -> FractureRisk {
    let r = |years: f64| risk_over_years(sex, age_years, ls_pct, fn_pct, k2_effect, years);
    let (r1, r5, r10) = (r(1.0), r(5.0), r(10.0));
    FractureRisk {
        hip_1y_pct: r1[0],
        hip_5y_pct: r5[0],
        hip_10y_pct: r10[0],
        vertebral_1y_pct: r1[1],
        vertebral_5y_pct: r5[1],
        vertebral_10y_pct: r10[1],
        any_1y_pct: r1[2],
        any_5y_pct: r5[2],
        any_10y_pct: r10[2],
    }
}

/// As [`fracture_risk`], over any number of `years`: `[hip, vertebral, any]` in %.
pub fn risk_over_years(
    sex: Sex,
    age_years: f64,
    ls_pct: f64,
    fn_pct: f64,
    k2_effect: bool,
    years: f64,
) -> [f64; 3] {
    let dz_ls = ls_pct / BMD_SD_PCT_OF_MEAN_LS;
    let dz_fn = fn_pct / BMD_SD_PCT_OF_MEAN_FN;
    let (or_hip, or_vert, or_any) = if k2_effect {
        (K2_OR_HIP, K2_OR_VERTEBRAL, K2_OR_ANY)
    } else {
        (1.0, 1.0, 1.0)
    };
    let hip = RR_HIP_PER_SD.powf(-dz_fn) * or_hip;
    let vert = VERTEBRAL_PER_HIP * RR_VERTEBRAL_PER_SD.powf(-dz_ls) * or_vert;
    let any = MAJOR_PER_HIP * RR_ANY_PER_SD.powf(-(dz_ls + dz_fn) / 2.0) * or_any;
    [hip, vert, any].map(|scale| cumulative_risk_pct(sex, age_years, years, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidence_passes_through_the_tabulated_points() {
        assert!((hip_incidence(Sex::Female, 52.0) - 33e-5).abs() < 1e-12);
        assert!((hip_incidence(Sex::Female, 85.0) - 1808e-5).abs() < 1e-12);
    }

    #[test]
    fn closed_form_integral_matches_numerical_quadrature() {
        // Midpoint rule over 10 years in 100,000 steps.
        let (age, n) = (60.0, 100_000);
        let dt = 10.0 / n as f64;
        let num: f64 = (0..n)
            .map(|i| hip_incidence(Sex::Female, age + (i as f64 + 0.5) * dt) * dt)
            .sum();
        let risk = 100.0 * (1.0 - (-num).exp());
        let ours = fracture_risk(Sex::Female, age, 0.0, 0.0, false).hip_10y_pct;
        assert!((risk - ours).abs() < 1e-6, "{risk} vs {ours}");
    }

    #[test]
    fn one_sd_lower_bmd_multiplies_short_term_hip_risk_by_the_gradient() {
        let base = fracture_risk(Sex::Female, 65.0, 0.0, 0.0, false);
        let low = fracture_risk(Sex::Female, 65.0, 0.0, -BMD_SD_PCT_OF_MEAN_FN, false);
        // For small risks, risk ratio ≈ hazard ratio = 2.6.
        let ratio = low.hip_1y_pct / base.hip_1y_pct;
        assert!((ratio - 2.6).abs() < 0.01, "{ratio}");
        assert!(base.hip_1y_pct < base.hip_5y_pct && base.hip_5y_pct < base.hip_10y_pct);
        assert!(base.vertebral_10y_pct < base.hip_10y_pct && base.hip_10y_pct < base.any_10y_pct);
        let k2 = fracture_risk(Sex::Female, 65.0, 0.0, 0.0, true);
        assert!(k2.any_10y_pct < base.any_10y_pct);
    }
}
