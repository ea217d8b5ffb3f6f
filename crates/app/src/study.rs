//! A multi-arm study of the full model (core + vitamin K/D extension), the use case under
//! `simulate SCENARIO`, `compare` and `demo`: a scenario is loaded ([`load`]) and built into a
//! [`StudyPlan`], its arms are run in parallel with progress and cancel ([`run`]), summarised
//! once (`k2bone-results`), and written as files ([`write_outputs`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use k2bone_calibration::related;
use k2bone_physiology::bone_posterior::BonePosterior;
use k2bone_physiology::bone_response::BoneSubject;
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_report::page::{write_report, EvidenceRow, KeyRow, ReportPage};
use k2bone_report::topics::write_study_plots;
use k2bone_results::{
    bone_study, summarize, unit_of, ArmBone, ArmSummary, SolverSettings, StudyDescription,
    StudySummary,
};
use k2bone_scenario::{Plan, Scenario};
use k2bone_sim::{run_arms_observed, ArmRun};

use crate::error::{create_dir, write_output, Context};
use crate::{builtins, AppError, AppResult, Cancel, Progress};

/// Where a scenario comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioSource {
    /// A scenario file (diet logs are resolved against its folder).
    File(PathBuf),
    /// A built-in full-model scenario (a template name).
    Builtin(String),
    /// Scenario text, named `origin` in errors.
    Text { toml: String, origin: String },
}

/// Everything needed to run and report one multi-arm study: a scenario and its built plan.
#[derive(Debug, Clone)]
pub struct StudyPlan {
    /// Short name (a built-in's name or the scenario file's stem).
    pub name: String,
    pub scenario: Scenario,
    pub plan: Plan,
}

impl StudyPlan {
    /// Builds `scenario` (opening the food database only if an arm has a diet log).
    pub fn new(name: &str, scenario: Scenario) -> AppResult<StudyPlan> {
        let foods = if scenario.needs_foods() {
            let mut store = k2bone_store::Store::open_default()
                .context("opening the k2bone database for the diet logs")?;
            Some(k2bone_diet::FoodDb::open(&mut store).context("loading the food table")?)
        } else {
            None
        };
        let plan = scenario.build(foods.as_ref())?;
        Ok(StudyPlan {
            name: name.to_string(),
            scenario,
            plan,
        })
    }

    /// The scenario's title, or its name.
    pub fn title(&self) -> &str {
        self.scenario.title.as_deref().unwrap_or(&self.name)
    }

    pub fn duration_days(&self) -> f64 {
        self.scenario.simulation.duration_days
    }

    pub fn every_h(&self) -> f64 {
        self.scenario.simulation.output_every_h
    }

    /// The same study sampled every `every_h` hours (bad input unless 0 < h <= the duration).
    pub fn with_output_every(self, every_h: f64) -> AppResult<StudyPlan> {
        let max_h = self.duration_days() * 24.0;
        if !(every_h.is_finite() && every_h > 0.0 && every_h <= max_h) {
            return Err(AppError::bad_input(format!(
                "--every-hours {every_h} is out of range (accepted: > 0 and <= the duration, {max_h} h)"
            )));
        }
        let mut scenario = self.scenario;
        scenario.simulation.output_every_h = every_h;
        StudyPlan::new(&self.name, scenario)
    }
}

/// Reads and builds a scenario.
pub fn load(source: &ScenarioSource) -> AppResult<StudyPlan> {
    match source {
        ScenarioSource::File(path) => {
            let s = Scenario::from_file(path)?;
            StudyPlan::new(&s.name(), s)
        }
        ScenarioSource::Builtin(name) => {
            let t = builtins::scenario(name)?;
            let s = Scenario::from_str(t.toml, &format!("<builtin {name}>"))?;
            StudyPlan::new(name, s)
        }
        ScenarioSource::Text { toml, origin } => {
            let s = Scenario::from_str(toml, origin)?;
            StudyPlan::new(&s.name(), s)
        }
    }
}

