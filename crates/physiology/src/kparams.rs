//! Parameters of the vitamin K / vitamin D / calcification extension, read from
//! `data/model/vitamin-k-params.toml`, where every value carries its unit, kind (literature,
//! calibrated, assumption) and source. Names are `section.name`, e.g. `pk.mk7_kel_per_h`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::ModelError;

/// The shipped extension parameter file, embedded at compile time.
pub const SHIPPED_K_PARAMS_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/model/vitamin-k-params.toml"
));

/// How a parameter value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    Literature,
    Calibrated,
    Assumption,
}

/// One entry of the parameter file.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ParamEntry {
    pub value: f64,
    pub unit: String,
    pub kind: ParamKind,
    pub source: String,
}

macro_rules! k_params {
    ($($section:ident { $($field:ident),* $(,)? })*) => {
        /// Extension parameters, one public field per file entry (units in the names).
        #[derive(Debug, Clone, PartialEq)]
        #[allow(missing_docs)]
        pub struct KParams {
            $($(pub $field: f64,)*)*
        }

        /// Every parameter name, `section.field`, in file order.
        pub const K_PARAM_NAMES: &[&str] = &[$($(concat!(stringify!($section), ".", stringify!($field)),)*)*];

        impl KParams {
            fn from_entries(entries: &BTreeMap<String, ParamEntry>) -> Result<KParams, ModelError> {
                let get = |name: &str| -> Result<f64, ModelError> {
                    entries
                        .get(name)
                        .map(|e| e.value)
                        .ok_or_else(|| ModelError::MissingKey { key: name.to_string() })
                };
                Ok(KParams {
                    $($($field: get(concat!(stringify!($section), ".", stringify!($field)))?,)*)*
                })
            }

            /// The value of a parameter by `section.name`.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $($(concat!(stringify!($section), ".", stringify!($field)) => Some(self.$field),)*)*
                    _ => None,
                }
            }

            /// Sets a parameter by `section.name`; on an invalid value (see
            /// [`KParams::validate`]) nothing changes.
            pub fn set(&mut self, name: &str, value: f64) -> Result<(), ModelError> {
                let mut next = self.clone();
                match name {
                    $($(concat!(stringify!($section), ".", stringify!($field)) => next.$field = value,)*)*
                    _ => {
                        return Err(ModelError::UnknownParameter {
                            name: format!("{name}{}", crate::nearest_name(name, K_PARAM_NAMES.iter().copied())),
                        })
                    }
                }
                next.validate()?;
                *self = next;
                Ok(())
            }
        }
    };
}

k_params! {
    pk {
        k1_ka_per_h, k1_kel_per_h, k1_v_l, k1_baseline_ng_ml,
        mk4_ka_per_h, mk4_kel_per_h, mk4_v_l, mk4_baseline_ng_ml,
        mk7_ka_per_h, mk7_kel_per_h, mk7_v_l, mk7_baseline_ng_ml,
        f_tablet, f_food_k1, f_food_mk,
    }
    status { ke0_per_h, liver_k_nm, w_k1, w_mk4, w_mk7 }
    carboxylation { oc_ec50_nm, oc_hill, mgp_ec50_nm, mgp_hill, mgp_turnover_per_h, oc_calcitriol_gamma }
    bone { ob_emax, oc_imax, w_site_ls, w_site_fn }
    vitamin_d {
        d3_conversion_per_h, d25_half_life_h, d25_per_ug_day, d3_saturation_ug_day,
        calcitriol_d25_km_nmol_l, d25_reference_nmol_l,
    }
    calcification { ci_growth_per_year, ci_caxp_gamma, ci_mgp_gamma }
}

/// The parsed file: values plus their provenance.
#[derive(Debug, Clone)]
pub struct KParamFile {
    pub params: KParams,
    pub entries: BTreeMap<String, ParamEntry>,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    #[allow(dead_code)]
    meta: Option<toml::Table>,
    #[serde(flatten)]
    sections: BTreeMap<String, BTreeMap<String, ParamEntry>>,
}

impl KParamFile {
    /// Reads a file with the layout of `data/model/vitamin-k-params.toml`.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<KParamFile, ModelError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| ModelError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut entries = BTreeMap::new();
        for (section, table) in raw.sections {
            for (name, entry) in table {
                let full = format!("{section}.{name}");
                if !K_PARAM_NAMES.contains(&full.as_str()) {
                    return Err(ModelError::UnknownParameter {
                        name: format!(
                            "{full} in {origin}{}",
                            crate::nearest_name(&full, K_PARAM_NAMES.iter().copied())
                        ),
                    });
                }
                entries.insert(full, entry);
            }
        }
        let params = KParams::from_entries(&entries)?;
        params.validate()?;
        Ok(KParamFile { params, entries })
    }

    /// The shipped file.
    pub fn shipped() -> KParamFile {
        KParamFile::from_toml_str(SHIPPED_K_PARAMS_TOML, "<shipped vitamin-k-params.toml>")
            .expect("the shipped extension parameter file is valid")
    }

    /// Writes the file back with `params`' values (provenance kept), for `k2bone calibrate`.
    pub fn to_toml_string(&self, params: &KParams) -> String {
        let mut out = String::from(
            "# k2bone vitamin K / vitamin D / calcification extension: parameters.\n\
             # Written by `k2bone calibrate`; see docs/model/vitamin-k.md for the equations.\n\n\
             [meta]\nschema = 1\n",
        );
        let mut section = "";
        for name in K_PARAM_NAMES {
            let (sec, field) = name.split_once('.').expect("names are section.field");
            if sec != section {
                out.push_str(&format!("\n[{sec}]\n"));
                section = sec;
            }
            let e = &self.entries[*name];
            let kind = match e.kind {
                ParamKind::Literature => "literature",
                ParamKind::Calibrated => "calibrated",
                ParamKind::Assumption => "assumption",
            };
            out.push_str(&format!(
                "{field} = {{ value = {}, unit = {:?}, kind = \"{kind}\", source = {:?} }}\n",
                params.get(name).expect("known name"),
                e.unit,
                e.source
            ));
        }
        out
    }
}

