//! A [`Scenario`] → what the simulator needs ([`Plan`]): the model of this person, the burn-in
//! that ages them to the start, the output grid, solver settings and each arm's dose events.

use k2bone_diet::FoodDb;
use k2bone_physiology::fracture::Sex;
use k2bone_physiology::pk::Vehicle;
use k2bone_physiology::{Agent, BoneHealthModel, CalciumBoneModel, KParamFile};
use k2bone_results::StudyFacts;
use k2bone_sim::{grid, ArmSpec, DoseEvent, Simulator, MAX_DOSES};
use k2bone_units::{Vitamer, CALCIUM_G_PER_MOL, HOURS_PER_DAY, HOURS_PER_YEAR};

use crate::{Anticoagulant, Arm, Scenario, ScenarioError};

/// Age at which the core's estrogen clock starts (`ageENTER` = 41 y) and at which its
/// menopausal transition ends (`ageDONE` = 51 y): data/model/calcium-bone-params.toml.
const CORE_AGE_ENTER_YEARS: f64 = 41.0;
pub(crate) const CORE_AGE_DONE_YEARS: f64 = 51.0;

/// Everything needed to run a scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    pub model: BoneHealthModel,
    /// Time from the core's start (age 41) to the start of treatment, h.
    pub burn_in_h: f64,
    pub grid_h: Vec<f64>,
    pub sim: Simulator,
    pub arms: Vec<ArmSpec<Agent>>,
    /// Per arm, its regimen in words.
    pub regimens: Vec<Vec<String>>,
    /// Per arm, the average daily amount of each vitamin K form (canonical unit, nmol), for
    /// finding the trials that speak to it.
    pub daily_vitamin_k: Vec<Vec<(Agent, f64)>>,
    /// The person as (field, value) rows.
    pub person: Vec<(String, String)>,
    /// What the model does not use, or assumes, for this scenario.
    pub notes: Vec<String>,
    pub facts: StudyFacts,
    /// On a vitamin K antagonist: the stable INR on the usual diet, which anchors each arm's
    /// INR course (the arms' vitamin K doses are changes from that diet).
    pub anchor_inr: Option<f64>,
}

fn err(s: &Scenario, line: Option<usize>, field: &str, message: String) -> ScenarioError {
    ScenarioError {
        origin: s.origin.clone(),
        line,
        column: None,
        field: field.to_string(),
        message,
    }
}

