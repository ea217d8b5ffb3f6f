//! The calibrated bone response: BMD by site from the core's bone cells, vitamin K and time since
//! menopause (docs/model/bone-response.md).
//!
//! The core's own BMD states (`BMDls`, `BMDlsDEN`, `BMDfn`, Peterson & Riggs 2012) were each fitted
//! to one drug; none reproduces untreated loss, calcium and vitamin D, denosumab and the vitamin K
//! trials together (issue 10). The bone response is one structure for all of them, fitted to the
//! calibration set in `data/calibration/bone.toml` (MCMC, `k2bone calibrate`). It reads the core and
//! the extension; nothing reads it back, so it is computed after the simulation from daily samples
//! of its inputs, and a posterior draw costs microseconds.
//!
//! Per site $s$ (lumbar spine, femoral neck), with $x_{OB} = OB/OB_0$, $x_{OC} = OC/OC_0$
//! (the core's cells relative to its premenopausal baseline):
//! $$ G = \exp\!\big(b\,\sigma\,(1 - e^{-\ln x_{OC}/\sigma})\big),\quad
//!    F = x_{OB}^{a}\, e^{\theta_{c}\,\Delta f_{OC} + \theta_{4} E_4}, $$
//! $$ \dot R_j = k_j\,(F - G R_j)\ \ (j = 1, 2),\qquad
//!    \dot M = -\frac{\delta(t)}{100} \Big(\frac{x_{OC}}{x_{ref}}\Big)^{c} (1 - \rho E_4)\, M, $$
//! $$ \mathrm{BMD} \propto \big((1-w) R_1 + w R_2\big)\, M,\qquad
//!    \delta = \delta_\infty + \delta_0\, e^{-y/\tau}\ \text{(women, } y \ge 0 \text{ years since menopause)}. $$
//! $G$ is the resorption signal: a power law of $x_{OC}$ near the premenopausal baseline that
//! saturates at the high turnover after menopause (so the same law gives denosumab's large and
//! calcium's small gains). $R_1$, $R_2$ are a fast and a slow indirect response (remodeling space and
//! mineralisation), $M$ the loss that nothing restores (remodeling imbalance, faster with turnover,
//! fastest just after menopause). $\Delta f_{OC}$ is the change of the carboxylated osteocalcin
//! fraction; $E_4$ the pharmacological MK-4 exposure relative to 45 mg/day (an effect compartment on
//! the MK-4 dose, independent of carboxylation: Tabb 2003, Ichikawa 2006 — steroid and xenobiotic
//! receptor). Men: $\delta = \delta_\infty$ (assumption A-bone-14). The states start at the steady
//! state of the person's remodeling at the start of the study (assumption A-bone-1).

use serde::Deserialize;

use crate::kparams::{ParamEntry, ParamKind};
use crate::ModelError;

/// The shipped bone-response parameter file (the posterior mean of the last calibration).
pub const SHIPPED_BONE_PARAMS_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/model/bone-response-params.toml"
));

/// MK-4 dose the pharmacological effect is scaled to, mg/day (the Japanese trials' 45 mg/d).
pub const MK4_REFERENCE_MG_PER_DAY: f64 = 45.0;

/// The two sites the response is calibrated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Site {
    LumbarSpine,
    /// Femoral neck; total hip and unspecified "hip" results are compared with it (A-bone-12).
    FemoralNeck,
}

impl Site {
    pub const ALL: [Site; 2] = [Site::LumbarSpine, Site::FemoralNeck];

    /// Short key used in parameter names (`ls`, `fn`).
    pub fn key(self) -> &'static str {
        match self {
            Site::LumbarSpine => "ls",
            Site::FemoralNeck => "fn",
        }
    }
}

