//! `k2bone simulate --builtin <study>` for the multi-arm studies of the full model: runs the
//! arms side by side and writes `timeseries.csv` (one block per arm), `summary.json` (the
//! `arms[].name` / `arms[].end` shape) and a time-course figure with one line per arm.

use std::path::Path;

use anyhow::Context;

use k2bone_report::curves::{CurvesFigure, Panel, Series};
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_sim::studies::Study;
use k2bone_sim::ArmRun;

use super::study::StudyPlan;

/// Runs `study` and writes its outputs to `out`.
pub fn run_study(
    study: &Study,
    out: &Path,
    every_h: Option<f64>,
    plots: bool,
    quiet: bool,
) -> anyhow::Result<()> {
    let every = every_h.unwrap_or(24.0 * 7.0);
    let plan = StudyPlan::from_study(study, every)?;
    let result = super::study::run(&plan, quiet)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let csv_path = super::study::write_csv(&result.runs, out)?;
    let summary = super::study::summary_json(&plan, &result, every);
    let json_path = out.join("summary.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&summary)? + "\n")?;
    let mut written = vec![
        csv_path.display().to_string(),
        json_path.display().to_string(),
    ];
    if plots {
        let fig = figure(study, &result.runs);
        for ext in ["svg", "png"] {
            let path = out.join(format!("timecourse.{ext}"));
            k2bone_report::curves::curves(&fig, &path)
                .with_context(|| format!("cannot draw {}", path.display()))?;
            written.push(path.display().to_string());
        }
    }
    if !quiet {
        println!(
            "simulated `{}`: {} arms × {:.0} days in {:.2} s\n{}\n",
            study.name,
            result.runs.len(),
            study.duration_h() / 24.0,
            result.seconds,
            study.description
        );
        super::study::print_table(&result);
        println!("wrote {}", written.join(", "));
        println!("\n{DISCLAIMER}");
    }
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
