//! Forest plots (SVG or PNG by file extension) from plain data: one row per study (CI bar and a
//! square whose area is proportional to its weight), subgroup and overall diamonds, a
//! prediction-interval bar, study labels on the left and "estimate \[CI\]" and weight columns on
//! the right, a reference line, and an x axis on the back-transformed scale for ratio measures
//! (values stay on the log scale; tick labels show the ratio). Layout follows metafor's
//! `forest.rma` (Viechtbauer 2010) and Lewis & Clarke (2001) BMJ 322:1479.
//! Used by `k2bone meta --forest` and by evidence-database analyses.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::font::{ensure_registered, FAMILY};

/// Errors from plotting.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The output extension is not supported.
    #[error("{path}: unsupported plot format (use .svg or .png)")]
    Format {
        /// The path given.
        path: String,
    },
    /// Nothing to draw or non-finite data.
    #[error("cannot plot: {0}")]
    Data(String),
    /// The drawing backend failed (I/O, encoding).
    #[error("{path}: {message}")]
    Backend {
        /// The output path.
        path: String,
        /// The backend's message.
        message: String,
    },
}

/// What a forest-plot row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A study: CI bar and weighted square.
    Study,
    /// A subgroup summary: diamond.
    Subgroup,
    /// The overall summary: dark diamond.
    Overall,
    /// A heading (e.g. a subgroup name): text only.
    Heading,
}

/// One row of a forest plot; all values on the analysis scale (log for ratios).
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    /// Label in the left column.
    pub label: String,
    /// Point estimate.
    pub estimate: f64,
    /// Lower CI bound.
    pub ci_lower: f64,
    /// Upper CI bound.
    pub ci_upper: f64,
    /// Weight in percent (shown and used for square size).
    pub weight_pct: Option<f64>,
    /// Kind of row.
    pub kind: RowKind,
}

impl ForestRow {
    /// A study row.
    pub fn study(label: impl Into<String>, estimate: f64, ci: (f64, f64), weight_pct: f64) -> Self {
        ForestRow {
            label: label.into(),
            estimate,
            ci_lower: ci.0,
            ci_upper: ci.1,
            weight_pct: Some(weight_pct),
            kind: RowKind::Study,
        }
    }
    /// A summary (diamond) row.
    pub fn summary(label: impl Into<String>, estimate: f64, ci: (f64, f64), kind: RowKind) -> Self {
        ForestRow {
            label: label.into(),
            estimate,
            ci_lower: ci.0,
            ci_upper: ci.1,
            weight_pct: None,
            kind,
        }
    }
    /// A heading row.
    pub fn heading(label: impl Into<String>) -> Self {
        ForestRow {
            label: label.into(),
            estimate: f64::NAN,
            ci_lower: f64::NAN,
            ci_upper: f64::NAN,
            weight_pct: None,
            kind: RowKind::Heading,
        }
    }
}

/// A forest plot.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestPlot {
    /// Title at the top.
    pub title: String,
    /// Rows from top to bottom.
    pub rows: Vec<ForestRow>,
    /// Prediction interval of the overall estimate, drawn as its own row.
    pub prediction: Option<(f64, f64)>,
    /// True for ratio measures analysed on the log scale (axis and numbers shown as ratios).
    pub log_scale: bool,
    /// Reference line on the analysis scale (0: no effect for both differences and log ratios).
    pub reference: f64,
    /// Axis label (e.g. "Odds ratio (log scale)").
    pub x_label: String,
    /// Footer lines (model, heterogeneity).
    pub footer: Vec<String>,
}

const W: u32 = 1100;
const ROW_H: i32 = 24;
const TOP: i32 = 84;
const LABEL_X: i32 = 16;
const PLOT_X0: i32 = 360;
const PLOT_X1: i32 = 760;
const EST_X: i32 = 950;
const WEIGHT_X: i32 = 1080;

