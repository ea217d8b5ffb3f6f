//! The food composition database: foods with their vitamin K per 100 g by vitamer, each value
//! with its source; aliases; typical portions; fuzzy search.
//!
//! [`FoodDb::open`] seeds the SQLite tables from the shipped data on first use (see [`crate::seed`])
//! and loads every food into memory (~5,240 foods, a few ms), so look-ups and searches during a
//! diet report never touch the disk again. Users add foods with [`crate::import::add_foods_csv`].

use std::collections::{BTreeMap, HashMap};

use k2bone_store::Store;
use rusqlite::Connection;
use serde::Serialize;

use crate::bone::{BoneIntake, BoneNutrient, BoneValue};
use crate::error::DietError;
use crate::nutrient::{Intake, Nutrient};
use crate::search::{fold, SearchIndex};

/// Where a food row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    UsdaSr28,
    Literature,
    User,
}

impl Origin {
    fn parse(s: &str) -> Origin {
        match s {
            "usda_sr28" => Origin::UsdaSr28,
            "literature" => Origin::Literature,
            _ => Origin::User,
        }
    }
}

/// One measured value: µg per 100 g edible portion, its source and how far the source was read.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MeasuredValue {
    pub ug_per_100g: f64,
    pub source: String,
    pub status: String,
    pub note: Option<String>,
}

/// A typical portion with its source (or the assumption it rests on).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Portion {
    pub label: String,
    pub grams: f64,
    pub source: String,
    pub status: String,
}

/// A food and its composition. A nutrient missing from `values` was not measured.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Food {
    pub id: i64,
    pub name: String,
    pub food_group: String,
    pub origin: Origin,
    pub usda_ndb: Option<String>,
    pub values: BTreeMap<String, MeasuredValue>,
    pub aliases: Vec<String>,
    pub portions: Vec<Portion>,
    /// Calcium per 100 g, mg (`None` = not reported).
    pub calcium_mg: Option<BoneValue>,
    /// Vitamin D (D2 + D3) per 100 g, µg (`None` = not reported).
    pub vitamin_d_ug: Option<BoneValue>,
}

/// Words that mark a food as dairy for `--no-dairy` (besides the USDA dairy group minus eggs).
/// Deliberately broad: "peanut butter" is excluded too, which is safe for an allergy.
const DAIRY_WORDS: &[&str] = &[
    "cheese",
    "cheeses",
    "milk",
    "milkfat",
    "butter",
    "buttermilk",
    "cream",
    "yogurt",
    "yoghurt",
    "kefir",
    "whey",
    "casein",
    "curd",
    "quark",
    "ghee",
    "custard",
    "lactose",
];

impl Food {
    /// µg per 100 g of `nutrient`, `None` when not measured.
    pub fn ug_per_100g(&self, nutrient: Nutrient) -> Option<f64> {
        self.values.get(nutrient.key()).map(|v| v.ug_per_100g)
    }

    /// The vitamin K in `grams` of this food (only measured nutrients appear).
    pub fn intake_for_grams(&self, grams: f64) -> Intake {
        let mut intake = Intake::new();
        for n in Nutrient::ALL {
            if n == Nutrient::DihydroK1 {
                continue;
            }
            if let Some(v) = self.ug_per_100g(n) {
                intake.add(n, v * grams / 100.0);
            }
        }
        intake
    }

    /// The reported calcium or vitamin D value per 100 g.
    pub fn bone_value(&self, n: BoneNutrient) -> Option<&BoneValue> {
        match n {
            BoneNutrient::CalciumMg => self.calcium_mg.as_ref(),
            BoneNutrient::VitaminDUg => self.vitamin_d_ug.as_ref(),
        }
    }

    /// Calcium and vitamin D in `grams` of this food (only reported nutrients appear).
    pub fn bone_for_grams(&self, grams: f64) -> BoneIntake {
        let mut b = BoneIntake::default();
        for n in BoneNutrient::ALL {
            if let Some(v) = self.bone_value(n) {
                b.add(n, v.per_100g * grams / 100.0);
            }
        }
        b
    }

    /// The first listed portion, used when a diet log counts portions.
    pub fn default_portion(&self) -> Option<&Portion> {
        self.portions.first()
    }

    /// True for milk products (USDA "Dairy and Egg Products" except eggs, or a dairy word in the
    /// name or group).
    pub fn is_dairy(&self) -> bool {
        let name = fold(&self.name);
        let group = fold(&self.food_group);
        let dairy_word = |w: &str| DAIRY_WORDS.contains(&w);
        if group == "dairy and egg products" {
            return !name.starts_with("egg") || name.split(' ').any(dairy_word);
        }
        name.split(' ').any(dairy_word) || group.split(' ').any(|w| dairy_word(w) || w == "dairy")
    }
}

/// All foods in memory, with name/alias look-up and fuzzy search.
#[derive(Debug, Clone)]
pub struct FoodDb {
    foods: Vec<Food>,
    by_id: HashMap<i64, usize>,
    by_name: HashMap<String, usize>,
    /// Folded alias → why it maps where it does (near foods, curated choices).
    alias_notes: HashMap<String, String>,
    index: SearchIndex,
}

impl FoodDb {
    /// Seeds the shipped foods if this database has not got them yet, then loads every food.
    pub fn open(store: &mut Store) -> Result<FoodDb, DietError> {
        crate::seed::seed_if_needed(store.conn_mut())?;
        FoodDb::load(store.conn())
    }