macro_rules! bone_params {
    (shared { $($s:ident),* $(,)? } site { $($f:ident),* $(,)? }) => {
        /// One site's parameters.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[allow(missing_docs)]
        pub struct SiteParams { $(pub $f: f64,)* }

        /// All bone-response parameters (units in the names; see the parameter file).
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[allow(missing_docs)]
        pub struct BoneResponseParams {
            $(pub $s: f64,)*
            pub ls: SiteParams,
            pub fn_: SiteParams,
        }

        /// Every parameter name in vector order: shared ones, then `ls.*`, then `fn.*`.
        pub const BONE_PARAM_NAMES: &[&str] = &[
            $(concat!("shared.", stringify!($s)),)*
            $(concat!("ls.", stringify!($f)),)*
            $(concat!("fn.", stringify!($f)),)*
        ];

        impl BoneResponseParams {
            /// The parameters as one vector in [`BONE_PARAM_NAMES`] order (for the sampler).
            pub fn to_vec(&self) -> Vec<f64> {
                let mut v = vec![$(self.$s,)*];
                v.extend([$(self.ls.$f,)*]);
                v.extend([$(self.fn_.$f,)*]);
                v
            }

            /// The inverse of [`BoneResponseParams::to_vec`].
            pub fn from_slice(v: &[f64]) -> Result<BoneResponseParams, ModelError> {
                if v.len() != BONE_PARAM_NAMES.len() {
                    return Err(ModelError::BadValue {
                        name: "bone response parameter vector".into(),
                        value: v.len() as f64,
                        accepted: format!("{} values", BONE_PARAM_NAMES.len()),
                    });
                }
                let mut it = v.iter().copied();
                let mut next = || it.next().expect("length checked");
                let p = BoneResponseParams {
                    $($s: next(),)*
                    ls: SiteParams { $($f: next(),)* },
                    fn_: SiteParams { $($f: next(),)* },
                };
                p.validate()?;
                Ok(p)
            }

            fn from_entries(
                get: &dyn Fn(&str) -> Result<f64, ModelError>,
            ) -> Result<BoneResponseParams, ModelError> {
                Ok(BoneResponseParams {
                    $($s: get(concat!("shared.", stringify!($s)))?,)*
                    ls: SiteParams { $($f: get(concat!("ls.", stringify!($f)))?,)* },
                    fn_: SiteParams { $($f: get(concat!("fn.", stringify!($f)))?,)* },
                })
            }
        }
    };
}

bone_params! {
    shared {
        formation_ob_exponent,
        early_loss_decay_years,
        mk4_effect_half_time_days,
        reference_oc_rel,
        // One pharmacological MK-4 effect for both sites (A-bone-16): no target measures it at
        // the hip, and the receptor mechanism is not site-specific.
        mk4_formation_effect,
        mk4_loss_reduction,
    }
    site {
        resorption_slope,
        resorption_saturation,
        fast_turnover_per_year,
        slow_turnover_per_year,
        slow_weight,
        late_loss_pct_per_year,
        early_loss_pct_per_year,
        loss_turnover_exponent,
        carboxylation_effect,
    }
}

impl BoneResponseParams {
    /// The parameters of `site`.
    pub fn site(&self, site: Site) -> &SiteParams {
        match site {
            Site::LumbarSpine => &self.ls,
            Site::FemoralNeck => &self.fn_,
        }
    }

    /// Refuses values outside the structure's domain (rates and scales must be positive,
    /// weights and fractions in [0, 1]).
    pub fn validate(&self) -> Result<(), ModelError> {
        let bad = |name: String, value: f64, accepted: &str| ModelError::BadValue {
            name,
            value,
            accepted: accepted.into(),
        };
        for (name, v) in [
            ("shared.early_loss_decay_years", self.early_loss_decay_years),
            (
                "shared.mk4_effect_half_time_days",
                self.mk4_effect_half_time_days,
            ),
            ("shared.reference_oc_rel", self.reference_oc_rel),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(name.into(), v, "a finite number > 0"));
            }
        }
        for (name, v) in [
            ("shared.formation_ob_exponent", self.formation_ob_exponent),
            ("shared.mk4_formation_effect", self.mk4_formation_effect),
        ] {
            if !v.is_finite() {
                return Err(bad(name.into(), v, "a finite number"));
            }
        }
        if !(0.0..=1.0).contains(&self.mk4_loss_reduction) {
            return Err(bad(
                "shared.mk4_loss_reduction".into(),
                self.mk4_loss_reduction,
                "0 <= value <= 1",
            ));
        }
        for site in Site::ALL {
            let p = self.site(site);
            let k = site.key();
            for (name, v) in [
                ("resorption_saturation", p.resorption_saturation),
                ("fast_turnover_per_year", p.fast_turnover_per_year),
                ("slow_turnover_per_year", p.slow_turnover_per_year),
            ] {
                if !(v.is_finite() && v > 0.0) {
                    return Err(bad(format!("{k}.{name}"), v, "a finite number > 0"));
                }
            }
            for (name, v) in [("slow_weight", p.slow_weight)] {
                if !(0.0..=1.0).contains(&v) {
                    return Err(bad(format!("{k}.{name}"), v, "0 <= value <= 1"));
                }
            }
            for (name, v) in [
                ("resorption_slope", p.resorption_slope),
                ("late_loss_pct_per_year", p.late_loss_pct_per_year),
                ("early_loss_pct_per_year", p.early_loss_pct_per_year),
                ("loss_turnover_exponent", p.loss_turnover_exponent),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(bad(format!("{k}.{name}"), v, "a finite number >= 0"));
                }
            }
            if !p.carboxylation_effect.is_finite() {
                return Err(bad(
                    format!("{k}.carboxylation_effect"),
                    p.carboxylation_effect,
                    "a finite number",
                ));
            }
        }
        Ok(())
    }
}

