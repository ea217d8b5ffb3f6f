//! CSV tables of the evidence results, for downloads: trial rows (`evidence list`), the trials of
//! a pooled outcome (`evidence analyze`) and the studies of a meta-analysis (`meta`), each with
//! its weight. Numbers are written in their shortest exact form; "" = not reported.

use std::fmt;

use super::{csv_field, Csv};
use crate::evidence::{EvidenceAnalysis, TrialRows};
use crate::meta::MetaAnalysis;

fn opt<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

impl fmt::Display for Csv<'_, TrialRows> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "study_id,first_author,year,country,k_form,dose_ug_per_day,outcome,timepoint_months,\
             n_treat,n_control,mean_treat,sd_treat,mean_control,sd_control,events_treat,\
             events_control,control,integrity_concern,poolable,source"
        )?;
        for (r, why) in self.0.rows.iter().zip(&self.0.not_poolable) {
            let cells = [
                csv_field(&r.study_id),
                csv_field(&r.first_author),
                r.year.to_string(),
                csv_field(&opt(&r.country)),
                csv_field(&r.k_form),
                opt(&r.dose_ug_per_day),
                csv_field(&r.outcome),
                r.timepoint_months.to_string(),
                opt(&r.n_treat),
                opt(&r.n_control),
                opt(&r.mean_treat),
                opt(&r.sd_treat),
                opt(&r.mean_control),
                opt(&r.sd_control),
                opt(&r.events_treat),
                opt(&r.events_control),
                csv_field(&r.control),
                r.integrity_concern.to_string(),
                why.is_none().to_string(),
                csv_field(&r.source),
            ];
            writeln!(f, "{}", cells.join(","))?;
        }
        Ok(())
    }
}

impl fmt::Display for Csv<'_, EvidenceAnalysis> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "study_id,yi,vi,weight_pct,timepoint_months,k_form,control,integrity_concern,source"
        )?;
        for s in &self.0.studies {
            writeln!(
                f,
                "{},{},{},{},{},{},{},{},{}",
                csv_field(&s.study_id),
                s.yi,
                s.vi,
                s.weight_pct,
                s.timepoint_months,
                csv_field(&s.k_form),
                csv_field(&s.control),
                s.integrity_concern,
                csv_field(&s.source)
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Csv<'_, MetaAnalysis> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "study,yi,vi,weight_pct")?;
        for s in &self.0.studies {
            writeln!(
                f,
                "{},{},{},{}",
                csv_field(&s.study),
                s.yi,
                s.vi,
                s.weight_pct
            )?;
        }
        Ok(())
    }
}
