//! Safety rules, all in one table ([`RULES`]), each with its source. [`check`] applies them to a
//! person and a diet log and returns the flags every diet report and plan prints.
//!
//! The rules say when to talk to a clinician; they never say a diet is safe.

use std::fmt;
use std::str::FromStr;

use k2bone_units::Vitamer;
use serde::Serialize;

use crate::log::{DayIntake, DietLog};
use crate::report::total_k;

/// An oral anticoagulant. The first three are vitamin K antagonists (VKAs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Anticoagulant {
    Warfarin,
    Acenocoumarol,
    Phenprocoumon,
    Apixaban,
    Rivaroxaban,
    Dabigatran,
    Edoxaban,
}

impl Anticoagulant {
    /// Accepted names, for error messages.
    pub const ACCEPTED: &'static str =
        "warfarin, acenocoumarol, phenprocoumon (vitamin K antagonists); apixaban, rivaroxaban, dabigatran, edoxaban (DOACs)";

    /// True for the vitamin K antagonists.
    /// Parses a command-line value where `none` (the scenario default) means no anticoagulant.
    pub fn parse_or_none(s: &str) -> Result<Option<Anticoagulant>, String> {
        if s.trim().eq_ignore_ascii_case("none") {
            Ok(None)
        } else {
            s.parse().map(Some).map_err(|e| format!("{e}; or none"))
        }
    }

    pub fn is_vka(self) -> bool {
        matches!(
            self,
            Anticoagulant::Warfarin | Anticoagulant::Acenocoumarol | Anticoagulant::Phenprocoumon
        )
    }
}

impl fmt::Display for Anticoagulant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format!("{self:?}").to_lowercase())
    }
}

impl FromStr for Anticoagulant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "warfarin" | "coumadin" => Anticoagulant::Warfarin,
            "acenocoumarol" | "sintrom" => Anticoagulant::Acenocoumarol,
            "phenprocoumon" | "marcumar" => Anticoagulant::Phenprocoumon,
            "apixaban" => Anticoagulant::Apixaban,
            "rivaroxaban" => Anticoagulant::Rivaroxaban,
            "dabigatran" => Anticoagulant::Dabigatran,
            "edoxaban" => Anticoagulant::Edoxaban,
            _ => {
                return Err(format!(
                    "unknown anticoagulant '{s}'; accepted: {}",
                    Anticoagulant::ACCEPTED
                ))
            }
        })
    }
}

/// What the rules need to know about the person.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Person {
    pub anticoagulant: Option<Anticoagulant>,
    pub age_years: Option<f64>,
    pub pregnant: bool,
}

/// How strongly a flag asks for attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Caution,
    Warning,
}

/// One rule of the table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub when: &'static str,
    pub advice: &'static str,
    pub source: &'static str,
}

/// A rule that fired, with what made it fire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SafetyFlag {
    pub rule: &'static str,
    pub severity: Severity,
    pub finding: String,
    pub advice: &'static str,
    pub source: &'static str,
}

/// K1 change in weekly mean intake at which INR fell significantly (Schurgers et al. 2004).
pub const VKA_K1_CHANGE_UG: f64 = 150.0;
/// MK-7 dose that lowered INR in a clinically relevant way in ≥ 40 % of subjects (Theuwissen 2013).
pub const VKA_MK7_CHANGE_UG: f64 = 10.0;
/// Highest daily doses tested in trials: (vitamer, µg/day, source).
pub const HIGHEST_TRIAL_DOSE_UG: [(Vitamer, f64, &str); 3] = [
    (Vitamer::K1, 5_000.0, "Cheung et al. 2008, PLoS Med 5:e196: 5 mg/d K1 for 2 y"),
    (Vitamer::Mk4, 45_000.0, "Japanese osteoporosis trials: menatetrenone 45 mg/d (e.g. Inoue et al. 2009, J Bone Miner Metab 27:66)"),
    (Vitamer::Mk7, 360.0, "Emaus et al. 2010, Osteoporos Int 21:1731: MK-7 360 ug/d for 12 months"),
];

