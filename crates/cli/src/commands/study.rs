//! Multi-arm runs of the full model (core + vitamin K/D extension), shared by `simulate`,
//! `compare` and `demo`: a [`StudyPlan`] (who, how long, which arms) is run with a progress
//! bar, summarised once (`k2bone_sim::summary`), and written as files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Map, Value};

use k2bone_calibration::related;
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_report::page::{write_report, EvidenceRow, KeyRow, ReportPage};
use k2bone_report::topics::write_study_plots;
use k2bone_scenario::{templates, Plan, Scenario};
use k2bone_sim::summary::{summarize, ArmSummary, END_KEYS};
use k2bone_sim::{run_arms_observed, ArmRun};

use crate::exit::bad_input;

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
    pub fn new(name: &str, scenario: Scenario) -> anyhow::Result<StudyPlan> {
        let foods = if scenario.needs_foods() {
            let mut store = k2bone_store::Store::open_default()
                .context("opening the k2bone database for the diet logs")?;
            Some(k2bone_diet::FoodDb::open(&mut store).context("loading the food table")?)
        } else {
            None
        };
        let plan = scenario.build(foods.as_ref()).map_err(bad_input)?;
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

    pub fn question(&self) -> Option<&str> {
        self.scenario.question.as_deref()
    }

    pub fn duration_days(&self) -> f64 {
        self.scenario.simulation.duration_days
    }

    pub fn every_h(&self) -> f64 {
        self.scenario.simulation.output_every_h
    }
}

