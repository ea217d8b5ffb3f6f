//! Scenario text → [`Scenario`], field by field, with defaults and ranges (docs/scenarios.md).

use std::path::Path;

use k2bone_physiology::fracture::Sex;
use k2bone_physiology::CalciumBoneModel;
use toml_edit::Document;

use crate::doc::{Ctx, Node};
use crate::quantity;
use crate::{
    Anticoagulant, Arm, Person, Scenario, ScenarioError, Simulation, SiteScores, SCHEMA_VERSIONS,
};

/// Default person: a woman aged 60 (the built-in MK-7 study's person; assumption A-scen-1).
pub const DEFAULT_AGE_YEARS: f64 = 60.0;
/// Default 25(OH)D, nmol/L: the level at which the core's calcitriol synthesis is as
/// calibrated (`vitamin_d.d25_reference_nmol_l`; assumptions A-model-7, A-scen-2).
pub const DEFAULT_D25_NMOL_L: f64 = 75.0;
/// Default duration, days (assumption A-scen-1: the length of Knapen 2013's trial).
pub const DEFAULT_DURATION_DAYS: f64 = 3.0 * k2bone_units::DAYS_PER_YEAR;
/// Ages the model covers: the core's estrogen clock starts at 41 (`ageENTER`), and hip fracture
/// incidence is tabulated to 85 (extrapolated above); the upper bound is A-scen-4.
pub const AGE_RANGE: (f64, f64) = (41.0, 95.0);
/// Longest run, days (30 years; A-scen-5).
pub const MAX_DURATION_DAYS: f64 = 30.0 * k2bone_units::DAYS_PER_YEAR;
/// Most output rows per arm.
pub const MAX_ROWS: f64 = 200_000.0;
/// Most arms per scenario.
pub const MAX_ARMS: usize = 12;

const TOP_KEYS: &[&str] = &[
    "schema",
    "title",
    "question",
    "control_arm",
    "person",
    "simulation",
    "arms",
];
const PERSON_KEYS: &[&str] = &[
    "sex",
    "age_years",
    "years_since_menopause",
    "weight_kg",
    "calcium_intake",
    "d25",
    "bmd_z_scores",
    "bmd_t_scores",
    "anticoagulant",
    "inr",
    "vka_recycling_inhibition",
];
const SIM_KEYS: &[&str] = &[
    "duration",
    "output_every",
    "rtol",
    "atol",
    "k2_fracture_effect",
];
const SITE_KEYS: &[&str] = &["lumbar_spine", "femoral_neck"];

pub(crate) fn parse(text: &str, origin: &str, base: &Path) -> Result<Scenario, ScenarioError> {
    let ctx = Ctx { origin, text };
    let doc = Document::parse(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|r| ctx.line_col(r.start))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        ScenarioError {
            origin: origin.to_string(),
            line,
            column,
            field: "(syntax)".into(),
            message: format!("not valid TOML: {}", e.message()),
        }
    })?;
    let root = Node {
        ctx: &ctx,
        path: String::new(),
        table: doc.as_table(),
        span: None,
    };
    root.check_keys(TOP_KEYS)?;
    let schema = match root.get("schema") {
        None => {
            return Err(ctx.err(
                Some(0..0),
                "schema",
                "missing `schema = 1` at the top of the file (the schema version this file is written for)",
            ))
        }
        Some(item) => item
            .as_integer()
            .filter(|v| SCHEMA_VERSIONS.contains(v))
            .ok_or_else(|| {
                root.err(
                    "schema",
                    format!(
                        "{} is not a schema this k2bone reads (accepted: {:?})",
                        item.as_integer()
                            .map(|v| v.to_string())
                            .unwrap_or_else(|| crate::doc::kind(item).to_string()),
                        SCHEMA_VERSIONS
                    ),
                )
            })?,
    };
    let text_field = |key: &str| -> Result<Option<String>, ScenarioError> {
        match root.str(key, "\"…\"")? {
            Some(s) if s.chars().count() > 1000 => {
                Err(root.err(key, "is longer than 1000 characters"))
            }
            other => Ok(other.map(str::to_string)),
        }
    };
    let title = text_field("title")?;
    let question = text_field("question")?;
    let control_arm = root.bool("control_arm")?.unwrap_or(true);
    let person = person(root.table("person")?)?;
    let simulation = simulation(root.table("simulation")?)?;
    let arms_node = root.table("arms")?.ok_or_else(|| {
        ctx.err(
            None,
            "arms",
            "no arms: add at least one, e.g. [arms.mk7] with mk7 = \"180 ug daily\"",
        )
    })?;
    let mut arms = Vec::new();
    for (name, _) in arms_node.table.iter() {
        let node = arms_node.table(name)?.expect("key exists");
        arms.push(crate::arms::arm(name, &node, &simulation, base)?);
    }
    if arms.is_empty() {
        return Err(arms_node.ctx.err(
            arms_node.span.clone(),
            "arms",
            "no arms: add at least one, e.g. [arms.mk7] with mk7 = \"180 ug daily\"",
        ));
    }
    let has_control = arms
        .iter()
        .any(|a| a.regimen.is_empty() && a.diet.is_none());
    if control_arm && !has_control {
        let name = if arms.iter().any(|a| a.name == "placebo") {
            "control"
        } else {
            "placebo"
        };
        arms.insert(
            0,
            Arm {
                name: name.into(),
                description: Some("untreated reference arm (added: control_arm = true)".into()),
                regimen: vec![],
                diet: None,
                diet_line: None,
                added_control: true,
            },
        );
    }
    if arms.len() > MAX_ARMS {
        return Err(arms_node.err(
            arms_node.table.iter().last().map(|(k, _)| k).unwrap_or(""),
            format!(
                "{} arms is too many (accepted: at most {MAX_ARMS})",
                arms.len()
            ),
        ));
    }
    Ok(Scenario {
        origin: origin.to_string(),
        schema,
        title,
        question,
        person,
        simulation,
        arms,
    })
}

