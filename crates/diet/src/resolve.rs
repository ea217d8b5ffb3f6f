//! Name resolution for diet logs (issue 14): what a dietitian types ("Olive oil", "Salmon",
//! "Spinach cooked", "cheddar cheese") → the food it means, saying which food was chosen and why.
//!
//! In order: the food's own name or NDB number; an alias (`aliases.csv`, then the curated
//! `common_names.csv`), with the alias's note when it maps to a near food (Jarlsberg → USDA
//! Swiss); else the best search hit ([`crate::search`]) if every typed word matched it exactly,
//! by plural or by prefix, or, for a typo, if every word matched and the score is at least
//! [`TYPO_MIN_SCORE`]. A name the curated list leaves unmapped on purpose ("salad", "soup",
//! "halloumi") is never searched: it is unknown with the list's reason. Anything else unknown
//! gets suggestions.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::foods::{Food, FoodDb};
use crate::search::fold;

/// Names the curated common-name list leaves unmapped on purpose (rule `missing`: too vague, or
/// not in SR28), folded, with the list's note.
fn unmapped() -> &'static HashMap<String, String> {
    static UNMAPPED: OnceLock<HashMap<String, String>> = OnceLock::new();
    UNMAPPED.get_or_init(|| {
        crate::seed::records(crate::sr28::COMMON_NAMES)
            .map(|rows| {
                rows.into_iter()
                    .filter(|(_, r)| r.get("rule").map(String::as_str) == Some("missing"))
                    .filter_map(|(_, r)| {
                        Some((fold(r.get("common_name")?), r.get("note")?.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Why `typed` is deliberately left unmapped ("salad": too unspecific: log the components), if
/// it is.
pub fn unmapped_note(typed: &str) -> Option<&'static str> {
    unmapped().get(&fold(typed)).map(String::as_str)
}

/// Lowest search score at which a name with a mistyped word is taken (a typo of one word in a
/// two-word name scores about (1 + 0.8 × 0.95) / 2 ≈ 0.88). A name that is one mistyped word
/// alone scores at most 0.8 × similarity < 0.8 and never resolves: it is only suggested.
pub const TYPO_MIN_SCORE: f64 = 0.8;

/// How a typed name found its food.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The food's own name (case, accents and punctuation ignored) or its id.
    Name,
    /// An alias or curated common name.
    Alias,
    /// The best search hit: every typed word found in the name.
    Words,
    /// The best search hit with a mistyped word.
    Typo,
}

/// A resolved name.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution<'a> {
    pub food: &'a Food,
    pub kind: MatchKind,
    /// Why this food (an alias's note, or what the search matched and what else it found).
    pub note: Option<String>,
}

/// A name of a diet log that did not resolve to itself, as every report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NameMapping {
    pub line: usize,
    pub typed: String,
    pub food: String,
    pub food_id: i64,
    pub kind: MatchKind,
    pub note: Option<String>,
}

impl FoodDb {
    /// Resolves a typed food name, or `None` when nothing fits well enough (then use
    /// [`FoodDb::suggest`]).
    pub fn resolve_name(&self, typed: &str) -> Option<Resolution<'_>> {
        if let Some(food) = self.get(typed) {
            let own = fold(&food.name) == fold(typed)
                || typed.trim().trim_start_matches('#').parse::<i64>().is_ok();
            return Some(if own {
                Resolution {
                    food,
                    kind: MatchKind::Name,
                    note: None,
                }
            } else {
                Resolution {
                    food,
                    kind: MatchKind::Alias,
                    note: self.alias_note(typed).map(String::from),
                }
            });
        }
        if unmapped_note(typed).is_some() {
            return None;
        }
        let hits = self.search_hits(typed, 3);
        let top = hits.first()?;
        let kind = if top.all_words {
            MatchKind::Words
        } else if top.all_matched && top.score >= TYPO_MIN_SCORE {
            MatchKind::Typo
        } else {
            return None;
        };
        let food = &self.foods()[top.food];
        let others: Vec<&str> = hits[1..]
            .iter()
            .map(|h| self.foods()[h.food].name.as_str())
            .collect();
        let how = match kind {
            MatchKind::Typo => "closest name, with a mistyped word",
            _ => "every typed word is in this name",
        };
        let note = if others.is_empty() {
            format!("{how}; no other food matched")
        } else {
            format!("{how}; also matched: {}", others.join("; "))
        };
        Some(Resolution {
            food,
            kind,
            note: Some(note),
        })
    }
}
