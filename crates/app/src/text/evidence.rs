//! Text reports of the trial database's results: row listings, one study, a pooled outcome, a
//! published analysis beside its re-run.

use std::fmt;

use k2bone_trialdb::published::{PublishedAnalysis, Reproduction};

use super::or_dash;
use crate::evidence::{EvidenceAnalysis, PublishedList, Reproduced, StudyRows, TrialRows};

impl fmt::Display for PublishedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for a in &self.analyses {
            let text = published_text(a);
            writeln!(f, "{:<36} [{}] {:<26} {text}", a.name, a.grade, a.outcome)?;
        }
        Ok(())
    }
}

impl fmt::Display for TrialRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self;
        writeln!(
            f,
            "{:<20} {:>4} {:<6} {:<37} {:>5} {:>5} {:>5} {:<10} {:<8} integrity",
            "study_id",
            "year",
            "k_form",
            "outcome",
            "t_mo",
            "n_trt",
            "n_ctl",
            "control",
            "poolable",
        )?;
        for (r, why) in t.rows.iter().zip(&t.not_poolable) {
            writeln!(
                f,
                "{:<20} {:>4} {:<6} {:<37} {:>5} {:>5} {:>5} {:<10} {:<8} {}",
                r.study_id,
                r.year,
                r.k_form,
                r.outcome,
                r.timepoint_months,
                or_dash(r.n_treat),
                or_dash(r.n_control),
                r.control,
                if why.is_none() { "yes" } else { "no" },
                if r.integrity_concern { "FLAGGED" } else { "-" }
            )?;
        }
        writeln!(
            f,
            "{} rows. `k2bone evidence show STUDY_ID` gives sources and notes.",
            t.count
        )?;
        Ok(())
    }
}

impl fmt::Display for EvidenceAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self;
        let main = r.fit.as_ref().expect("analyze fills the fit");
        let m = r.measure;
        writeln!(
            f,
            "Evidence: {} ({} studies; measure {m}; {})",
            r.outcome, r.k, r.model
        )?;
        for s in &r.studies {
            writeln!(
                f,
                "  {:<20} {:>4} {:<6} t = {:>4} mo  yi {:>9.4}  vi {:>9.4}  [{}]",
                s.study_id, s.year, s.k_form, s.timepoint_months, s.yi, s.vi, s.source
            )?;
        }
        for c in &r.conversions {
            writeln!(f, "  note: {c}")?;
        }
        let pooled = &r.pooled;
        let (est, se, lo, hi, p) = (
            pooled.estimate,
            pooled.se,
            pooled.ci_lower,
            pooled.ci_upper,
            pooled.pvalue,
        );
        writeln!(
            f,
            "\nPooled {m}: {est:.4} (SE {se:.4}), 95% CI {lo:.4} to {hi:.4}, p = {p:.4}"
        )?;
        if m.is_ratio() {
            writeln!(
                f,
                "  on the ratio scale: {:.2} (95% CI {:.2} to {:.2})",
                est.exp(),
                lo.exp(),
                hi.exp()
            )?;
        }
        if let (Some(pl), Some(ph)) = (pooled.pi_lower, pooled.pi_upper) {
            writeln!(f, "  prediction interval: {pl:.4} to {ph:.4}")?;
        }
        writeln!(
            f,
            "Heterogeneity: tau^2 = {:.4}, I^2 = {:.1}%, Q({}) = {:.4}, p = {:.4}",
            main.tau2, main.i2, main.q_df, main.q, main.q_pvalue
        )?;
        if let Some(s) = &r.subgroups {
            for g in &s.subgroups {
                writeln!(
                    f,
                    "  {:<24} k = {:>2}  {:.4} [{:.4}, {:.4}]",
                    g.name, g.fit.k, g.fit.estimate, g.fit.ci_lower, g.fit.ci_upper
                )?;
            }
            writeln!(
                f,
                "  test for subgroup differences: Q({}) = {:.4}, p = {:.4}",
                s.q_between_df, s.q_between, s.q_between_pvalue
            )?;
        }
        if !r.excluded.is_empty() {
            writeln!(f, "\nNot pooled:")?;
            for e in &r.excluded {
                writeln!(
                    f,
                    "  {} ({} mo): {}",
                    e.study_id,
                    or_dash(e.timepoint_months),
                    e.reason
                )?;
            }
        }
        writeln!(f, "\n{}", r.disclaimer)?;
        Ok(())
    }
}

fn published_text(a: &PublishedAnalysis) -> String {
    match (a.estimate, a.ci_lower, a.ci_upper) {
        (Some(e), Some(l), Some(u)) => format!("{} {e:.2} (95% CI {l:.2} to {u:.2})", a.measure),
        (Some(e), _, _) => format!("{} {e:.2} (no CI published)", a.measure),
        _ => "no pooled estimate published (only a p-value or direction)".into(),
    }
}

