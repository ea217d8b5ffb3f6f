//! The figure of one core-model run (`k2bone simulate --builtin baseline`, `--doses`): serum
//! calcium, PTH, calcitriol, bone cells, BMD by site, and serum denosumab when dosed (else
//! cumulative urinary calcium).

use k2bone_sim::Trajectory;

use crate::curves::{CurvesFigure, Panel, Series};
use crate::disclaimer::DISCLAIMER;
use crate::forest::PlotError;

/// The time-course figure of a core run named `label`.
pub fn core_timecourse(label: &str, traj: &Trajectory) -> Result<CurvesFigure, PlotError> {
    let col = |n: &str| {
        traj.column(n)
            .map(<[f64]>::to_vec)
            .ok_or_else(|| PlotError::Data(format!("no column `{n}` in the trajectory")))
    };
    let pct = |n: &str| Ok::<_, PlotError>(col(n)?.iter().map(|v| (v - 1.0) * 100.0).collect());
    let series = |label: &str, values: Vec<f64>| Series {
        label: label.into(),
        values,
        band: None,
    };
    let one = |title: &str, n: &str| {
        Ok::<_, PlotError>(Panel {
            title: title.into(),
            series: vec![series(n, col(n)?)],
        })
    };
    let mut panels = vec![
        one("Serum calcium CaC (mM)", "CaC")?,
        one("Plasma PTH PTHpm (pM)", "PTHpm")?,
        one("Plasma calcitriol (pM)", "calcitriol_pM")?,
        Panel {
            title: "Bone cells (% of baseline)".into(),
            series: vec![
                series("osteoblasts OBchange (BSAP)", col("OBchange")?),
                series("osteoclasts OCchange (CTx)", col("OCchange")?),
            ],
        },
        Panel {
            title: "BMD change from baseline (%)".into(),
            series: vec![
                series("lumbar spine (BMDls)", pct("BMDls")?),
                series("lumbar spine, denosumab cal.", col("BMDlsDENchange")?),
                series("femoral neck (BMDfn)", pct("BMDfn")?),
            ],
        },
    ];
    if col("DENCP")?.iter().any(|v| *v > 0.0) {
        panels.push(one("Serum denosumab DENCP (ng/mL)", "DENCP")?);
    } else {
        panels.push(one("Cumulative urinary calcium UCA (mmol)", "UCA")?);
    }
    Ok(CurvesFigure {
        title: format!("k2bone simulate: {label}"),
        times_days: traj.times_h.iter().map(|t| t / 24.0).collect(),
        panels,
        footer: DISCLAIMER.into(),
    })
}
