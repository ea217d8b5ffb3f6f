//! Food plans: which foods, how many grams a day, reach a vitamin K target with the fewest grams.
//!
//! A linear program (good_lp with the pure-Rust microlp simplex): for allowed foods i with grams
//! gᵢ and content cᵢᵥ µg/100 g,
//!
//! $$ \min \sum_i g_i \quad \text{s.t.} \quad \sum_i c_{iv} g_i / 100 \ge T_v \;\forall \text{targets } v,
//!    \quad 0 \le g_i \le G_{\max}, \quad \sum_i g_i \le G_{\text{total}}, \quad
//!    K1_{\min} \le \sum_i c_{i,K1} g_i / 100 \le K1_{\max} $$
//!
//! Foods allowed: not excluded by name or word, not dairy under `no_dairy`, with a target
//! vitamer measured > 0 (a vitamer not measured counts 0: the plan never relies on an unknown)
//! or, under a K1 floor, K1 > 0; and, when K1 is held steady, with K1 measured. Before solving,
//! each target is checked against the most that the allowed foods can give under the caps; a
//! target out of reach is explained
//! (MK-4 at 45 mg/day is a pharmacological dose no diet reaches).

use good_lp::{microlp, variable, Expression, ResolutionError, Solution, SolverModel, Variable};
use serde::Serialize;

use crate::error::DietError;
use crate::foods::{Food, FoodDb};
use crate::nutrient::{Intake, Nutrient};
use crate::search::fold;
use k2bone_units::Vitamer;

/// What a plan must reach, µg/day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub enum Target {
    Vitamer(Vitamer),
    TotalK2,
}

impl Target {
    /// Label for messages.
    pub fn label(self) -> &'static str {
        match self {
            Target::Vitamer(v) => v.label(),
            Target::TotalK2 => "total K2",
        }
    }

    fn content(self, food: &Food) -> f64 {
        match self {
            Target::Vitamer(v) => food.ug_per_100g(Nutrient::Vitamer(v)).unwrap_or(0.0),
            Target::TotalK2 => food.intake_for_grams(100.0).total_k2().unwrap_or(0.0),
        }
    }
}

/// The constraints of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    pub targets_ug: Vec<(Target, f64)>,
    /// Food names, aliases or words ("liver") to leave out.
    pub exclude: Vec<String>,
    pub no_dairy: bool,
    /// Most grams of any one food per day.
    pub max_grams_per_food: f64,
    /// Most grams of all plan foods together per day.
    pub max_total_grams: Option<f64>,
    /// Hold K1 between these µg/day (steady K1, e.g. on a vitamin K antagonist).
    pub k1_range_ug: Option<(f64, f64)>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            targets_ug: Vec::new(),
            exclude: Vec::new(),
            no_dairy: false,
            max_grams_per_food: 300.0,
            max_total_grams: None,
            k1_range_ug: None,
        }
    }
}

/// One food of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlanItem {
    pub food_id: i64,
    pub food: String,
    pub grams: f64,
    pub ug: Intake,
}

/// A solved plan: the foods, the day's intake and its grams.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FoodPlan {
    pub items: Vec<PlanItem>,
    pub intake_ug: Intake,
    pub total_grams: f64,
    pub candidates: usize,
}

fn check_options(o: &PlanOptions) -> Result<(), DietError> {
    let bad = |option: &str, value: f64, accepted: &str| DietError::BadOption {
        option: option.into(),
        value: value.to_string(),
        accepted: accepted.into(),
    };
    if o.targets_ug.is_empty() {
        return Err(DietError::BadOption {
            option: "target".into(),
            value: "none".into(),
            accepted: "at least one target, e.g. --target-mk7-ug 180".into(),
        });
    }
    for (t, v) in &o.targets_ug {
        if !v.is_finite() || *v <= 0.0 || *v > 1e6 {
            return Err(bad(
                &format!("target {}", t.label()),
                *v,
                "(0, 1000000] ug/day",
            ));
        }
    }
    if !o.max_grams_per_food.is_finite()
        || o.max_grams_per_food <= 0.0
        || o.max_grams_per_food > 5000.0
    {
        return Err(bad(
            "max grams per food",
            o.max_grams_per_food,
            "(0, 5000] g",
        ));
    }
    if let Some(t) = o
        .max_total_grams
        .filter(|t| !t.is_finite() || *t <= 0.0 || *t > 10_000.0)
    {
        return Err(bad("max total grams", t, "(0, 10000] g"));
    }
    if let Some((lo, hi)) = o.k1_range_ug {
        if !(lo.is_finite() && hi.is_finite() && lo >= 0.0 && lo <= hi) {
            return Err(DietError::BadOption {
                option: "K1 range".into(),
                value: format!("{lo}..{hi}"),
                accepted: "0 <= min <= max ug/day".into(),
            });
        }
    }
    Ok(())
}

fn excluded(food: &Food, db: &FoodDb, terms: &[String]) -> bool {
    let name = format!(" {} ", fold(&food.name));
    terms.iter().any(|t| {
        db.get(t).is_some_and(|f| f.id == food.id) || name.contains(&format!(" {} ", fold(t)))
    })
}