fn quantity_field(
    node: &Node,
    key: &str,
    example: &str,
    parse: fn(&str) -> Result<f64, String>,
    range: (f64, f64),
    unit: &str,
) -> Result<Option<f64>, ScenarioError> {
    let Some(text) = node.str(key, example)? else {
        return Ok(None);
    };
    let v = parse(text).map_err(|m| node.err(key, m))?;
    if !(range.0..=range.1).contains(&v) {
        return Err(node.err(
            key,
            format!(
                "`{text}` = {v:.4} {unit} is out of range (accepted: {} to {} {unit})",
                range.0, range.1
            ),
        ));
    }
    Ok(Some(v))
}

fn scores(node: Option<Node>, range: (f64, f64)) -> Result<Option<SiteScores>, ScenarioError> {
    let Some(n) = node else { return Ok(None) };
    n.check_keys(SITE_KEYS)?;
    Ok(Some(SiteScores {
        lumbar_spine: n
            .num_in("lumbar_spine", range.0, range.1, " SD")?
            .unwrap_or(0.0),
        femoral_neck: n
            .num_in("femoral_neck", range.0, range.1, " SD")?
            .unwrap_or(0.0),
    }))
}

fn person(node: Option<Node>) -> Result<Person, ScenarioError> {
    let default_ca = CalciumBoneModel::default().params().calcium.OralCa
        * 24.0
        * k2bone_units::CALCIUM_G_PER_MOL;
    let Some(n) = node else {
        return Ok(Person {
            sex: Sex::Female,
            age_years: DEFAULT_AGE_YEARS,
            years_since_menopause: None,
            weight_kg: None,
            calcium_intake_mg_per_day: default_ca,
            d25_nmol_l: DEFAULT_D25_NMOL_L,
            bmd_z_scores: SiteScores::default(),
            bmd_t_scores: None,
            anticoagulant: Anticoagulant::None,
        });
    };
    n.check_keys(PERSON_KEYS)?;
    let sex = match n.str("sex", "\"female\"")? {
        None => Sex::Female,
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "female" | "f" | "woman" => Sex::Female,
            "male" | "m" | "man" => Sex::Male,
            _ => {
                return Err(n.err(
                    "sex",
                    format!("`{s}` is not accepted (accepted: female, male)"),
                ))
            }
        },
    };
    let age_years = n
        .num_in("age_years", AGE_RANGE.0, AGE_RANGE.1, " years")?
        .unwrap_or(DEFAULT_AGE_YEARS);
    let years_since_menopause = n.num_in("years_since_menopause", 0.0, 50.0, " years")?;
    if sex == Sex::Male && years_since_menopause.is_some() {
        return Err(n.err(
            "years_since_menopause",
            "applies to women only (sex = \"male\" here)",
        ));
    }
    let weight_kg = n.num_in("weight_kg", 25.0, 300.0, " kg")?;
    if n.get("vka_recycling_inhibition").is_some() {
        return Err(n.err(
            "vka_recycling_inhibition",
            "is no longer accepted: nobody can measure it. Write the person's stable INR on their usual diet instead, e.g. `anticoagulant = \"warfarin\"` and `inr = 2.5` (1 < INR <= 6); k2bone derives the inhibition from it (docs/model/inr.md)",
        ));
    }
    let anticoagulant = match n.str("anticoagulant", "\"none\"")? {
        None => Anticoagulant::None,
        Some(s) if ["none", "no"].contains(&s.trim().to_ascii_lowercase().as_str()) => {
            Anticoagulant::None
        }
        // The drug names (and brand aliases) have one table: k2bone_diet's `Anticoagulant`;
        // `vka` and `doac` name the classes.
        Some(s) => {
            let class = s.trim().to_ascii_lowercase();
            let vka = match class.as_str() {
                "vka" => true,
                "doac" => false,
                _ => s
                    .parse::<k2bone_diet::safety::Anticoagulant>()
                    .map_err(|_| {
                        n.err(
                            "anticoagulant",
                            format!(
                                "`{s}` is not accepted (accepted: none, vka, doac, {})",
                                k2bone_diet::safety::Anticoagulant::ACCEPTED
                            ),
                        )
                    })?
                    .is_vka(),
            };
            if vka {
                let inr = n.num("inr")?.ok_or_else(|| {
                    n.err(
                        "anticoagulant",
                        "a vitamin K antagonist needs `inr`: the person's stable INR on their usual diet (e.g. `inr = 2.5`; accepted: 1 < INR <= 6)",
                    )
                })?;
                let table = k2bone_physiology::inr::InrTable::shipped();
                let inh =
                    k2bone_physiology::inr::derived_vka_inhibition(&table, inr).map_err(|_| {
                        n.err(
                            "inr",
                            format!(
                                "{inr} is out of range (accepted: {})",
                                k2bone_physiology::inr::ANCHOR_INR_ACCEPTED
                            ),
                        )
                    })?;
                Anticoagulant::Warfarin {
                    inr,
                    recycling_inhibition: inh,
                }
            } else {
                Anticoagulant::Doac
            }
        }
    };
    if !matches!(anticoagulant, Anticoagulant::Warfarin { .. }) && n.get("inr").is_some() {
        return Err(n.err(
            "inr",
            "applies only with a vitamin K antagonist (anticoagulant = \"warfarin\", \"acenocoumarol\" or \"phenprocoumon\")",
        ));
    }
    Ok(Person {
        sex,
        age_years,
        years_since_menopause,
        weight_kg,
        calcium_intake_mg_per_day: quantity_field(
            &n,
            "calcium_intake",
            "\"964 mg/day\"",
            quantity::calcium_mg_per_day,
            (100.0, 3000.0),
            "mg/day",
        )?
        .unwrap_or(default_ca),
        d25_nmol_l: quantity_field(
            &n,
            "d25",
            "\"75 nmol/L\"",
            quantity::d25_nmol_l,
            (5.0, 250.0),
            "nmol/L",
        )?
        .unwrap_or(DEFAULT_D25_NMOL_L),
        bmd_z_scores: scores(n.table("bmd_z_scores")?, (-5.0, 5.0))?.unwrap_or_default(),
        bmd_t_scores: scores(n.table("bmd_t_scores")?, (-6.0, 4.0))?,
        anticoagulant,
    })
}

