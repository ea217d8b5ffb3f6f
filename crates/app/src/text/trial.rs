//! Text reports of a virtual trial (`k2bone trial`, `trial merge`) and of its comparison with
//! the real trial (`trial compare`).

use std::fmt;

use k2bone_report::disclaimer::DISCLAIMER;

use crate::trial::{visits_of, TrialComparison, TrialOutput};

/// "[lo, hi]", or "—" when either end is missing or not finite.
fn ci(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => format!("[{a:.2}, {b:.2}]"),
        _ => "—".into(),
    }
}

/// The arms at the last visit (BMD by site with both intervals), failures, speed, the
/// disclaimer and the files written.
impl fmt::Display for TrialOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.summary;
        writeln!(f, "{} ({} patients)", s.title, s.n_patients)?;
        let last = visits_of(s).last().copied().unwrap_or(0.0);
        writeln!(
            f,
            "{:<16} {:>5} {:>6} {:>44} {:>44}",
            "arm",
            "n",
            "failed",
            "BMD lumbar % [95% CI patients] {parameters}",
            "BMD fem. neck % [95% CI patients] {parameters}"
        )?;
        for a in &s.arms {
            let cell = |name: &str| {
                s.outcome(a.draw_id, &a.arm, name, last)
                    .map_or("—".into(), |o| {
                        let par = match (o.interval95_parameters_low, o.interval95_parameters_high)
                        {
                            (Some(a), Some(b)) => format!(" {{{a:.2}, {b:.2}}}"),
                            _ => String::new(),
                        };
                        format!("{:.2} [{:.2}, {:.2}]{par}", o.mean, o.ci95_low, o.ci95_high)
                    })
            };
            writeln!(
                f,
                "{:<16} {:>5} {:>6} {:>44} {:>44}",
                a.arm,
                a.n_randomised,
                a.n_failed,
                cell("bmd_lumbar_pct_change"),
                cell("bmd_femoral_neck_pct_change")
            )?;
        }
        writeln!(
            f,
            "[…] between-patient 95% CI; {{…}} 2.5-97.5 % over {} posterior draws (parameter uncertainty)",
            s.draws.len()
        )?;
        for x in &s.failure_reasons {
            writeln!(f, "failed ({}): {} × {}", x.stage, x.count, x.reason)?;
        }
        if self.patients_simulated > 0 {
            writeln!(
                f,
                "{} patients in {:.1} s ({:.1} patient-years/s)",
                self.patients_simulated, self.seconds, self.patient_years_per_s
            )?;
        }
        writeln!(f, "{DISCLAIMER}")?;
        for p in &self.written {
            writeln!(f, "wrote {}", p.display())?;
        }
        Ok(())
    }
}

/// Every simulated between-arm difference with both intervals beside the reported one and its
/// role (calibration = fitted, validation = not).
impl fmt::Display for TrialComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} — {} vs {} (evidence: {}, {} posterior draws)",
            self.title, self.treated_arm, self.control_arm, self.study_id, self.n_draws
        )?;
        writeln!(
            f,
            "{:<30} {:>6} {:>10} {:>20} {:>20} {:>10} {:>20}  role",
            "outcome",
            "month",
            "simulated",
            "95% CI patients",
            "95% parameters",
            "reported",
            "95% CI",
        )?;
        for r in &self.rows {
            let unclear = match r.reported_dispersion.as_deref() {
                Some("unclear") => " (SD/SE unclear)",
                _ => "",
            };
            writeln!(
                f,
                "{:<30} {:>6} {:>10.2} {:>20} {:>20} {:>10} {:>20}  {}",
                r.outcome,
                r.timepoint_months,
                r.simulated_difference,
                ci(Some(r.simulated_ci95_low), Some(r.simulated_ci95_high)),
                ci(
                    r.simulated_interval95_parameters_low,
                    r.simulated_interval95_parameters_high
                ),
                r.reported_difference
                    .map_or("—".into(), |x| format!("{x:.2}")),
                ci(r.reported_ci95_low, r.reported_ci95_high) + unclear,
                r.role.as_deref().unwrap_or("—"),
            )?;
        }
        writeln!(
            f,
            "95% CI patients: between-patient variability at the simulated n; 95% parameters: 2.5-97.5 % over the posterior draws (parameter uncertainty).\nrole: calibration = the bone response was fitted to this number (agreement checks the fit); validation = not fitted."
        )?;
        for n in &self.not_simulated {
            writeln!(f, "not simulated: {n}")?;
        }
        writeln!(f, "\n{DISCLAIMER}")
    }
}
