//! The leave-one-trial-out report (`k2bone calibrate --leave-one-trial-out`): the left-out
//! targets, full fit against fold; then per fold what else moved.

use std::fmt;

use crate::cross_validation::{CrossValidation, Fold};

/// Validation shifts and parameter shifts listed per fold.
const TOP: usize = 3;

fn interval(lo: f64, hi: f64) -> String {
    format!("[{lo:.2}, {hi:.2}]")
}

fn verdict(inside: bool) -> &'static str {
    if inside {
        "inside"
    } else {
        "MISS"
    }
}

impl fmt::Display for CrossValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = if self.iterations == 0 {
            "posterior mode (Nelder–Mead); no interval".to_string()
        } else {
            format!(
                "posterior mode (Nelder–Mead), then {} walkers × {} iterations ({} burn-in), {} draws",
                self.walkers,
                self.iterations,
                self.iterations / 2,
                self.full.draws
            )
        };
        writeln!(
            f,
            "Leave-one-trial-out cross-validation of the bone calibration: {} trials; each fit: {how}; {:.0} s.",
            self.folds.len(),
            self.seconds
        )?;
        writeln!(
            f,
            "Full fit: {} targets, tau {:.3}; validation {} of {} out of sample inside ({} of {} all).\n",
            self.full.fitted.len(),
            self.full.tau,
            self.full.independent_inside,
            self.full.independent_total,
            self.full.validation_inside,
            self.full.validation_total
        )?;
        writeln!(
            f,
            "{:<13} {:<26} {:>9} {:>16} {:>23} {:>23} {:>7}  verdict full → left out",
            "left out",
            "target",
            "reported",
            "acceptance",
            "full fit",
            "without the trial",
            "shift"
        )?;
        for fold in &self.folds {
            for t in &fold.targets {
                writeln!(
                    f,
                    "{:<13} {:<26} {:>9} {:>16} {:>7.2} {:>15} {:>7.2} {:>15} {:>+7.2}  {} → {}{}",
                    fold.trial,
                    t.name,
                    t.reported
                        .map_or(t.reported_text.clone(), |r| format!("{r:.2}")),
                    format!(
                        "[{:.2}, {}]",
                        t.accept_lower,
                        t.accept_upper
                            .map_or("∞".to_string(), |u| format!("{u:.2}"))
                    ),
                    t.full,
                    interval(t.full_lower, t.full_upper),
                    t.left_out,
                    interval(t.left_out_lower, t.left_out_upper),
                    t.shift,
                    verdict(t.inside_full),
                    verdict(t.inside_left_out),
                    if t.fitted_in_full {
                        ""
                    } else {
                        " (not fitted: [bone_fit] exclude)"
                    }
                )?;
            }
        }
        writeln!(f)?;
        for fold in &self.folds {
            write_fold(f, fold, self)?;
        }
        writeln!(f, "{}", self.disclaimer)
    }
}

fn write_fold(f: &mut fmt::Formatter<'_>, fold: &Fold, cv: &CrossValidation) -> fmt::Result {
    if fold.excluded_from_fit {
        return writeln!(
            f,
            "Without {}: its targets are not fitted ([bone_fit] exclude); the fold is the full fit.\n",
            fold.trial
        );
    }
    let flipped: Vec<String> = fold
        .validation
        .iter()
        .filter(|v| v.inside_full != v.inside_left_out)
        .map(|v| {
            format!(
                "{} {}",
                v.name,
                if v.inside_left_out {
                    "now inside"
                } else {
                    "now out"
                }
            )
        })
        .collect();
    writeln!(
        f,
        "Without {} ({} targets fitted, tau {:.3}, {:.0} s): validation {} of {} out of sample inside (full fit {}){}",
        fold.trial,
        fold.fit.fitted.len(),
        fold.fit.tau,
        fold.fit.seconds,
        fold.fit.independent_inside,
        fold.fit.independent_total,
        cv.full.independent_inside,
        if flipped.is_empty() {
            String::new()
        } else {
            format!("; {}", flipped.join(", "))
        }
    )?;
    let mut moved: Vec<_> = fold.validation.iter().collect();
    moved.sort_by(|a, b| b.shift.abs().total_cmp(&a.shift.abs()));
    let moved: Vec<String> = moved
        .iter()
        .take(TOP)
        .map(|v| {
            format!(
                "{} {:.2} → {:.2} ({:+.2} {})",
                v.name, v.full, v.left_out, v.shift, v.unit
            )
        })
        .collect();
    writeln!(f, "  validation moved most: {}", moved.join("; "))?;
    let mut params: Vec<_> = fold.parameters.iter().collect();
    params.sort_by(|a, b| b.shift_prior_sd.abs().total_cmp(&a.shift_prior_sd.abs()));
    let params: Vec<String> = params
        .iter()
        .take(TOP)
        .map(|p| {
            format!(
                "{} {:.3} → {:.3} ({:+.2} prior SD)",
                p.name, p.full, p.left_out, p.shift_prior_sd
            )
        })
        .collect();
    writeln!(f, "  parameters moved most: {}\n", params.join("; "))
}