/// Writes the plot to `path` (`.svg` or `.png`).
pub fn forest(plot: &ForestPlot, path: &Path) -> Result<(), PlotError> {
    let n_rows = plot.rows.len() + usize::from(plot.prediction.is_some());
    if plot.rows.is_empty() {
        return Err(PlotError::Data(
            "a forest plot needs at least one row".into(),
        ));
    }
    let h = (TOP + ROW_H * n_rows as i32 + 90 + 20 * plot.footer.len() as i32) as u32;
    render(path, (W, h), plot)
}

/// Something that draws itself on any plotters backend.
pub(crate) trait Drawable {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String>;
}

impl Drawable for ForestPlot {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw(root, self)
    }
}

/// Renders with the backend chosen by the file extension.
pub(crate) fn render<D: Drawable>(path: &Path, size: (u32, u32), d: &D) -> Result<(), PlotError> {
    ensure_registered();
    let p = path.display().to_string();
    let backend_err = |message: String| PlotError::Backend {
        path: p.clone(),
        message,
    };
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => {
            let root = SVGBackend::new(path, size).into_drawing_area();
            root.fill(&WHITE).map_err(|e| backend_err(e.to_string()))?;
            d.draw_on(&root).map_err(backend_err)?;
            root.present().map_err(|e| backend_err(e.to_string()))
        }
        Some("png") => {
            let root = BitMapBackend::new(path, size).into_drawing_area();
            root.fill(&WHITE).map_err(|e| backend_err(e.to_string()))?;
            d.draw_on(&root).map_err(backend_err)?;
            root.present().map_err(|e| backend_err(e.to_string()))
        }
        _ => Err(PlotError::Format { path: p }),
    }
}

pub(crate) fn text_style(size: f64, color: RGBColor, h: HPos) -> TextStyle<'static> {
    TextStyle {
        font: (FAMILY, size).into_font(),
        color: color.to_backend_color(),
        pos: Pos::new(h, VPos::Center),
    }
}

