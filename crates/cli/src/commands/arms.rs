//! `k2bone simulate --builtin <study>` for the multi-arm studies of the full model: runs the
//! arms side by side and writes `timeseries.csv` (one block per arm), `summary.json` (the
//! `arms[].name` / `arms[].end` shape) and a time-course figure with one line per arm.

use std::path::Path;

use anyhow::Context;
use serde_json::{json, Map, Value};

use k2bone_physiology::fracture::{fracture_risk, Sex};
use k2bone_report::curves::{CurvesFigure, Panel, Series};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_sim::studies::Study;
use k2bone_sim::{grid, run_arms, ArmRun, Simulator};

/// Runs `study` and writes its outputs to `out`.
pub fn run_study(
    study: &Study,
    out: &Path,
    every_h: Option<f64>,
    plots: bool,
    quiet: bool,
) -> anyhow::Result<()> {
    let model = study.model()?;
    let specs = study.arm_specs(&model).map_err(anyhow::Error::msg)?;
    let every = every_h.unwrap_or(24.0 * 7.0);
    let times = grid(study.duration_h(), every);
    let sim = Simulator {
        rtol: 1e-8,
        atol: 1e-10,
        ..Simulator::default()
    };
    let started = std::time::Instant::now();
    let runs = run_arms(&sim, &model, study.burn_in_h(), &specs, &times)
        .with_context(|| format!("simulating `{}`", study.name))?;
    let elapsed = started.elapsed();

    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let csv_path = out.join("timeseries.csv");
    write_csv(&runs, &csv_path)?;
    let summary = summary(study, &runs, every, elapsed.as_secs_f64());
    let json_path = out.join("summary.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&summary)? + "\n")?;
    let mut written = vec![
        csv_path.display().to_string(),
        json_path.display().to_string(),
    ];
    if plots {
        let fig = figure(study, &runs);
        for ext in ["svg", "png"] {
            let path = out.join(format!("timecourse.{ext}"));
            k2bone_report::curves::curves(&fig, &path)
                .with_context(|| format!("cannot draw {}", path.display()))?;
            written.push(path.display().to_string());
        }
    }
    if !quiet {
        println!(
            "simulated `{}`: {} arms × {:.0} days in {:.2} s\n{}",
            study.name,
            runs.len(),
            study.duration_h() / 24.0,
            elapsed.as_secs_f64(),
            study.description
        );
        println!(
            "\n{:<16} {:>9} {:>9} {:>8} {:>10} {:>9} {:>9}",
            "arm", "LS BMD %", "FN BMD %", "ucOC %", "dp-ucMGP %", "calcif. %", "hip 10y %"
        );
        for arm in summary["arms"].as_array().expect("arms") {
            let e = &arm["end"];
            let f = |k: &str| e[k].as_f64().unwrap_or(f64::NAN);
            println!(
                "{:<16} {:>9.2} {:>9.2} {:>8.1} {:>10.1} {:>9.1} {:>9.2}",
                arm["name"].as_str().unwrap_or(""),
                f("bmd_lumbar_pct_change"),
                f("bmd_femoral_neck_pct_change"),
                f("ucoc_pct_change"),
                f("dp_ucmgp_pct_change"),
                f("calcification_index_pct_change"),
                f("hip_fracture_risk_10y_pct"),
            );
        }
        println!("wrote {}", written.join(", "));
        println!("\n{DISCLAIMER}");
    }
    Ok(())
}

fn last(run: &ArmRun, name: &str) -> f64 {
    let c = run.trajectory.column(name).expect("known column");
    c[c.len() - 1]
}

fn first(run: &ArmRun, name: &str) -> f64 {
    run.trajectory.column(name).expect("known column")[0]
}

/// % change from the arm's start of a state or positive quantity.
fn change(run: &ArmRun, name: &str) -> f64 {
    (last(run, name) / first(run, name) - 1.0) * 100.0
}

/// % change from the arm's start of an output already expressed as % change from the model
/// baseline.
fn rebased(run: &ArmRun, name: &str) -> f64 {
    ((1.0 + last(run, name) / 100.0) / (1.0 + first(run, name) / 100.0) - 1.0) * 100.0
}

fn summary(study: &Study, runs: &[ArmRun], every_h: f64, seconds: f64) -> Value {
    let end_age = study.age_years + study.duration_years;
    // Fracture risk is for a woman of the end age whose BMD differs from the untreated
    // (first) arm's by this arm's difference: the first arm stands for the population average.
    let reference = &runs[0];
    let arms: Vec<Value> = runs
        .iter()
        .map(|run| {
            let ls = change(run, "BMDls");
            let fnk = change(run, "BMDfn");
            let dls = ls - change(reference, "BMDls");
            let dfn = fnk - change(reference, "BMDfn");
            let risk = fracture_risk(Sex::Female, end_age, dls, dfn, false);
            let mut end = Map::new();
            let mut put = |k: &str, v: f64| {
                end.insert(k.to_string(), json!(v));
            };
            put("bmd_lumbar_pct_change", ls);
            put("bmd_femoral_neck_pct_change", fnk);
            put("ucoc_pct_change", rebased(run, "ucOC_pct_change"));
            put(
                "ucoc_coc_ratio_pct_change",
                rebased(run, "ucOC_cOC_pct_change"),
            );
            put("total_oc_pct_change", rebased(run, "OC_total_pct_change"));
            put("dp_ucmgp_pct_change", rebased(run, "dp_ucMGP_pct_change"));
            put("calcification_index_pct_change", change(run, "CI"));
            put("serum_mk7_ng_ml", last(run, "MK7_ng_mL"));
            put("serum_mk4_ng_ml", last(run, "MK4_ng_mL"));
            put("serum_k1_ng_ml", last(run, "K1_ng_mL"));
            put("serum_25ohd_nmol_l", last(run, "D25"));
            put("serum_calcium_mM", last(run, "CaC"));
            put("pth_pM", last(run, "PTHpm"));
            put("calcitriol_pM", last(run, "calcitriol_pM"));
            put(
                "hepatic_carboxylation_pct",
                last(run, "hepatic_carboxylation_pct"),
            );
            put("hip_fracture_risk_1y_pct", risk.hip_1y_pct);
            put("hip_fracture_risk_5y_pct", risk.hip_5y_pct);
            put("hip_fracture_risk_10y_pct", risk.hip_10y_pct);
            put("vertebral_fracture_risk_10y_pct", risk.vertebral_10y_pct);
            put("any_fracture_risk_10y_pct", risk.any_10y_pct);
            json!({
                "name": run.name,
                "end": end,
                "solver": {
                    "steps": run.trajectory.stats.steps,
                    "jacobian_factorizations": run.trajectory.stats.jacobian_factorizations,
                },
            })
        })
        .collect();
    json!({
        "scenario": study.name,
        "description": study.description,
        "person": { "sex": "female", "age_years_at_start": study.age_years, "postmenopausal": true },
        "duration_days": study.duration_h() / 24.0,
        "output_every_hours": every_h,
        "arms": arms,
        "units": {
            "*_pct_change": "% change from the start of the arm",
            "*_risk_*_pct": "absolute risk in %, at the end age, BMD relative to the first arm",
            "serum_*_ng_ml": "ng/mL", "serum_25ohd_nmol_l": "nmol/L", "serum_calcium_mM": "mM",
            "pth_pM": "pM", "calcitriol_pM": "pM",
        },
        "fracture_risk": {
            "age_years": end_age,
            "method": "incidence x RR per SD (Marshall 1996) of the BMD difference from the first arm; k2 effect beyond BMD off",
        },
        "runtime_seconds": seconds,
        "model": "Peterson-Riggs core + k2bone vitamin K/D extension (docs/model/vitamin-k.md)",
        "disclaimer": DISCLAIMER,
    })
}

fn write_csv(runs: &[ArmRun], path: &Path) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
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
    Ok(())
}

