//! What a food value or an intake is measured in: the eight vitamers of `k2bone-units`, plus
//! dihydrophylloquinone (USDA nutrient 429, shown but never counted as vitamin K activity) and
//! "K2, vitamer split not reported" for literature values that give only a total.
//!
//! An [`Intake`] holds µg per nutrient; a nutrient that is absent was *not measured* in any food
//! that contributed, which differs from a measured 0 µg.

use std::collections::BTreeMap;
use std::fmt;

use k2bone_units::Vitamer;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// One column of the food table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nutrient {
    /// Phylloquinone or a menaquinone.
    Vitamer(Vitamer),
    /// Dihydrophylloquinone (hydrogenated-oil by-product of K1); listed, not summed.
    DihydroK1,
    /// Total K2 reported by a source without its MK-n split.
    K2Unsplit,
}

impl Nutrient {
    /// Every nutrient, in table order.
    pub const ALL: [Nutrient; 10] = [
        Nutrient::Vitamer(Vitamer::K1),
        Nutrient::DihydroK1,
        Nutrient::Vitamer(Vitamer::Mk4),
        Nutrient::Vitamer(Vitamer::Mk5),
        Nutrient::Vitamer(Vitamer::Mk6),
        Nutrient::Vitamer(Vitamer::Mk7),
        Nutrient::Vitamer(Vitamer::Mk8),
        Nutrient::Vitamer(Vitamer::Mk9),
        Nutrient::Vitamer(Vitamer::Mk10),
        Nutrient::K2Unsplit,
    ];

    /// The keys accepted in files, for error messages.
    pub const ACCEPTED: &'static str = "k1, dk1, mk4, mk5, mk6, mk7, mk8, mk9, mk10, k2_unsplit";

    /// Key used in the database, CSV headers and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Nutrient::Vitamer(v) => v.key(),
            Nutrient::DihydroK1 => "dk1",
            Nutrient::K2Unsplit => "k2_unsplit",
        }
    }

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Nutrient::Vitamer(v) => v.label(),
            Nutrient::DihydroK1 => "dihydro-K1",
            Nutrient::K2Unsplit => "K2 (split not reported)",
        }
    }

    /// Parses a key (`k1`, `mk7`, `dk1`, `k2_unsplit`).
    pub fn from_key(key: &str) -> Option<Nutrient> {
        Nutrient::ALL
            .into_iter()
            .find(|n| n.key().eq_ignore_ascii_case(key.trim()))
    }

    /// True for the nutrients that count as vitamin K2 (MK-4 … MK-10 and the unsplit total).
    pub fn is_k2(self) -> bool {
        matches!(self, Nutrient::K2Unsplit) || matches!(self, Nutrient::Vitamer(v) if v.is_k2())
    }
}

impl fmt::Display for Nutrient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Amounts in µg per nutrient. A missing key means "not measured in any contributing food".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intake {
    ug: BTreeMap<Nutrient, f64>,
}

impl Intake {
    /// An intake with nothing measured.
    pub fn new() -> Intake {
        Intake::default()
    }

    /// Adds `ug` µg of `nutrient` (marks it measured even when `ug` is 0).
    pub fn add(&mut self, nutrient: Nutrient, ug: f64) {
        *self.ug.entry(nutrient).or_insert(0.0) += ug;
    }

    /// Adds every nutrient of `other`.
    pub fn add_all(&mut self, other: &Intake) {
        for (n, v) in &other.ug {
            self.add(*n, *v);
        }
    }

    /// µg of `nutrient`, `None` when not measured.
    pub fn get(&self, nutrient: Nutrient) -> Option<f64> {
        self.ug.get(&nutrient).copied()
    }

    /// µg of a vitamer, `None` when not measured.
    pub fn vitamer(&self, v: Vitamer) -> Option<f64> {
        self.get(Nutrient::Vitamer(v))
    }

    /// Total K2 in µg: MK-4 … MK-10 plus the unsplit K2 totals; `None` when none was measured.
    pub fn total_k2(&self) -> Option<f64> {
        let parts: Vec<f64> = self
            .ug
            .iter()
            .filter(|(n, _)| n.is_k2())
            .map(|(_, v)| *v)
            .collect();
        (!parts.is_empty()).then(|| parts.iter().sum())
    }

    /// The values under the keys reports use: `k1`, `mk4` … `mk10`, `k2_unsplit`, `total_k2`.
    pub fn report_values(&self) -> Vec<(&'static str, Option<f64>)> {
        let mut out: Vec<(&'static str, Option<f64>)> = Vitamer::ALL
            .iter()
            .map(|v| (v.key(), self.vitamer(*v)))
            .collect();
        out.push(("k2_unsplit", self.get(Nutrient::K2Unsplit)));
        out.push(("total_k2", self.total_k2()));
        out
    }

    /// Scales every amount by `factor` (e.g. 1/n for a mean).
    pub fn scaled(&self, factor: f64) -> Intake {
        Intake {
            ug: self.ug.iter().map(|(n, v)| (*n, v * factor)).collect(),
        }
    }
}

/// Serialises as `{ "k1": 12.3, "mk4": null, …, "total_k2": … }`.
impl Serialize for Intake {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let values = self.report_values();
        let mut map = s.serialize_map(Some(values.len()))?;
        for (k, v) in values {
            map.serialize_entry(k, &v)?;
        }
        map.end()
    }
}

/// The schema of the map [`Intake`] serialises as: vitamer key → µg, or null (not measured).
impl schemars::JsonSchema for Intake {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Intake".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <std::collections::BTreeMap<String, Option<f64>>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_k2_membership() {
        for n in Nutrient::ALL {
            assert_eq!(Nutrient::from_key(n.key()), Some(n));
        }
        assert!(Nutrient::K2Unsplit.is_k2());
        assert!(Nutrient::Vitamer(Vitamer::Mk7).is_k2());
        assert!(!Nutrient::Vitamer(Vitamer::K1).is_k2());
        assert!(!Nutrient::DihydroK1.is_k2());
        assert_eq!(Nutrient::from_key("mk11"), None);
    }

    #[test]
    fn not_measured_differs_from_zero() {
        let mut i = Intake::new();
        assert_eq!(i.total_k2(), None);
        i.add(Nutrient::Vitamer(Vitamer::Mk4), 0.0);
        assert_eq!(i.total_k2(), Some(0.0));
        assert_eq!(i.vitamer(Vitamer::Mk7), None);
        i.add(Nutrient::K2Unsplit, 5.0);
        i.add(Nutrient::Vitamer(Vitamer::Mk7), 2.5);
        i.add(Nutrient::Vitamer(Vitamer::K1), 100.0);
        // K1 is not K2: total K2 = 0 + 5 + 2.5.
        assert_eq!(i.total_k2(), Some(7.5));
    }
}
