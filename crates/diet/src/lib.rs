//! Vitamin K in food, by vitamer, with calcium and vitamin D: the food composition database
//! (all of USDA SR28 plus literature values), diet logs people can write (common names,
//! household measures, meals), food plans toward a K2 target, anticoagulant safety rules that
//! see the diet, and the link to the physiology model.
//!
//! | you have | use | you get |
//! |---|---|---|
//! | a food name | [`FoodDb::search`], [`FoodDb::resolve`] | the food, its µg/100 g per vitamer with sources |
//! | a CSV of your own foods | [`import::add_foods_csv`] | foods added in one transaction, or every bad cell named |
//! | a diet log (CSV or TOML) | [`log::read_log`] (CSV) or [`meal_plan::parse_toml`] then [`report::build`] | µg per day and vitamer, mean, SD, swings, contributors, references, safety flags |
//! | a K2 target | [`plan::suggest`] | the fewest grams of allowed foods that reach it, or why none can |
//! | a person and a log | [`safety::check`] | the flags of the one rules table [`safety::RULES`] |
//! | a log or plan for the model | [`link::from_log`], [`link::from_plan`] | per-vitamer dose events per meal |
//! | a name as a dietitian types it | [`FoodDb::resolve_name`] | the food, how it was found and why ([`resolve`]) |
//! | "1 cup", "2 slices", "1 egg" | [`measure::grams_of`] | grams, with the SR28 measure used |
//! | a log, by meal | [`meals::meals`] | vitamin K, calcium and vitamin D per day and meal |
//! | a log's calcium and vitamin D | [`DietLog::bone_daily`](log::DietLog::bone_daily), [`meals::bone_summary`] | mg and µg per day, RDAs, SR28 gaps, the simulation's inputs |
//! | a person on a VKA and a log | [`safety::check`] with [`anticoagulant`] | natto, single-food and day-swing flags with sources |
//!
//! A vitamer a food was not analysed for is *not measured* (`None`, SQL NULL), never 0.
//!
//! ```
//! let mut store = k2bone_store::Store::in_memory().unwrap();
//! let db = k2bone_diet::FoodDb::open(&mut store).unwrap();
//! let natto = db.resolve("natto").unwrap();
//! let mk7 = natto.ug_per_100g(k2bone_diet::Nutrient::Vitamer(k2bone_units::Vitamer::Mk7));
//! assert_eq!(mk7, Some(1000.0)); // NIH ODS: 850 ug per 85 g
//! ```

pub mod anticoagulant;
pub mod bone;
pub mod error;
pub mod foods;
pub mod import;
pub mod link;
pub mod log;
pub mod meal_plan;
pub mod meals;
pub mod measure;
pub mod nutrient;
pub mod plan;
pub mod report;
pub mod resolve;
pub mod safety;
pub mod search;
pub mod seed;
mod sr28;

pub use bone::{BoneIntake, BoneNutrient, BoneValue};
pub use error::{DietError, FieldError, UnknownFood};
pub use foods::{Food, FoodDb, MeasuredValue, Origin, Portion};
pub use nutrient::{Intake, Nutrient};
pub use resolve::{MatchKind, NameMapping, Resolution};
