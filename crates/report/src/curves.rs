//! Time-course figures of a simulation: one panel per quantity, time in days (or years for long
//! runs) on every x axis, SVG or PNG by file extension. Panels take plain series so the same
//! figure serves the core model now and the vitamin K outputs later.

use k2bone_units::{DAYS_PER_MONTH, DAYS_PER_YEAR};
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
    /// A 95 % interval drawn as a shaded band around the curve (lower, upper), where the model has
    /// one (the bone response's posterior).
    pub band: Option<(Vec<f64>, Vec<f64>)>,
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
        let body = frame(root, &self.title, &self.footer)?;
        let rows = (self.panels.len() as u32).div_ceil(COLS) as usize;
        let areas = body.split_evenly((rows, COLS as usize));
        let axis = TimeAxis::new(&self.times_days);
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_panel(area, panel, &axis)?;
        }
        Ok(())
    }
}

/// Draws the title above and the footer below; returns the area between them.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title_text: &str,
    footer_text: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (_, h) = root.dim_in_pixel();
    let (title, rest) = root.split_vertically(44);
    let (body, footer) = rest.split_vertically(h - 44 - 46);
    title
        .draw(&Text::new(
            title_text.to_string(),
            (16, 14),
            (FAMILY, 20).into_font(),
        ))
        .map_err(err)?;
    footer
        .draw(&Text::new(
            footer_text.to_string(),
            (16, 14),
            (FAMILY, 12).into_font().color(&RGBColor(110, 110, 110)),
        ))
        .map_err(err)?;
    Ok(body)
}

/// The time axis of a figure: times in the unit that suits the span (hours under 3 days, days
/// under 4 months, months under 2 years, years beyond) and the axis label.
pub(crate) struct TimeAxis {
    pub xs: Vec<f64>,
    pub label: &'static str,
}

impl TimeAxis {
    /// `times_days` must hold at least one value.
    pub(crate) fn new(times_days: &[f64]) -> Self {
        let span = times_days.last().copied().unwrap_or(1.0) - times_days[0];
        // The 365-day year of every k2bone input (a 3-year scenario ends at 3.0 on the axis).
        let (scale, label) = if span >= 2.0 * DAYS_PER_YEAR {
            (DAYS_PER_YEAR, "time (years)")
        } else if span >= 120.0 {
            (DAYS_PER_MONTH, "time (months)")
        } else if span < 3.0 {
            (1.0 / 24.0, "time (hours)")
        } else {
            (1.0, "time (days)")
        };
        TimeAxis {
            xs: times_days.iter().map(|t| t / scale).collect(),
            label,
        }
    }
}

