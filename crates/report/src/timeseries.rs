//! Writes a simulated [`Trajectory`] as `timeseries.csv`: a `time_days` column, then every state
//! under its spec name, then every output; [`write_arms_csv`] writes the arms of a study as one
//! table with an `arm` column first. Units are in the column names' documentation
//! (`docs/model/calcium-bone.md`) and in `summary.json`, so the header stays machine-friendly.

use std::io::Write;

use k2bone_sim::{ArmRun, Trajectory};

/// Writes the CSV to `w`. Values are printed with 10 significant digits.
pub fn write_csv<W: Write>(traj: &Trajectory, w: W) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["time_days".to_string()];
    header.extend(traj.columns.iter().map(|c| c.name.clone()));
    out.write_record(&header)?;
    let mut row = Vec::with_capacity(header.len());
    for (i, t) in traj.times_h.iter().enumerate() {
        row.clear();
        row.push(format_value(t / 24.0));
        row.extend(traj.columns.iter().map(|c| format_value(c.values[i])));
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// Writes the arms of a study (one block of rows per arm, same columns) to `w`.
pub fn write_arms_csv<W: Write>(runs: &[ArmRun], w: W) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["arm".to_string(), "time_days".to_string()];
    if let Some(first) = runs.first() {
        header.extend(first.trajectory.columns.iter().map(|c| c.name.clone()));
    }
    out.write_record(&header)?;
    let mut row = Vec::with_capacity(header.len());
    for run in runs {
        let tr = &run.trajectory;
        for (i, t) in tr.times_h.iter().enumerate() {
            row.clear();
            row.push(run.name.clone());
            row.push(format_value(t / 24.0));
            row.extend(tr.columns.iter().map(|c| format_value(c.values[i])));
            out.write_record(&row)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn format_value(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if (1e-4..1e7).contains(&v.abs()) {
        let digits = (9 - v.abs().log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:.9e}")
    }
}

#[cfg(test)]
mod tests {
    use super::format_value;

    #[test]
    fn values_keep_ten_significant_digits() {
        assert_eq!(format_value(2.35), "2.35");
        assert_eq!(format_value(0.00115398), "0.00115398");
        assert_eq!(format_value(24900.0), "24900");
        assert_eq!(format_value(1.0 / 3.0), "0.3333333333");
        assert_eq!(format_value(8.913251140492625e-5), "8.913251140e-5");
        assert_eq!(format_value(-3.3), "-3.3");
    }
}
