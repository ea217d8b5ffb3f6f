//! Time-course figures of a simulation: one panel per quantity, time in days (or years for long
//! runs) on every x axis, SVG or PNG by file extension. Panels take plain series so the same
//! figure serves the core model now and the vitamin K outputs later.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::font::FAMILY;
use crate::forest::{render, Drawable, PlotError};

/// One curve: values at the figure's times.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub values: Vec<f64>,
}

/// One panel: a title with its unit, and one or more curves sharing the y axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub series: Vec<Series>,
}

/// A figure of panels over a common time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvesFigure {
    pub title: String,
    pub times_days: Vec<f64>,
    pub panels: Vec<Panel>,
    /// A line under the panels (the disclaimer).
    pub footer: String,
}

/// Line colors, in series order (the same arm gets the same color in every figure).
pub const COLORS: [RGBColor; 8] = [
    RGBColor(31, 84, 150),
    RGBColor(200, 82, 0),
    RGBColor(40, 140, 60),
    RGBColor(120, 60, 150),
    RGBColor(190, 40, 60),
    RGBColor(20, 150, 160),
    RGBColor(140, 110, 20),
    RGBColor(90, 90, 90),
];
const PANEL_W: u32 = 520;
const PANEL_H: u32 = 300;
const COLS: u32 = 2;

/// Writes the figure to `path` (`.svg` or `.png`).
pub fn curves(fig: &CurvesFigure, path: &Path) -> Result<(), PlotError> {
    if fig.times_days.len() < 2 || fig.panels.is_empty() {
        return Err(PlotError::Data(
            "a time-course figure needs two times and a panel".into(),
        ));
    }
    for p in &fig.panels {
        for s in &p.series {
            if s.values.len() != fig.times_days.len() {
                return Err(PlotError::Data(format!(
                    "series `{}` has {} values for {} times",
                    s.label,
                    s.values.len(),
                    fig.times_days.len()
                )));
            }
            if s.values.iter().any(|v| !v.is_finite()) {
                return Err(PlotError::Data(format!(
                    "series `{}` has a non-finite value",
                    s.label
                )));
            }
        }
    }
    let rows = (fig.panels.len() as u32).div_ceil(COLS);
    render(path, (PANEL_W * COLS, PANEL_H * rows + 90), fig)
}

impl Drawable for CurvesFigure {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let (w, h) = root.dim_in_pixel();
        let (title, rest) = root.split_vertically(44);
        let (body, footer) = rest.split_vertically(h - 44 - 46);
        title
            .draw(&Text::new(
                self.title.clone(),
                (16, 14),
                (FAMILY, 20).into_font(),
            ))
            .map_err(err)?;
        footer
            .draw(&Text::new(
                self.footer.clone(),
                (16, 14),
                (FAMILY, 12).into_font().color(&RGBColor(110, 110, 110)),
            ))
            .map_err(err)?;
        let rows = (self.panels.len() as u32).div_ceil(COLS) as usize;
        let areas = body.split_evenly((rows, COLS as usize));
        let span = self.times_days.last().copied().unwrap_or(1.0) - self.times_days[0];
        let (scale, x_label) = if span > 3.0 * 365.0 {
            (365.0, "time (years)")
        } else if span < 3.0 {
            (1.0 / 24.0, "time (hours)")
        } else {
            (1.0, "time (days)")
        };
        let xs: Vec<f64> = self.times_days.iter().map(|t| t / scale).collect();
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            let (mut lo, mut hi) = panel
                .series
                .iter()
                .flat_map(|s| s.values.iter())
                .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
            if hi - lo < 1e-9 * hi.abs().max(1e-12) {
                let pad = 0.01 * hi.abs().max(1e-6);
                lo -= pad;
                hi += pad;
            }
            let pad = 0.06 * (hi - lo);
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.title, (FAMILY, 15))
                .margin(8)
                .x_label_area_size(34)
                .y_label_area_size(64)
                .build_cartesian_2d(xs[0]..*xs.last().unwrap(), (lo - pad)..(hi + pad))
                .map_err(|e| e.to_string())?;
            chart
                .configure_mesh()
                .light_line_style(RGBColor(236, 236, 236))
                .x_desc(x_label)
                .label_style((FAMILY, 12))
                .axis_desc_style((FAMILY, 12))
                .x_labels(6)
                .y_labels(5)
                .draw()
                .map_err(|e| e.to_string())?;
            for (i, s) in panel.series.iter().enumerate() {
                let color = COLORS[i % COLORS.len()];
                chart
                    .draw_series(LineSeries::new(
                        xs.iter().copied().zip(s.values.iter().copied()),
                        color.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?
                    .label(s.label.clone())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                    });
            }
            if panel.series.len() > 1 {
                chart
                    .configure_series_labels()
                    .label_font((FAMILY, 12))
                    .background_style(WHITE.mix(0.85))
                    .border_style(RGBColor(200, 200, 200))
                    .position(SeriesLabelPosition::UpperRight)
                    .draw()
                    .map_err(|e| e.to_string())?;
            }
        }
        let _ = w;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig() -> CurvesFigure {
        let t: Vec<f64> = (0..50).map(|i| i as f64 * 10.0).collect();
        CurvesFigure {
            title: "test".into(),
            panels: vec![
                Panel {
                    title: "a (mM)".into(),
                    series: vec![Series {
                        label: "a".into(),
                        values: t.iter().map(|x| x.sin()).collect(),
                    }],
                },
                Panel {
                    title: "flat".into(),
                    series: vec![
                        Series {
                            label: "b".into(),
                            values: vec![2.35; 50],
                        },
                        Series {
                            label: "c".into(),
                            values: vec![2.0; 50],
                        },
                    ],
                },
            ],
            times_days: t,
            footer: "model, not medical advice".into(),
        }
    }

    #[test]
    fn writes_svg_and_png_with_data() {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("f.svg");
        curves(&fig(), &svg).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(
            text.contains("<polyline") || text.contains("<path"),
            "no curve drawn"
        );
        assert!(text.contains("model, not medical advice"));
        let png = dir.path().join("f.png");
        curves(&fig(), &png).unwrap();
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }

    #[test]
    fn refuses_bad_data() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = fig();
        f.panels[0].series[0].values[3] = f64::NAN;
        assert!(curves(&f, &dir.path().join("f.svg"))
            .unwrap_err()
            .to_string()
            .contains("non-finite"));
        let mut f = fig();
        f.panels[0].series[0].values.pop();
        assert!(curves(&f, &dir.path().join("f.svg")).is_err());
        assert!(curves(&fig(), &dir.path().join("f.gif")).is_err());
    }
}