/// The parsed parameter file: values plus their provenance.
#[derive(Debug, Clone)]
pub struct BoneParamFile {
    pub params: BoneResponseParams,
    pub entries: std::collections::BTreeMap<String, ParamEntry>,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    #[allow(dead_code)]
    meta: Option<toml::Table>,
    #[serde(flatten)]
    sections: std::collections::BTreeMap<String, std::collections::BTreeMap<String, ParamEntry>>,
}

impl BoneParamFile {
    /// Reads a file with the layout of `data/model/bone-response-params.toml`.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<BoneParamFile, ModelError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| ModelError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut entries = std::collections::BTreeMap::new();
        for (section, table) in raw.sections {
            for (name, entry) in table {
                let full = format!("{section}.{name}");
                if !BONE_PARAM_NAMES.contains(&full.as_str()) {
                    return Err(ModelError::UnknownParameter {
                        name: format!(
                            "{full} in {origin}{}",
                            crate::nearest_name(&full, BONE_PARAM_NAMES.iter().copied())
                        ),
                    });
                }
                entries.insert(full, entry);
            }
        }
        let get = |name: &str| {
            entries
                .get(name)
                .map(|e: &ParamEntry| e.value)
                .ok_or_else(|| ModelError::MissingKey {
                    key: format!("{name} in {origin}"),
                })
        };
        let params = BoneResponseParams::from_entries(&get)?;
        params.validate()?;
        Ok(BoneParamFile { params, entries })
    }

    /// This file's layout with `params` as values; the entries named in `refitted` get `source`
    /// (what `k2bone calibrate` writes for the parameters it fitted).
    pub fn to_toml_string(
        &self,
        params: &BoneResponseParams,
        refitted: &[&str],
        source: &str,
    ) -> String {
        let mut out = String::from(
            "# k2bone bone response (docs/model/bone-response.md): BMD by site from the core's bone cells,\n\
             # vitamin K and time since menopause. Written by `k2bone calibrate` (posterior median of the\n\
             # MCMC on the calibration targets); the draws are in the bone-posterior.csv beside it.\n\n\
             [meta]\nschema = 1\n",
        );
        let values = params.to_vec();
        let mut section = "";
        for (name, value) in BONE_PARAM_NAMES.iter().zip(values) {
            let (sec, field) = name.split_once('.').expect("names are section.field");
            if sec != section {
                out.push_str(&format!("\n[{sec}]\n"));
                section = sec;
            }
            let e = &self.entries[*name];
            let (kind, src) = if refitted.contains(name) {
                ("calibrated", source)
            } else {
                (
                    match e.kind {
                        ParamKind::Literature => "literature",
                        ParamKind::Calibrated => "calibrated",
                        ParamKind::Assumption => "assumption",
                    },
                    e.source.as_str(),
                )
            };
            out.push_str(&format!(
                "{field} = {{ value = {value}, unit = {:?}, kind = \"{kind}\", source = {:?} }}\n",
                e.unit, src
            ));
        }
        out
    }

    /// The shipped file.
    pub fn shipped() -> BoneParamFile {
        BoneParamFile::from_toml_str(
            SHIPPED_BONE_PARAMS_TOML,
            "<shipped bone-response-params.toml>",
        )
        .expect("the shipped bone-response parameter file is valid")
    }
}

/// One day of the response's inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoneDay {
    /// Total active osteoblasts relative to the core's baseline, `OB/OB0`.
    pub ob_rel: f64,
    /// Osteoclasts relative to the core's baseline, `OC/OC0`.
    pub oc_rel: f64,
    /// Change of the carboxylated osteocalcin fraction since the start of the study.
    pub d_f_oc: f64,
    /// MK-4 taken that day, mg.
    pub mk4_mg: f64,
}

/// Who the response is for: the loss depends on sex and time since menopause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoneSubject {
    pub female: bool,
    /// Years since menopause at the start of the study (women; negative before it).
    pub years_since_menopause: f64,
}