/// "1.23" style numbers, back-transformed for ratios.
pub(crate) fn fmt_value(v: f64, log_scale: bool) -> String {
    let x = if log_scale { v.exp() } else { v };
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// Axis ticks on the analysis scale and their labels.
pub(crate) fn ticks(lo: f64, hi: f64, log_scale: bool) -> Vec<(f64, String)> {
    if log_scale {
        let cands = [
            0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
        ];
        let mut t: Vec<f64> = cands
            .iter()
            .copied()
            .filter(|r: &f64| r.ln() >= lo && r.ln() <= hi)
            .collect();
        if t.len() > 8 {
            t.retain(|r| [0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 100.0].contains(r));
        }
        return t.into_iter().map(|r| (r.ln(), format!("{r}"))).collect();
    }
    let raw = (hi - lo) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut v = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while v <= hi + 1e-12 * step {
        let label = if step >= 1.0 {
            format!("{:.0}", v)
        } else {
            format!("{:.*}", (-step.log10().floor()) as usize, v)
        };
        out.push((
            if v.abs() < 1e-12 * step { 0.0 } else { v },
            label.replace("-0.00", "0.00"),
        ));
        v += step;
    }
    out
}

/// Draws a dashed line between two pixel points.
pub(crate) fn dashed<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    style: ShapeStyle,
) -> Result<(), String> {
    let len = (((b.0 - a.0).pow(2) + (b.1 - a.1).pow(2)) as f64).sqrt();
    let n = (len / 6.0).ceil().max(1.0) as i32;
    for i in (0..n).step_by(2) {
        let t0 = i as f64 / n as f64;
        let t1 = ((i + 1) as f64 / n as f64).min(1.0);
        let p = |t: f64| {
            (
                a.0 + ((b.0 - a.0) as f64 * t) as i32,
                a.1 + ((b.1 - a.1) as f64 * t) as i32,
            )
        };
        root.draw(&PathElement::new(vec![p(t0), p(t1)], style))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &ForestPlot,
) -> Result<(), String> {
    let e = |r: Result<(), DrawingAreaErrorKind<DB::ErrorType>>| r.map_err(|e| e.to_string());
    let mut lo = plot.reference;
    let mut hi = plot.reference;
    for r in plot.rows.iter().filter(|r| r.kind != RowKind::Heading) {
        if !(r.estimate.is_finite() && r.ci_lower.is_finite() && r.ci_upper.is_finite()) {
            return Err(format!("row `{}` has a non-finite value", r.label));
        }
        lo = lo.min(r.ci_lower);
        hi = hi.max(r.ci_upper);
    }
    if let Some((a, b)) = plot.prediction {
        lo = lo.min(a);
        hi = hi.max(b);
    }
    let pad = 0.05 * (hi - lo).max(1e-6);
    let (lo, hi) = (lo - pad, hi + pad);
    let px =
        |v: f64| PLOT_X0 + ((v - lo) / (hi - lo) * f64::from(PLOT_X1 - PLOT_X0)).round() as i32;
    let dark = RGBColor(20, 20, 20);
    let grey = RGBColor(120, 120, 120);
    let blue = RGBColor(31, 84, 150);

    e(root.draw(&Text::new(
        plot.title.clone(),
        (LABEL_X, 24),
        text_style(20.0, dark, HPos::Left),
    )))?;
    let head_y = TOP - 26;
    e(root.draw(&Text::new(
        "Study",
        (LABEL_X, head_y),
        text_style(15.0, dark, HPos::Left),
    )))?;
    let ci_head = if plot.log_scale {
        "Ratio [95% CI]"
    } else {
        "Estimate [95% CI]"
    };
    e(root.draw(&Text::new(
        ci_head,
        (EST_X, head_y),
        text_style(15.0, dark, HPos::Right),
    )))?;
    e(root.draw(&Text::new(
        "Weight",
        (WEIGHT_X, head_y),
        text_style(15.0, dark, HPos::Right),
    )))?;
    e(root.draw(&PathElement::new(
        vec![(LABEL_X, TOP - 12), (WEIGHT_X, TOP - 12)],
        grey.stroke_width(1),
    )))?;

    let n_rows = plot.rows.len() + usize::from(plot.prediction.is_some());
    let axis_y = TOP + ROW_H * n_rows as i32 + 4;
    dashed(
        root,
        (px(plot.reference), TOP - 8),
        (px(plot.reference), axis_y),
        grey.stroke_width(1),
    )?;

    let wmax = plot
        .rows
        .iter()
        .filter_map(|r| r.weight_pct)
        .fold(0.0, f64::max)
        .max(1e-12);
    for (i, r) in plot.rows.iter().enumerate() {
        let y = TOP + ROW_H * i as i32 + ROW_H / 2;
        let (label_color, size) = match r.kind {
            RowKind::Heading => (blue, 15.0),
            RowKind::Overall => (dark, 15.0),
            _ => (dark, 14.0),
        };
        let indent = if matches!(r.kind, RowKind::Study | RowKind::Subgroup) {
            10
        } else {
            0
        };
        e(root.draw(&Text::new(
            r.label.clone(),
            (LABEL_X + indent, y),
            text_style(size, label_color, HPos::Left),
        )))?;
        if r.kind == RowKind::Heading {
            continue;
        }
        let est_txt = format!(
            "{} [{}, {}]",
            fmt_value(r.estimate, plot.log_scale),
            fmt_value(r.ci_lower, plot.log_scale),
            fmt_value(r.ci_upper, plot.log_scale)
        );
        e(root.draw(&Text::new(
            est_txt,
            (EST_X, y),
            text_style(14.0, dark, HPos::Right),
        )))?;
        if let Some(w) = r.weight_pct {
            e(root.draw(&Text::new(
                format!("{w:.1}%"),
                (WEIGHT_X, y),
                text_style(14.0, dark, HPos::Right),
            )))?;
        }
        match r.kind {
            RowKind::Study => {
                e(root.draw(&PathElement::new(
                    vec![(px(r.ci_lower), y), (px(r.ci_upper), y)],
                    dark.stroke_width(1),
                )))?;
                for x in [px(r.ci_lower), px(r.ci_upper)] {
                    e(root.draw(&PathElement::new(
                        vec![(x, y - 4), (x, y + 4)],
                        dark.stroke_width(1),
                    )))?;
                }
                let half = (3.0 + 7.0 * (r.weight_pct.unwrap_or(0.0) / wmax).sqrt()).round() as i32;
                let cx = px(r.estimate);
                e(root.draw(&Rectangle::new(
                    [(cx - half, y - half), (cx + half, y + half)],
                    blue.filled(),
                )))?;
            }
            _ => {
                let color = if r.kind == RowKind::Overall {
                    dark
                } else {
                    blue
                };
                let pts = vec![
                    (px(r.ci_lower), y),
                    (px(r.estimate), y - 8),
                    (px(r.ci_upper), y),
                    (px(r.estimate), y + 8),
                ];
                e(root.draw(&Polygon::new(pts, color.filled())))?;
            }
        }
    }
    if let Some((a, b)) = plot.prediction {
        let y = TOP + ROW_H * plot.rows.len() as i32 + ROW_H / 2;
        e(root.draw(&Text::new(
            "Prediction interval",
            (LABEL_X, y),
            text_style(14.0, dark, HPos::Left),
        )))?;
        e(root.draw(&PathElement::new(
            vec![(px(a), y), (px(b), y)],
            dark.stroke_width(2),
        )))?;
        for x in [px(a), px(b)] {
            e(root.draw(&PathElement::new(
                vec![(x, y - 6), (x, y + 6)],
                dark.stroke_width(2),
            )))?;
        }
        let txt = format!(
            "[{}, {}]",
            fmt_value(a, plot.log_scale),
            fmt_value(b, plot.log_scale)
        );
        e(root.draw(&Text::new(
            txt,
            (EST_X, y),
            text_style(14.0, dark, HPos::Right),
        )))?;
    }
    // Axis.
    e(root.draw(&PathElement::new(
        vec![(PLOT_X0, axis_y), (PLOT_X1, axis_y)],
        dark.stroke_width(1),
    )))?;
    for (v, label) in ticks(lo, hi, plot.log_scale) {
        let x = px(v);
        e(root.draw(&PathElement::new(
            vec![(x, axis_y), (x, axis_y + 5)],
            dark.stroke_width(1),
        )))?;
        e(root.draw(&Text::new(
            label,
            (x, axis_y + 16),
            text_style(13.0, dark, HPos::Center),
        )))?;
    }
    e(root.draw(&Text::new(
        plot.x_label.clone(),
        ((PLOT_X0 + PLOT_X1) / 2, axis_y + 40),
        text_style(14.0, dark, HPos::Center),
    )))?;
    for (i, line) in plot.footer.iter().enumerate() {
        e(root.draw(&Text::new(
            line.clone(),
            (LABEL_X, axis_y + 66 + 20 * i as i32),
            text_style(13.0, grey, HPos::Left),
        )))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_ticks_are_ratios_and_linear_ticks_cover_range() {
        let t = ticks(0.2f64.ln(), 2f64.ln(), true);
        assert!(
            t.iter().any(|(_, l)| l == "1") && t.iter().all(|(v, _)| *v >= 0.2f64.ln() - 1e-12)
        );
        let t = ticks(-1.3, 0.7, false);
        assert!(t.len() >= 3 && t.first().unwrap().0 >= -1.3 && t.last().unwrap().0 <= 0.7);
    }

    #[test]
    fn writes_svg_and_png_and_refuses_other_formats() {
        let dir = tempfile::tempdir().unwrap();
        let plot = ForestPlot {
            title: "t".into(),
            rows: vec![
                ForestRow::study("A", 0.1, (-0.2, 0.4), 60.0),
                ForestRow::summary("RE", 0.1, (0.0, 0.2), RowKind::Overall),
            ],
            prediction: Some((-0.3, 0.5)),
            log_scale: false,
            reference: 0.0,
            x_label: "Mean difference".into(),
            footer: vec!["footer".into()],
        };
        for ext in ["svg", "png"] {
            let p = dir.path().join(format!("f.{ext}"));
            forest(&plot, &p).unwrap();
            assert!(std::fs::metadata(&p).unwrap().len() > 1000);
        }
        assert!(matches!(
            forest(&plot, &dir.path().join("f.pdf")),
            Err(PlotError::Format { .. })
        ));
    }
}
