//! Fitting the vitamin K extension to its calibration targets (`data/calibration/*.toml`), group
//! by group, and writing the fitted parameter file and a Markdown report.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use k2bone_calibration::{evaluate, fit_group, Evaluation, MIN_IMPROVEMENT};
use k2bone_physiology::{CalciumBoneModel, KParamFile};

use crate::error::{create_dir, read_input, write_output};
use crate::validate::target_files;
use crate::{AppResult, Cancel, Progress};

/// What to fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalibrateRequest {
    /// Target files (TOML: `[[target]]` and `[[fit]]` tables).
    pub targets: Vec<PathBuf>,
    /// Starting extension parameters (default: the shipped data/model/vitamin-k-params.toml).
    pub params: Option<PathBuf>,
    /// Output directory for vitamin-k-params.toml and calibration-report.md.
    pub out: PathBuf,
    /// Only evaluate the targets with the starting parameters; fit nothing.
    pub check_only: bool,
}

/// The outcome of a calibration.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Calibration {
    pub groups: Vec<GroupFit>,
    pub targets: Vec<TargetCheck>,
    /// The parameter file and the report written.
    pub written: Vec<PathBuf>,
}

/// One fitted group.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GroupFit {
    pub group: String,
    pub cost_before: f64,
    pub cost_after: f64,
    pub iterations: u64,
    /// The start was kept: the fit improved the cost by less than the minimum gain.
    pub kept_start: bool,
    /// (parameter, start, fitted).
    pub parameters: Vec<(String, f64, f64)>,
}

/// One target with the final parameters.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TargetCheck {
    pub name: String,
    pub published: f64,
    pub simulated: f64,
    pub tolerance: f64,
    pub scaled_residual: f64,
    pub within_tolerance: bool,
}

impl From<Evaluation> for TargetCheck {
    fn from(e: Evaluation) -> TargetCheck {
        TargetCheck {
            within_tolerance: e.within_tolerance(),
            name: e.name,
            published: e.target,
            simulated: e.simulated,
            tolerance: e.tolerance,
            scaled_residual: e.scaled_residual,
        }
    }
}

impl Calibration {
    /// The targets as a Markdown table (also the end of the report).
    pub fn targets_table(&self) -> String {
        let mut s = String::from("| target | published | simulated | tolerance | residual/tol | within |\n|---|---|---|---|---|---|\n");
        for e in &self.targets {
            s.push_str(&format!(
                "| {} | {:.3} | {:.3} | {:.3} | {:+.2} | {} |\n",
                e.name,
                e.published,
                e.simulated,
                e.tolerance,
                e.scaled_residual,
                if e.within_tolerance { "yes" } else { "NO" }
            ));
        }
        s
    }

    fn report(&self) -> String {
        let mut report = String::from("# k2bone calibration report\n\n");
        for r in &self.groups {
            report.push_str(&format!(
                "## {}\n\ncost {:.4} → {:.4} after {} iterations{}\n\n| parameter | start | fitted |\n|---|---|---|\n",
                r.group,
                r.cost_before,
                r.cost_after,
                r.iterations,
                if r.kept_start {
                    format!(" (start kept: the fit improved the cost by less than {MIN_IMPROVEMENT})")
                } else {
                    String::new()
                }
            ));
            for (name, before, after) in &r.parameters {
                report.push_str(&format!("| `{name}` | {before:.6} | {after:.6} |\n"));
            }
            report.push('\n');
        }
        report.push_str("## Targets\n\n");
        report.push_str(&self.targets_table());
        report
    }
}

/// Fits every group in turn (each starting from the previous group's result), evaluates every
/// target with the result, and writes the parameter file and the report.
pub fn calibrate(
    req: &CalibrateRequest,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<Calibration> {
    let file = match &req.params {
        Some(p) => KParamFile::from_toml_str(&read_input(p)?, &p.display().to_string())?,
        None => KParamFile::shipped(),
    };
    let all = target_files(&req.targets, None)?;
    let core = CalciumBoneModel::default();
    let mut k = file.params.clone();
    let mut groups = Vec::new();
    if !req.check_only {
        for (i, group) in all.groups.iter().enumerate() {
            cancel.check()?;
            let targets: Vec<_> = group.targets.iter().filter_map(|n| all.target(n)).collect();
            progress.update(
                &format!(
                    "fitting {} ({} parameters, {} targets)",
                    group.name,
                    group.parameters.len(),
                    targets.len()
                ),
                i as f64 / all.groups.len() as f64,
            );
            let (fitted, r) = fit_group(&core, &k, group, &targets)?;
            groups.push(GroupFit {
                group: r.group,
                cost_before: r.cost_before,
                cost_after: r.cost_after,
                iterations: r.iterations,
                kept_start: r.kept_start,
                parameters: r.parameters,
            });
            k = fitted;
        }
    }
    let targets = all
        .targets
        .iter()
        .map(|t| evaluate(&core, &k, t).map(TargetCheck::from))
        .collect::<Result<_, _>>()?;
    let mut result = Calibration {
        groups,
        targets,
        written: Vec::new(),
    };
    create_dir(&req.out)?;
    let params_path = req.out.join("vitamin-k-params.toml");
    write_output(&params_path, file.to_toml_string(&k))?;
    let report_path = req.out.join("calibration-report.md");
    write_output(&report_path, result.report())?;
    result.written = vec![params_path, report_path];
    Ok(result)
}
