//! The INR of a person on a vitamin K antagonist, predicted from what they eat and take
//! (`k2bone diet report LOG --anticoagulant warfarin --inr 2.5`, and a scenario's `inr`): the
//! vitamin K doses of a diet log or of a study arm go through k2bone's INR model
//! (`k2bone_physiology::inr`, docs/model/inr.md), anchored on the person's stable INR.
//!
//! Every prediction says it is a model: the INR must be measured and the clinician decides.

use serde::{Deserialize, Serialize};

use k2bone_diet::log::DietLog;
use k2bone_diet::safety::Anticoagulant;
use k2bone_diet::{link, FoodDb};
use k2bone_physiology::inr::{
    Anchor, InrCourse, InrModel, RangeFlag, VkDaily, VkDose, Vka, ANCHOR_INR_ACCEPTED,
    ANCHOR_INR_RANGE, DISCLAIMER, STEP_H,
};
use k2bone_physiology::pk::Vehicle;
use k2bone_units::{Vitamer, HOURS_PER_DAY};

use crate::{AppError, AppResult};

/// What every INR prediction says: a model, the INR must be measured, the clinician decides.
pub const INR_DISCLAIMER: &str = DISCLAIMER;

/// Which stretch of the log the anchor INR was measured on (the person's usual diet).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum UsualDiet {
    /// The first 7 logged days (the whole log when it is shorter): later weeks are changes.
    #[default]
    FirstWeek,
    /// The whole log, on average: the course shows what its day-to-day swings do.
    Log,
}

/// What the anchor stands for, in words.
pub const INTERVAL_MEANING: &str = "the interval spans the calibrated hepatic vitamin K pool \
(Schurgers 2004; docs/model/inr.md): calibration uncertainty only, not the spread between people \
or the error of an INR test";

/// The evidence conflict on MK-7 the model takes a side in (docs/assumptions.md A-inr-15).
pub const MK7_EVIDENCE: &str = "MK-7 evidence conflicts: 45 ug/day as a supplement lowered the \
mean INR by about 40 % (Theuwissen 2013, acenocoumarol, healthy volunteers), while 46 ug/day \
from a low-MK-7 natto changed no INR in 10 warfarin patients over 7 days (Nakajima 2021); the \
model follows Theuwissen 2013, the larger fall, which is the cautious side for a person on a \
vitamin K antagonist";

/// The predicted INR at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InrAt {
    /// When, in words (`start of Mon`, `end of the log`).
    pub when: String,
    /// Hours from the start of the first logged day (00:00).
    pub time_h: f64,
    pub inr: f64,
    pub inr_low: f64,
    pub inr_high: f64,
}

/// A vitamer's mean daily amount, µg/day, as eaten or taken (before absorption).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VitamerDaily {
    pub vitamer: Vitamer,
    pub from_food: bool,
    pub ug_per_day: f64,
}

/// The INR a steady intake settles at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SteadyPrediction {
    /// Which intake, in words.
    pub intake: String,
    pub intake_ug_per_day: Vec<VitamerDaily>,
    pub inr: f64,
    pub inr_low: f64,
    pub inr_high: f64,
    /// The model reached its cap (normal clotting factors): the INR is a bound.
    pub capped: bool,
}

/// The predicted INR course of a diet log (`diet report --inr`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InrPrediction {
    pub anticoagulant: Anticoagulant,
    /// The person's stable INR on their usual diet (the anchor).
    pub anchor_inr: f64,
    pub usual_diet: UsualDiet,
    /// The usual diet in words (which days) and its vitamin K.
    pub usual: String,
    pub usual_ug_per_day: Vec<VitamerDaily>,
    /// The INR at the start of every logged day and at the end of the log.
    pub course: Vec<InrAt>,
    pub lowest: InrAt,
    pub highest: InrAt,
    /// What a steady intake at the log's mean would give.
    pub steady: SteadyPrediction,
    /// Where the model left its range, in words.
    pub flags: Vec<String>,
    /// Vitamin K the model has no PK for (MK-5, MK-6, MK-8 … MK-10, K2 without a vitamer
    /// split), total µg over the log: not in the prediction.
    pub not_modelled: Vec<String>,
    /// Assumptions and evidence the reader should know.
    pub notes: Vec<String>,
    pub interval: String,
    pub disclaimer: String,
}

