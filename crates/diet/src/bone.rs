//! Calcium and vitamin D from food (issue 14): USDA SR28 values per 100 g
//! (`data/foods/usda_calcium_vitamin_d.csv`), the intake of a day or a log, and the reference
//! intakes a report compares it with.
//!
//! A nutrient with no SR28 record is *not reported* (`None`), never 0. SR28 marks many vitamin D
//! zeros as "assumed zero" (source code 7); they count as 0 but the report lists the grams that
//! rest on them.

use serde::Serialize;

/// Calcium (mg) or vitamin D (µg, D2 + D3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BoneNutrient {
    CalciumMg,
    VitaminDUg,
}

impl BoneNutrient {
    pub const ALL: [BoneNutrient; 2] = [BoneNutrient::CalciumMg, BoneNutrient::VitaminDUg];

    /// Key in the database and in reports.
    pub fn key(self) -> &'static str {
        match self {
            BoneNutrient::CalciumMg => "calcium_mg",
            BoneNutrient::VitaminDUg => "vitamin_d_ug",
        }
    }

    pub fn from_key(key: &str) -> Option<BoneNutrient> {
        BoneNutrient::ALL.into_iter().find(|n| n.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            BoneNutrient::CalciumMg => "calcium (mg)",
            BoneNutrient::VitaminDUg => "vitamin D (µg)",
        }
    }
}

/// One reported value per 100 g edible portion, in the nutrient's unit, with its source.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneValue {
    pub per_100g: f64,
    pub source: String,
    /// `sr28 src N` with SR28's source code (`sr28 src 7` = assumed zero).
    pub status: String,
}

impl BoneValue {
    /// True when SR28 assumed the value to be zero rather than measuring it.
    pub fn assumed_zero(&self) -> bool {
        self.status == "sr28 src 7"
    }
}

/// Calcium (mg) and vitamin D (µg) eaten; `None` = reported for no food eaten.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneIntake {
    pub calcium_mg: Option<f64>,
    pub vitamin_d_ug: Option<f64>,
}

impl BoneIntake {
    pub fn get(&self, n: BoneNutrient) -> Option<f64> {
        match n {
            BoneNutrient::CalciumMg => self.calcium_mg,
            BoneNutrient::VitaminDUg => self.vitamin_d_ug,
        }
    }

    /// Adds `amount` of `n` (marks it reported even when 0).
    pub fn add(&mut self, n: BoneNutrient, amount: f64) {
        let slot = match n {
            BoneNutrient::CalciumMg => &mut self.calcium_mg,
            BoneNutrient::VitaminDUg => &mut self.vitamin_d_ug,
        };
        *slot = Some(slot.unwrap_or(0.0) + amount);
    }

    pub fn add_all(&mut self, other: &BoneIntake) {
        for n in BoneNutrient::ALL {
            if let Some(v) = other.get(n) {
                self.add(n, v);
            }
        }
    }

    pub fn scaled(&self, factor: f64) -> BoneIntake {
        BoneIntake {
            calcium_mg: self.calcium_mg.map(|v| v * factor),
            vitamin_d_ug: self.vitamin_d_ug.map(|v| v * factor),
        }
    }
}

/// A reference intake of calcium or vitamin D.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneReference {
    pub name: &'static str,
    pub nutrient: BoneNutrient,
    pub per_day: f64,
    pub source: &'static str,
}

const IOM_2011: &str = "Institute of Medicine 2011, Dietary Reference Intakes for Calcium and Vitamin D (Ross et al. 2011, J Clin Endocrinol Metab 96:53-58)";

/// The reference intakes every report shows (IOM 2011 RDAs; Ross et al. 2011 summary table).
pub const BONE_REFERENCES: [BoneReference; 4] = [
    BoneReference {
        name: "Calcium RDA, adults 19-50 (and men 51-70)",
        nutrient: BoneNutrient::CalciumMg,
        per_day: 1000.0,
        source: IOM_2011,
    },
    BoneReference {
        name: "Calcium RDA, women 51+ and everyone 71+",
        nutrient: BoneNutrient::CalciumMg,
        per_day: 1200.0,
        source: IOM_2011,
    },
    BoneReference {
        name: "Vitamin D RDA, ages 1-70 (600 IU)",
        nutrient: BoneNutrient::VitaminDUg,
        per_day: 15.0,
        source: IOM_2011,
    },
    BoneReference {
        name: "Vitamin D RDA, 71+ (800 IU)",
        nutrient: BoneNutrient::VitaminDUg,
        per_day: 20.0,
        source: IOM_2011,
    },
];

/// What the simulation takes from a diet: mean daily calcium and vitamin D from food. Vitamin D
/// in food is D2 + D3 together; the model's oral D3 input treats it as D3 (assumption A-diet-12).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BoneInputs {
    pub calcium_mg_per_day: Option<f64>,
    pub vitamin_d_ug_per_day: Option<f64>,
}
