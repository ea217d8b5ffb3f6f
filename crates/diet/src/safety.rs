//! Safety rules, all in one table ([`RULES`]), each with its source. [`check`] applies them to a
//! person and a diet log and returns the flags every diet report and plan prints.
//!
//! The rules say when to talk to a clinician; they never say a diet is safe. The diet-aware
//! rules for vitamin K antagonists (natto, single sources, day-to-day swings, vitamer weighting)
//! are in [`crate::anticoagulant`]; every number below sits next to its source.

use std::fmt;
use std::str::FromStr;

use k2bone_units::Vitamer;
use serde::Serialize;

use crate::log::{DayIntake, DietLog};
use crate::report::total_k;

/// An oral anticoagulant. The first three are vitamin K antagonists (VKAs).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Anticoagulant {
    #[cfg_attr(feature = "clap", value(alias = "coumadin"))]
    Warfarin,
    #[cfg_attr(feature = "clap", value(alias = "sintrom"))]
    Acenocoumarol,
    #[cfg_attr(feature = "clap", value(alias = "marcumar"))]
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

    /// Parses a command-line value where `none` (the scenario default) means no anticoagulant.
    pub fn parse_or_none(s: &str) -> Result<Option<Anticoagulant>, String> {
        if s.trim().eq_ignore_ascii_case("none") {
            Ok(None)
        } else {
            s.parse().map(Some).map_err(|e| format!("{e}; or none"))
        }
    }

    /// True for the vitamin K antagonists.
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

/// What the rules need to know about the person (the diet commands ask for it). Not a second
/// description of a person: that is `k2bone_scenario::Person`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct SafetyProfile {
    pub anticoagulant: Option<Anticoagulant>,
    /// Age, years (under 18 is outside the evidence).
    pub age_years: Option<f64>,
    /// Pregnant (outside the evidence).
    pub pregnant: bool,
}

impl SafetyProfile {
    /// Accepted ages, years.
    pub const AGE_RANGE_YEARS: (f64, f64) = (0.0, 130.0);

    /// The profile, or a message naming the field out of its accepted range.
    pub fn validated(self) -> Result<SafetyProfile, String> {
        let (lo, hi) = Self::AGE_RANGE_YEARS;
        if let Some(a) = self
            .age_years
            .filter(|a| !a.is_finite() || *a < lo || *a > hi)
        {
            return Err(format!(
                "age {a} is out of range (accepted: {lo} to {hi} years)"
            ));
        }
        Ok(self)
    }
}

/// How strongly a flag asks for attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Caution,
    Warning,
}

/// One rule of the table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Rule {
    pub id: &'static str,
    pub when: &'static str,
    pub advice: &'static str,
    pub source: &'static str,
}

/// A rule that fired, with what made it fire.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SafetyFlag {
    pub rule: &'static str,
    pub severity: Severity,
    pub finding: String,
    pub advice: &'static str,
    pub source: &'static str,
}

/// What every flag list that could be read as advice carries.
pub const DISCLAIMER: &str =
    "k2bone is a model, not medical advice. On a vitamin K antagonist the \
INR must be measured, and the clinician decides on any change of diet, supplements or dose.";

/// K1 change in weekly mean intake at which INR fell significantly (Schurgers et al. 2004).
pub const VKA_K1_CHANGE_UG: f64 = 150.0;
/// MK-7 dose that lowered INR in a clinically relevant way in ≥ 40 % of subjects (Theuwissen 2013).
pub const VKA_MK7_CHANGE_UG: f64 = 10.0;
/// MK-7 dose with a clinically relevant INR fall in ≥ 60 % of subjects (Theuwissen 2013).
pub const VKA_MK7_LIKELY_UG: f64 = 20.0;
/// K1 from one source or a 4-day mean at which to watch the INR: ~100 µg/d of K1 from vegetables
/// lowered INR 2.43 → 2.08 in a week (vegetable-mix study, J Pharm Care TUMS art. 87, row V-1
/// of data/evidence/inr_evidence.csv); −0.2 INR per +100 µg/d over 4 days (Khan 2004, K-1).
pub const VKA_K1_WATCH_UG: f64 = 100.0;
/// Weight of MK-7 per µg in K1-equivalents: the K1 threshold 150 µg/d (Schurgers 2004) over the
/// MK-7 threshold 10 µg/d (Theuwissen 2013) (derived); within the 7.5–15 of the two MK-7
/// thresholds and consistent with MK-7's 7–8× accumulation (Schurgers 2007, Blood 109:3279).
/// Applied also to MK-8 … MK-10 and to K2 without a vitamer split (assumption A-diet-10).
pub const MK7_K1_WEIGHT: f64 = 15.0;
/// MK-7 in natto, µg per g: NIH ODS 850 µg per 85 g (derived: 10 µg/g), so 1 g of natto already
/// holds Theuwissen 2013's lowest clinically relevant daily dose.
pub const NATTO_MK7_UG_PER_G: f64 = 10.0;
/// Days over which the INR follows vitamin K intake: Khan et al. 2004 (Br J Haematol 124:348)
/// regressed INR on the 4-day mean intake.
pub const SWING_WINDOW_DAYS: usize = 4;
/// Highest daily doses tested in trials: (vitamer, µg/day, source).
pub const HIGHEST_TRIAL_DOSE_UG: [(Vitamer, f64, &str); 3] = [
    (Vitamer::K1, 5_000.0, "Cheung et al. 2008, PLoS Med 5:e196: 5 mg/d K1 for 2 y"),
    (Vitamer::Mk4, 45_000.0, "Japanese osteoporosis trials: menatetrenone 45 mg/d (e.g. Inoue et al. 2009, J Bone Miner Metab 27:66)"),
    (Vitamer::Mk7, 360.0, "Emaus et al. 2010, Osteoporos Int 21:1731: MK-7 360 ug/d for 12 months"),
];