/// Refuses an anchor INR outside the model's range, naming the option.
pub fn check_anchor_inr(inr: f64, field: &str) -> AppResult<()> {
    let (lo, hi) = ANCHOR_INR_RANGE;
    if inr.is_finite() && inr > lo && inr <= hi {
        Ok(())
    } else {
        Err(AppError::bad_input(format!(
            "{field} {inr} is out of range (accepted: {ANCHOR_INR_ACCEPTED})"
        )))
    }
}

/// Checks an INR request: a vitamin K antagonist and an anchor INR in range.
pub fn check_request(anticoagulant: Option<Anticoagulant>, inr: f64) -> AppResult<Anticoagulant> {
    let Some(a) = anticoagulant else {
        return Err(AppError::bad_input(format!(
            "--inr {inr} needs --anticoagulant: the vitamin K antagonist the INR was measured on \
             (accepted: warfarin, acenocoumarol, phenprocoumon)"
        )));
    };
    if !a.is_vka() {
        return Err(AppError::bad_input(format!(
            "--inr applies to vitamin K antagonists (warfarin, acenocoumarol, phenprocoumon); \
             {a} is a direct oral anticoagulant, whose effect the INR does not measure"
        )));
    }
    check_anchor_inr(inr, "--inr")?;
    Ok(a)
}

/// The vehicle through which the INR and bone models absorb a logged dose: food, or a
/// supplement as the model's reference oil capsule (a tablet is the same, `pk.f_tablet` = 1).
pub fn vehicle(from_food: bool) -> Vehicle {
    if from_food {
        Vehicle::Food
    } else {
        Vehicle::Oil
    }
}

/// The INR model's doses of a diet log's dose events.
pub fn doses(schedule: &link::IntakeSchedule) -> Vec<VkDose> {
    schedule
        .events
        .iter()
        .map(|e| VkDose {
            time_h: e.time_h,
            vitamer: e.vitamer,
            ug: e.amount_ug,
            vehicle: vehicle(e.from_food),
        })
        .collect()
}

fn daily_words(d: &[VkDaily]) -> Vec<VitamerDaily> {
    let mut v: Vec<VitamerDaily> = d
        .iter()
        .map(|u| VitamerDaily {
            vitamer: u.vitamer,
            from_food: u.vehicle == Vehicle::Food,
            ug_per_day: u.ug_per_day,
        })
        .collect();
    v.sort_by(|a, b| {
        a.vitamer
            .cmp(&b.vitamer)
            .then(b.from_food.cmp(&a.from_food))
    });
    v
}

/// Range flags in words.
pub fn flag_words(flags: &[RangeFlag]) -> Vec<String> {
    flags
        .iter()
        .map(|f| match f {
            RangeFlag::FactorsCapped { first_time_h } => format!(
                "from hour {first_time_h}: clotting factors reached normal (the model's cap); the INR shown is a bound, the real fall may be larger"
            ),
            RangeFlag::SupplyFloor { first_time_h } => format!(
                "from hour {first_time_h}: far less vitamin K than usual reached the model's floor (5 % of the usual supply); the INR shown is a bound"
            ),
            RangeFlag::BeyondTable { first_time_h } => format!(
                "from hour {first_time_h}: the INR left the read-out's table (above 6.9) and is extrapolated"
            ),
        })
        .collect()
}

fn not_modelled_words(course: &InrCourse, unsplit: &[(f64, f64)]) -> Vec<String> {
    let mut out: Vec<String> = course
        .not_modelled_ug
        .iter()
        .map(|(v, ug)| format!("{v} {ug:.1} ug"))
        .collect();
    let k2: f64 = unsplit.iter().map(|(_, ug)| ug).sum();
    if k2 > 0.0 {
        out.push(format!("K2 without a vitamer split {k2:.1} ug"));
    }
    out
}