impl KParams {
    /// Checks ranges: rates, volumes, EC50s and Hill coefficients > 0; fractions and weights
    /// ≥ 0 (the bone effects are exponential, so any value keeps formation positive).
    pub fn validate(&self) -> Result<(), ModelError> {
        let positive = [
            ("pk.k1_ka_per_h", self.k1_ka_per_h),
            ("pk.k1_kel_per_h", self.k1_kel_per_h),
            ("pk.k1_v_l", self.k1_v_l),
            ("pk.mk4_ka_per_h", self.mk4_ka_per_h),
            ("pk.mk4_kel_per_h", self.mk4_kel_per_h),
            ("pk.mk4_v_l", self.mk4_v_l),
            ("pk.mk7_ka_per_h", self.mk7_ka_per_h),
            ("pk.mk7_kel_per_h", self.mk7_kel_per_h),
            ("pk.mk7_v_l", self.mk7_v_l),
            ("status.ke0_per_h", self.ke0_per_h),
            ("status.liver_k_nm", self.liver_k_nm),
            ("carboxylation.oc_ec50_nm", self.oc_ec50_nm),
            ("carboxylation.oc_hill", self.oc_hill),
            ("carboxylation.mgp_ec50_nm", self.mgp_ec50_nm),
            ("carboxylation.mgp_hill", self.mgp_hill),
            ("carboxylation.mgp_turnover_per_h", self.mgp_turnover_per_h),
            ("vitamin_d.d3_conversion_per_h", self.d3_conversion_per_h),
            ("vitamin_d.d25_half_life_h", self.d25_half_life_h),
            ("vitamin_d.d25_per_ug_day", self.d25_per_ug_day),
            ("vitamin_d.d3_saturation_ug_day", self.d3_saturation_ug_day),
            (
                "vitamin_d.calcitriol_d25_km_nmol_l",
                self.calcitriol_d25_km_nmol_l,
            ),
            ("vitamin_d.d25_reference_nmol_l", self.d25_reference_nmol_l),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(name, v, "a finite number > 0"));
            }
        }
        let non_negative = [
            ("pk.k1_baseline_ng_ml", self.k1_baseline_ng_ml),
            ("pk.mk4_baseline_ng_ml", self.mk4_baseline_ng_ml),
            ("pk.mk7_baseline_ng_ml", self.mk7_baseline_ng_ml),
            ("pk.f_tablet", self.f_tablet),
            ("pk.f_food_k1", self.f_food_k1),
            ("pk.f_food_mk", self.f_food_mk),
            ("status.w_k1", self.w_k1),
            ("status.w_mk4", self.w_mk4),
            ("status.w_mk7", self.w_mk7),
            (
                "carboxylation.oc_calcitriol_gamma",
                self.oc_calcitriol_gamma,
            ),
            ("bone.ob_emax", self.ob_emax),
            ("bone.oc_imax", self.oc_imax),
            ("bone.w_site_ls", self.w_site_ls),
            ("bone.w_site_fn", self.w_site_fn),
            ("calcification.ci_growth_per_year", self.ci_growth_per_year),
            ("calcification.ci_caxp_gamma", self.ci_caxp_gamma),
            ("calcification.ci_mgp_gamma", self.ci_mgp_gamma),
        ];
        for (name, v) in non_negative {
            if !(v.is_finite() && v >= 0.0) {
                return Err(bad(name, v, "a finite number >= 0"));
            }
        }
        for (name, v) in [
            ("pk.f_tablet", self.f_tablet),
            ("pk.f_food_k1", self.f_food_k1),
            ("pk.f_food_mk", self.f_food_mk),
        ] {
            if v > 1.5 {
                return Err(bad(name, v, "a relative bioavailability in [0, 1.5]"));
            }
        }
        Ok(())
    }
}

fn bad(name: &str, value: f64, accepted: &str) -> ModelError {
    ModelError::BadValue {
        name: name.to_string(),
        value,
        accepted: accepted.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_loads_and_round_trips() {
        let f = KParamFile::shipped();
        let text = f.to_toml_string(&f.params);
        let again = KParamFile::from_toml_str(&text, "round trip").unwrap();
        assert_eq!(again.params, f.params);
        assert_eq!(f.entries.len(), K_PARAM_NAMES.len());
    }

    #[test]
    fn unknown_and_bad_values_are_named() {
        let text = SHIPPED_K_PARAMS_TOML.replace("ke0_per_h =", "ke0_per_hour =");
        let e = KParamFile::from_toml_str(&text, "f.toml")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("status.ke0_per_hour") && e.contains("did you mean"),
            "{e}"
        );
        let mut p = KParamFile::shipped().params;
        let before = p.clone();
        let e = p.set("pk.mk7_kel_per_h", -1.0).unwrap_err().to_string();
        assert!(e.contains("pk.mk7_kel_per_h") && e.contains("> 0"), "{e}");
        assert_eq!(p, before, "a refused value leaves the parameters unchanged");
    }
}