fn simulation(node: Option<Node>) -> Result<Simulation, ScenarioError> {
    let mut s = Simulation {
        duration_days: DEFAULT_DURATION_DAYS,
        output_every_h: 0.0,
        rtol: 1e-8,
        atol: 1e-10,
        k2_fracture_effect: false,
    };
    let every = match &node {
        None => None,
        Some(n) => {
            n.check_keys(SIM_KEYS)?;
            if let Some(d) = quantity_field(
                n,
                "duration",
                "\"3 years\"",
                quantity::duration_days,
                (1.0, MAX_DURATION_DAYS),
                "days",
            )? {
                s.duration_days = d;
            }
            s.rtol = n.num_in("rtol", 1e-12, 1e-3, "")?.unwrap_or(s.rtol);
            s.atol = n.num_in("atol", 1e-14, 1e-3, "")?.unwrap_or(s.atol);
            s.k2_fracture_effect = n.bool("k2_fracture_effect")?.unwrap_or(false);
            quantity_field(
                n,
                "output_every",
                "\"7 days\"",
                quantity::duration_days,
                (1.0 / 24.0, MAX_DURATION_DAYS),
                "days",
            )?
        }
    };
    let every_days = every.unwrap_or(if s.duration_days > 180.0 { 7.0 } else { 1.0 });
    if let (Some(n), Some(_)) = (&node, every) {
        if every_days > s.duration_days {
            return Err(n.err(
                "output_every",
                format!(
                    "{every_days} days is longer than the duration ({} days)",
                    s.duration_days
                ),
            ));
        }
        if s.duration_days / every_days > MAX_ROWS {
            return Err(n.err(
                "output_every",
                format!("gives more than {MAX_ROWS} rows per arm; choose a longer interval"),
            ));
        }
    }
    s.output_every_h = every_days * 24.0;
    Ok(s)
}
