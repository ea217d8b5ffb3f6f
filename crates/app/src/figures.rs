//! The meta-analyses of a page (the web app's Evidence page): the same use cases as `k2bone
//! meta` and `k2bone evidence analyze`, with the data inline (no paths in the request) and the
//! forest and funnel plots returned as SVG text. The plots are drawn by `k2bone-report` into a
//! private folder that is removed before the answer is returned.

use serde::{Deserialize, Serialize};

use k2bone_evidence::{Measure, Test};

use crate::evidence::{analyze, AnalyzeRequest, EvidenceAnalysis, TrialDb};
use crate::meta::{meta_analysis, CsvInput, MetaAnalysis, MetaRequest, PoolingMethod};
use crate::{AppError, AppResult};

/// A meta-analysis of a CSV of studies (`k2bone meta`'s options).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetaViewRequest {
    /// CSV text, one study a row (the columns `k2bone meta` reads for the measure).
    pub csv: String,
    /// A name for the data in messages and plot titles.
    #[serde(default = "default_name")]
    pub name: String,
    pub measure: Measure,
    pub method: PoolingMethod,
    pub test: Test,
    /// Confidence level, % (0 < level < 100).
    #[serde(default = "default_level")]
    pub level: f64,
    /// Column with subgroup labels.
    #[serde(default)]
    pub by: Option<String>,
    /// Moderator columns for a meta-regression.
    #[serde(default)]
    pub mods: Vec<String>,
    #[serde(default)]
    pub leave_one_out: bool,
    #[serde(default)]
    pub cumulative: bool,
    #[serde(default)]
    pub egger: bool,
    #[serde(default)]
    pub trimfill: bool,
}

fn default_name() -> String {
    "studies".into()
}

fn default_level() -> f64 {
    95.0
}

/// A meta-analysis with its plots.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MetaView {
    pub analysis: MetaAnalysis,
    /// The forest plot, SVG.
    pub forest_svg: String,
    /// The funnel plot with trim-and-fill, SVG.
    pub funnel_svg: String,
}

/// One outcome pooled over the trial database (`k2bone evidence analyze`'s options).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeViewRequest {
    pub outcome: String,
    /// Time point, months (default: each study's latest).
    #[serde(default)]
    pub timepoint_months: Option<f64>,
    /// Default: MD for continuous outcomes, OR for fractures.
    #[serde(default)]
    pub measure: Option<Measure>,
    pub method: PoolingMethod,
    pub test: Test,
    /// Subgroups by a trial column.
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub exclude_integrity_concerns: bool,
    /// Keep trials with an active comparator (left out by default).
    #[serde(default)]
    pub include_active: bool,
}

/// A pooled outcome with its forest plot.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AnalyzeView {
    pub analysis: EvidenceAnalysis,
    pub forest_svg: String,
}

fn plot_folder() -> AppResult<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("k2bone-plots-")
        .tempdir()
        .map_err(|e| AppError::failed(format!("cannot create a folder for the plots: {e}")))
}

fn read_svg(path: &std::path::Path) -> AppResult<String> {
    std::fs::read_to_string(path)
        .map_err(|e| AppError::failed(format!("cannot read back the plot: {e}")))
}

/// Runs a meta-analysis and draws its forest and funnel plots.
pub fn meta_view(req: &MetaViewRequest) -> AppResult<MetaView> {
    let dir = plot_folder()?;
    let forest = dir.path().join("forest.svg");
    let funnel = dir.path().join("funnel.svg");
    let analysis = meta_analysis(&MetaRequest {
        data: CsvInput::Text {
            csv: req.csv.clone(),
            name: req.name.clone(),
        },
        measure: req.measure,
        method: req.method,
        test: req.test,
        level: req.level,
        by: req.by.clone(),
        mods: req.mods.clone(),
        leave_one_out: req.leave_one_out,
        cumulative: req.cumulative,
        egger: req.egger,
        trimfill: req.trimfill,
        forest: Some(forest.clone()),
        funnel: Some(funnel.clone()),
    })?;
    Ok(MetaView {
        analysis,
        forest_svg: read_svg(&forest)?,
        funnel_svg: read_svg(&funnel)?,
    })
}

/// Pools one outcome over the trial database and draws its forest plot.
pub fn analyze_view(db: &TrialDb, req: &AnalyzeViewRequest) -> AppResult<AnalyzeView> {
    let dir = plot_folder()?;
    let forest = dir.path().join("forest.svg");
    let analysis = analyze(
        db,
        &AnalyzeRequest {
            outcome: req.outcome.clone(),
            timepoint_months: req.timepoint_months,
            measure: req.measure,
            method: req.method,
            test: req.test,
            by: req.by.clone(),
            plot: Some(forest.clone()),
            exclude_integrity_concerns: req.exclude_integrity_concerns,
            include_active: req.include_active,
        },
    )?;
    Ok(AnalyzeView {
        analysis,
        forest_svg: read_svg(&forest)?,
    })
}