/// Predicts the INR course of `log` for a person on `anticoagulant` whose stable INR on the
/// `usual` stretch of the log is `anchor_inr`, at an unchanged anticoagulant dose.
pub fn predict(
    db: &FoodDb,
    log: &DietLog,
    anticoagulant: Anticoagulant,
    anchor_inr: f64,
    usual: UsualDiet,
) -> AppResult<InrPrediction> {
    check_request(Some(anticoagulant), anchor_inr)?;
    let schedule = link::from_log(db, log);
    let doses = doses(&schedule);
    let n_days = log.days.len().max(1);
    let end_h = n_days as f64 * HOURS_PER_DAY;
    let usual_days = match usual {
        UsualDiet::FirstWeek => n_days.min(7),
        UsualDiet::Log => n_days,
    };
    let usual_daily = VkDaily::mean_of(&doses, 0.0, usual_days as f64 * HOURS_PER_DAY);
    let days_words = |k: usize| match (log.days.first(), log.days.get(k - 1)) {
        (Some(a), Some(b)) if k > 1 => format!("{a} … {b}"),
        (Some(a), _) => a.clone(),
        _ => String::new(),
    };
    let usual_text = match usual {
        UsualDiet::FirstWeek if usual_days < n_days => format!(
            "the first 7 logged days ({}); the days after them are changes from it",
            days_words(7)
        ),
        _ => format!(
            "the whole log on average ({} day(s): {})",
            n_days,
            days_words(n_days)
        ),
    };
    let anchor = Anchor {
        inr: anchor_inr,
        usual: usual_daily.clone(),
    };
    let model = InrModel::default();
    let err =
        |e: k2bone_physiology::inr::InrError| AppError::bad_input(format!("{}: {e}", log.file));
    // The dose events sit at meal times inside the logged days; the course ends with the log.
    let course = model
        .course(&anchor, &doses, &Vka::Unchanged, end_h, 1.0)
        .map_err(err)?;
    let at = |i: usize, when: String| {
        let p = &course.points[i];
        InrAt {
            when,
            time_h: p.time_h,
            inr: p.inr,
            inr_low: p.inr_low,
            inr_high: p.inr_high,
        }
    };
    let hour_words = |t: f64| {
        let day = ((t / HOURS_PER_DAY).floor() as usize).min(n_days - 1);
        let label = log.days.get(day).cloned().unwrap_or_default();
        let h = t - day as f64 * HOURS_PER_DAY;
        if h >= HOURS_PER_DAY {
            "end of the log".to_string()
        } else {
            format!("{label} {:02}:00", h.round() as u32)
        }
    };
    let mut points = Vec::new();
    for (k, day) in log.days.iter().enumerate() {
        points.push(at(k * 24, format!("start of {day}")));
    }
    points.push(at(course.points.len() - 1, "end of the log".into()));
    let (mut lo, mut hi) = (0, 0);
    for (i, p) in course.points.iter().enumerate() {
        if p.inr < course.points[lo].inr {
            lo = i;
        }
        if p.inr > course.points[hi].inr {
            hi = i;
        }
    }
    let lowest = at(lo, hour_words(course.points[lo].time_h));
    let highest = at(hi, hour_words(course.points[hi].time_h));
    let whole = VkDaily::mean_of(&doses, 0.0, end_h);
    let s = model.steady_state(&anchor, &whole).map_err(err)?;
    let mut notes = vec![
        "the anticoagulant dose is taken to stay as it was when the INR was measured".to_string(),
        "vitamin K from food is absorbed as the model's PK assumes: K1 from vegetables 0.2 of a \
         supplement (Garber 1999 measured 0.18-0.27), menaquinones in food 1 (docs/assumptions.md A-model-4)"
            .to_string(),
        "one hepatic pool for everyone: a person with a low usual vitamin K intake reacts more \
         (Sconce 2005), which the interval does not show"
            .to_string(),
    ];
    if doses.iter().any(|d| d.vitamer == Vitamer::Mk7) {
        notes.push(MK7_EVIDENCE.to_string());
    }
    Ok(InrPrediction {
        anticoagulant,
        anchor_inr,
        usual_diet: usual,
        usual: usual_text,
        usual_ug_per_day: daily_words(&usual_daily),
        course: points,
        lowest,
        highest,
        steady: SteadyPrediction {
            intake: format!(
                "the log's mean intake, eaten the same every day ({n_days} day(s) averaged)"
            ),
            intake_ug_per_day: daily_words(&whole),
            inr: s.inr,
            inr_low: s.inr_low,
            inr_high: s.inr_high,
            capped: s.capped,
        },
        flags: flag_words(&course.flags),
        not_modelled: not_modelled_words(&course, &schedule.unsplit_k2_ug),
        notes,
        interval: INTERVAL_MEANING.to_string(),
        disclaimer: DISCLAIMER.to_string(),
    })
}

