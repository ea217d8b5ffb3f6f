//! Doses as SBML: runs of equal doses at a fixed interval become one self-rescheduling event.
//!
//! A dose list from k2bone is expanded (one entry per dose: 1,095 for three years of a daily
//! supplement). One SBML event per dose scales badly and meets the tools' known pitfalls, so
//! the list is first split into *runs*: the same drug and amount at `first, first + ii, …`
//! (`count` doses). Each run is one event whose trigger is `time >= next && left > 0`; it adds
//! the dose, moves `next` on by `ii` and counts `left` down, so its trigger falls back to
//! false and rises again at the next dose. The triggers are `>=` on time (roadrunner #281),
//! never a narrow window that a coarse output grid could step over (roadrunner #1358), and a
//! dose at t = 0 is not an event at all (an event at the start does not fire: tellurium #339,
//! roadrunner #857): it is folded into the initial values by an initial assignment.

use k2bone_sim::DoseEvent;

use crate::ExportError;

/// Equal boluses at a fixed interval.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseRun<D> {
    pub drug: D,
    /// Amount in the drug's canonical unit.
    pub amount: f64,
    pub first_h: f64,
    /// Interval, h (0 for a single dose).
    pub interval_h: f64,
    pub count: usize,
}

impl<D> DoseRun<D> {
    pub fn last_h(&self) -> f64 {
        self.first_h + self.interval_h * (self.count - 1) as f64
    }
}

/// The dosing of an export: doses at t = 0 and runs after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dosing<D> {
    /// Doses given at t = 0 (into the initial values), in the order k2bone applies them.
    pub at_start: Vec<(D, f64)>,
    pub runs: Vec<DoseRun<D>>,
}

/// Relative tolerance for "the same interval" (dose times come from `start + k * ii` in f64).
const SAME_TIME: f64 = 1e-9;

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME_TIME * a.abs().max(b.abs()).max(1.0)
}

/// Splits boluses into runs (with `per_dose`, one run per dose). Infusions are refused (not
/// exported yet).
pub fn compact<D: Copy + PartialEq + std::fmt::Debug>(
    doses: &[DoseEvent<D>],
    per_dose: bool,
) -> Result<Dosing<D>, ExportError> {
    let mut at_start = Vec::new();
    let mut groups: Vec<(D, f64, Vec<f64>)> = Vec::new();
    for d in doses {
        if d.duration_h.is_some_and(|dur| dur > 0.0) {
            return Err(ExportError::Infusion {
                drug: format!("{:?}", d.drug),
                time_h: d.time_h,
            });
        }
        if !(d.time_h.is_finite() && d.time_h >= 0.0 && d.amount.is_finite()) {
            return Err(ExportError::BadDose {
                drug: format!("{:?}", d.drug),
                time_h: d.time_h,
                amount: d.amount,
            });
        }
        if d.time_h == 0.0 {
            at_start.push((d.drug, d.amount));
            continue;
        }
        match groups
            .iter_mut()
            .find(|(g, a, _)| *g == d.drug && a.to_bits() == d.amount.to_bits())
        {
            Some((_, _, times)) => times.push(d.time_h),
            None => groups.push((d.drug, d.amount, vec![d.time_h])),
        }
    }
    let mut runs = Vec::new();
    for (drug, amount, mut times) in groups {
        times.sort_by(f64::total_cmp);
        let split = if per_dose {
            times.iter().map(|t| (*t, 0.0, 1)).collect()
        } else {
            split_runs(&times)
        };
        for (first_h, interval_h, count) in split {
            runs.push(DoseRun {
                drug,
                amount,
                first_h,
                interval_h,
                count,
            });
        }
    }
    runs.sort_by(|a, b| a.first_h.total_cmp(&b.first_h));
    Ok(Dosing { at_start, runs })
}

/// Covers sorted `times` by arithmetic progressions `(first, interval, count)`, greedily from
/// the earliest time, trying as the interval the gap to each of the next few times and taking
/// the longest progression (so interleaved patterns such as twice a week come apart into one
/// weekly run per weekday). Repeated times stay separate doses.
fn split_runs(times: &[f64]) -> Vec<(f64, f64, usize)> {
    const CANDIDATES: usize = 16;
    let mut left: Vec<f64> = times.to_vec();
    let mut out = Vec::new();
    while let Some(&t0) = left.first() {
        let mut best: (f64, Vec<usize>) = (0.0, vec![0]);
        for k in 1..left.len().min(CANDIDATES + 1) {
            let ii = left[k] - t0;
            if ii.is_nan() || ii <= 0.0 || same(left[k], t0) {
                continue;
            }
            let mut members = vec![0];
            let mut j = k;
            let mut next = t0 + ii;
            while j < left.len() {
                if same(left[j], next) {
                    members.push(j);
                    next = t0 + ii * members.len() as f64;
                } else if left[j] > next {
                    break;
                }
                j += 1;
            }
            if members.len() > best.1.len() {
                best = (ii, members);
            }
        }
        let (ii, members) = best;
        out.push((t0, if members.len() > 1 { ii } else { 0.0 }, members.len()));
        for &j in members.iter().rev() {
            left.remove(j);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bolus(time_h: f64, amount: f64) -> DoseEvent<u8> {
        DoseEvent {
            time_h,
            drug: 1,
            amount,
            duration_h: None,
        }
    }

    #[test]
    fn daily_doses_are_one_run_and_the_first_goes_to_the_start() {
        let doses: Vec<_> = (0..84).map(|d| bolus(24.0 * d as f64, 277.0)).collect();
        let dosing = compact(&doses, false).unwrap();
        assert_eq!(dosing.at_start, vec![(1, 277.0)]);
        assert_eq!(dosing.runs.len(), 1);
        let r = &dosing.runs[0];
        assert_eq!((r.first_h, r.interval_h, r.count), (24.0, 24.0, 83));
        assert_eq!(r.last_h(), 83.0 * 24.0);
        let each = compact(&doses, true).unwrap();
        assert_eq!(each.runs.len(), 83);
        assert!(each.runs.iter().all(|r| r.count == 1));
    }

    #[test]
    fn twice_weekly_comes_apart_into_two_weekly_runs_and_odd_doses_stay_single() {
        let mut doses = Vec::new();
        for w in 0..10 {
            doses.push(bolus(168.0 * w as f64 + 8.0, 50.0));
            doses.push(bolus(168.0 * w as f64 + 80.0, 50.0));
        }
        doses.push(bolus(1000.5, 50.0));
        doses.push(bolus(30.0, 20.0));
        let dosing = compact(&doses, false).unwrap();
        let mut shapes: Vec<_> = dosing
            .runs
            .iter()
            .map(|r| (r.first_h, r.interval_h, r.count, r.amount))
            .collect();
        shapes.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(
            shapes,
            vec![
                (8.0, 168.0, 10, 50.0),
                (30.0, 0.0, 1, 20.0),
                (80.0, 168.0, 10, 50.0),
                (1000.5, 0.0, 1, 50.0)
            ]
        );
        let total: usize = dosing.runs.iter().map(|r| r.count).sum();
        assert_eq!(total, doses.len());
    }

    #[test]
    fn infusions_and_bad_doses_are_refused() {
        let mut d = bolus(5.0, 1.0);
        d.duration_h = Some(2.0);
        assert!(matches!(
            compact(&[d], false),
            Err(ExportError::Infusion { .. })
        ));
        assert!(matches!(
            compact(&[bolus(-1.0, 1.0)], false),
            Err(ExportError::BadDose { .. })
        ));
    }
}
