//! Text reports of a scenario run (`k2bone simulate`, the demo) and of a core-model run.

use std::fmt;

use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_results::core_summary::KEY_OUTPUTS;

use crate::core_run::CoreOutput;
use crate::StudyOutput;

/// The end-of-study table of a scenario run: (end key, column label).
const TABLE_KEYS: [(&str, &str); 6] = [
    ("bmd_lumbar_pct_change", "LS BMD %"),
    ("bmd_femoral_neck_pct_change", "FN BMD %"),
    ("ucoc_coc_ratio_pct_change", "ucOC/cOC %"),
    ("dp_ucmgp_pct_change", "dp-ucMGP %"),
    ("calcification_index_pct_change", "calcif. %"),
    ("hip_fracture_risk_10y_pct", "hip 10y %"),
];

/// What was run, the end-of-study table with the bone response's 95 % intervals, the predicted
/// INR where an arm names one, the notes, the files written and the disclaimer.
impl fmt::Display for StudyOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.summary;
        writeln!(
            f,
            "{}: {} arms x {:.0} days in {:.2} s",
            s.title,
            s.arms.len(),
            s.duration_days,
            self.seconds
        )?;
        if let Some(q) = &s.question {
            writeln!(f, "{q}")?;
        }
        for a in &s.arms {
            writeln!(f, "  {:<20} {}", a.name, a.regimen.join("; "))?;
        }
        write!(f, "\n{:<20}", "arm")?;
        for (_, label) in TABLE_KEYS {
            write!(f, " {label:>10}")?;
        }
        writeln!(f)?;
        for a in &s.arms {
            write!(f, "{:<20}", a.name)?;
            for (key, _) in TABLE_KEYS {
                // Values that round to zero print as 0.00, not -0.00.
                let v = a.end.get(key).unwrap_or(f64::NAN);
                write!(f, " {:>10.2}", if v.abs() < 0.005 { 0.0 } else { v })?;
            }
            writeln!(f)?;
        }
        writeln!(
            f,
            "95% intervals (posterior of the calibrated bone response):"
        )?;
        for a in &s.arms {
            let i = &a.interval;
            writeln!(
                f,
                "  {:<18} LS [{:.2}, {:.2}]  FN [{:.2}, {:.2}]  hip 10y [{:.2}, {:.2}]",
                a.name,
                i.bmd_lumbar_pct_change.lower,
                i.bmd_lumbar_pct_change.upper,
                i.bmd_femoral_neck_pct_change.lower,
                i.bmd_femoral_neck_pct_change.upper,
                i.hip_fracture_risk_10y_pct.lower,
                i.hip_fracture_risk_10y_pct.upper
            )?;
        }
        if s.arms.iter().any(|a| a.inr.is_some()) {
            writeln!(
                f,
                "\nPredicted INR at the end (model; interval = calibration of the vitamin K pool):"
            )?;
            for a in &s.arms {
                if let Some(i) = &a.inr {
                    writeln!(
                        f,
                        "  {:<20} {:.2} ({:.2}–{:.2})",
                        a.name, i.inr, i.inr_low, i.inr_high
                    )?;
                }
            }
            writeln!(f, "  {}", crate::inr::INR_DISCLAIMER)?;
        }
        for n in &s.notes {
            writeln!(f, "note: {n}")?;
        }
        let files: Vec<String> = self
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        writeln!(f, "wrote {}", files.join(", "))?;
        writeln!(f, "\n{DISCLAIMER}")
    }
}

/// What was run, start and end of the key outputs, the files written and the disclaimer.
impl fmt::Display for CoreOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.summary;
        writeln!(
            f,
            "simulated `{}`: {:.1} days, {} doses, {} solver steps in {:.1} ms",
            s.scenario.name,
            s.scenario.duration_days,
            s.scenario.doses,
            s.solver.stats.steps,
            self.seconds * 1e3
        )?;
        for key in KEY_OUTPUTS {
            if let Some(e) = s.end.get(key) {
                writeln!(
                    f,
                    "  {key:<15} start {:>12.6}  end {:>12.6}",
                    e.start, e.value
                )?;
            }
        }
        writeln!(f, "wrote {}", self.written.join(", "))?;
        writeln!(f, "\n{DISCLAIMER}")
    }
}