/// The rules table.
pub const RULES: [Rule; 10] = [
    Rule { id: "vka-supplement", when: "on warfarin, acenocoumarol or phenprocoumon and the log has any vitamin K supplement",
        advice: "Do not start or stop a vitamin K supplement on a vitamin K antagonist without your clinician; if you do, have your INR checked.",
        source: "Theuwissen et al. 2013, J Thromb Haemost 11:1085-1092: MK-7 10-45 ug/d lowered INR during acenocoumarol therapy (10 and 20 ug/d clinically relevant in >= 40 % and 60 %); authors advise avoiding MK-7 supplements on VKAs" },
    Rule { id: "vka-natto", when: "on a vitamin K antagonist and the log has natto, in any amount",
        advice: "Natto is the richest known source of MK-7: even a few grams can lower the INR for days. Talk to your clinician before eating it; the INR must be measured.",
        source: "Theuwissen et al. 2013, J Thromb Haemost 11:1085: MK-7 10 ug/d lowered INR in a clinically relevant way in >= 40 % of subjects; natto about 1000 ug MK-7 per 100 g (NIH ODS vitamin K fact sheet: 850 ug per 85 g), so 1 g holds about 10 ug [derived]" },
    Rule { id: "vka-food-source", when: "on a vitamin K antagonist and one food on one day gives K1 >= 100 ug (caution) or >= 150 ug (warning), or MK-7 (with MK-8 ... MK-10 and unsplit K2) >= 10 ug (warning; >= 20 ug likely)",
        advice: "This food alone brings a vitamin K amount that has moved the INR in studies. Keep such foods steady from week to week, discuss them with your clinician, and have your INR measured after a change.",
        source: "Schurgers et al. 2004, Blood 104:2682 (K1 150 ug/d: significant INR fall); vegetable-mix study, J Pharm Care (TUMS) art. 87 (about 100 ug/d K1 for 7 days: INR 2.43 -> 2.08); Theuwissen et al. 2013, J Thromb Haemost 11:1085 (MK-7 10 / 20 ug/d clinically relevant in >= 40 % / 60 %)" },
    Rule { id: "vka-day-swing", when: "on a vitamin K antagonist and a 4-day mean of vitamer-weighted vitamin K (K1-equivalents, MK-7 x 15) departs from the log's usual (median) day by >= 100 ug (caution) or >= 150 ug (warning)",
        advice: "The INR follows the last few days' vitamin K: spread vitamin K-rich foods evenly over the week rather than in bursts, and have your INR measured when the pattern changes; your clinician decides.",
        source: "Khan et al. 2004, Br J Haematol 124:348 (INR -0.2 per +100 ug/d of the 4-day mean intake); Schurgers et al. 2004, Blood 104:2682 (150 ug/d); weight of MK-7 = 150 / 10 (Schurgers 2004 / Theuwissen 2013) [derived]" },
    Rule { id: "vka-weekly-change", when: "on a vitamin K antagonist and the weekly mean intake changes from one week to the next (warning from a K1 change of 150 ug/d or an MK-7 change of 10 ug/d)",
        advice: "Keep vitamin K intake steady from week to week; discuss diet changes with your clinician and have your INR checked.",
        source: "Schurgers et al. 2004, Blood 104:2682 (K1 150 ug/d: significant INR fall); Theuwissen et al. 2013, J Thromb Haemost 11:1085 (MK-7 10 ug/d)" },
    Rule { id: "vka-stable-intake", when: "on a vitamin K antagonist (always shown)",
        advice: "A stable vitamin K intake matters more than a low one; any change in diet or supplements needs an INR check by your clinician.",
        source: "Schurgers et al. 2004, Blood 104:2682; Theuwissen et al. 2013, J Thromb Haemost 11:1085" },
    Rule { id: "doac-not-vka", when: "on apixaban, rivaroxaban, dabigatran or edoxaban",
        advice: "These direct oral anticoagulants are not vitamin K antagonists: vitamin K intake does not change their effect; still tell your clinician about supplements.",
        source: "Mechanism: apixaban, rivaroxaban and edoxaban inhibit factor Xa directly, dabigatran inhibits thrombin directly (EMA summaries of product characteristics); vitamin K acts through VKORC1/GGCX, which only VKAs block" },
    Rule { id: "high-dose", when: "a day's supplement intake of K1, MK-4 or MK-7 above the highest daily dose tested in trials (foods never raise it: no harm from dietary vitamin K without an anticoagulant is reported)",
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

pub(crate) fn flag(id: &'static str, severity: Severity, finding: String) -> SafetyFlag {
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
pub fn check(person: &SafetyProfile, log: &DietLog, days: &[DayIntake]) -> Vec<SafetyFlag> {
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
        crate::anticoagulant::natto(drug, log, days, &mut flags);
        crate::anticoagulant::food_sources(drug, days, &mut flags);
        crate::anticoagulant::day_swings(drug, days, &mut flags);
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
        for (v, limit, _) in HIGHEST_TRIAL_DOSE_UG {
            if let Some(x) = d.supplements.vitamer(v).filter(|x| *x > limit) {
                flags.push(flag(
                    "high-dose",
                    Severity::Caution,
                    format!(
                        "day {}: {v} {x:.0} ug from supplements, above the highest trial dose {limit:.0} ug/d",
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