/// The rules table.
pub const RULES: [Rule; 7] = [
    Rule { id: "vka-supplement", when: "on warfarin, acenocoumarol or phenprocoumon and the log has any vitamin K supplement",
        advice: "Do not start or stop a vitamin K supplement on a vitamin K antagonist without your clinician; if you do, have your INR checked.",
        source: "Theuwissen et al. 2013, J Thromb Haemost 11:1085-1092: MK-7 10-45 ug/d lowered INR during acenocoumarol therapy (10 and 20 ug/d clinically relevant in >= 40 % and 60 %); authors advise avoiding MK-7 supplements on VKAs" },
    Rule { id: "vka-weekly-change", when: "on a vitamin K antagonist and the weekly mean intake changes from one week to the next (warning from a K1 change of 150 ug/d or an MK-7 change of 10 ug/d)",
        advice: "Keep vitamin K intake steady from week to week; discuss diet changes with your clinician and have your INR checked.",
        source: "Schurgers et al. 2004, Blood 104:2682 (K1 150 ug/d: significant INR fall); Theuwissen et al. 2013, J Thromb Haemost 11:1085 (MK-7 10 ug/d)" },
    Rule { id: "vka-stable-intake", when: "on a vitamin K antagonist (always shown)",
        advice: "A stable vitamin K intake matters more than a low one; any change in diet or supplements needs an INR check by your clinician.",
        source: "Schurgers et al. 2004, Blood 104:2682; Theuwissen et al. 2013, J Thromb Haemost 11:1085" },
    Rule { id: "doac-not-vka", when: "on apixaban, rivaroxaban, dabigatran or edoxaban",
        advice: "These direct oral anticoagulants are not vitamin K antagonists: vitamin K intake does not change their effect; still tell your clinician about supplements.",
        source: "Mechanism: apixaban, rivaroxaban and edoxaban inhibit factor Xa directly, dabigatran inhibits thrombin directly (EMA summaries of product characteristics); vitamin K acts through VKORC1/GGCX, which only VKAs block" },
    Rule { id: "high-dose", when: "a day's intake of K1, MK-4 or MK-7 above the highest daily dose tested in trials",
        advice: "This is above the doses studied in trials; no tolerable upper intake level is set, so long-term safety at this dose is unknown.",
        source: "Highest trial doses: K1 5 mg/d (Cheung 2008), MK-4 45 mg/d (Japanese trials), MK-7 360 ug/d (Emaus 2010); no UL set by IOM 2001 or EFSA 2017" },
    Rule { id: "pregnancy", when: "the person is pregnant",
        advice: "Outside the evidence: the K2 trials k2bone draws on enrolled no pregnant women; ask your midwife or doctor.",
        source: "k2bone trial table (data/evidence, issue 5): adult, non-pregnant populations only" },
    Rule { id: "child", when: "the person is under 18",
        advice: "Outside the evidence: the K2 trials k2bone draws on enrolled adults; ask a paediatrician.",
        source: "k2bone trial table (data/evidence, issue 5): adult populations only" },
];

/// The rule with this id.
pub fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .expect("rule ids are the table's")
}

fn flag(id: &'static str, severity: Severity, finding: String) -> SafetyFlag {
    let r = rule(id);
    SafetyFlag {
        rule: r.id,
        severity,
        finding,
        advice: r.advice,
        source: r.source,
    }
}

/// Mean daily (K1, MK-7, K1 + K2) of each block of 7 logged days, in log order.
fn weekly_means(days: &[DayIntake]) -> Vec<(f64, f64, f64)> {
    days.chunks(7)
        .map(|w| {
            let n = w.len() as f64;
            let sum = |f: &dyn Fn(&DayIntake) -> f64| w.iter().map(f).sum::<f64>() / n;
            (
                sum(&|d| d.total().vitamer(Vitamer::K1).unwrap_or(0.0)),
                sum(&|d| d.total().vitamer(Vitamer::Mk7).unwrap_or(0.0)),
                sum(&|d| total_k(&d.total()).unwrap_or(0.0)),
            )
        })
        .collect()
}

/// Applies every rule. Flags come out in table order.
pub fn check(person: &Person, log: &DietLog, days: &[DayIntake]) -> Vec<SafetyFlag> {
    let mut flags = Vec::new();
    if let Some(drug) = person.anticoagulant.filter(|a| a.is_vka()) {
        for s in &log.supplements {
            flags.push(flag(
                "vka-supplement",
                Severity::Warning,
                format!(
                    "{drug}: line {} takes a {} supplement of {} ug on day {}",
                    s.line, s.vitamer, s.ug, s.day
                ),
            ));
        }
        let weeks = weekly_means(days);
        for (i, pair) in weeks.windows(2).enumerate() {
            let (a, b) = (pair[0], pair[1]);
            let (dk1, dmk7, dk) = (b.0 - a.0, b.1 - a.1, b.2 - a.2);
            if dk.abs() > 1e-9 || dmk7.abs() > 1e-9 {
                let severity = if dk1.abs() >= VKA_K1_CHANGE_UG || dmk7.abs() >= VKA_MK7_CHANGE_UG {
                    Severity::Warning
                } else {
                    Severity::Caution
                };
                flags.push(flag("vka-weekly-change", severity, format!(
                    "{drug}: week {} to week {}: vitamin K {dk:+.1} ug/d (K1 {dk1:+.1}, MK-7 {dmk7:+.1})", i + 1, i + 2)));
            }
        }
        let span = if weeks.len() < 2 {
            format!("; the log covers {} day(s), under two weeks, so week-to-week change cannot be assessed", days.len())
        } else {
            String::new()
        };
        flags.push(flag(
            "vka-stable-intake",
            Severity::Info,
            format!("{drug} is a vitamin K antagonist{span}"),
        ));
    }
    if let Some(drug) = person.anticoagulant.filter(|a| !a.is_vka()) {
        flags.push(flag(
            "doac-not-vka",
            Severity::Info,
            format!("{drug} is a direct oral anticoagulant, not a vitamin K antagonist"),
        ));
    }
    for d in days {
        let t = d.total();
        for (v, limit, _) in HIGHEST_TRIAL_DOSE_UG {
            if let Some(x) = t.vitamer(v).filter(|x| *x > limit) {
                flags.push(flag(
                    "high-dose",
                    Severity::Caution,
                    format!(
                        "day {}: {v} {x:.0} ug, above the highest trial dose {limit:.0} ug/d",
                        d.day
                    ),
                ));
            }
        }
    }
    if person.pregnant {
        flags.push(flag("pregnancy", Severity::Caution, "pregnant".into()));
    }
    if let Some(age) = person.age_years.filter(|a| *a < 18.0) {
        flags.push(flag("child", Severity::Caution, format!("age {age} years")));
    }
    flags
}
