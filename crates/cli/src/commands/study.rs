//! Multi-arm runs of the full model (core + vitamin K/D extension), shared by `simulate`,
//! `compare` and `demo`: a [`StudyPlan`] (who, how long, which arms) is run with a progress
//! bar, summarised once (`k2bone_sim::summary`), and written as files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Map, Value};

use k2bone_physiology::fracture::Sex;
use k2bone_physiology::{Agent, BoneHealthModel};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_sim::studies::Study;
use k2bone_sim::summary::{summarize, ArmSummary, StudyFacts, END_KEYS};
use k2bone_sim::{grid, run_arms_observed, ArmRun, ArmSpec, Simulator};

/// Everything needed to run and report one multi-arm study.
#[derive(Debug, Clone)]
pub struct StudyPlan {
    /// Short name (a built-in's name or the scenario file's stem).
    pub name: String,
    pub title: String,
    pub question: Option<String>,
    pub description: String,
    pub model: BoneHealthModel,
    pub burn_in_h: f64,
    pub grid_h: Vec<f64>,
    pub sim: Simulator,
    pub arms: Vec<ArmSpec<Agent>>,
    /// Per arm, its regimen in words (one line per supplement, drug or diet).
    pub regimens: Vec<Vec<String>>,
    /// The person as (field, value) rows.
    pub person: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub facts: StudyFacts,
}

impl StudyPlan {
    /// A plan from one of the built-in studies of `k2bone_sim::studies`.
    pub fn from_study(study: &Study, every_h: f64) -> anyhow::Result<StudyPlan> {
        let model = study.model()?;
        let arms = study.arm_specs(&model).map_err(anyhow::Error::msg)?;
        let regimens = study
            .arms
            .iter()
            .map(|(_, regimen)| {
                regimen
                    .iter()
                    .map(|d| {
                        format!(
                            "{} {} {}{}",
                            d.agent,
                            d.amount,
                            d.unit,
                            if d.per_day > 1 {
                                format!(" {}x daily", d.per_day)
                            } else {
                                " daily".into()
                            }
                        )
                    })
                    .collect()
            })
            .collect();
        Ok(StudyPlan {
            name: study.name.into(),
            title: study.name.into(),
            question: None,
            description: study.description.into(),
            burn_in_h: study.burn_in_h(),
            grid_h: grid(study.duration_h(), every_h),
            sim: Simulator {
                rtol: 1e-8,
                atol: 1e-10,
                ..Simulator::default()
            },
            arms,
            regimens,
            person: vec![
                ("sex".into(), "female".into()),
                ("age at start".into(), format!("{} years", study.age_years)),
            ],
            notes: vec![],
            facts: StudyFacts {
                sex: Sex::Female,
                age_years_at_start: study.age_years,
                duration_days: study.duration_h() / 24.0,
                baseline_z_lumbar_spine: 0.0,
                baseline_z_femoral_neck: 0.0,
                k2_effect_beyond_bmd: false,
            },
            model,
        })
    }

