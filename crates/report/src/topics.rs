//! The plots of a multi-arm study, one figure per topic (serum vitamin K, carboxylation,
//! calcium and its hormones, BMD by site, vascular calcification, fracture risk), each written as
//! SVG and PNG with one line per arm in the same color everywhere.

use std::path::{Path, PathBuf};

use k2bone_physiology::fracture::FractureRisk;
use k2bone_results::{
    fracture_risk_over_time, pct_change, rebased_pct_change, ArmBone, ArmSummary, Band,
};
use k2bone_sim::ArmRun;

use crate::curves::{curves, CurvesFigure, Panel, Series};
use crate::disclaimer::DISCLAIMER;
use crate::forest::PlotError;
use crate::risk_chart::{risk_figure, BarGroup, BarPanel, RiskFigure};

/// A topic figure before it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// Time courses, one panel per quantity.
    Curves(CurvesFigure),
    /// End-of-study bars beside time courses (fracture risk).
    Risk(RiskFigure),
}

impl Figure {
    pub fn title(&self) -> &str {
        match self {
            Figure::Curves(f) => &f.title,
            Figure::Risk(f) => &f.title,
        }
    }

    /// Writes the figure to `path` (`.svg` or `.png`).
    pub fn write(&self, path: &Path) -> Result<(), PlotError> {
        match self {
            Figure::Curves(f) => curves(f, path),
            Figure::Risk(f) => risk_figure(f, path),
        }
    }
}

/// One written figure.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicPlot {
    /// File stem and anchor, e.g. `bmd`.
    pub topic: &'static str,
    /// The topic in words, e.g. "BMD by site".
    pub title: String,
    pub svg: PathBuf,
    pub png: PathBuf,
}

fn column<'a>(run: &'a ArmRun, name: &str) -> Result<&'a [f64], PlotError> {
    run.trajectory
        .column(name)
        .ok_or_else(|| PlotError::Data(format!("arm `{}` has no column `{name}`", run.name)))
}

/// How a column is shown.
#[derive(Clone, Copy)]
enum Show {
    /// As it is.
    Raw,
    /// % change from the arm's start.
    Change,
    /// An output already in % change from the model baseline, rebased to the arm's start.
    Rebased,
}

fn series(run: &ArmRun, name: &str, show: Show) -> Result<Vec<f64>, PlotError> {
    let c = column(run, name)?;
    let c0 = c.first().copied().unwrap_or(0.0);
    Ok(match show {
        Show::Raw => c.to_vec(),
        Show::Change => c.iter().map(|v| pct_change(*v, c0)).collect(),
        Show::Rebased => c.iter().map(|v| rebased_pct_change(*v, c0)).collect(),
    })
}

fn panel(runs: &[ArmRun], title: &str, name: &str, show: Show) -> Result<Panel, PlotError> {
    Ok(Panel {
        title: title.into(),
        series: runs
            .iter()
            .map(|r| {
                Ok(Series {
                    label: r.name.clone(),
                    values: series(r, name, show)?,
                    band: None,
                })
            })
            .collect::<Result<_, PlotError>>()?,
    })
}

/// Panel of values computed per arm from its trajectory.
fn computed(
    runs: &[ArmRun],
    title: &str,
    f: &dyn Fn(&ArmRun) -> Result<Vec<f64>, PlotError>,
) -> Result<Panel, PlotError> {
    Ok(Panel {
        title: title.into(),
        series: runs
            .iter()
            .map(|r| {
                Ok(Series {
                    label: r.name.clone(),
                    values: f(r)?,
                    band: None,
                })
            })
            .collect::<Result<_, PlotError>>()?,
    })
}

/// A panel of each arm's BMD band (posterior mean with its 95 % interval).
fn band_panel(
    runs: &[ArmRun],
    title: &str,
    pick: fn(&ArmBone) -> &Band,
    bone: &[ArmBone],
) -> Panel {
    Panel {
        title: title.into(),
        series: runs
            .iter()
            .zip(bone)
            .map(|(r, b)| {
                let band = pick(b);
                Series {
                    label: r.name.clone(),
                    values: band.mean.clone(),
                    band: Some((band.lower.clone(), band.upper.clone())),
                }
            })
            .collect(),
    }
}