/// The INR model's doses of a study arm: its vitamin K doses (supplements and diet logs), as
/// changes from the usual diet the anchor INR was measured on.
fn arm_doses(arm: &k2bone_sim::ArmSpec<k2bone_physiology::Agent>) -> Vec<VkDose> {
    arm.doses
        .iter()
        .filter_map(|d| match d.drug {
            k2bone_physiology::Agent::VitaminK { vitamer, vehicle } => Some(VkDose {
                time_h: d.time_h,
                vitamer,
                // The arm holds nmol (the model's canonical unit).
                ug: d.amount * vitamer.molar_mass_g_per_mol() / 1e3,
                vehicle,
            }),
            _ => None,
        })
        .collect()
}

/// Adds the predicted INR (`INR`, `INR_low`, `INR_high`; `k2bone_results::INR_COLUMNS`) to every
/// arm of a study run whose person is on a vitamin K antagonist, sampled on the run's output
/// times. Each arm's course starts at the anchor INR on the usual diet; its vitamin K doses are
/// changes from that diet, at an unchanged anticoagulant dose.
pub fn add_study_columns(
    plan: &k2bone_scenario::Plan,
    runs: &mut [k2bone_sim::ArmRun],
) -> AppResult<()> {
    let Some(anchor_inr) = plan.anchor_inr else {
        return Ok(());
    };
    let model = InrModel::default();
    let anchor = Anchor {
        inr: anchor_inr,
        usual: Vec::new(),
    };
    for (run, arm) in runs.iter_mut().zip(&plan.arms) {
        let times = &run.trajectory.times_h;
        let end_h = times.last().copied().unwrap_or(0.0).max(STEP_H);
        let doses: Vec<VkDose> = arm_doses(arm)
            .into_iter()
            .filter(|d| d.time_h <= end_h)
            .collect();
        let course = model
            .course(&anchor, &doses, &Vka::Unchanged, end_h, STEP_H)
            .map_err(|e| {
                AppError::bad_input(format!("the INR course of arm `{}`: {e}", run.name))
            })?;
        // Linear interpolation between the course's 15-minute points.
        let sample = |t: f64, pick: fn(&k2bone_physiology::inr::InrPoint) -> f64| {
            let x = (t / STEP_H).clamp(0.0, (course.points.len() - 1) as f64);
            let (i, w) = (x.floor() as usize, x.fract());
            let j = (i + 1).min(course.points.len() - 1);
            pick(&course.points[i]) * (1.0 - w) + pick(&course.points[j]) * w
        };
        let picks: [fn(&k2bone_physiology::inr::InrPoint) -> f64; 3] =
            [|p| p.inr, |p| p.inr_low, |p| p.inr_high];
        for (name, pick) in k2bone_results::INR_COLUMNS.into_iter().zip(picks) {
            let values = times.iter().map(|&t| sample(t, pick)).collect();
            run.trajectory.columns.push(k2bone_sim::Column {
                name: name.to_string(),
                unit: "1".to_string(),
                values,
            });
        }
    }
    Ok(())
}