/// A scenario from a file, or a built-in one (a template name).
pub fn load(file: Option<&Path>, builtin: Option<&str>) -> anyhow::Result<StudyPlan> {
    match (file, builtin) {
        (Some(path), _) => {
            let s = Scenario::from_file(path).map_err(bad_input)?;
            let name = s.name();
            StudyPlan::new(&name, s)
        }
        (None, Some(name)) => {
            let t = templates::template(name).ok_or_else(|| {
                bad_input(format!(
                    "unknown built-in scenario `{name}` (accepted: {})",
                    templates::names().join(", ")
                ))
            })?;
            let s = Scenario::from_str(t.toml, &format!("<builtin {name}>")).map_err(bad_input)?;
            StudyPlan::new(name, s)
        }
        (None, None) => Err(bad_input("give a scenario file or --builtin NAME")),
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
        ProgressStyle::with_template(
            "{spinner} simulating {msg} [{bar:30}] {percent:>3}% {elapsed}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let p = &plan.plan;
    bar.set_message(format!("{} arms", p.arms.len()));
    let fractions: Vec<AtomicU64> = p.arms.iter().map(|_| AtomicU64::new(0)).collect();
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
    let runs = run_arms_observed(&p.sim, &p.model, p.burn_in_h, &p.arms, &p.grid_h, &progress)
        .with_context(|| format!("simulating `{}`", plan.name))?;
    bar.finish_and_clear();
    let summaries = summarize(&p.facts, &runs).map_err(anyhow::Error::msg)?;
    Ok(StudyRun {
        runs,
        summaries,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `summary.json`: the `arms[].name` / `arms[].end` shape, with units per key.
pub fn summary_json(plan: &StudyPlan, result: &StudyRun) -> Value {
    let p = &plan.plan;
    let arms: Vec<Value> = result
        .summaries
        .iter()
        .zip(&p.regimens)
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
    let person: Map<String, Value> = p
        .person
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    json!({
        "scenario": plan.name,
        "title": plan.title(),
        "question": plan.question(),
        "person": person,
        "duration_days": plan.duration_days(),
        "output_every_hours": plan.every_h(),
        "arms": arms,
        "units": units,
        "fracture_risk": {
            "age_years": p.facts.age_years_at_start + p.facts.duration_days / 365.0,
            "method": "incidence x RR per SD (Marshall 1996) of the BMD difference from the first arm plus the baseline Z-scores; k2 effect beyond BMD off unless the scenario turns it on",
            "k2_effect_beyond_bmd": p.facts.k2_effect_beyond_bmd,
        },
        "notes": p.notes,
        "solver": {"method": "BDF (diffsol)", "rtol": p.sim.rtol, "atol": p.sim.atol},
        "model": "Peterson-Riggs core + k2bone vitamin K/D extension (docs/model/vitamin-k.md)",
        "disclaimer": DISCLAIMER,
    })
}

/// The key numbers table printed after a run.
pub const TABLE_KEYS: [(&str, &str); 6] = [
    ("bmd_lumbar_pct_change", "LS BMD %"),
    ("bmd_femoral_neck_pct_change", "FN BMD %"),
    ("ucoc_coc_ratio_pct_change", "ucOC/cOC %"),
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

/// Options for the files a study run writes.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    pub plots: bool,
}

/// Writes every output of a run into `out` and returns the paths written.
pub fn write_outputs(
    plan: &StudyPlan,
    result: &StudyRun,
    out: &Path,
    opts: WriteOptions,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut written = vec![write_csv(&result.runs, out)?];
    let summary = summary_json(plan, result);
    let json_path = out.join("summary.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&summary)? + "\n")
        .with_context(|| format!("cannot write {}", json_path.display()))?;
    written.push(json_path);
    let resolved = out.join("scenario.toml");
    std::fs::write(&resolved, plan.scenario.to_resolved_toml())
        .with_context(|| format!("cannot write {}", resolved.display()))?;
    written.push(resolved);
    let parquet = out.join("timeseries.parquet");
    k2bone_report::columnar::write_timeseries_parquet(&result.runs, &parquet)?;
    written.push(parquet);
    if opts.plots {
        let plots = write_study_plots(&result.runs, &plan.plan.facts, out, plan.title())
            .with_context(|| format!("cannot draw the plots in {}", out.display()))?;
        for p in &plots {
            written.push(p.svg.clone());
            written.push(p.png.clone());
        }
        let files: Vec<String> = written
            .iter()
            .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
            .collect();
        let page = report_page(plan, result, files)?;
        let html = out.join("report.html");
        write_report(&page, &plots, &html)
            .with_context(|| format!("cannot write {}", html.display()))?;
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
pub fn report_page(
    plan: &StudyPlan,
    result: &StudyRun,
    files: Vec<String>,
) -> anyhow::Result<ReportPage> {
    let p = &plan.plan;
    let key_numbers = REPORT_KEYS
        .iter()
        .map(|(key, label)| KeyRow {
            label: label.to_string(),
            unit: k2bone_sim::summary::unit_of(key).unwrap_or("").to_string(),
            values: result
                .summaries
                .iter()
                .map(|s| s.get(key).unwrap_or(f64::NAN))
                .collect(),
        })
        .collect();
    Ok(ReportPage {
        title: plan.title().to_string(),
        question: plan.question().map(str::to_string),
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
fn evidence_rows(p: &Plan) -> anyhow::Result<Vec<EvidenceRow>> {
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
    Ok(results
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
        .collect())
}

/// Prints what was run, the end-of-study table, the files written and the disclaimer.
pub fn print_run(plan: &StudyPlan, result: &StudyRun, written: &[PathBuf]) {
    anstream::println!(
        "{}",
        crate::style::header(&format!(
            "{}: {} arms x {:.0} days in {:.2} s",
            plan.title(),
            result.runs.len(),
            plan.duration_days(),
            result.seconds
        ))
    );
    if let Some(q) = plan.question() {
        println!("{q}");
    }
    for (s, regimen) in result.summaries.iter().zip(&plan.plan.regimens) {
        println!("  {:<20} {}", s.name, regimen.join("; "));
    }
    println!();
    print_table(result);
    for n in &plan.plan.notes {
        anstream::println!("{}", crate::style::note(&format!("note: {n}")));
    }
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    anstream::println!("wrote {}", crate::style::path(&files.join(", ")));
    anstream::println!("\n{}", crate::style::note(DISCLAIMER));
}
