//! Trial figures: per arm, the mean of an outcome at each visit with its 95% confidence band
//! (shaded between the interval's ends, the mean as a line with markers), one panel per outcome.
//! Plain numbers in, so the figure knows nothing of how a trial was run.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::curves::{frame, COLORS};
use crate::font::FAMILY;
use crate::forest::{render, Drawable, PlotError};

/// One arm's curve: mean and 95% CI at each visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub label: String,
    pub mean: Vec<f64>,
    pub ci95_low: Vec<f64>,
    pub ci95_high: Vec<f64>,
}

/// One outcome: a title with its unit, one band per arm.
#[derive(Debug, Clone, PartialEq)]
pub struct BandPanel {
    pub title: String,
    pub bands: Vec<Band>,
}

/// A figure of band panels over visits (months after randomisation).
#[derive(Debug, Clone, PartialEq)]
pub struct BandFigure {
    pub title: String,
    pub visits_months: Vec<f64>,
    pub panels: Vec<BandPanel>,
    pub footer: String,
}

const PANEL_W: u32 = 520;
const PANEL_H: u32 = 300;
const COLS: u32 = 2;

/// Writes the figure to `path` (`.svg` or `.png`). Visits where an arm has no finite interval
/// (fewer than two completers) are left out of its band, never drawn as zero.
pub fn bands(fig: &BandFigure, path: &Path) -> Result<(), PlotError> {
    if fig.visits_months.len() < 2 || fig.panels.is_empty() {
        return Err(PlotError::Data(
            "a trial figure needs two visits and a panel".into(),
        ));
    }
    for p in &fig.panels {
        for b in &p.bands {
            let n = fig.visits_months.len();
            if b.mean.len() != n || b.ci95_low.len() != n || b.ci95_high.len() != n {
                return Err(PlotError::Data(format!(
                    "band `{}` of `{}` does not have one value per visit ({n})",
                    b.label, p.title
                )));
            }
        }
    }
    let rows = (fig.panels.len() as u32).div_ceil(COLS);
    render(path, (PANEL_W * COLS, PANEL_H * rows + 90), fig)
}

impl Drawable for BandFigure {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = frame(root, &self.title, &self.footer)?;
        let rows = (self.panels.len() as u32).div_ceil(COLS) as usize;
        let areas = body.split_evenly((rows, COLS as usize));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_panel(area, panel, &self.visits_months)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &BandPanel,
    xs: &[f64],
) -> Result<(), String> {
    let finite = |b: &Band| -> Vec<(f64, f64, f64, f64)> {
        xs.iter()
            .enumerate()
            .filter(|(i, _)| {
                b.mean[*i].is_finite() && b.ci95_low[*i].is_finite() && b.ci95_high[*i].is_finite()
            })
            .map(|(i, x)| (*x, b.mean[i], b.ci95_low[i], b.ci95_high[i]))
            .collect()
    };
    let (mut lo, mut hi) = panel
        .bands
        .iter()
        .flat_map(finite)
        .fold((f64::MAX, f64::MIN), |(a, b), (_, _, l, h)| {
            (a.min(l), b.max(h))
        });
    if lo > hi {
        (lo, hi) = (-1.0, 1.0);
    }
    if hi - lo < 1e-9 * hi.abs().max(1e-12) {
        let pad = 0.01 * hi.abs().max(1e-6);
        lo -= pad;
        hi += pad;
    }
    let pad = 0.06 * (hi - lo);
    let (x0, x1) = (xs[0], *xs.last().unwrap_or(&xs[0]));
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FAMILY, 15))
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, (lo - pad)..(hi + pad))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(236, 236, 236))
        .x_desc("months after randomisation")
        .label_style((FAMILY, 12))
        .axis_desc_style((FAMILY, 12))
        .x_labels(6)
        .y_labels(5)
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, b) in panel.bands.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let pts = finite(b);
        let mut outline: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.3)).collect();
        outline.extend(pts.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(outline, color.mix(0.18))))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|p| (p.0, p.1)),
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("{} (mean, 95% CI)", b.label))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(3))
            });
        chart
            .draw_series(
                pts.iter()
                    .map(|p| Circle::new((p.0, p.1), 3, color.filled())),
            )
            .map_err(|e| e.to_string())?;
    }
    chart
        .configure_series_labels()
        .label_font((FAMILY, 12))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .position(SeriesLabelPosition::LowerLeft)
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig() -> BandFigure {
        BandFigure {
            title: "t".into(),
            visits_months: vec![0.0, 12.0, 24.0],
            panels: vec![BandPanel {
                title: "BMD (%)".into(),
                bands: vec![Band {
                    label: "placebo".into(),
                    mean: vec![0.0, -1.0, -2.0],
                    ci95_low: vec![f64::NAN, -1.5, -2.6],
                    ci95_high: vec![f64::NAN, -0.5, -1.4],
                }],
            }],
            footer: "f".into(),
        }
    }

    #[test]
    fn writes_svg_with_the_band() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.svg");
        bands(&fig(), &p).unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.contains("<polygon"), "the band is drawn as a polygon");
        assert!(svg.contains("placebo (mean, 95% CI)"));
    }

    #[test]
    fn refuses_ragged_bands() {
        let mut f = fig();
        f.panels[0].bands[0].mean.pop();
        let dir = tempfile::tempdir().unwrap();
        let e = bands(&f, &dir.path().join("b.svg")).unwrap_err();
        assert!(e.to_string().contains("one value per visit"), "{e}");
    }
}
