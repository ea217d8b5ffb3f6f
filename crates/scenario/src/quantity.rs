//! Quantities written as text in scenario files: durations, doses with schedules, intakes and
//! concentrations. Each parser returns the value in one unit or a message saying what is
//! accepted.

use k2bone_units::{CALCIUM_G_PER_MOL, DAYS_PER_MONTH, DAYS_PER_YEAR, HOURS_PER_DAY};
/// 25-hydroxyvitamin D3, C27H44O2: 400.64 g/mol (from the formula, IUPAC atomic weights), so
/// 1 ng/mL = 1000 / 400.64 = 2.496 nmol/L.
pub const D25_NMOL_L_PER_NG_ML: f64 = 1000.0 / 400.64;

/// When doses are taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    /// One dose on the start day.
    Once,
    /// `n` doses a day, the first at 08:00, spread evenly over 16 waking hours.
    PerDay(u32),
    /// `n` doses a week on evenly spaced days, at 08:00.
    PerWeek(u32),
    /// One dose every `hours`, the first at 08:00 of the start day.
    EveryHours(f64),
}

const SCHEDULES: &str = "once, daily, twice daily, 3x daily (up to 24x daily), weekly, \
                         twice weekly (up to 7x weekly), every N hours|days|weeks|months";

/// Hour of the day of the first dose.
pub const FIRST_DOSE_HOUR: f64 = 8.0;
/// Hours over which several daily doses are spread.
pub const WAKING_HOURS: f64 = 16.0;

fn count_word(w: &str) -> Option<u32> {
    match w {
        "once" | "1x" => Some(1),
        "twice" | "2x" => Some(2),
        "thrice" => Some(3),
        _ => w.strip_suffix('x').and_then(|n| n.parse().ok()),
    }
}

impl Schedule {
    /// Parses `daily`, `3x daily`, `3 times daily`, `twice weekly`, `every 6 months`, `once`.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let bad = || format!("unknown schedule `{text}` (accepted: {SCHEDULES})");
        let per = |n: u32, unit: &str| -> Result<Schedule, String> {
            match unit {
                "daily" | "a day" | "per day" | "/day" => {
                    if (1..=24).contains(&n) {
                        Ok(Schedule::PerDay(n))
                    } else {
                        Err(format!(
                            "{n} doses a day is out of range (accepted: 1 to 24)"
                        ))
                    }
                }
                "weekly" | "a week" | "per week" | "/week" => {
                    if (1..=7).contains(&n) {
                        Ok(Schedule::PerWeek(n))
                    } else {
                        Err(format!(
                            "{n} doses a week is out of range (accepted: 1 to 7)"
                        ))
                    }
                }
                _ => Err(bad()),
            }
        };
        match w.as_slice() {
            ["once"] => Ok(Schedule::Once),
            ["daily"] | ["once", "daily"] => Ok(Schedule::PerDay(1)),
            ["weekly"] | ["once", "weekly"] => Ok(Schedule::PerWeek(1)),
            ["every", unit] => Ok(Schedule::EveryHours(unit_hours(unit).ok_or_else(bad)?)),
            [n, unit] => per(count_word(n).ok_or_else(bad)?, unit),
            [n, "times", unit] => per(n.parse().map_err(|_| bad())?, unit),
            [n, a, b] if matches!(*a, "a" | "per") => {
                per(count_word(n).ok_or_else(bad)?, &format!("{a} {b}"))
            }
            ["every", n, unit] => {
                let n: f64 = n.parse().map_err(|_| bad())?;
                let hours = n * unit_hours(unit).ok_or_else(bad)?;
                if !(hours.is_finite() && hours >= 1.0) {
                    return Err(format!(
                        "every {n} {unit} is out of range (accepted: at least every 1 hour)"
                    ));
                }
                Ok(Schedule::EveryHours(hours))
            }
            _ => Err(bad()),
        }
    }

    /// Dose times in hours from the start of the run, on the days from `start_day`
    /// (inclusive) to `stop_day` (exclusive); a day's doses all belong to it (the third of
    /// three daily doses is at 24:00), as in the built-in studies.
    pub fn times_h(self, start_day: f64, stop_day: f64) -> Vec<f64> {
        let start_h = start_day * HOURS_PER_DAY;
        let stop_h = stop_day * HOURS_PER_DAY;
        let mut out = Vec::new();
        match self {
            Schedule::Once => {
                if start_day < stop_day {
                    out.push(start_h + FIRST_DOSE_HOUR)
                }
            }
            Schedule::PerDay(n) => {
                let gap = if n > 1 {
                    WAKING_HOURS / (n - 1) as f64
                } else {
                    0.0
                };
                let days = (stop_day - start_day).ceil().max(0.0) as usize;
                for d in 0..days {
                    for k in 0..n {
                        out.push(
                            start_h + d as f64 * HOURS_PER_DAY + FIRST_DOSE_HOUR + k as f64 * gap,
                        );
                    }
                }
            }
            Schedule::PerWeek(n) => {
                let weeks = ((stop_day - start_day) / 7.0).ceil().max(0.0) as usize;
                for wk in 0..weeks {
                    for k in 0..n {
                        let day = wk as f64 * 7.0 + (k as f64 * 7.0 / n as f64).floor();
                        if start_day + day < stop_day {
                            out.push(start_h + day * HOURS_PER_DAY + FIRST_DOSE_HOUR);
                        }
                    }
                }
            }
            Schedule::EveryHours(h) => {
                let mut t = start_h + FIRST_DOSE_HOUR;
                while t < stop_h {
                    out.push(t);
                    t += h;
                }
            }
        }
        out
    }

    /// Doses per day on average (for "similar daily dose" matching and descriptions).
    pub fn per_day(self) -> f64 {
        match self {
            Schedule::Once => 0.0,
            Schedule::PerDay(n) => n as f64,
            Schedule::PerWeek(n) => n as f64 / 7.0,
            Schedule::EveryHours(h) => HOURS_PER_DAY / h,
        }
    }

    /// The schedule in words, as it re-parses.
    pub fn words(self) -> String {
        match self {
            Schedule::Once => "once".into(),
            Schedule::PerDay(1) => "daily".into(),
            Schedule::PerDay(n) => format!("{n}x daily"),
            Schedule::PerWeek(1) => "weekly".into(),
            Schedule::PerWeek(n) => format!("{n}x weekly"),
            Schedule::EveryHours(h) => format!("every {h} hours"),
        }
    }
}

