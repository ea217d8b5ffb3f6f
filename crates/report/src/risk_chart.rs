//! The fracture-risk figure of a study: grouped bars of the end-of-study risks (one group per
//! fracture site, one bar per arm in the arm's color, the value printed on each bar) beside the
//! same risks over time as curves ("if the study ended that day"). SVG or PNG by extension.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::curves::{draw_panel, frame, Panel, TimeAxis, COLORS};
use crate::font::FAMILY;
use crate::forest::{render, Drawable, PlotError};

/// One group of bars, e.g. "hip": one value per arm, in the arms' order.
#[derive(Debug, Clone, PartialEq)]
pub struct BarGroup {
    pub label: String,
    pub values: Vec<f64>,
}

/// A grouped bar chart: the arms (legend, colors in order) and the groups.
#[derive(Debug, Clone, PartialEq)]
pub struct BarPanel {
    /// Title with its unit, e.g. "10-year risk at the end (%)".
    pub title: String,
    pub arms: Vec<String>,
    pub groups: Vec<BarGroup>,
}

/// Bars first, then time-course panels over `times_days`, two per row.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskFigure {
    pub title: String,
    pub bars: BarPanel,
    pub times_days: Vec<f64>,
    pub panels: Vec<Panel>,
    /// A line under the panels (the disclaimer).
    pub footer: String,
}

const PANEL_W: u32 = 520;
const PANEL_H: u32 = 300;

fn check_bars(bars: &BarPanel) -> Result<(), PlotError> {
    if bars.arms.is_empty() || bars.groups.is_empty() {
        return Err(PlotError::Data(format!(
            "bar chart `{}` needs at least one arm and one group",
            bars.title
        )));
    }
    for g in &bars.groups {
        if g.values.len() != bars.arms.len() {
            return Err(PlotError::Data(format!(
                "bar group `{}` has {} values for {} arms",
                g.label,
                g.values.len(),
                bars.arms.len()
            )));
        }
        if let Some((i, v)) = g
            .values
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite() || **v < 0.0)
        {
            return Err(PlotError::Data(format!(
                "bar group `{}`, arm `{}`: value {v} (accepted: a finite number >= 0)",
                g.label, bars.arms[i]
            )));
        }
    }
    Ok(())
}

/// Writes the figure to `path` (`.svg` or `.png`).
pub fn risk_figure(fig: &RiskFigure, path: &Path) -> Result<(), PlotError> {
    check_bars(&fig.bars)?;
    if fig.times_days.len() < 2 || fig.times_days.iter().any(|t| !t.is_finite()) {
        return Err(PlotError::Data(
            "a time-course panel needs two or more finite times".into(),
        ));
    }
    for p in &fig.panels {
        for s in &p.series {
            if s.values.len() != fig.times_days.len() {
                return Err(PlotError::Data(format!(
                    "panel `{}`, series `{}`: {} values for {} times",
                    p.title,
                    s.label,
                    s.values.len(),
                    fig.times_days.len()
                )));
            }
            if s.values.iter().any(|v| !v.is_finite()) {
                return Err(PlotError::Data(format!(
                    "panel `{}`, series `{}` has a non-finite value",
                    p.title, s.label
                )));
            }
        }
    }
    let rows = (fig.panels.len() as u32 + 1).div_ceil(2);
    render(path, (PANEL_W * 2, PANEL_H * rows + 90), fig)
}

impl Drawable for RiskFigure {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        let body = frame(root, &self.title, &self.footer)?;
        let rows = (self.panels.len() + 1).div_ceil(2);
        let areas = body.split_evenly((rows, 2));
        draw_bars(&areas[0], &self.bars)?;
        let axis = TimeAxis::new(&self.times_days);
        for (panel, area) in self.panels.iter().zip(areas.iter().skip(1)) {
            draw_panel(area, panel, &axis)?;
        }
        Ok(())
    }
}

/// "2.41", "0.093", "12.3".
fn bar_value(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.1}")
    } else if v >= 0.1 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// Draws a grouped bar chart in `area`: groups along x, one bar per arm within each group.