/// A tick label without a trailing ".0" ("200", "2.5").
fn tick_label(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0}", v.round())
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Draws one panel (curves over `axis`, legend when there is more than one series).
/// Earlier series are drawn wider so that identical curves of later arms leave a visible rim.
pub(crate) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel,
    axis: &TimeAxis,
) -> Result<(), String> {
    let xs = &axis.xs;
    let (mut lo, mut hi) = panel
        .series
        .iter()
        .flat_map(|s| {
            let band = s.band.iter().flat_map(|(l, u)| l.iter().chain(u.iter()));
            s.values.iter().chain(band)
        })
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
        .build_cartesian_2d(xs[0]..*xs.last().unwrap_or(&xs[0]), (lo - pad)..(hi + pad))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(236, 236, 236))
        .x_desc(axis.label)
        .x_label_formatter(&tick_label)
        .label_style((FAMILY, 12))
        .axis_desc_style((FAMILY, 12))
        .x_labels(6)
        .y_labels(5)
        .draw()
        .map_err(|e| e.to_string())?;
    let n = panel.series.len() as u32;
    for (i, s) in panel.series.iter().enumerate() {
        if let Some((lower, upper)) = &s.band {
            let color = COLORS[i % COLORS.len()];
            let outline: Vec<(f64, f64)> = xs
                .iter()
                .copied()
                .zip(upper.iter().copied())
                .chain(xs.iter().copied().zip(lower.iter().copied()).rev())
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    color.mix(0.15).filled(),
                )))
                .map_err(|e| e.to_string())?;
        }
    }
    for (i, s) in panel.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let width = 2 + (n - 1 - i as u32).min(3);
        chart
            .draw_series(LineSeries::new(
                xs.iter().copied().zip(s.values.iter().copied()),
                color.stroke_width(width),
            ))
            .map_err(|e| e.to_string())?
            .label(s.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(3))
            });
    }
    if panel.series.len() > 1 {
        chart
            .configure_series_labels()
            .label_font((FAMILY, 12))
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(200, 200, 200))
            .position(legend_corner(panel, xs, (lo - pad, hi + pad)))
            .draw()
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The corner or side whose legend box (about 35% of the width, 10% + 7% per series of the
/// height) covers the fewest data points; upper right when there is a tie.
fn legend_corner(panel: &Panel, xs: &[f64], (y0, y1): (f64, f64)) -> SeriesLabelPosition {
    let (x0, x1) = (xs[0], *xs.last().unwrap_or(&xs[0]));
    let wx = 0.35;
    let hy = (0.10 + 0.07 * panel.series.len() as f64).min(0.6);
    // (position, on the right, vertical place: 1 upper, 0 middle, -1 lower)
    let corners = [
        (SeriesLabelPosition::UpperRight, true, 1),
        (SeriesLabelPosition::LowerRight, true, -1),
        (SeriesLabelPosition::UpperLeft, false, 1),
        (SeriesLabelPosition::LowerLeft, false, -1),
        (SeriesLabelPosition::MiddleRight, true, 0),
        (SeriesLabelPosition::MiddleLeft, false, 0),
    ];
    let covered = |right: bool, place: i8| {
        panel
            .series
            .iter()
            .flat_map(|s| xs.iter().zip(&s.values))
            .filter(|(x, y)| {
                let xn = (*x - x0) / (x1 - x0).max(f64::MIN_POSITIVE);
                let yn = (*y - y0) / (y1 - y0).max(f64::MIN_POSITIVE);
                let in_x = if right { xn >= 1.0 - wx } else { xn <= wx };
                let in_y = match place {
                    1 => yn >= 1.0 - hy,
                    -1 => yn <= hy,
                    _ => (yn - 0.5).abs() <= hy / 2.0,
                };
                in_x && in_y
            })
            .count()
    };
    let mut best = (usize::MAX, SeriesLabelPosition::UpperRight);
    for (pos, right, place) in corners {
        let n = covered(right, place);
        if n < best.0 {
            best = (n, pos);
        }
    }
    best.1
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
                        band: None,
                    }],
                },
                Panel {
                    title: "flat".into(),
                    series: vec![
                        Series {
                            label: "b".into(),
                            values: vec![2.35; 50],
                            band: None,
                        },
                        Series {
                            label: "c".into(),
                            values: vec![2.0; 50],
                            band: None,
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
    fn legend_avoids_the_data() {
        let xs: Vec<f64> = (0..100).map(f64::from).collect();
        let panel = |values: Vec<f64>| Panel {
            title: "p".into(),
            series: vec![Series {
                label: "a".into(),
                values,
                band: None,
            }],
        };
        // A rising line fills the lower left and upper right: the legend goes lower right.
        let rising = panel(xs.clone());
        assert!(matches!(
            legend_corner(&rising, &xs, (0.0, 99.0)),
            SeriesLabelPosition::LowerRight
        ));
        // A line along the top leaves the lower right free too; along the bottom, upper right.
        let top = panel(vec![99.0; 100]);
        assert!(matches!(
            legend_corner(&top, &xs, (0.0, 99.0)),
            SeriesLabelPosition::LowerRight
        ));
        let bottom = panel(vec![0.0; 100]);
        assert!(matches!(
            legend_corner(&bottom, &xs, (0.0, 99.0)),
            SeriesLabelPosition::UpperRight
        ));
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
