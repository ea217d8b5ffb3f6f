//! Parameters of the INR model, read from `data/model/inr-params.toml`, where every value carries
//! its unit, kind (literature, calibrated, assumption) and source.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{bad, InrError};
use crate::kparams::ParamEntry;

/// The shipped INR parameter file, embedded at compile time.
pub const SHIPPED_INR_PARAMS_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/model/inr-params.toml"
));

/// Every parameter name, `section.name`, in file order.
pub const INR_PARAM_NAMES: [&str; 14] = [
    "factors.k_ii_per_h",
    "factors.k_vii_per_h",
    "factors.k_x_per_h",
    "warfarin.ka_per_h",
    "warfarin.vd_l",
    "warfarin.ke_per_h",
    "warfarin.ic50_mg_l",
    "potency.mk7_per_ug",
    "potency.mk4_per_ug",
    "pool.anchor_pool_ug_per_day",
    "pool.anchor_pool_low_ug_per_day",
    "pool.anchor_pool_high_ug_per_day",
    "range.max_factor_fraction",
    "range.min_supply_ratio",
];

/// INR model parameters (units in the names).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InrParams {
    /// Turnover of factors II, VII, X, 1/h.
    pub k_factor_per_h: [f64; 3],
    pub warfarin_ka_per_h: f64,
    pub warfarin_vd_l: f64,
    pub warfarin_ke_per_h: f64,
    pub warfarin_ic50_mg_l: f64,
    /// Potency per µg relative to K1 at steady state.
    pub mk7_per_ug: f64,
    pub mk4_per_ug: f64,
    /// Hepatic supply of the usual diet, µg/day of K1 supplement: point, low, high.
    pub pool_ug_per_day: f64,
    pub pool_low_ug_per_day: f64,
    pub pool_high_ug_per_day: f64,
    pub max_factor_fraction: f64,
    pub min_supply_ratio: f64,
}

impl InrParams {
    /// The same parameters with one pool and no interval (point = low = high), as the
    /// calibration varies it.
    pub fn with_pool(mut self, pool_ug_per_day: f64) -> InrParams {
        self.pool_ug_per_day = pool_ug_per_day;
        self.pool_low_ug_per_day = pool_ug_per_day;
        self.pool_high_ug_per_day = pool_ug_per_day;
        self
    }

    /// Checks every value's range.
    pub fn validate(&self) -> Result<(), InrError> {
        let positive = [
            ("factors.k_ii_per_h", self.k_factor_per_h[0]),
            ("factors.k_vii_per_h", self.k_factor_per_h[1]),
            ("factors.k_x_per_h", self.k_factor_per_h[2]),
            ("warfarin.ka_per_h", self.warfarin_ka_per_h),
            ("warfarin.vd_l", self.warfarin_vd_l),
            ("warfarin.ke_per_h", self.warfarin_ke_per_h),
            ("warfarin.ic50_mg_l", self.warfarin_ic50_mg_l),
            ("potency.mk7_per_ug", self.mk7_per_ug),
            ("potency.mk4_per_ug", self.mk4_per_ug),
            ("pool.anchor_pool_ug_per_day", self.pool_ug_per_day),
            ("pool.anchor_pool_low_ug_per_day", self.pool_low_ug_per_day),
            (
                "pool.anchor_pool_high_ug_per_day",
                self.pool_high_ug_per_day,
            ),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(name, v, "a finite number > 0"));
            }
        }
        if !(self.pool_low_ug_per_day <= self.pool_ug_per_day
            && self.pool_ug_per_day <= self.pool_high_ug_per_day)
        {
            return Err(bad(
                "pool.anchor_pool_ug_per_day",
                self.pool_ug_per_day,
                format!(
                    "between anchor_pool_low ({}) and anchor_pool_high ({})",
                    self.pool_low_ug_per_day, self.pool_high_ug_per_day
                ),
            ));
        }
        if !(self.max_factor_fraction >= 0.5 && self.max_factor_fraction <= 1.5) {
            return Err(bad(
                "range.max_factor_fraction",
                self.max_factor_fraction,
                "0.5 … 1.5",
            ));
        }
        if !(self.min_supply_ratio > 0.0 && self.min_supply_ratio < 1.0) {
            return Err(bad(
                "range.min_supply_ratio",
                self.min_supply_ratio,
                "0 < ratio < 1",
            ));
        }
        Ok(())
    }
}

