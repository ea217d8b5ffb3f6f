//! The vitamin K food composition database as use cases (`k2bone foods`): fuzzy search, one
//! food with every value and its source, and adding foods from a CSV (all rows or none). µg per
//! 100 g by vitamer; `null` / "n/m" = not measured, which differs from 0.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use k2bone_diet::{Food, FoodDb, Nutrient};
use k2bone_store::Store;

use crate::error::{read_input, Context};
use crate::{AppError, AppResult};

/// The opened food database.
pub struct Foods {
    pub(crate) store: Store,
    pub db: FoodDb,
}

impl Foods {
    /// Opens the store in `dir` (else `K2BONE_DATA` or the user data directory), seeding the
    /// food table on first use.
    pub fn open(dir: Option<&Path>) -> AppResult<Foods> {
        let mut store = match dir {
            Some(d) => Store::open_in(d),
            None => Store::open_default(),
        }
        .context("opening the k2bone database")?;
        let db = FoodDb::open(&mut store)?;
        Ok(Foods { store, db })
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Foods whose names or aliases match `query` best.
    pub fn search(&self, query: &str, limit: usize) -> AppResult<FoodSearch> {
        if query.trim().is_empty() {
            return Err(AppError::bad_input(
                "give words to search for, e.g. `k2bone foods search gouda`",
            ));
        }
        let results = self
            .db
            .search(query, limit)
            .into_iter()
            .map(|(f, score)| FoundFood {
                id: f.id,
                name: f.name.clone(),
                food_group: f.food_group.clone(),
                score,
                per_100g_ug: per_100g(f),
                food: f.clone(),
            })
            .collect();
        Ok(FoodSearch {
            query: query.to_string(),
            results,
        })
    }

    /// One food by name, alias or id.
    pub fn show(&self, name: &str) -> AppResult<FoodDetail> {
        let f = self.db.resolve(name)?;
        Ok(FoodDetail {
            per_100g_ug: per_100g(f),
            food: f.clone(),
        })
    }

    /// Adds the foods of a CSV (validated; all rows or none) and returns them.
    pub fn add(&mut self, file: &Path) -> AppResult<AddedFoods> {
        let text = read_input(file)?;
        let ids = k2bone_diet::import::add_foods_csv(
            &mut self.store,
            &self.db,
            &file.display().to_string(),
            &text,
        )?;
        self.db = FoodDb::load(self.store.conn())?;
        Ok(AddedFoods {
            added: ids
                .iter()
                .filter_map(|id| self.db.by_id(*id))
                .map(|f| AddedFood {
                    id: f.id,
                    name: f.name.clone(),
                })
                .collect(),
            database: self.store.path().to_path_buf(),
        })
    }
}

/// µg per 100 g of every nutrient key (`null` = not measured) and `total_k2`.
pub fn per_100g(f: &Food) -> BTreeMap<String, Option<f64>> {
    let mut m: BTreeMap<String, Option<f64>> = Nutrient::ALL
        .iter()
        .map(|n| (n.key().to_string(), f.ug_per_100g(*n)))
        .collect();
    m.insert("total_k2".into(), f.intake_for_grams(100.0).total_k2());
    m
}

/// A search (`foods search --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FoodSearch {
    pub query: String,
    pub results: Vec<FoundFood>,
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FoundFood {
    pub id: i64,
    pub name: String,
    pub food_group: String,
    pub score: f64,
    pub per_100g_ug: BTreeMap<String, Option<f64>>,
    #[serde(skip)]
    pub food: Food,
}

/// One food with every value and source (`foods show --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FoodDetail {
    #[serde(flatten)]
    pub food: Food,
    pub per_100g_ug: BTreeMap<String, Option<f64>>,
}

/// Foods added (`foods add --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AddedFoods {
    pub added: Vec<AddedFood>,
    #[serde(skip)]
    pub database: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AddedFood {
    pub id: i64,
    pub name: String,
}
