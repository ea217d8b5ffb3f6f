//! Text report of `k2bone validate`: markers and serum levels, then every held-out BMD target
//! with its verdict (misses with their size), then the count inside.

use std::fmt;

use k2bone_report::disclaimer::DISCLAIMER;

use crate::validate::Validation;

impl fmt::Display for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<34} {:>10} {:>18} {:>10}  verdict",
            "trial result", "reported", "95% CI", "simulated"
        )?;
        for r in &self.validation {
            let ci = r
                .reported_ci
                .map_or("—".to_string(), |[lo, hi]| format!("[{lo:.2}, {hi:.2}]"));
            let verdict = match (r.within_reported_ci, r.near) {
                (Some(true), _) => "inside the CI",
                (Some(false), _) => "OUTSIDE the CI",
                (None, true) => "near (no CI reported)",
                (None, false) => "MISS (no CI reported)",
            };
            writeln!(
                f,
                "{:<34} {:>10.3} {:>18} {:>10.3}  {verdict}",
                r.name, r.reported, ci, r.simulated
            )?;
        }
        let b = &self.bone;
        writeln!(
            f,
            "\nBone mineral density ({} posterior draws; acceptance = the reported 95% CI, or for a null what a trial of that size could see)",
            b.draws
        )?;
        writeln!(
            f,
            "{:<44} {:>9} {:>17} {:>9} {:>17}  verdict",
            "trial result", "reported", "acceptance", "simulated", "95% interval"
        )?;
        for t in &b.targets {
            let mut verdict = if t.inside {
                "inside".to_string()
            } else {
                format!("MISS by {} {}", super::miss_size(t.miss), t.unit)
            };
            if !t.shares_evidence_with.is_empty() {
                verdict.push_str(" (shares data with a calibration target: in sample)");
            }
            let reported = t
                .reported
                .map_or(t.reported_text.clone(), |r| format!("{r:.2}"));
            let upper = t
                .accept_upper
                .map_or("∞".to_string(), |u| format!("{u:.2}"));
            writeln!(
                f,
                "{:<44} {:>9} {:>17} {:>9.2} {:>17}  {verdict}",
                t.name,
                reported,
                format!("[{:.2}, {upper}]", t.accept_lower),
                t.simulated,
                format!("[{:.2}, {:.2}]", t.sim_lower, t.sim_upper),
            )?;
        }
        writeln!(
            f,
            "{} of {} out-of-sample bone targets inside ({} of {} with the {} that share data with a calibration target).",
            b.independent_inside,
            b.independent,
            b.inside,
            b.total,
            b.total - b.independent
        )?;
        writeln!(f, "\nSources: data/validation/trials.toml and data/validation/bone.toml (designs in data/bone/designs). Nothing here was used to fit the model.\n{DISCLAIMER}")
    }
}
