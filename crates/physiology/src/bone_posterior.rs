//! The posterior of the bone response: the draws `k2bone calibrate` keeps
//! (`data/model/bone-posterior.csv`), read and written here so every stage that reports BMD with
//! its 95 % interval uses the same draws.

use crate::bone_response::{BoneResponseParams, BONE_PARAM_NAMES};
use crate::ModelError;

/// Draws of the bone response: parameters and the model discrepancy.
#[derive(Debug, Clone)]
pub struct BonePosterior {
    pub draws: Vec<BoneResponseParams>,
    /// Model discrepancy tau of each draw (percentage points).
    pub tau: Vec<f64>,
}

impl BonePosterior {
    /// The shipped posterior (`data/model/bone-posterior.csv`).
    pub fn shipped() -> BonePosterior {
        BonePosterior::from_csv(
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/model/bone-posterior.csv"
            )),
            "<shipped bone-posterior.csv>",
        )
        .expect("the shipped bone posterior is valid")
    }

    /// CSV: a `#` provenance header, then `draw,<every parameter>,tau`.
    pub fn to_csv(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("draw");
        for n in BONE_PARAM_NAMES {
            out.push(',');
            out.push_str(n);
        }
        out.push_str(",tau\n");
        for (i, (p, t)) in self.draws.iter().zip(&self.tau).enumerate() {
            out.push_str(&i.to_string());
            for v in p.to_vec() {
                out.push_str(&format!(",{v:.9e}"));
            }
            out.push_str(&format!(",{t:.9e}\n"));
        }
        out
    }

    pub fn from_csv(text: &str, origin: &str) -> Result<BonePosterior, ModelError> {
        let bad = |line: usize, m: String| ModelError::Parse {
            origin: origin.to_string(),
            message: format!("line {line}: {m}"),
        };
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
        let (hl, header) = lines.next().ok_or_else(|| bad(1, "no header".into()))?;
        let cols: Vec<&str> = header.split(',').collect();
        let expected: Vec<&str> = std::iter::once("draw")
            .chain(BONE_PARAM_NAMES.iter().copied())
            .chain(std::iter::once("tau"))
            .collect();
        if cols != expected {
            return Err(bad(
                hl + 1,
                format!("header must be {}", expected.join(",")),
            ));
        }
        let mut post = BonePosterior {
            draws: Vec::new(),
            tau: Vec::new(),
        };
        for (i, line) in lines {
            let vals: Vec<f64> = line
                .split(',')
                .skip(1)
                .map(|c| c.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|e| bad(i + 1, format!("not a number: {e}")))?;
            if vals.len() != BONE_PARAM_NAMES.len() + 1 || vals.iter().any(|v| !v.is_finite()) {
                return Err(bad(
                    i + 1,
                    format!("needs {} finite values", expected.len() - 1),
                ));
            }
            let (p, t) = vals.split_at(BONE_PARAM_NAMES.len());
            post.draws
                .push(BoneResponseParams::from_slice(p).map_err(|e| bad(i + 1, e.to_string()))?);
            post.tau.push(t[0]);
        }
        if post.draws.is_empty() {
            return Err(bad(0, "no draws".into()));
        }
        Ok(post)
    }

    /// The per-parameter posterior median (the shipped point parameters).
    pub fn median(&self) -> BoneResponseParams {
        let vecs: Vec<Vec<f64>> = self.draws.iter().map(|p| p.to_vec()).collect();
        let med: Vec<f64> = (0..BONE_PARAM_NAMES.len())
            .map(|j| quantile(&vecs.iter().map(|v| v[j]).collect::<Vec<_>>(), 0.5))
            .collect();
        BoneResponseParams::from_slice(&med).expect("medians of valid draws are valid")
    }
}

/// The q-quantile of `x` (linear interpolation, R's type 7).
pub fn quantile(x: &[f64], q: f64) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}