    pub fn duration_days(&self) -> f64 {
        self.grid_h.last().copied().unwrap_or(0.0) / 24.0
    }
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct StudyRun {
    pub runs: Vec<ArmRun>,
    pub summaries: Vec<ArmSummary>,
    pub seconds: f64,
}

/// Runs every arm (in parallel), with a progress bar on stderr for runs over a second unless
/// `quiet` (the bar is drawn only on a terminal).
pub fn run(plan: &StudyPlan, quiet: bool) -> anyhow::Result<StudyRun> {
    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} simulating {msg} [{bar:30}] {percent:>3}% {elapsed}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(format!("{} arms", plan.arms.len()));
    let fractions: Vec<AtomicU64> = plan.arms.iter().map(|_| AtomicU64::new(0)).collect();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let progress = |arm: usize, f: f64| {
        fractions[arm].store(f.to_bits(), Ordering::Relaxed);
        if quiet {
            return;
        }
        if !shown.load(Ordering::Relaxed) && started.elapsed() > Duration::from_secs(1) {
            shown.store(true, Ordering::Relaxed);
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        let mean = fractions
            .iter()
            .map(|a| f64::from_bits(a.load(Ordering::Relaxed)))
            .sum::<f64>()
            / fractions.len().max(1) as f64;
        bar.set_position((mean * 1000.0) as u64);
    };
    let runs = run_arms_observed(
        &plan.sim,
        &plan.model,
        plan.burn_in_h,
        &plan.arms,
        &plan.grid_h,
        &progress,
    )
    .with_context(|| format!("simulating `{}`", plan.name))?;
    bar.finish_and_clear();
    let summaries = summarize(&plan.facts, &runs).map_err(anyhow::Error::msg)?;
    Ok(StudyRun {
        runs,
        summaries,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `summary.json`: the `arms[].name` / `arms[].end` shape, with units per key.
pub fn summary_json(plan: &StudyPlan, result: &StudyRun, every_h: f64) -> Value {
    let arms: Vec<Value> = result
        .summaries
        .iter()
        .zip(&plan.regimens)
        .map(|(s, regimen)| {
            let end: Map<String, Value> = s
                .end
                .iter()
                .map(|e| (e.key.to_string(), json!(e.value)))
                .collect();
            json!({
                "name": s.name,
                "regimen": regimen,
                "end": end,
                "solver": {
                    "steps": s.solver_steps,
                    "jacobian_factorizations": s.jacobian_factorizations,
                },
            })
        })
        .collect();
    let units: Map<String, Value> = END_KEYS
        .iter()
        .map(|(k, u, meaning)| (k.to_string(), json!({"unit": u, "meaning": meaning})))
        .collect();
    let person: Map<String, Value> = plan
        .person
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    json!({
        "scenario": plan.name,
        "title": plan.title,
        "question": plan.question,
        "description": plan.description,
        "person": person,
        "duration_days": plan.duration_days(),
        "output_every_hours": every_h,
        "arms": arms,
        "units": units,
        "fracture_risk": {
            "age_years": plan.facts.age_years_at_start + plan.facts.duration_days / 365.0,
            "method": "incidence x RR per SD (Marshall 1996) of the BMD difference from the first arm plus the baseline Z-scores; k2 effect beyond BMD off unless the scenario turns it on",
            "k2_effect_beyond_bmd": plan.facts.k2_effect_beyond_bmd,
        },
        "notes": plan.notes,
        "solver": {"method": "BDF (diffsol)", "rtol": plan.sim.rtol, "atol": plan.sim.atol},
        "model": "Peterson-Riggs core + k2bone vitamin K/D extension (docs/model/vitamin-k.md)",
        "disclaimer": DISCLAIMER,
    })
}

/// The key numbers table printed after a run.
pub const TABLE_KEYS: [(&str, &str); 6] = [
    ("bmd_lumbar_pct_change", "LS BMD %"),
    ("bmd_femoral_neck_pct_change", "FN BMD %"),
    ("ucoc_pct_change", "ucOC %"),
    ("dp_ucmgp_pct_change", "dp-ucMGP %"),
    ("calcification_index_pct_change", "calcif. %"),
    ("hip_fracture_risk_10y_pct", "hip 10y %"),
];

/// Prints the end-of-study table, one row per arm.
pub fn print_table(result: &StudyRun) {
    let mut head = format!("{:<20}", "arm");
    for (_, label) in TABLE_KEYS {
        head.push_str(&format!(" {label:>10}"));
    }
    anstream::println!("{}", crate::style::header(&head));
    for s in &result.summaries {
        let mut line = format!("{:<20}", s.name);
        for (key, _) in TABLE_KEYS {
            line.push_str(&format!(" {:>10.2}", s.get(key).unwrap_or(f64::NAN)));
        }
        println!("{line}");
    }
}

/// Writes `timeseries.csv` (one block of rows per arm) and returns its path.
pub fn write_csv(runs: &[ArmRun], out: &Path) -> anyhow::Result<PathBuf> {
    let path = out.join("timeseries.csv");
    let file =
        std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let mut header = vec!["arm".to_string(), "time_days".to_string()];
    header.extend(runs[0].trajectory.columns.iter().map(|c| c.name.clone()));
    w.write_record(&header)?;
    for run in runs {
        let tr = &run.trajectory;
        for (i, t) in tr.times_h.iter().enumerate() {
            let mut row = vec![run.name.clone(), format!("{}", t / 24.0)];
            row.extend(tr.columns.iter().map(|c| format!("{:.9e}", c.values[i])));
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(path)
}
