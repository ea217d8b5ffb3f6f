//! Text and CSV reports of `k2bone compare`: every compared end-of-study key per arm, and each
//! arm's difference from the first.

use std::fmt;

use k2bone_report::disclaimer::DISCLAIMER;

use super::{csv_field, Csv};
use crate::compare::Comparison;

fn unit(c: &Comparison, key: &str) -> String {
    c.units.get(key).cloned().flatten().unwrap_or_default()
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.arms.first() else {
            return writeln!(f, "no arms compared\n{DISCLAIMER}");
        };
        let width = self
            .arms
            .iter()
            .map(|a| a.name.len())
            .max()
            .unwrap_or(8)
            .max(16);
        write!(f, "{:<34} {:<7}", "end of study", "unit")?;
        for a in &self.arms {
            write!(f, " {:>width$}", a.name)?;
        }
        writeln!(f)?;
        for (i, k) in self.keys.iter().enumerate() {
            write!(f, "{:<34} {:<7}", k, unit(self, k))?;
            for (j, a) in self.arms.iter().enumerate() {
                let cell = if j == 0 {
                    format!("{:.2}", a.values[i])
                } else {
                    format!("{:.2} ({:+.2})", a.values[i], a.values[i] - first.values[i])
                };
                write!(f, " {cell:>width$}")?;
            }
            writeln!(f)?;
        }
        writeln!(
            f,
            "\n(in brackets: difference from `{}`)\n{DISCLAIMER}",
            self.reference
        )
    }
}

/// One row per key: key, unit, each arm's value, then each later arm minus the first.
impl fmt::Display for Csv<'_, Comparison> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        let Some(first) = c.arms.first() else {
            return writeln!(f, "key,unit");
        };
        let mut head = vec!["key".to_string(), "unit".to_string()];
        head.extend(c.arms.iter().map(|a| csv_field(&a.name)));
        head.extend(
            c.arms
                .iter()
                .skip(1)
                .map(|a| csv_field(&format!("{} - {}", a.name, first.name))),
        );
        writeln!(f, "{}", head.join(","))?;
        for (i, k) in c.keys.iter().enumerate() {
            let mut row = vec![csv_field(k), csv_field(&unit(c, k))];
            row.extend(c.arms.iter().map(|a| format!("{}", a.values[i])));
            row.extend(
                c.arms
                    .iter()
                    .skip(1)
                    .map(|a| format!("{}", a.values[i] - first.values[i])),
            );
            writeln!(f, "{}", row.join(","))?;
        }
        Ok(())
    }
}
