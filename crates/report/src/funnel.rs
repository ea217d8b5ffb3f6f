//! Funnel plots (SVG or PNG by file extension) from plain data: effect sizes against their
//! standard errors on an inverted y axis (precise studies at the top), the pooled estimate as a
//! vertical line, the pseudo-confidence region $\hat\theta \pm z_{1-\alpha/2}\,SE$ as a shaded
//! triangle, and studies imputed by trim-and-fill drawn as open circles. For ratio measures the
//! x axis is labelled on the ratio scale. Layout follows metafor's `funnel.rma` (Sterne & Egger
//! 2001, J Clin Epidemiol 54:1046).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

use crate::forest::{dashed, render, text_style, ticks, Drawable, PlotError};

/// One study in a funnel plot.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelPoint {
    /// Study label (not drawn; kept for callers that annotate).
    pub label: String,
    /// Effect size (analysis scale).
    pub yi: f64,
    /// Standard error.
    pub sei: f64,
    /// True for a study imputed by trim-and-fill.
    pub imputed: bool,
}

/// A funnel plot.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelPlot {
    /// Title.
    pub title: String,
    /// Studies (observed and imputed).
    pub points: Vec<FunnelPoint>,
    /// Pooled estimate the funnel is centred on.
    pub estimate: f64,
    /// Critical value for the pseudo-CI (1.96 for 95%).
    pub crit: f64,
    /// True for ratio measures on the log scale.
    pub log_scale: bool,
    /// Axis label.
    pub x_label: String,
}

const W: u32 = 820;
const H: u32 = 620;
const X0: i32 = 90;
const X1: i32 = 780;
const Y0: i32 = 80;
const Y1: i32 = 540;

/// Writes the funnel plot to `path` (`.svg` or `.png`).
pub fn funnel(plot: &FunnelPlot, path: &Path) -> Result<(), PlotError> {
    if plot.points.is_empty() {
        return Err(PlotError::Data(
            "a funnel plot needs at least one study".into(),
        ));
    }
    if let Some(p) = plot
        .points
        .iter()
        .find(|p| !(p.yi.is_finite() && p.sei.is_finite() && p.sei > 0.0))
    {
        return Err(PlotError::Data(format!(
            "study `{}` has a non-finite effect or SE",
            p.label
        )));
    }
    render(path, (W, H), plot)
}

impl Drawable for FunnelPlot {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let e = |r: Result<(), DrawingAreaErrorKind<DB::ErrorType>>| r.map_err(|e| e.to_string());
        let dark = RGBColor(20, 20, 20);
        let grey = RGBColor(120, 120, 120);
        let se_max = self.points.iter().map(|p| p.sei).fold(0.0, f64::max) * 1.05;
        let mut lo = self.estimate - self.crit * se_max;
        let mut hi = self.estimate + self.crit * se_max;
        for p in &self.points {
            lo = lo.min(p.yi);
            hi = hi.max(p.yi);
        }
        let pad = 0.04 * (hi - lo);
        let (lo, hi) = (lo - pad, hi + pad);
        let px = |v: f64| X0 + ((v - lo) / (hi - lo) * f64::from(X1 - X0)).round() as i32;
        let py = |s: f64| Y0 + (s / se_max * f64::from(Y1 - Y0)).round() as i32;

        e(root.draw(&Text::new(
            self.title.clone(),
            (X0, 28),
            text_style(20.0, dark, HPos::Left),
        )))?;
        let tri = vec![
            (px(self.estimate), py(0.0)),
            (px(self.estimate - self.crit * se_max), py(se_max)),
            (px(self.estimate + self.crit * se_max), py(se_max)),
        ];
        e(root.draw(&Polygon::new(tri.clone(), RGBColor(232, 236, 242).filled())))?;
        dashed(root, tri[0], tri[1], grey.stroke_width(1))?;
        dashed(root, tri[0], tri[2], grey.stroke_width(1))?;
        e(root.draw(&PathElement::new(
            vec![(px(self.estimate), Y0), (px(self.estimate), Y1)],
            dark.stroke_width(1),
        )))?;
        e(root.draw(&Rectangle::new([(X0, Y0), (X1, Y1)], dark.stroke_width(1))))?;
        for p in &self.points {
            let c = (px(p.yi), py(p.sei));
            if p.imputed {
                e(root.draw(&Circle::new(c, 5, WHITE.filled())))?;
                e(root.draw(&Circle::new(c, 5, dark.stroke_width(1))))?;
            } else {
                e(root.draw(&Circle::new(c, 5, RGBColor(31, 84, 150).filled())))?;
            }
        }
        for (v, label) in ticks(lo, hi, self.log_scale) {
            e(root.draw(&PathElement::new(
                vec![(px(v), Y1), (px(v), Y1 + 5)],
                dark.stroke_width(1),
            )))?;
            e(root.draw(&Text::new(
                label,
                (px(v), Y1 + 18),
                text_style(13.0, dark, HPos::Center),
            )))?;
        }
        for (v, label) in ticks(0.0, se_max, false) {
            e(root.draw(&PathElement::new(
                vec![(X0 - 5, py(v)), (X0, py(v))],
                dark.stroke_width(1),
            )))?;
            e(root.draw(&Text::new(
                label,
                (X0 - 8, py(v)),
                text_style(13.0, dark, HPos::Right),
            )))?;
        }
        e(root.draw(&Text::new(
            "Standard error",
            (X0 - 8, Y0 - 18),
            text_style(14.0, dark, HPos::Left),
        )))?;
        e(root.draw(&Text::new(
            self.x_label.clone(),
            ((X0 + X1) / 2, Y1 + 44),
            text_style(14.0, dark, HPos::Center),
        )))?;
        if self.points.iter().any(|p| p.imputed) {
            let y = Y1 + 70;
            e(root.draw(&Circle::new((X0 + 6, y), 5, RGBColor(31, 84, 150).filled())))?;
            e(root.draw(&Text::new(
                "observed",
                (X0 + 16, y),
                text_style(13.0, dark, HPos::Left),
            )))?;
            e(root.draw(&Circle::new((X0 + 106, y), 5, dark.stroke_width(1))))?;
            e(root.draw(&Text::new(
                "imputed by trim-and-fill",
                (X0 + 116, y),
                text_style(13.0, dark, HPos::Left),
            )))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_png_with_imputed_points() {
        let dir = tempfile::tempdir().unwrap();
        let points = (1..8)
            .map(|i| FunnelPoint {
                label: format!("S{i}"),
                yi: 0.1 * f64::from(i),
                sei: 0.05 * f64::from(i),
                imputed: i > 5,
            })
            .collect();
        let plot = FunnelPlot {
            title: "f".into(),
            points,
            estimate: 0.3,
            crit: 1.96,
            log_scale: true,
            x_label: "OR".into(),
        };
        let p = dir.path().join("f.png");
        funnel(&plot, &p).unwrap();
        assert!(std::fs::metadata(&p).unwrap().len() > 1000);
    }
}
