//! A multi-arm study for a page (the web app's Simulate page): the scenario comes as text or a
//! built-in name, never as a path, and the result is the `summary.json` document plus the
//! study's topic charts as data (the same panels as `report.html`'s figures, from
//! `k2bone_report::topics::study_figures`, sampled down to at most `max_points` per series), so
//! a browser can draw them. Diet logs come inline: each arm's `diet = "NAME.csv"` must name one
//! of the request's `diets`, which are written to a private folder for the run and removed.
//!
//! Server limits ([`StudyLimits`]) are not part of the request: the server sets them, the
//! request cannot raise them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use k2bone_report::topics::{study_figures, Figure};
use k2bone_results::StudySummary;
use k2bone_scenario::Scenario;

use crate::error::Context;
use crate::study::{self, StudyPlan};
use crate::{builtins, AppError, AppResult, Cancel, Progress};

/// Where a page's scenario comes from (no file paths).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InlineScenario {
    /// A built-in full-model scenario (see `GET /api/builtins`).
    Builtin(String),
    /// Scenario TOML (schema 1, as `k2bone simulate FILE` reads).
    Toml(String),
}

/// A study to run for a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StudyViewRequest {
    pub scenario: InlineScenario,
    /// Diet logs by file name (`week.csv` → CSV text `day,food,grams|portions[,meal]`), for
    /// arms whose `diet = "week.csv"`.
    #[serde(default)]
    pub diets: BTreeMap<String, String>,
    /// Most points per chart series (default 400; accepted 2 to 5000).
    #[serde(default)]
    pub max_points: Option<usize>,
}

/// What a server allows one run to ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudyLimits {
    pub max_duration_days: f64,
    pub max_arms: usize,
    /// Most output rows per arm (duration / output interval).
    pub max_output_rows: usize,
}

impl Default for StudyLimits {
    fn default() -> StudyLimits {
        StudyLimits {
            max_duration_days: 10.0 * 365.0,
            max_arms: 8,
            max_output_rows: 50_000,
        }
    }
}

/// A finished study for a page.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StudyView {
    /// The `summary.json` document of the run.
    pub summary: StudySummary,
    /// The topic charts (serum vitamin K, carboxylation, calcium, BMD, calcification, fracture
    /// risk), one line per arm.
    pub charts: Vec<Chart>,
    /// The scenario with every default filled in (what ran).
    pub resolved_toml: String,
    pub seconds: f64,
}

/// One topic: panels over a common time axis, and for fracture risk the end-of-study bars.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Chart {
    /// Short id, e.g. `bmd`.
    pub topic: String,
    pub title: String,
    /// Time from the start of treatment, days.
    pub times_days: Vec<f64>,
    pub panels: Vec<ChartPanel>,
    pub bars: Option<ChartBars>,
}

/// One panel: its title carries the unit, e.g. "Lumbar spine BMD (% change)".
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ChartPanel {
    pub title: String,
    pub series: Vec<ChartSeries>,
}

/// One arm's line; `lower`/`upper` are the model's 95 % band where the model has one.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ChartSeries {
    pub label: String,
    pub values: Vec<f64>,
    pub lower: Option<Vec<f64>>,
    pub upper: Option<Vec<f64>>,
}

/// Grouped bars (arms within groups).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ChartBars {
    pub title: String,
    pub arms: Vec<String>,
    pub groups: Vec<ChartBarGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ChartBarGroup {
    pub label: String,
    pub values: Vec<f64>,
}