fn figure(study: &Study, runs: &[ArmRun]) -> CurvesFigure {
    let panel = |title: &str, f: &dyn Fn(&ArmRun) -> Vec<f64>| Panel {
        title: title.into(),
        series: runs
            .iter()
            .map(|r| Series {
                label: r.name.clone(),
                values: f(r),
            })
            .collect(),
    };
    let rel = |name: &'static str| {
        move |r: &ArmRun| {
            let c = r.trajectory.column(name).expect("known column");
            c.iter()
                .map(|v| (v / c[0] - 1.0) * 100.0)
                .collect::<Vec<_>>()
        }
    };
    let pct = |name: &'static str| {
        move |r: &ArmRun| {
            let c = r.trajectory.column(name).expect("known column");
            c.iter()
                .map(|v| ((1.0 + v / 100.0) / (1.0 + c[0] / 100.0) - 1.0) * 100.0)
                .collect::<Vec<_>>()
        }
    };
    let raw = |name: &'static str| {
        move |r: &ArmRun| r.trajectory.column(name).expect("known column").to_vec()
    };
    CurvesFigure {
        title: format!("k2bone simulate: {}", study.name),
        times_days: runs[0]
            .trajectory
            .times_h
            .iter()
            .map(|t| t / 24.0)
            .collect(),
        panels: vec![
            panel("Serum MK-7 (ng/mL)", &raw("MK7_ng_mL")),
            panel("ucOC/cOC (% change)", &pct("ucOC_cOC_pct_change")),
            panel("dp-ucMGP (% change)", &pct("dp_ucMGP_pct_change")),
            panel("Lumbar spine BMD (% change)", &rel("BMDls")),
            panel("Femoral neck BMD (% change)", &rel("BMDfn")),
            panel("Calcification index (% change)", &rel("CI")),
            panel("Serum 25(OH)D (nmol/L)", &raw("D25")),
            panel("Plasma PTH (pM)", &raw("PTHpm")),
        ],
        footer: DISCLAIMER.into(),
    }
}