/// A finished run: the trajectories and the end-of-study summary of every arm.
#[derive(Debug, Clone)]
pub struct StudyRun {
    /// Each arm sampled on the scenario's output grid, with the bone response's BMD columns
    /// (`bmd_lumbar_pct`, `_lower`, `_upper`, and the same for `bmd_femoral_neck_pct`).
    pub runs: Vec<ArmRun>,
    /// The bone response of each arm on the output grid.
    pub bone: Vec<ArmBone>,
    pub summaries: Vec<ArmSummary>,
    pub seconds: f64,
}

/// Runs every arm (in parallel), reporting the mean fraction done to `progress`.
pub fn run(plan: &StudyPlan, progress: &dyn Progress, cancel: &Cancel) -> AppResult<StudyRun> {
    let started = Instant::now();
    let p = &plan.plan;
    let task = format!("simulating {} arms", p.arms.len());
    let fractions: Vec<AtomicU64> = p.arms.iter().map(|_| AtomicU64::new(0)).collect();
    let observer = |arm: usize, f: f64| {
        fractions[arm].store(f.to_bits(), Ordering::Relaxed);
        let mean = fractions
            .iter()
            .map(|a| f64::from_bits(a.load(Ordering::Relaxed)))
            .sum::<f64>()
            / fractions.len().max(1) as f64;
        progress.update(&task, mean);
        if cancel.is_cancelled() {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    };
    // The bone response reads daily inputs: run on the output grid and every whole day.
    let (grid, out_idx, day_idx) = merged_grid(&p.grid_h);
    let sampled = run_arms_observed(&p.sim, &p.model, p.burn_in_h, &p.arms, &grid, &observer)
        .context(format!("simulating `{}`", plan.name))?;
    let mut days = Vec::with_capacity(sampled.len());
    for (run, spec) in sampled.iter().zip(&p.arms) {
        let daily = run.trajectory.select(&day_idx);
        let d = k2bone_sim::bone_inputs::bone_days(&daily, &spec.doses)
            .map_err(|e| AppError::failed(format!("arm `{}`: {e}", run.name)))?;
        days.push((run.name.clone(), d));
    }
    let ysm = plan.scenario.person.model_years_since_menopause();
    let subject = BoneSubject {
        female: ysm.is_some(),
        years_since_menopause: ysm.unwrap_or(0.0),
    };
    let sample_days: Vec<usize> = out_idx
        .iter()
        .map(|&i| ((grid[i] / 24.0).floor() as usize).min(day_idx.len().saturating_sub(1)))
        .collect();
    let bone = bone_study(&p.facts, &subject, &days, shipped_posterior(), &sample_days)?;
    let mut runs: Vec<ArmRun> = sampled
        .iter()
        .map(|r| ArmRun {
            name: r.name.clone(),
            trajectory: r.trajectory.select(&out_idx),
        })
        .collect();
    for (run, b) in runs.iter_mut().zip(&bone) {
        for (name, band) in [
            ("bmd_lumbar_pct", &b.lumbar),
            ("bmd_femoral_neck_pct", &b.femoral_neck),
        ] {
            for (suffix, values) in [
                ("", &band.mean),
                ("_lower", &band.lower),
                ("_upper", &band.upper),
            ] {
                run.trajectory.columns.push(k2bone_sim::Column {
                    name: format!("{name}{suffix}"),
                    unit: "%".into(),
                    values: values.clone(),
                });
            }
        }
    }
    crate::inr::add_study_columns(p, &mut runs)?;
    let summaries = summarize(&p.facts, &runs, &bone)?;
    Ok(StudyRun {
        runs,
        bone,
        summaries,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The `summary.json` document of a run.
/// The shipped posterior of the bone response, read once.
pub fn shipped_posterior() -> &'static BonePosterior {
    static POSTERIOR: std::sync::OnceLock<BonePosterior> = std::sync::OnceLock::new();
    POSTERIOR.get_or_init(BonePosterior::shipped)
}

/// The simulation grid: the output grid and every whole day up to its end, merged; with the
/// indices of the output times and of the days in it.
fn merged_grid(output_h: &[f64]) -> (Vec<f64>, Vec<usize>, Vec<usize>) {
    let end = output_h.last().copied().unwrap_or(0.0);
    let n_days = (end / 24.0 + 1e-9).floor() as usize;
    let mut grid: Vec<f64> = output_h
        .iter()
        .copied()
        .chain((0..=n_days).map(|d| d as f64 * 24.0))
        .collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    let find = |t: f64| grid.partition_point(|&g| g < t - 1e-9);
    let out_idx = output_h.iter().map(|&t| find(t)).collect();
    let day_idx = (0..=n_days).map(|d| find(d as f64 * 24.0)).collect();
    (grid, out_idx, day_idx)
}

pub fn summary(plan: &StudyPlan, result: &StudyRun) -> StudySummary {
    let p = &plan.plan;
    StudySummary::new(
        StudyDescription {
            scenario: plan.name.clone(),
            title: plan.title().to_string(),
            question: plan.scenario.question.clone(),
            person: p.person.clone(),
            duration_days: plan.duration_days(),
            output_every_hours: plan.every_h(),
            notes: p.notes.clone(),
        },
        &p.facts,
        &result.summaries,
        &p.regimens,
        SolverSettings {
            method: "BDF (diffsol)".to_string(),
            rtol: p.sim.rtol,
            atol: p.sim.atol,
        },
        DISCLAIMER,
    )
}

/// Writes every output of a run into `out` (timeseries CSV and Parquet, `summary.json`, the
/// resolved scenario, and with `plots` the topic figures and `report.html`); returns the paths.
pub fn write_outputs(
    plan: &StudyPlan,
    result: &StudyRun,
    out: &Path,
    plots: bool,
) -> AppResult<Vec<PathBuf>> {
    create_dir(out)?;
    let csv_path = out.join("timeseries.csv");
    let file = std::fs::File::create(&csv_path)
        .map_err(|e| AppError::failed(format!("cannot write {}: {e}", csv_path.display())))?;
    k2bone_report::timeseries::write_arms_csv(&result.runs, std::io::BufWriter::new(file))
        .map_err(|e| AppError::failed(format!("cannot write {}: {e}", csv_path.display())))?;
    let mut written = vec![csv_path];
    let json_path = out.join("summary.json");
    write_output(
        &json_path,
        serde_json::to_string_pretty(&summary(plan, result))? + "\n",
    )?;
    written.push(json_path);
    let resolved = out.join("scenario.toml");
    write_output(&resolved, plan.scenario.to_resolved_toml())?;
    written.push(resolved);
    let parquet = out.join("timeseries.parquet");
    k2bone_report::columnar::write_timeseries_parquet(&result.runs, &parquet)
        .map_err(|e| AppError::failed(format!("cannot write {}: {e}", parquet.display())))?;
    written.push(parquet);
    if plots {
        let figures = write_study_plots(
            &result.runs,
            &result.bone,
            &result.summaries,
            out,
            plan.title(),
        )
        .context(format!("cannot draw the plots in {}", out.display()))?;
        for f in &figures {
            written.push(f.svg.clone());
            written.push(f.png.clone());
        }
        let files: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
            .collect();
        let page = report_page(plan, result, files)?;
        let html = out.join("report.html");
        write_report(&page, &figures, &html).context(format!("cannot write {}", html.display()))?;
        written.push(html);
    }
    Ok(written)
}

/// Rows of the report's key-numbers table: (end key, label).
const REPORT_KEYS: [(&str, &str); 12] = [
    ("bmd_lumbar_pct_change", "Lumbar spine BMD, change"),
    ("bmd_femoral_neck_pct_change", "Femoral neck BMD, change"),
    ("ucoc_coc_ratio_pct_change", "ucOC/cOC ratio, change"),
    ("ucoc_pct_change", "ucOC, change"),
    ("dp_ucmgp_pct_change", "dp-ucMGP, change"),
    (
        "calcification_index_pct_change",
        "Calcification index, change",
    ),
    ("serum_mk7_ng_ml", "Serum MK-7 at the end"),
    ("serum_25ohd_nmol_l", "Serum 25(OH)D at the end"),
    (
        "hepatic_carboxylation_pct",
        "Hepatic carboxylation at the end",
    ),
    (
        "hip_fracture_risk_10y_pct",
        "Hip fracture risk, next 10 years",
    ),
    (
        "vertebral_fracture_risk_10y_pct",
        "Vertebral fracture risk, next 10 years",
    ),
    (
        "any_fracture_risk_10y_pct",
        "Any major fracture risk, next 10 years",
    ),
];

/// The report page: question, person, arms, key numbers, related trial evidence, notes.
fn report_page(plan: &StudyPlan, result: &StudyRun, files: Vec<String>) -> AppResult<ReportPage> {
    let p = &plan.plan;
    let key_numbers = REPORT_KEYS
        .iter()
        .map(|(key, label)| KeyRow {
            label: label.to_string(),
            unit: unit_of(key).unwrap_or("").to_string(),
            values: result
                .summaries
                .iter()
                .map(|s| s.get(key).unwrap_or(f64::NAN))
                .collect(),
        })
        .collect();
    Ok(ReportPage {
        title: plan.title().to_string(),
        question: plan.scenario.question.clone(),
        person: p.person.clone(),
        arms: result
            .summaries
            .iter()
            .map(|s| s.name.clone())
            .zip(p.regimens.iter().cloned())
            .collect(),
        columns: result.summaries.iter().map(|s| s.name.clone()).collect(),
        key_numbers,
        evidence: evidence_rows(p)?,
        notes: p.notes.clone(),
        files,
        generated_by: format!(
            "k2bone {}, scenario {} ({:.0} days, output every {} h, BDF rtol {:e})",
            env!("CARGO_PKG_VERSION"),
            plan.scenario.origin,
            plan.duration_days(),
            plan.every_h(),
            p.sim.rtol
        ),
    })
}

/// The shipped calibration and validation results for the arms' vitamin K forms and doses,
/// each beside the model's value for that trial's design.
fn evidence_rows(p: &Plan) -> AppResult<Vec<EvidenceRow>> {
    let all = related::shipped_targets()?;
    let mut chosen: Vec<&related::RoledTarget> = Vec::new();
    for regimen in &p.daily_vitamin_k {
        for t in related::related(&all, regimen, 2.0)? {
            if !chosen.iter().any(|c| c.target.name == t.target.name) {
                chosen.push(t);
            }
        }
    }
    let results = related::simulate_related(&chosen)?;
    let mut rows: Vec<EvidenceRow> = results
        .into_iter()
        .map(|r| EvidenceRow {
            role: format!("{:?}", r.role).to_lowercase(),
            source: r.source,
            measure: r.output,
            reported: match r.reported_ci {
                Some([lo, hi]) => format!("{} [{lo}, {hi}]", r.reported),
                None => format!("{} (± {} tolerance)", r.reported, r.tolerance),
            },
            simulated: format!("{:.2}", r.simulated),
            verdict: r.verdict,
        })
        .collect();
    rows.extend(bone_evidence_rows()?);
    Ok(rows)
}

/// The shipped bone validation (`data/validation/bone-results.json`, what `k2bone validate`
/// gives with the shipped posterior; the gate test checks it is current): every held-out BMD
/// result, hits and misses, so a report shows where its BMD numbers are and are not backed.
pub const SHIPPED_BONE_RESULTS: &str = include_str!("../../../data/validation/bone-results.json");

fn bone_evidence_rows() -> AppResult<Vec<EvidenceRow>> {
    let v: crate::validate::BoneValidation = serde_json::from_str(SHIPPED_BONE_RESULTS)
        .map_err(|e| AppError::failed(format!("data/validation/bone-results.json: {e}")))?;
    Ok(v.targets
        .into_iter()
        .map(|t| EvidenceRow {
            role: if t.shares_evidence_with.is_empty() {
                "validation (BMD)".into()
            } else {
                "validation (BMD, in sample)".into()
            },
            source: t.source,
            measure: format!("{} ({})", t.outcome, t.unit),
            reported: format!(
                "{} (accepted {:.2} to {})",
                t.reported_text,
                t.accept_lower,
                t.accept_upper
                    .map_or("∞".to_string(), |u| format!("{u:.2}"))
            ),
            simulated: format!(
                "{:.2} [{:.2}, {:.2}]",
                t.simulated, t.sim_lower, t.sim_upper
            ),
            verdict: if t.inside {
                "inside".into()
            } else {
                format!("MISS by {}", crate::text::miss_size(t.miss))
            },
        })
        .collect())
}