impl Scenario {
    /// Builds the model, grid and dose events. `foods` is needed when an arm has a diet log
    /// ([`Scenario::needs_foods`]).
    pub fn build(&self, foods: Option<&FoodDb>) -> Result<Plan, ScenarioError> {
        let p = &self.person;
        let female = p.sex == Sex::Female;
        let oral_ca_mmol_per_h = p.calcium_intake_mg_per_day / CALCIUM_G_PER_MOL / HOURS_PER_DAY;
        let model_err = |e: k2bone_physiology::ModelError| err(self, None, "person", e.to_string());
        let default_core = CalciumBoneModel::default();
        let default_ca = default_core.params().calcium.OralCa;
        let mut core = default_core
            .with_param("ESTON", if female { 1.0 } else { 0.0 })
            .map_err(model_err)?;
        // The default intake round-trips through mg/day with a rounding error; keep the
        // shipped parameter exactly unless the intake really differs.
        if (oral_ca_mmol_per_h / default_ca - 1.0).abs() > 1e-9 {
            core = core
                .with_param("OralCa", oral_ca_mmol_per_h)
                .map_err(model_err)?;
        }
        let person = p.model_inputs();
        let model =
            BoneHealthModel::new(core, KParamFile::shipped().params, person).map_err(model_err)?;
        // Women: the core's clock runs from 41; menopause (the end of its transition) is at 51,
        // so `years_since_menopause` sets the clock to 51 + ysm. Men: the clock only lets a
        // changed calcium intake settle (no estrogen dynamics).
        let clock_years = match p.years_since_menopause {
            Some(ysm) if female => CORE_AGE_DONE_YEARS + ysm,
            _ => p.age_years,
        };
        let burn_in_h = (clock_years - CORE_AGE_ENTER_YEARS).max(0.0) * HOURS_PER_YEAR;
        let duration_h = self.simulation.duration_days * HOURS_PER_DAY;
        let grid_h = grid(duration_h, self.simulation.output_every_h);

        let mut arms = Vec::new();
        let mut regimens = Vec::new();
        let mut daily_k = Vec::new();
        let mut notes = Vec::new();
        for arm in &self.arms {
            let (spec, words, daily) = self.arm_doses(arm, foods, &mut notes)?;
            arms.push(spec);
            regimens.push(words);
            daily_k.push(daily);
        }
        let mut rows = vec![
            (
                "sex".to_string(),
                if female { "female" } else { "male" }.to_string(),
            ),
            ("age at start".into(), format!("{} years", p.age_years)),
        ];
        if female {
            rows.push((
                "model clock (estrogen)".into(),
                format!(
                    "{clock_years:.1} years ({:.1} years since the model's menopause)",
                    clock_years - CORE_AGE_DONE_YEARS
                ),
            ));
        }
        rows.push((
            "calcium intake".into(),
            format!("{:.0} mg/day", p.calcium_intake_mg_per_day),
        ));
        rows.push((
            "serum 25(OH)D".into(),
            format!("{:.1} nmol/L", p.d25_nmol_l),
        ));
        rows.push((
            "BMD Z-scores".into(),
            format!(
                "lumbar spine {}, femoral neck {}",
                p.bmd_z_scores.lumbar_spine, p.bmd_z_scores.femoral_neck
            ),
        ));
        rows.push((
            "anticoagulant".into(),
            match p.anticoagulant {
                Anticoagulant::None => "none".into(),
                Anticoagulant::Warfarin {
                    inr,
                    recycling_inhibition,
                } => {
                    format!(
                        "vitamin K antagonist at a stable INR of {inr} (derived vitamin K recycling blocked: {:.0}%)",
                        recycling_inhibition * 100.0
                    )
                }
                Anticoagulant::Doac => "DOAC".into(),
            },
        ));
        if let Some(w) = p.weight_kg {
            notes.push(format!("weight {w} kg is recorded but not used by the model (no weight term in the calcium–bone model)"));
        }
        if p.bmd_t_scores.is_some() {
            notes.push("BMD T-scores are recorded but not used: fracture risk uses Z-scores (bmd_z_scores), and no sourced age-mean is held to convert".into());
        }
        if !female {
            notes.push("men: the core's estrogen and postmenopausal bone-loss terms are off; the model was calibrated on women".into());
        }
        let denosumab = self
            .arms
            .iter()
            .flat_map(|a| &a.regimen)
            .any(|d| matches!(d.agent, Agent::Core(k2bone_physiology::Drug::Denosumab)));
        if denosumab {
            notes.push("denosumab: BMD change here is the core's BMDls (Peterson & Riggs 2012), which rises about 27% over 3 years of 60 mg every 6 months (the published model's own output, spec §10.2: BMDls 1.268 at 36 months); the denosumab-calibrated lumbar change is BMDlsDENchange in timeseries.csv".into());
        }
        match p.anticoagulant {
            Anticoagulant::Warfarin { inr, .. } => {
                notes.push("on a vitamin K antagonist: any change in vitamin K intake changes clotting; talk to the clinician who manages the anticoagulant first".into());
                notes.push(format!("INR (columns INR, INR_low, INR_high; arms[].inr in summary.json): the INR model (docs/model/inr.md) starts every arm at the stable INR {inr} on the usual diet and takes each arm's vitamin K doses (supplements, diet logs) as changes from it, at an unchanged anticoagulant dose; the interval is the calibration of the vitamin K pool only. A model: the INR must be measured, and the clinician decides"));
            }
            Anticoagulant::Doac => notes.push("DOACs do not act through vitamin K; the model has no DOAC term. Talk to your clinician before changing supplements".into()),
            Anticoagulant::None => {}
        }
        Ok(Plan {
            model,
            burn_in_h,
            grid_h,
            sim: Simulator {
                rtol: self.simulation.rtol,
                atol: self.simulation.atol,
                ..Simulator::default()
            },
            arms,
            regimens,
            daily_vitamin_k: daily_k,
            person: rows,
            notes,
            facts: StudyFacts {
                sex: p.sex,
                age_years_at_start: p.age_years,
                duration_days: self.simulation.duration_days,
                baseline_z_lumbar_spine: p.bmd_z_scores.lumbar_spine,
                baseline_z_femoral_neck: p.bmd_z_scores.femoral_neck,
                k2_effect_beyond_bmd: self.simulation.k2_fracture_effect,
            },
            anchor_inr: match p.anticoagulant {
                Anticoagulant::Warfarin { inr, .. } => Some(inr),
                _ => None,
            },
        })
    }