/// The foods a plan may use.
pub fn candidates<'a>(db: &'a FoodDb, o: &PlanOptions) -> Vec<&'a Food> {
    db.foods()
        .iter()
        .filter(|f| !excluded(f, db, &o.exclude))
        .filter(|f| !(o.no_dairy && f.is_dairy()))
        .filter(|f| {
            o.k1_range_ug.is_none() || f.ug_per_100g(Nutrient::Vitamer(Vitamer::K1)).is_some()
        })
        .filter(|f| {
            o.targets_ug.iter().any(|(t, _)| t.content(f) > 0.0)
                || o.k1_range_ug.is_some_and(|(lo, _)| {
                    lo > 0.0 && f.ug_per_100g(Nutrient::Vitamer(Vitamer::K1)).unwrap_or(0.0) > 0.0
                })
        })
        .collect()
}

/// The most of `target` the foods can give per day under the caps (fractional knapsack: the
/// densest foods first).
fn reachable(foods: &[&Food], target: Target, o: &PlanOptions) -> f64 {
    let mut c: Vec<f64> = foods
        .iter()
        .map(|f| target.content(f))
        .filter(|c| *c > 0.0)
        .collect();
    c.sort_by(|a, b| b.total_cmp(a));
    let mut left = o.max_total_grams.unwrap_or(f64::INFINITY);
    let mut total = 0.0;
    for ci in c {
        let g = o.max_grams_per_food.min(left);
        total += ci * g / 100.0;
        left -= g;
        if left <= 0.0 {
            break;
        }
    }
    total
}

fn explain(db: &FoodDb, foods: &[&Food], o: &PlanOptions) -> Vec<String> {
    let mut reasons = Vec::new();
    for &(t, goal) in &o.targets_ug {
        let most = reachable(foods, t, o);
        if most + 1e-9 >= goal {
            continue;
        }
        let mut sources: Vec<&Food> = db.foods().iter().filter(|f| t.content(f) > 0.0).collect();
        sources.sort_by(|a, b| t.content(b).total_cmp(&t.content(a)));
        let best: Vec<String> = sources
            .iter()
            .take(3)
            .map(|f| format!("{} {:.1} ug/100 g", f.name, t.content(f)))
            .collect();
        let mut r = format!(
            "{}: at most {most:.1} ug/day is reachable, even eating {} g of each of the {} allowed foods that contain it{}; target {goal} ug/day. Richest foods in the database: {}.",
            t.label(), o.max_grams_per_food,
            foods.iter().filter(|f| t.content(f) > 0.0).count(),
            o.max_total_grams.map(|g| format!(", ≤ {g} g in all")).unwrap_or_default(),
            if best.is_empty() { "none".to_string() } else { best.join("; ") }
        );
        if t == Target::Vitamer(Vitamer::Mk4) && goal >= 1000.0 {
            r.push_str(" MK-4 doses in the milligram range (the Japanese trials used 45 mg/day) are pharmacological: no diet reaches them, they come only as medicine.");
        }
        reasons.push(r);
    }
    reasons
}

/// Solves the plan, or explains why no plan exists.
pub fn suggest(db: &FoodDb, o: &PlanOptions) -> Result<FoodPlan, DietError> {
    check_options(o)?;
    let foods = candidates(db, o);
    let reasons = explain(db, &foods, o);
    if !reasons.is_empty() {
        return Err(DietError::Infeasible { reasons });
    }
    let mut vars = good_lp::variables!();
    let g: Vec<Variable> = foods
        .iter()
        .map(|_| vars.add(variable().min(0.0).max(o.max_grams_per_food)))
        .collect();
    let total: Expression = g.iter().copied().sum();
    let mut model = vars.minimise(total.clone()).using(microlp);
    let amount = |content: &dyn Fn(&Food) -> f64| -> Expression {
        foods
            .iter()
            .zip(&g)
            .map(|(f, v)| content(f) / 100.0 * *v)
            .sum()
    };
    for &(t, goal) in &o.targets_ug {
        model = model.with(amount(&|f| t.content(f)).geq(goal));
    }
    if let Some(cap) = o.max_total_grams {
        model = model.with(total.leq(cap));
    }
    if let Some((lo, hi)) = o.k1_range_ug {
        let k1 = |f: &Food| f.ug_per_100g(Nutrient::Vitamer(Vitamer::K1)).unwrap_or(0.0);
        model = model.with(amount(&k1).geq(lo)).with(amount(&k1).leq(hi));
    }
    let solution = match model.solve() {
        Ok(s) => s,
        Err(ResolutionError::Infeasible) => {
            return Err(DietError::Infeasible {
                reasons: vec![format!(
                "each target is reachable on its own, but not all at once{} with the allowed foods",
                o.k1_range_ug
                    .map(|(lo, hi)| format!(" while K1 stays within {lo}..{hi} ug/day"))
                    .unwrap_or_default()
            )],
            })
        }
        Err(e) => return Err(DietError::Solver(e.to_string())),
    };
    let mut items = Vec::new();
    let mut intake = Intake::new();
    for (f, v) in foods.iter().zip(&g) {
        let grams = solution.value(*v);
        if grams > 1e-6 {
            let ug = f.intake_for_grams(grams);
            intake.add_all(&ug);
            items.push(PlanItem {
                food_id: f.id,
                food: f.name.clone(),
                grams,
                ug,
            });
        }
    }
    items.sort_by(|a, b| b.grams.total_cmp(&a.grams));
    let total_grams = items.iter().map(|i| i.grams).sum();
    Ok(FoodPlan {
        items,
        intake_ug: intake,
        total_grams,
        candidates: foods.len(),
    })
}