fn unit_hours(unit: &str) -> Option<f64> {
    Some(match unit.trim_end_matches('s') {
        "h" | "hr" | "hour" => 1.0,
        "d" | "day" => HOURS_PER_DAY,
        "wk" | "week" => 7.0 * HOURS_PER_DAY,
        "mo" | "month" => DAYS_PER_MONTH * HOURS_PER_DAY,
        "y" | "yr" | "year" => DAYS_PER_YEAR * HOURS_PER_DAY,
        _ => return None,
    })
}

/// Splits `"180 ug daily"` or `"180ug"` into (180, "ug", "daily").
pub fn split_amount(text: &str) -> Result<(f64, String, String), String> {
    let (amount, rest) = k2bone_units::split_number(text).ok_or_else(|| {
        format!("`{text}` does not start with a number (write it like \"180 ug\")")
    })?;
    if !amount.is_finite() {
        return Err(format!("`{text}`: the amount is not a finite number"));
    }
    let mut words = rest.split_whitespace();
    let unit = words
        .next()
        .ok_or_else(|| {
            format!("`{text}` has no unit (write it like \"180 ug\"; units are never assumed)")
        })?
        .to_string();
    Ok((amount, unit, words.collect::<Vec<_>>().join(" ")))
}

/// A duration such as `"3 years"`, `"12 weeks"`, `"90 days"`, `"36 months"`, in days.
pub fn duration_days(text: &str) -> Result<f64, String> {
    let (n, unit, rest) = split_amount(text)?;
    if !rest.is_empty() {
        return Err(format!("unexpected `{rest}` after the duration"));
    }
    let h = unit_hours(&unit.to_ascii_lowercase()).ok_or_else(|| {
        format!("unknown unit `{unit}` (accepted: hours, days, weeks, months, years)")
    })?;
    Ok(n * h / HOURS_PER_DAY)
}