pub(crate) fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &BarPanel,
) -> Result<(), String> {
    let n_groups = bars.groups.len() as f64;
    let n_arms = bars.arms.len();
    let top = bars
        .groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .fold(0.0_f64, f64::max);
    // Headroom so that the legend (upper right, about 18 px per arm) and the value printed
    // above each bar stay clear of the bars: the plotting area is the panel less the caption
    // (~31 px), the x labels (34 px) and the margins (16 px).
    let (_, area_h) = area.dim_in_pixel();
    let plot_h = (area_h as f64 - 81.0).max(60.0);
    let reserved_px = 18.0 * n_arms as f64 + 12.0 + 16.0;
    let free = (1.0 - reserved_px / plot_h).max(0.35);
    let y_hi = if top > 0.0 { top / free } else { 1.0 };
    let mut chart = ChartBuilder::on(area)
        .caption(&bars.title, (FAMILY, 15))
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..n_groups, 0.0..y_hi)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .light_line_style(RGBColor(236, 236, 236))
        .label_style((FAMILY, 12))
        .y_labels(5)
        .draw()
        .map_err(|e| e.to_string())?;
    // Each group fills 80% of its unit; its arms share that width.
    let bar_w = 0.8 / n_arms as f64;
    let value_style = TextStyle::from((FAMILY, 11).into_font())
        .color(&RGBColor(60, 60, 60))
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    for (a, arm) in bars.arms.iter().enumerate() {
        let color = COLORS[a % COLORS.len()];
        let rects = bars.groups.iter().enumerate().map(|(g, group)| {
            let x0 = g as f64 + 0.1 + a as f64 * bar_w;
            Rectangle::new(
                [
                    (x0 + 0.06 * bar_w, 0.0),
                    (x0 + 0.94 * bar_w, group.values[a]),
                ],
                color.filled(),
            )
        });
        chart
            .draw_series(rects)
            .map_err(|e| e.to_string())?
            .label(arm.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
        let labels = bars.groups.iter().enumerate().map(|(g, group)| {
            let x = g as f64 + 0.1 + (a as f64 + 0.5) * bar_w;
            EmptyElement::at((x, group.values[a]))
                + Text::new(bar_value(group.values[a]), (0, -3), value_style.clone())
        });
        if n_arms <= 6 {
            chart.draw_series(labels).map_err(|e| e.to_string())?;
        }
    }
    chart
        .configure_series_labels()
        .label_font((FAMILY, 12))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| e.to_string())?;
    // Group names under the x axis, centred on their groups (drawn on the whole panel area,
    // which is not clipped to the plotting area).
    let (base_x, base_y) = area.get_base_pixel();
    let group_style = TextStyle::from((FAMILY, 13).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (g, group) in bars.groups.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(g as f64 + 0.5, 0.0));
        area.draw(&Text::new(
            group.label.clone(),
            (px - base_x, py - base_y + 8),
            group_style.clone(),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curves::Series;

    fn fig() -> RiskFigure {
        let t: Vec<f64> = (0..40).map(|i| i as f64 * 30.0).collect();
        let arms = vec!["placebo".to_string(), "mk7".to_string()];
        RiskFigure {
            title: "risk".into(),
            bars: BarPanel {
                title: "10-year risk at the end (%)".into(),
                arms: arms.clone(),
                groups: vec![
                    BarGroup {
                        label: "hip".into(),
                        values: vec![2.4, 2.2],
                    },
                    BarGroup {
                        label: "vertebral".into(),
                        values: vec![1.6, 1.3],
                    },
                ],
            },
            panels: vec![Panel {
                title: "hip (%)".into(),
                series: arms
                    .iter()
                    .enumerate()
                    .map(|(i, a)| Series {
                        label: a.clone(),
                        values: t
                            .iter()
                            .map(|x| 1.7 + x / 1000.0 - 0.1 * i as f64)
                            .collect(),
                        band: None,
                    })
                    .collect(),
            }],
            times_days: t,
            footer: "model, not medical advice".into(),
        }
    }

    #[test]
    fn bars_are_drawn_to_scale_with_labels() {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("r.svg");
        risk_figure(&fig(), &svg).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        // Two arms x two groups, filled in the arms' colors.
        let fill = |c: RGBColor| format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
        for c in [COLORS[0], COLORS[1]] {
            let n = text.matches(&fill(c)).count();
            // Two bars and one legend swatch per arm.
            assert_eq!(n, 3, "{}: {n} rectangles", fill(c));
        }
        for label in ["hip", "vertebral", "2.40", "1.30", "placebo", "mk7"] {
            assert!(text.contains(&format!(">\n{label}\n<")), "label {label}");
        }
        // Bar heights are proportional to the values: hip placebo 2.4 vs vertebral mk7 1.3.
        let heights: Vec<f64> = text
            .split("<rect")
            .filter(|r| r.contains(&fill(COLORS[0])) || r.contains(&fill(COLORS[1])))
            .filter_map(|r| {
                let h = r.split("height=\"").nth(1)?.split('"').next()?;
                h.parse::<f64>().ok()
            })
            .filter(|h| *h > 10.0)
            .collect();
        assert_eq!(heights.len(), 4, "{heights:?}");
        let (hi, lo) = (heights[0], heights[3]);
        assert!((hi / lo - 2.4 / 1.3).abs() < 0.03, "{hi} / {lo}");
        let png = dir.path().join("r.png");
        risk_figure(&fig(), &png).unwrap();
        assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
    }

    #[test]
    fn time_axis_unit_follows_the_span() {
        // 60 days stay days; 180 days are 180 / (365 / 12) = 5.918 months; 3 years of
        // 365 days are 1095 / 365 = 3 years; 2 days are 48 hours.
        let cases = [
            (60.0, "time (days)", 60.0),
            (180.0, "time (months)", 5.9178),
            (1095.0, "time (years)", 3.0),
            (2.0, "time (hours)", 48.0),
        ];
        for (end, label, last) in cases {
            let axis = TimeAxis::new(&[0.0, end / 2.0, end]);
            assert_eq!(axis.label, label);
            assert!((axis.xs[2] - last).abs() < 1e-4, "{end}: {}", axis.xs[2]);
        }
    }

    #[test]
    fn refuses_bad_bars() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.svg");
        let mut f = fig();
        f.bars.groups[1].values[0] = f64::NAN;
        let e = risk_figure(&f, &path).unwrap_err().to_string();
        assert!(e.contains("vertebral") && e.contains("placebo"), "{e}");
        let mut f = fig();
        f.bars.groups[0].values[1] = -1.0;
        assert!(risk_figure(&f, &path)
            .unwrap_err()
            .to_string()
            .contains("-1"));
        let mut f = fig();
        f.bars.groups[0].values.pop();
        assert!(risk_figure(&f, &path).is_err());
        let mut f = fig();
        f.bars.arms.clear();
        assert!(risk_figure(&f, &path).is_err());
        let mut f = fig();
        f.panels[0].series[1].values.pop();
        assert!(risk_figure(&f, &path).is_err());
        assert!(!path.exists(), "nothing written for bad data");
    }
}