/// Loads the request's scenario (checking it against `limits`), runs it and returns the page's
/// result. Nothing is written but the diet logs, in a private folder removed afterwards.
pub fn study_view(
    req: &StudyViewRequest,
    limits: &StudyLimits,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> AppResult<StudyView> {
    let max_points = req.max_points.unwrap_or(400);
    if !(2..=5000).contains(&max_points) {
        return Err(AppError::bad_input(format!(
            "max_points = {max_points} is out of range (accepted: 2 to 5000)"
        )));
    }
    let folder = DietFolder::new(&req.diets)?;
    let (name, scenario) = match &req.scenario {
        InlineScenario::Builtin(name) => {
            let t = builtins::scenario(name)?;
            let s = Scenario::from_str(t.toml, &format!("<builtin {name}>"))?;
            (name.clone(), s)
        }
        InlineScenario::Toml(text) => {
            let s = Scenario::from_str_in(text, "scenario", folder.path())
                .map_err(|e| folder.unmask(e.into()))?;
            (s.title.clone().unwrap_or_else(|| "scenario".into()), s)
        }
    };
    check_limits(&scenario, limits)?;
    folder.check_arms(&scenario)?;
    let plan = StudyPlan::new(&name, scenario).map_err(|e| folder.unmask(e))?;
    let result = study::run(&plan, progress, cancel)?;
    let figures = study_figures(&result.runs, &result.bone, &result.summaries, plan.title())
        .context("charting the run")?;
    Ok(StudyView {
        summary: study::summary(&plan, &result),
        charts: figures
            .into_iter()
            .map(|(topic, f)| chart(topic, &f, max_points))
            .collect(),
        resolved_toml: plan.scenario.to_resolved_toml(),
        seconds: result.seconds,
    })
}

fn check_limits(s: &Scenario, limits: &StudyLimits) -> AppResult<()> {
    let d = s.simulation.duration_days;
    if d > limits.max_duration_days {
        return Err(AppError::bad_input(format!(
            "simulation.duration_days = {d} is out of range for this server (accepted: up to {} days)",
            limits.max_duration_days
        )));
    }
    if s.arms.len() > limits.max_arms {
        return Err(AppError::bad_input(format!(
            "arms: {} arms is more than this server runs at once (accepted: up to {})",
            s.arms.len(),
            limits.max_arms
        )));
    }
    let rows = d * 24.0 / s.simulation.output_every_h;
    if rows > limits.max_output_rows as f64 {
        return Err(AppError::bad_input(format!(
            "simulation.output_every_hours = {} gives {rows:.0} rows per arm (accepted: up to {}; \
             choose a longer interval)",
            s.simulation.output_every_h, limits.max_output_rows
        )));
    }
    Ok(())
}

/// The request's diet logs in a private folder for the run.
struct DietFolder {
    dir: tempfile::TempDir,
    names: Vec<String>,
}

impl DietFolder {
    fn new(diets: &BTreeMap<String, String>) -> AppResult<DietFolder> {
        let dir = tempfile::Builder::new()
            .prefix("k2bone-diets-")
            .tempdir()
            .map_err(|e| {
                AppError::failed(format!("cannot create a folder for the diet logs: {e}"))
            })?;
        for (name, csv) in diets {
            let plain = name.len() <= 64
                && name.ends_with(".csv")
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && !name.starts_with('.');
            if !plain {
                return Err(AppError::bad_input(format!(
                    "diets: `{name}` is not accepted as a diet log name (accepted: letters, digits, \
                     `-`, `_`, ending in `.csv`, at most 64 characters)"
                )));
            }
            crate::error::write_output(&dir.path().join(name), csv)?;
        }
        Ok(DietFolder {
            dir,
            names: diets.keys().cloned().collect(),
        })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Every arm's diet must be one of the request's logs.
    fn check_arms(&self, s: &Scenario) -> AppResult<()> {
        for arm in &s.arms {
            let Some(path) = &arm.diet else { continue };
            let known = path.parent() == Some(self.path())
                && path
                    .file_name()
                    .is_some_and(|f| self.names.iter().any(|n| f == n.as_str()));
            if !known {
                let asked = path
                    .strip_prefix(self.path())
                    .unwrap_or(path)
                    .display()
                    .to_string();
                return Err(AppError::bad_input(format!(
                    "arms.{}.diet = `{asked}` is not one of the request's diet logs (accepted: {})",
                    arm.name,
                    if self.names.is_empty() {
                        "none were sent".to_string()
                    } else {
                        self.names.join(", ")
                    }
                )));
            }
        }
        Ok(())
    }

    /// The message without the private folder's path.
    fn unmask(&self, e: AppError) -> AppError {
        let prefix = format!("{}/", self.path().display());
        AppError {
            kind: e.kind,
            message: e.message.replace(&prefix, ""),
        }
    }
}

/// Indices of at most `max` points, evenly spread, always keeping the first and the last.
fn sample(n: usize, max: usize) -> Vec<usize> {
    if n <= max {
        return (0..n).collect();
    }
    let mut idx: Vec<usize> = (0..max)
        .map(|i| ((i as f64) * (n - 1) as f64 / (max - 1) as f64).round() as usize)
        .collect();
    idx.dedup();
    idx
}

fn pick(values: &[f64], idx: &[usize]) -> Vec<f64> {
    idx.iter().filter_map(|&i| values.get(i).copied()).collect()
}

fn panels(panels: &[k2bone_report::curves::Panel], idx: &[usize]) -> Vec<ChartPanel> {
    panels
        .iter()
        .map(|p| ChartPanel {
            title: p.title.clone(),
            series: p
                .series
                .iter()
                .map(|s| ChartSeries {
                    label: s.label.clone(),
                    values: pick(&s.values, idx),
                    lower: s.band.as_ref().map(|(lo, _)| pick(lo, idx)),
                    upper: s.band.as_ref().map(|(_, hi)| pick(hi, idx)),
                })
                .collect(),
        })
        .collect()
}

fn chart(topic: &str, f: &Figure, max_points: usize) -> Chart {
    let strip = |t: &str| t.split_once(": ").map_or(t, |(_, b)| b).to_string();
    match f {
        Figure::Curves(c) => {
            let idx = sample(c.times_days.len(), max_points);
            Chart {
                topic: topic.into(),
                title: strip(&c.title),
                times_days: pick(&c.times_days, &idx),
                panels: panels(&c.panels, &idx),
                bars: None,
            }
        }
        Figure::Risk(r) => {
            let idx = sample(r.times_days.len(), max_points);
            Chart {
                topic: topic.into(),
                title: strip(&r.title),
                times_days: pick(&r.times_days, &idx),
                panels: panels(&r.panels, &idx),
                bars: Some(ChartBars {
                    title: r.bars.title.clone(),
                    arms: r.bars.arms.clone(),
                    groups: r
                        .bars
                        .groups
                        .iter()
                        .map(|g| ChartBarGroup {
                            label: g.label.clone(),
                            values: g.values.clone(),
                        })
                        .collect(),
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_keeps_ends_and_bounds_count() {
        assert_eq!(sample(5, 10), vec![0, 1, 2, 3, 4]);
        let s = sample(1001, 11);
        assert_eq!(s.len(), 11);
        assert_eq!(s[0], 0);
        assert_eq!(*s.last().unwrap(), 1000);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn diet_names_with_paths_are_refused() {
        for bad in ["../x.csv", "/etc/passwd", "a/b.csv", ".hidden.csv", "x.txt"] {
            let mut d = BTreeMap::new();
            d.insert(bad.to_string(), "day,food,grams\n".to_string());
            let e = DietFolder::new(&d).err().expect(bad);
            assert!(
                e.is_bad_input() && e.message.contains("diets:"),
                "{bad}: {e}"
            );
        }
    }
}