/// The parsed file: values plus their provenance.
#[derive(Debug, Clone)]
pub struct InrParamFile {
    pub params: InrParams,
    pub entries: BTreeMap<String, ParamEntry>,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    #[allow(dead_code)]
    meta: Option<toml::Table>,
    #[serde(flatten)]
    sections: BTreeMap<String, BTreeMap<String, ParamEntry>>,
}

impl InrParamFile {
    /// Reads a file with the layout of `data/model/inr-params.toml`.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<InrParamFile, InrError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| InrError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut entries = BTreeMap::new();
        for (section, table) in raw.sections {
            for (name, entry) in table {
                let full = format!("{section}.{name}");
                if !INR_PARAM_NAMES.contains(&full.as_str()) {
                    return Err(InrError::Parse {
                        origin: origin.to_string(),
                        message: format!(
                            "unknown parameter `{full}`{}",
                            crate::nearest_name(&full, INR_PARAM_NAMES.iter().copied())
                        ),
                    });
                }
                entries.insert(full, entry);
            }
        }
        let get = |name: &str| -> Result<f64, InrError> {
            entries
                .get(name)
                .map(|e| e.value)
                .ok_or_else(|| InrError::Parse {
                    origin: origin.to_string(),
                    message: format!("missing parameter `{name}`"),
                })
        };
        let params = InrParams {
            k_factor_per_h: [
                get("factors.k_ii_per_h")?,
                get("factors.k_vii_per_h")?,
                get("factors.k_x_per_h")?,
            ],
            warfarin_ka_per_h: get("warfarin.ka_per_h")?,
            warfarin_vd_l: get("warfarin.vd_l")?,
            warfarin_ke_per_h: get("warfarin.ke_per_h")?,
            warfarin_ic50_mg_l: get("warfarin.ic50_mg_l")?,
            mk7_per_ug: get("potency.mk7_per_ug")?,
            mk4_per_ug: get("potency.mk4_per_ug")?,
            pool_ug_per_day: get("pool.anchor_pool_ug_per_day")?,
            pool_low_ug_per_day: get("pool.anchor_pool_low_ug_per_day")?,
            pool_high_ug_per_day: get("pool.anchor_pool_high_ug_per_day")?,
            max_factor_fraction: get("range.max_factor_fraction")?,
            min_supply_ratio: get("range.min_supply_ratio")?,
        };
        params.validate()?;
        Ok(InrParamFile { params, entries })
    }

    /// The shipped file.
    pub fn shipped() -> InrParamFile {
        InrParamFile::from_toml_str(SHIPPED_INR_PARAMS_TOML, "<shipped inr-params.toml>")
            .expect("the shipped INR parameter file is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_loads_with_a_source_for_every_value() {
        let f = InrParamFile::shipped();
        assert_eq!(f.entries.len(), INR_PARAM_NAMES.len());
        assert!(f.entries.values().all(|e| !e.source.trim().is_empty()));
        assert_eq!(f.params.k_factor_per_h, [0.01, 0.12, 0.018]);
    }

    #[test]
    fn unknown_missing_and_bad_values_are_named() {
        let typo = SHIPPED_INR_PARAMS_TOML.replace("k_ii_per_h =", "k_iii_per_h =");
        let e = InrParamFile::from_toml_str(&typo, "x.toml").unwrap_err();
        assert!(e.to_string().contains("factors.k_iii_per_h"), "{e}");
        assert!(e.to_string().contains("did you mean"), "{e}");
        let neg = SHIPPED_INR_PARAMS_TOML
            .replace("ic50_mg_l = { value = 0.34", "ic50_mg_l = { value = -0.34");
        let e = InrParamFile::from_toml_str(&neg, "x.toml").unwrap_err();
        assert!(e.to_string().contains("warfarin.ic50_mg_l"), "{e}");
    }
}