impl fmt::Display for Reproduced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self;
        let a = &r.published;
        writeln!(f, "{} — {}", a.name, a.citation)?;
        let at = a
            .timepoint_months
            .map(|t| format!(" at {t} months"))
            .unwrap_or_default();
        writeln!(f, "outcome {}{at}; method {}", a.outcome, a.method)?;
        writeln!(f, "published: {}   [{}]", published_text(a), a.source)?;
        if r.exclude_integrity_concerns {
            let src = a
                .integrity
                .as_ref()
                .map(|i| format!(" (source: {i})"))
                .unwrap_or_default();
            writeln!(
                f,
                "sensitivity: trials under integrity concerns dropped{src}"
            )?;
        }
        match &r.result {
            Reproduction::Reproduced { ours, notes } => {
                writeln!(
                    f,
                    "ours:      {} {:.2} (95% CI {:.2} to {:.2}), k = {}, {}",
                    a.measure, ours.estimate, ours.ci_lower, ours.ci_upper, ours.k, ours.method
                )?;
                match ours.matches_published {
                    Some(true) => writeln!(
                        f,
                        "REPRODUCED within rounding ({} decimals)",
                        a.decimals.unwrap_or(2)
                    )?,
                    Some(false) => writeln!(f, "DIFFERS from the published result")?,
                    None => writeln!(f, "no published number to compare")?,
                }
                for n in notes {
                    writeln!(f, "note: {n}")?;
                }
            }
            Reproduction::MissingStudies {
                missing,
                available,
                unnamed,
            } => {
                writeln!(
                    f,
                    "NOT REPRODUCED: study data are missing, so no pooled number is given."
                )?;
                for m in missing {
                    writeln!(f, "  missing {}: {}", m.study_id, m.reason)?;
                }
                if !available.is_empty() {
                    writeln!(f, "  available: {}", available.join(", "))?;
                }
                if let Some(u) = unnamed {
                    writeln!(f, "  studies not named in our source: {u}")?;
                }
            }
        }
        writeln!(f, "\n{}", r.disclaimer)?;
        Ok(())
    }
}

impl fmt::Display for StudyRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self;
        let rows = &s.rows;
        let r0 = &rows[0];
        writeln!(
            f,
            "{} — {} {} ({})",
            r0.study_id,
            r0.first_author,
            r0.year,
            r0.country.as_deref().unwrap_or("-")
        )?;
        writeln!(
            f,
            "population:   {}",
            r0.population.as_deref().unwrap_or("-")
        )?;
        writeln!(
            f,
            "vitamin K:    {} {} µg/day for {} months; co-treatment: {}",
            r0.k_form,
            or_dash(r0.dose_ug_per_day),
            or_dash(r0.duration_months),
            r0.co_treatment.as_deref().unwrap_or("-")
        )?;
        writeln!(f, "control:      {}", r0.control)?;
        if r0.integrity_concern {
            writeln!(
                f,
                "INTEGRITY CONCERN: {}",
                r0.integrity_note.as_deref().unwrap_or("-")
            )?;
        }
        for (i, r) in rows.iter().enumerate() {
            writeln!(
                f,
                "\n{} at {} months (n {} vs {})",
                r.outcome,
                r.timepoint_months,
                or_dash(r.n_treat),
                or_dash(r.n_control)
            )?;
            if r.mean_treat.is_some() || r.mean_control.is_some() {
                writeln!(
                    f,
                    "  mean {} ± {} vs {} ± {} (dispersion: {})",
                    or_dash(r.mean_treat),
                    or_dash(r.sd_treat),
                    or_dash(r.mean_control),
                    or_dash(r.sd_control),
                    r.dispersion.map(|d| d.label()).unwrap_or("-")
                )?;
            }
            if r.events_treat.is_some() || r.events_control.is_some() {
                writeln!(
                    f,
                    "  events {} vs {}",
                    or_dash(r.events_treat),
                    or_dash(r.events_control)
                )?;
            }
            match &s.not_poolable[i] {
                None => writeln!(f, "  poolable: yes")?,
                Some(why) => writeln!(f, "  poolable: no — {why}")?,
            }
            writeln!(f, "  source: {} [{}]", r.source, r.provenance)?;
            if let Some(n) = &r.notes {
                writeln!(f, "  notes: {n}")?;
            }
            if let Some(n) = &r.curation_note {
                writeln!(f, "  curation: {n}")?;
            }
        }
        Ok(())
    }
}