impl BoneResponseParams {
    /// BMD % change from the start at each day of `days` (day 0 is the start), for `site`.
    /// Each day's inputs hold over that day; every state is advanced exactly.
    pub fn bmd_pct_change(&self, site: Site, who: &BoneSubject, days: &[BoneDay]) -> Vec<f64> {
        let p = self.site(site);
        let mut out = Vec::with_capacity(days.len());
        let Some(first) = days.first() else {
            return out;
        };
        let resorption = |oc_rel: f64| {
            let u = oc_rel.ln();
            let s = p.resorption_saturation;
            (p.resorption_slope * s * (1.0 - (-u / s).exp())).exp()
        };
        let formation = |d: &BoneDay, e4: f64| {
            (self.formation_ob_exponent * d.ob_rel.ln()
                + p.carboxylation_effect * d.d_f_oc
                + self.mk4_formation_effect * e4)
                .exp()
        };
        let dt_y = 1.0 / 365.0;
        let ke4 = std::f64::consts::LN_2 / self.mk4_effect_half_time_days;
        // Steady state of the person's remodeling at the start, before any treatment effect.
        let start = first.ob_rel.powf(self.formation_ob_exponent) / resorption(first.oc_rel);
        let (mut r1, mut r2, mut m, mut e4) = (start, start, 1.0, 0.0);
        out.push(0.0);
        for (i, d) in days[..days.len() - 1].iter().enumerate() {
            let target4 = d.mk4_mg / MK4_REFERENCE_MG_PER_DAY;
            e4 = target4 + (e4 - target4) * (-ke4).exp();
            let g = resorption(d.oc_rel);
            let req = formation(d, e4) / g;
            r1 = req + (r1 - req) * (-p.fast_turnover_per_year * g * dt_y).exp();
            r2 = req + (r2 - req) * (-p.slow_turnover_per_year * g * dt_y).exp();
            let ysm = who.years_since_menopause + i as f64 * dt_y;
            let loss_pct = if !who.female {
                p.late_loss_pct_per_year
            } else if ysm < 0.0 {
                0.0
            } else {
                p.late_loss_pct_per_year
                    + p.early_loss_pct_per_year * (-ysm / self.early_loss_decay_years).exp()
            };
            let lambda = loss_pct / 100.0
                * (d.oc_rel / self.reference_oc_rel).powf(p.loss_turnover_exponent)
                * (1.0 - self.mk4_loss_reduction * e4).max(0.0);
            m *= (-lambda * dt_y).exp();
            let w = p.slow_weight;
            out.push((((1.0 - w) * r1 + w * r2) * m / start - 1.0) * 100.0);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(n: usize, oc_rel: f64) -> Vec<BoneDay> {
        vec![
            BoneDay {
                ob_rel: 1.4,
                oc_rel,
                d_f_oc: 0.0,
                mk4_mg: 0.0,
            };
            n
        ]
    }

    #[test]
    fn vector_round_trip_and_validation() {
        let p = BoneParamFile::shipped().params;
        let v = p.to_vec();
        assert_eq!(v.len(), BONE_PARAM_NAMES.len());
        assert_eq!(BoneResponseParams::from_slice(&v).unwrap(), p);
        let mut bad = v.clone();
        let i = BONE_PARAM_NAMES
            .iter()
            .position(|n| *n == "ls.slow_weight")
            .unwrap();
        bad[i] = 1.5;
        assert!(BoneResponseParams::from_slice(&bad).is_err());
    }

    #[test]
    fn a_man_at_steady_turnover_loses_at_the_late_rate() {
        // Hand computation: constant inputs keep R at its start value, so BMD follows M alone:
        // M(t) = exp(-late/100 * (x/xref)^c * t).
        let p = BoneParamFile::shipped().params;
        let who = BoneSubject {
            female: false,
            years_since_menopause: 0.0,
        };
        let days = flat(366, p.reference_oc_rel);
        let b = p.bmd_pct_change(Site::FemoralNeck, &who, &days);
        let expected = ((-p.fn_.late_loss_pct_per_year / 100.0).exp() - 1.0) * 100.0;
        assert!((b[365] - expected).abs() < 1e-9, "{} vs {expected}", b[365]);
    }

    #[test]
    fn less_resorption_gains_bone_and_early_menopause_loses_faster() {
        let p = BoneParamFile::shipped().params;
        let late = BoneSubject {
            female: true,
            years_since_menopause: 20.0,
        };
        let early = BoneSubject {
            female: true,
            years_since_menopause: 0.0,
        };
        let mut suppressed = flat(730, 2.9);
        for d in &mut suppressed[1..] {
            d.oc_rel = 1.0;
        }
        let untreated = flat(730, 2.9);
        for site in Site::ALL {
            let gain = p.bmd_pct_change(site, &late, &suppressed)[729];
            let none = p.bmd_pct_change(site, &late, &untreated)[729];
            assert!(gain > none + 1.0, "{site:?}: {gain} vs {none}");
            let fast = p.bmd_pct_change(site, &early, &untreated)[729];
            assert!(fast < none, "{site:?}: early {fast} vs late {none}");
        }
    }
}