    #[allow(clippy::type_complexity)]
    fn arm_doses(
        &self,
        arm: &Arm,
        foods: Option<&FoodDb>,
        notes: &mut Vec<String>,
    ) -> Result<(ArmSpec<Agent>, Vec<String>, Vec<(Agent, f64)>), ScenarioError> {
        let days = self.simulation.duration_days;
        let mut doses = Vec::new();
        let mut words = Vec::new();
        let mut daily: Vec<(Agent, f64)> = Vec::new();
        let mut add_daily = |agent: Agent, nmol: f64| {
            if !matches!(agent, Agent::VitaminK { .. }) {
                return;
            }
            match daily.iter_mut().find(|(a, _)| *a == agent) {
                Some((_, d)) => *d += nmol,
                None => daily.push((agent, nmol)),
            }
        };
        for d in &arm.regimen {
            let amount = d
                .agent
                .to_canonical(d.amount, &d.unit)
                .map_err(|e| err(self, d.line, &d.field, e.to_string()))?;
            let stop = d.stop_day.unwrap_or(days);
            let times = d.schedule.times_h(d.start_day, stop);
            if doses.len() + times.len() > MAX_DOSES {
                return Err(err(self, d.line, &d.field, format!("more than {MAX_DOSES} doses in arm `{}`; choose a shorter run or a sparser schedule", arm.name)));
            }
            add_daily(d.agent, amount * times.len() as f64 / days);
            doses.extend(times.into_iter().map(|time_h| DoseEvent {
                time_h,
                drug: d.agent,
                amount,
                duration_h: None,
            }));
            let span = if d.start_day > 0.0 || d.stop_day.is_some() {
                format!(", days {}–{}", d.start_day, stop)
            } else {
                String::new()
            };
            words.push(format!(
                "{} {} {} {} ({}){span}",
                d.agent_name,
                d.amount,
                d.unit,
                d.schedule.words(),
                d.agent.name()
            ));
        }
        if let Some(path) = &arm.diet {
            let field = format!("arms.{}.diet", crate::doc::quoted_key(&arm.name));
            let line = arm.diet_line;
            let db = foods.ok_or_else(|| {
                err(
                    self,
                    None,
                    &field,
                    "a diet log needs the food database (the caller did not open it)".into(),
                )
            })?;
            let text = std::fs::read_to_string(path).map_err(|e| {
                err(
                    self,
                    None,
                    &field,
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let log = k2bone_diet::log::parse_csv(db, &path.display().to_string(), &text, false)
                .map_err(|e| err(self, line, &field, e.to_string()))?;
            let n_days = log.days.len().max(1);
            let day_of = |d: &str| log.days.iter().position(|x| x == d).unwrap_or(0) as f64;
            // One cycle of the log: (time in the cycle, agent, nmol).
            let mut cycle: Vec<(f64, Agent, f64)> = Vec::new();
            let mut skipped: Vec<&'static str> = Vec::new();
            let mut bone_daily: std::collections::BTreeMap<&str, f64> = Default::default();
            for e in &log.entries {
                let Some(food) = db.by_id(e.food_id) else {
                    continue;
                };
                let t = day_of(&e.day) * HOURS_PER_DAY + e.hour;
                // Calcium (mg) and vitamin D (µg, taken as D3: A-diet-12) from food, on top of
                // the person's background like the log's vitamin K (A-scen-13).
                let bone = food.bone_for_grams(e.grams);
                if let Some(mg) = bone.calcium_mg.filter(|mg| *mg > 0.0) {
                    cycle.push((t, Agent::Core(k2bone_physiology::Drug::Calcium), mg));
                    *bone_daily.entry("calcium").or_insert(0.0) += mg;
                }
                if let Some(ug) = bone.vitamin_d_ug.filter(|ug| *ug > 0.0) {
                    cycle.push((t, Agent::VitaminD3, ug));
                    *bone_daily.entry("vitamin D").or_insert(0.0) += ug;
                }
                let intake = food.intake_for_grams(e.grams);
                for v in Vitamer::ALL {
                    let Some(ug) = intake.vitamer(v).filter(|ug| *ug > 0.0) else {
                        continue;
                    };
                    match Agent::parse(v.key()) {
                        Ok(Agent::VitaminK { vitamer, .. }) => {
                            let agent = Agent::VitaminK {
                                vitamer,
                                vehicle: Vehicle::Food,
                            };
                            let nmol = agent
                                .to_canonical(ug, "ug")
                                .map_err(|e| err(self, line, &field, e.to_string()))?;
                            cycle.push((day_of(&e.day) * HOURS_PER_DAY + e.hour, agent, nmol));
                        }
                        _ => {
                            if !skipped.contains(&v.label()) {
                                skipped.push(v.label());
                            }
                        }
                    }
                }
            }
            for s in &log.supplements {
                match Agent::parse(s.vitamer.key()) {
                    Ok(agent @ Agent::VitaminK { .. }) => {
                        let nmol = agent
                            .to_canonical(s.ug, "ug")
                            .map_err(|e| err(self, line, &field, e.to_string()))?;
                        cycle.push((day_of(&s.day) * HOURS_PER_DAY + s.hour, agent, nmol));
                    }
                    _ => {
                        if !skipped.contains(&s.vitamer.label()) {
                            skipped.push(s.vitamer.label());
                        }
                    }
                }
            }
            if !skipped.is_empty() {
                notes.push(format!("arm `{}`: {} from the diet log not dosed (the model has PK for K1, MK-4 and MK-7 only)", arm.name, skipped.join(", ")));
            }
            let cycle_h = n_days as f64 * HOURS_PER_DAY;
            let end_h = days * HOURS_PER_DAY;
            let repeats = (end_h / cycle_h).ceil() as usize;
            if doses.len() + cycle.len() * repeats > MAX_DOSES {
                return Err(err(
                    self,
                    None,
                    &field,
                    format!("the diet log repeated over the run gives more than {MAX_DOSES} doses"),
                ));
            }
            for r in 0..repeats {
                for (t, agent, nmol) in &cycle {
                    let time_h = r as f64 * cycle_h + t;
                    if time_h < end_h {
                        doses.push(DoseEvent {
                            time_h,
                            drug: *agent,
                            amount: *nmol,
                            duration_h: None,
                        });
                        add_daily(*agent, nmol / days);
                    }
                }
            }
            let per_day = |k: &str| bone_daily.get(k).copied().unwrap_or(0.0) / n_days as f64;
            notes.push(format!(
                "arm `{}`: the diet log's calcium ({:.0} mg/day) and vitamin D ({:.1} ug/day, as D3) from food are dosed at its meal times, on top of the person's calcium_intake and d25 (as its vitamin K is on top of the usual diet)",
                arm.name,
                per_day("calcium"),
                per_day("vitamin D")
            ));
            words.push(format!(
                "diet log {} ({} days, repeated)",
                path.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                n_days
            ));
        }
        doses.sort_by(|a, b| a.time_h.total_cmp(&b.time_h));
        if words.is_empty() {
            words.push("no supplement (untreated)".into());
        }
        Ok((
            ArmSpec {
                name: arm.name.clone(),
                doses,
            },
            words,
            daily,
        ))
    }
}