/// A daily calcium intake (`"964 mg/day"`, `"1.2 g/day"`, `"24 mmol/day"`) in mg/day.
pub fn calcium_mg_per_day(text: &str) -> Result<f64, String> {
    let (n, unit, rest) = split_amount(text)?;
    if !rest.is_empty() {
        return Err(format!("unexpected `{rest}` after the intake"));
    }
    let per_day = unit
        .to_ascii_lowercase()
        .replace("/day", "/d")
        .replace("per day", "/d");
    let f = match per_day.as_str() {
        "mg/d" => 1.0,
        "g/d" => 1000.0,
        "mmol/d" => CALCIUM_G_PER_MOL,
        _ => {
            return Err(format!(
                "unit `{unit}` is not a daily calcium intake (accepted: mg/day, g/day, mmol/day)"
            ))
        }
    };
    Ok(n * f)
}

/// A serum 25(OH)D level (`"75 nmol/L"`, `"30 ng/mL"`) in nmol/L.
pub fn d25_nmol_l(text: &str) -> Result<f64, String> {
    let (n, unit, rest) = split_amount(text)?;
    if !rest.is_empty() {
        return Err(format!("unexpected `{rest}` after the level"));
    }
    match unit.to_ascii_lowercase().as_str() {
        "nmol/l" => Ok(n),
        "ng/ml" | "ug/l" | "µg/l" => Ok(n * D25_NMOL_L_PER_NG_ML),
        _ => Err(format!(
            "unit `{unit}` is not a 25(OH)D concentration (accepted: nmol/L, ng/mL)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_times_daily_over_two_days_is_six_doses_at_8_16_24_h_offsets() {
        let s = Schedule::parse("3x daily").unwrap();
        // 08:00, 16:00, 24:00 of day 0, then the same on day 1.
        assert_eq!(s.times_h(0.0, 2.0), vec![8.0, 16.0, 24.0, 32.0, 40.0, 48.0]);
        assert_eq!(Schedule::parse("3 times daily").unwrap(), s);
    }

    #[test]
    fn weekly_schedules_and_intervals() {
        assert_eq!(
            Schedule::parse("weekly").unwrap().times_h(0.0, 14.0),
            vec![8.0, 176.0]
        );
        // twice weekly: days 0 and 3 of each week (floor(7/2) = 3).
        assert_eq!(
            Schedule::parse("twice weekly").unwrap().times_h(0.0, 7.0),
            vec![8.0, 80.0]
        );
        // every 26 weeks (182 days) over a 365-day year from day 0: days 0, 182 and 364.
        assert_eq!(
            Schedule::parse("every 26 weeks")
                .unwrap()
                .times_h(0.0, 365.0),
            vec![8.0, 8.0 + 182.0 * 24.0, 8.0 + 364.0 * 24.0]
        );
        assert_eq!(
            Schedule::parse("once").unwrap().times_h(10.0, 20.0),
            vec![248.0]
        );
        // start and stop days: daily from day 2 to day 4 (exclusive).
        assert_eq!(
            Schedule::parse("daily").unwrap().times_h(2.0, 4.0),
            vec![56.0, 80.0]
        );
    }

    #[test]
    fn bad_schedules_say_what_is_accepted() {
        for s in [
            "hourly",
            "25x daily",
            "8x weekly",
            "every 0.5 hours",
            "every fortnight",
            "",
        ] {
            let e = Schedule::parse(s).unwrap_err();
            assert!(e.contains("accepted"), "{s}: {e}");
        }
    }

    #[test]
    fn quantities_convert_by_hand() {
        assert_eq!(duration_days("3 years").unwrap(), 1095.0);
        assert_eq!(duration_days("12 weeks").unwrap(), 84.0);
        assert_eq!(duration_days("36 months").unwrap(), 1095.0);
        assert_eq!(duration_days("48 h").unwrap(), 2.0);
        // 24.055 mmol/d (the spec's OralCa) x 40.078 g/mol = 964.1 mg/d.
        assert!((calcium_mg_per_day("24.055 mmol/day").unwrap() - 964.076).abs() < 1e-3);
        assert_eq!(calcium_mg_per_day("1.2 g/day").unwrap(), 1200.0);
        // 30 ng/mL x 2.496 = 74.9 nmol/L.
        assert!((d25_nmol_l("30 ng/mL").unwrap() - 74.88).abs() < 0.01);
        assert_eq!(
            split_amount("180ug daily").unwrap(),
            (180.0, "ug".into(), "daily".into())
        );
        assert!(split_amount("ug 180").is_err());
        assert!(split_amount("180").unwrap_err().contains("no unit"));
        assert!(calcium_mg_per_day("1000 IU").is_err());
    }
}