/// The topic figures of a study (not yet written). `bone` and `summaries` are the study's bone
/// response (sampled on the runs' output grid) and end-of-study values, from `k2bone-results`.
pub fn study_figures(
    runs: &[ArmRun],
    bone: &[ArmBone],
    summaries: &[ArmSummary],
    title: &str,
) -> Result<Vec<(&'static str, Figure)>, PlotError> {
    if bone.len() != runs.len() || summaries.len() != runs.len() {
        return Err(PlotError::Data(format!(
            "{} arms, but {} bone responses and {} summaries",
            runs.len(),
            bone.len(),
            summaries.len()
        )));
    }
    if let Some(b) = bone
        .iter()
        .find(|b| b.lumbar.mean.len() != runs[0].trajectory.times_h.len())
    {
        return Err(PlotError::Data(format!(
            "the bone response has {} points, the runs {}",
            b.lumbar.mean.len(),
            runs[0].trajectory.times_h.len()
        )));
    }
    let first = runs
        .first()
        .ok_or_else(|| PlotError::Data("no arms to plot".into()))?;
    let times_days: Vec<f64> = first.trajectory.times_h.iter().map(|t| t / 24.0).collect();
    if times_days.len() < 2 {
        return Err(PlotError::Data(format!(
            "arm `{}` has {} time points (a plot needs at least 2)",
            first.name,
            times_days.len()
        )));
    }
    for r in runs {
        if let Some(c) = r
            .trajectory
            .columns
            .iter()
            .find(|c| c.values.len() != r.trajectory.times_h.len())
        {
            return Err(PlotError::Data(format!(
                "arm `{}`, column `{}`: {} values for {} times",
                r.name,
                c.name,
                c.values.len(),
                r.trajectory.times_h.len()
            )));
        }
        if r.trajectory.times_h != first.trajectory.times_h {
            return Err(PlotError::Data(format!(
                "arm `{}` is sampled on a different grid from arm `{}`",
                r.name, first.name
            )));
        }
    }
    let fig = |topic_title: &str, panels: Vec<Panel>| {
        Figure::Curves(CurvesFigure {
            title: format!("{title}: {topic_title}"),
            times_days: times_days.to_vec(),
            panels,
            footer: DISCLAIMER.into(),
        })
    };
    // Fracture risk "if the study ended that day", computed by k2bone-results.
    let risks = fracture_risk_over_time(bone);
    let risk_panel = |title: &str, pick: fn(&FractureRisk) -> f64, hip_band: bool| Panel {
        title: title.into(),
        series: runs
            .iter()
            .zip(&risks)
            .zip(bone)
            .map(|((r, rs), b)| Series {
                label: r.name.clone(),
                values: rs.iter().map(pick).collect(),
                band: hip_band.then(|| {
                    (
                        b.hip_10y_interval_over_time
                            .iter()
                            .map(|i| i.lower)
                            .collect(),
                        b.hip_10y_interval_over_time
                            .iter()
                            .map(|i| i.upper)
                            .collect(),
                    )
                }),
            })
            .collect(),
    };
    // The bars are the end-of-study risks exactly as summary.json reports them.
    let group = |label: &str, pick: fn(&FractureRisk) -> f64| BarGroup {
        label: label.into(),
        values: summaries.iter().map(|a| pick(&a.fracture)).collect(),
    };
    let risk = RiskFigure {
        title: format!("{title}: fracture risk"),
        bars: BarPanel {
            title: "10-year fracture risk at the end (%)".into(),
            arms: runs.iter().map(|r| r.name.clone()).collect(),
            groups: vec![
                group("hip", |f| f.hip_10y_pct),
                group("clinical vertebral", |f| f.vertebral_10y_pct),
                group("any major", |f| f.any_10y_pct),
            ],
        },
        times_days: times_days.to_vec(),
        panels: vec![
            risk_panel(
                "Hip fracture, 10 years (%), if ended that day",
                |f| f.hip_10y_pct,
                true,
            ),
            risk_panel(
                "Clinical vertebral, 10 years (%), if ended that day",
                |f| f.vertebral_10y_pct,
                false,
            ),
            risk_panel(
                "Any major fracture, 10 years (%), if ended that day",
                |f| f.any_10y_pct,
                false,
            ),
        ],
        footer: DISCLAIMER.into(),
    };
    Ok(vec![
        (
            "vitamin-k",
            fig(
                "serum vitamin K",
                vec![
                    panel(runs, "Serum MK-7 (ng/mL)", "MK7_ng_mL", Show::Raw)?,
                    panel(runs, "Serum MK-4 (ng/mL)", "MK4_ng_mL", Show::Raw)?,
                    panel(runs, "Serum K1 (ng/mL)", "K1_ng_mL", Show::Raw)?,
                    panel(
                        runs,
                        "Hepatic carboxylation (%)",
                        "hepatic_carboxylation_pct",
                        Show::Raw,
                    )?,
                ],
            ),
        ),
        (
            "carboxylation",
            fig(
                "osteocalcin and MGP carboxylation",
                vec![
                    panel(
                        runs,
                        "ucOC/cOC ratio (% change)",
                        "ucOC_cOC_pct_change",
                        Show::Rebased,
                    )?,
                    panel(
                        runs,
                        "dp-ucMGP (% change)",
                        "dp_ucMGP_pct_change",
                        Show::Rebased,
                    )?,
                    panel(
                        runs,
                        "Uncarboxylated OC, ucOC (% change)",
                        "ucOC_pct_change",
                        Show::Rebased,
                    )?,
                    panel(
                        runs,
                        "Total osteocalcin (% change)",
                        "OC_total_pct_change",
                        Show::Rebased,
                    )?,
                ],
            ),
        ),
        (
            "calcium",
            fig(
                "calcium, PTH, calcitriol and vitamin D",
                vec![
                    panel(runs, "Serum calcium (mM)", "CaC", Show::Raw)?,
                    panel(runs, "Plasma PTH (pM)", "PTHpm", Show::Raw)?,
                    panel(runs, "Plasma calcitriol (pM)", "calcitriol_pM", Show::Raw)?,
                    panel(runs, "Serum 25(OH)D (nmol/L)", "D25", Show::Raw)?,
                ],
            ),
        ),
        (
            "bmd",
            fig(
                "BMD by site",
                vec![
                    band_panel(
                        runs,
                        "Lumbar spine BMD (% change, 95% interval)",
                        |b| &b.lumbar,
                        bone,
                    ),
                    band_panel(
                        runs,
                        "Femoral neck BMD (% change, 95% interval)",
                        |b| &b.femoral_neck,
                        bone,
                    ),
                ],
            ),
        ),
        (
            "calcification",
            fig(
                "vascular calcification",
                vec![
                    panel(runs, "Calcification index (% change)", "CI", Show::Change)?,
                    computed(runs, "Serum Ca x PO4 (mM^2)", &|r| {
                        let ca = column(r, "CaC")?;
                        let p = column(r, "PO4_mM")?;
                        Ok(ca.iter().zip(p).map(|(a, b)| a * b).collect())
                    })?,
                ],
            ),
        ),
        ("fracture-risk", Figure::Risk(risk)),
    ])
}

/// Writes every topic figure as `<topic>.svg` and `<topic>.png` in `dir`.
pub fn write_study_plots(
    runs: &[ArmRun],
    bone: &[ArmBone],
    summaries: &[ArmSummary],
    dir: &Path,
    title: &str,
) -> Result<Vec<TopicPlot>, PlotError> {
    let mut out = Vec::new();
    for (topic, fig) in study_figures(runs, bone, summaries, title)? {
        let short = fig
            .title()
            .strip_prefix(&format!("{title}: "))
            .unwrap_or(fig.title())
            .to_string();
        let svg = dir.join(format!("{topic}.svg"));
        let png = dir.join(format!("{topic}.png"));
        fig.write(&svg)?;
        fig.write(&png)?;
        out.push(TopicPlot {
            topic,
            title: short,
            svg,
            png,
        });
    }
    Ok(out)
}