    /// Loads every food from an already seeded database.
    pub fn load(conn: &Connection) -> Result<FoodDb, DietError> {
        let mut foods = Vec::new();
        let mut by_id = HashMap::new();
        let mut st =
            conn.prepare("SELECT id, name, food_group, origin, usda_ndb FROM foods ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(Food {
                id: r.get(0)?,
                name: r.get(1)?,
                food_group: r.get(2)?,
                origin: Origin::parse(&r.get::<_, String>(3)?),
                usda_ndb: r.get(4)?,
                values: BTreeMap::new(),
                aliases: Vec::new(),
                portions: Vec::new(),
                calcium_mg: None,
                vitamin_d_ug: None,
            })
        })?;
        for food in rows {
            let food = food?;
            by_id.insert(food.id, foods.len());
            foods.push(food);
        }
        let mut st = conn.prepare(
            "SELECT food_id, nutrient, ug_per_100g, source, status, note FROM food_values",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = by_id.get(&r.get::<_, i64>(0)?) {
                let value = MeasuredValue {
                    ug_per_100g: r.get(2)?,
                    source: r.get(3)?,
                    status: r.get(4)?,
                    note: r.get(5)?,
                };
                foods[i].values.insert(r.get(1)?, value);
            }
        }
        let mut st = conn.prepare(
            "SELECT food_id, nutrient, per_100g, source, status FROM food_bone_nutrients",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = by_id.get(&r.get::<_, i64>(0)?) {
                let value = BoneValue {
                    per_100g: r.get(2)?,
                    source: r.get(3)?,
                    status: r.get(4)?,
                };
                match BoneNutrient::from_key(&r.get::<_, String>(1)?) {
                    Some(BoneNutrient::CalciumMg) => foods[i].calcium_mg = Some(value),
                    Some(BoneNutrient::VitaminDUg) => foods[i].vitamin_d_ug = Some(value),
                    None => {}
                }
            }
        }
        let mut alias_notes = HashMap::new();
        let mut st =
            conn.prepare("SELECT food_id, alias, note FROM food_aliases ORDER BY alias")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = by_id.get(&r.get::<_, i64>(0)?) {
                let alias: String = r.get(1)?;
                if let Some(note) = r.get::<_, Option<String>>(2)? {
                    alias_notes.insert(fold(&alias), note);
                }
                foods[i].aliases.push(alias);
            }
        }
        let mut st = conn.prepare(
            "SELECT food_id, label, grams, source, status FROM food_portions ORDER BY food_id, rowid",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = by_id.get(&r.get::<_, i64>(0)?) {
                foods[i].portions.push(Portion {
                    label: r.get(1)?,
                    grams: r.get(2)?,
                    source: r.get(3)?,
                    status: r.get(4)?,
                });
            }
        }
        let mut by_name = HashMap::new();
        let mut index = SearchIndex::default();
        for (i, f) in foods.iter().enumerate() {
            by_name.insert(fold(&f.name), i);
            // A food some alias or common name points to is a common food: the tie-breaker of
            // the search ranking.
            let common = !f.aliases.is_empty();
            index.add(i, &f.name, common);
            for a in &f.aliases {
                by_name.entry(fold(a)).or_insert(i);
                index.add(i, a, common);
            }
        }
        Ok(FoodDb {
            foods,
            by_id,
            by_name,
            alias_notes,
            index,
        })
    }

    /// Every food, ordered by id.
    pub fn foods(&self) -> &[Food] {
        &self.foods
    }

    /// Number of foods.
    pub fn len(&self) -> usize {
        self.foods.len()
    }

    /// True when the database holds no food.
    pub fn is_empty(&self) -> bool {
        self.foods.is_empty()
    }

    /// The food with this id.
    pub fn by_id(&self, id: i64) -> Option<&Food> {
        self.by_id.get(&id).map(|&i| &self.foods[i])
    }

    /// The food whose name or alias is `name` (case, accents and punctuation ignored), or whose
    /// id is `name` when it is a number (`16113`, `#16113`).
    pub fn get(&self, name: &str) -> Option<&Food> {
        if let Some(&i) = self.by_name.get(&fold(name)) {
            return Some(&self.foods[i]);
        }
        let t = name.trim().trim_start_matches('#');
        t.parse::<i64>().ok().and_then(|id| self.by_id(id))
    }

    /// Like [`FoodDb::get`], but an unknown name is an error listing the nearest names.
    pub fn resolve(&self, name: &str) -> Result<&Food, DietError> {
        self.get(name).ok_or_else(|| DietError::NoSuchFood {
            query: name.to_string(),
            suggestions: self.suggest(name, 3),
        })
    }

    /// The note of an alias (`jarlsberg` → why it maps to USDA Swiss), if it has one.
    pub fn alias_note(&self, alias: &str) -> Option<&str> {
        self.alias_notes.get(&fold(alias)).map(String::as_str)
    }

    /// The names of the `n` foods nearest to `name`.
    pub fn suggest(&self, name: &str, n: usize) -> Vec<String> {
        self.search(name, n)
            .into_iter()
            .map(|(f, _)| f.name.clone())
            .collect()
    }

    /// The raw search hits (positions in [`FoodDb::foods`]), best first.
    pub fn search_hits(&self, query: &str, limit: usize) -> Vec<crate::search::Hit> {
        self.index.search(query, limit, 0.5)
    }

    /// Fuzzy search over names and aliases: up to `limit` foods with their score in (0, 1], best
    /// first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(&Food, f64)> {
        self.index
            .search(query, limit, 0.5)
            .into_iter()
            .map(|h| (&self.foods[h.food], h.score))
            .collect()
    }
}
