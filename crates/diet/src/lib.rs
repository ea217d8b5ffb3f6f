//! Vitamin K in food, by vitamer: the food composition database, diet logs, food plans toward a
//! K2 target, anticoagulant safety rules, and the link to the physiology model.
//!
//! | you have | use | you get |
//! |---|---|---|
//! | a food name | [`FoodDb::search`], [`FoodDb::resolve`] | the food, its µg/100 g per vitamer with sources |
//! | a CSV of your own foods | [`import::add_foods_csv`] | foods added in one transaction, or every bad cell named |
//!
//! A vitamer a food was not analysed for is *not measured* (`None`, SQL NULL), never 0.

pub mod error;
pub mod foods;
pub mod import;
pub mod nutrient;
pub mod search;
pub mod seed;

pub use error::{DietError, FieldError, UnknownFood};
pub use foods::{Food, FoodDb, MeasuredValue, Origin, Portion};
pub use nutrient::{Intake, Nutrient};
