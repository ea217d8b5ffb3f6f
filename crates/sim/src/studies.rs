//! Built-in multi-arm scenarios of the full model (core + vitamin K/D extension): a person,
//! a duration and arms with daily regimens.

use k2bone_physiology::{Agent, BoneHealthModel, CalciumBoneModel, KParamFile, ModelError, Person};
use k2bone_units::HOURS_PER_YEAR;

use crate::arms::ArmSpec;
use crate::dosing::DoseEvent;
use crate::model::OdeModel;

/// Age at which the core's estrogen clock starts (`ageENTER` = 41 years × 8736 h).
pub const CORE_AGE_ENTER_YEARS: f64 = 41.0;

/// One daily supplement: agent, amount and unit, taken `per_day` times a day.
#[derive(Debug, Clone, Copy)]
pub struct Daily {
    pub agent: &'static str,
    pub amount: f64,
    pub unit: &'static str,
    pub per_day: u32,
}

/// A built-in study: who, how long, which arms.
#[derive(Debug, Clone)]
pub struct Study {
    pub name: &'static str,
    pub description: &'static str,
    /// Age at the start of treatment, years (≥ 41: the core's estrogen clock starts at 41).
    pub age_years: f64,
    pub duration_years: f64,
    pub arms: Vec<(&'static str, Vec<Daily>)>,
}

// Regimens: MK-7 180 µg/d as in Knapen 2013 (Osteoporos Int 24:2499); MK-4 15 mg three times
// daily as in the Japanese trials (Inoue 2009); calcium 500 mg/d as in both arms of Jiang 2014.
// D3 800 IU/d is an assumption (a common supplement dose; docs/assumptions.md A-model-12).
const MK7_180: Daily = Daily {
    agent: "mk7",
    amount: 180.0,
    unit: "ug",
    per_day: 1,
};
const D3_800IU: Daily = Daily {
    agent: "d3",
    amount: 800.0,
    unit: "IU",
    per_day: 1,
};
const CA_500: Daily = Daily {
    agent: "calcium",
    amount: 500.0,
    unit: "mg",
    per_day: 1,
};
const MK4_15MG_TID: Daily = Daily {
    agent: "mk4",
    amount: 15.0,
    unit: "mg",
    per_day: 3,
};

/// The built-in studies.
pub fn studies() -> Vec<Study> {
    vec![
        Study {
            name: "mk7-180-3y",
            description: "postmenopausal woman aged 60, 3 years: placebo vs MK-7 180 ug/d, \
                          each with and without vitamin D3 800 IU/d + calcium 500 mg/d \
                          (the design of Knapen 2013 plus a D3/Ca factor)",
            age_years: 60.0,
            duration_years: 3.0,
            arms: vec![
                ("placebo", vec![]),
                ("mk7-180", vec![MK7_180]),
                ("placebo+d3+ca", vec![D3_800IU, CA_500]),
                ("mk7-180+d3+ca", vec![MK7_180, D3_800IU, CA_500]),
            ],
        },
        Study {
            name: "mk4-vs-mk7",
            description: "postmenopausal woman aged 65, 2 years: MK-4 45 mg/d (15 mg three \
                          times daily, Japanese osteoporosis dose) vs MK-7 180 ug/d vs none",
            age_years: 65.0,
            duration_years: 2.0,
            arms: vec![
                ("untreated", vec![]),
                ("mk4-45mg", vec![MK4_15MG_TID]),
                ("mk7-180", vec![MK7_180]),
            ],
        },
    ]
}

/// Looks a study up by name.
pub fn study(name: &str) -> Option<Study> {
    studies().into_iter().find(|s| s.name == name)
}

impl Study {
    /// The model of this study's person: the shipped parameters with the core's estrogen
    /// dynamics on (postmenopausal bone loss).
    pub fn model(&self) -> Result<BoneHealthModel, ModelError> {
        let core = CalciumBoneModel::default().with_param("ESTON", 1.0)?;
        BoneHealthModel::new(core, KParamFile::shipped().params, Person::default())
    }

    /// Time from the core's start (age 41) to the start of treatment, h.
    pub fn burn_in_h(&self) -> f64 {
        (self.age_years - CORE_AGE_ENTER_YEARS).max(0.0) * HOURS_PER_YEAR
    }

    pub fn duration_h(&self) -> f64 {
        self.duration_years * HOURS_PER_YEAR
    }

    /// The arms as dose events (first dose at 08:00 on day 0; several daily doses are spread
    /// evenly over 16 waking hours).
    pub fn arm_specs(&self, model: &BoneHealthModel) -> Result<Vec<ArmSpec<Agent>>, String> {
        let days = (self.duration_years * 365.0).round() as usize;
        self.arms
            .iter()
            .map(|(name, regimen)| {
                let mut doses = Vec::new();
                for d in regimen {
                    let (agent, amount) = model.resolve_dose(d.agent, d.amount, d.unit)?;
                    let gap = if d.per_day > 1 {
                        16.0 / (d.per_day - 1) as f64
                    } else {
                        0.0
                    };
                    for day in 0..days {
                        for k in 0..d.per_day {
                            doses.push(DoseEvent {
                                time_h: day as f64 * 24.0 + 8.0 + k as f64 * gap,
                                drug: agent,
                                amount,
                                duration_h: None,
                            });
                        }
                    }
                }
                doses.sort_by(|a, b| a.time_h.total_cmp(&b.time_h));
                Ok(ArmSpec {
                    name: name.to_string(),
                    doses,
                })
            })
            .collect()
    }
}
