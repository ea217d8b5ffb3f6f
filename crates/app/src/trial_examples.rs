//! The example trial files (`examples/trials/*.toml`), compiled in so that a face without a
//! checkout (the web app's Virtual trial page) can offer them, and the design of a trial file's
//! text for a page: title, arms with their regimens, patients per arm, duration, visits, the
//! real trial it mirrors and the file's opening comment (its source).
//!
//! A trial given as text ([`InlineTrial::Toml`]) names no other file: `population.covariates_csv`
//! is refused, so a server never reads a path that came in a request.

use std::path::Path;

use serde::{Deserialize, Serialize};

use k2bone_trials::TrialDesign;

use crate::{AppError, AppResult};

/// One shipped example trial: its name (the file name without `.toml`) and text.
#[derive(Debug, Clone, Copy)]
pub struct ExampleFile {
    pub name: &'static str,
    pub toml: &'static str,
}

macro_rules! example {
    ($name:literal) => {
        ExampleFile {
            name: $name,
            toml: include_str!(concat!("../../../examples/trials/", $name, ".toml")),
        }
    };
}

/// Every file in `examples/trials/` (a test checks the folder against this list).
pub const EXAMPLES: [ExampleFile; 5] = [
    example!("cheung-2008-k1-5mg"),
    example!("dawson-hughes-1997-ca-d3"),
    example!("knapen-2013"),
    example!("mk7-3-months-scale"),
    example!("shiraki-2000-mk4-45mg"),
];

/// Where a page's trial comes from (no file paths).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InlineTrial {
    /// A shipped example (`GET /api/trials/examples`), e.g. `knapen-2013`.
    Example(String),
    /// Trial file text (TOML, `schema = 1`, as `k2bone trial FILE` reads), without a
    /// covariate CSV.
    Toml(String),
}

/// One arm of a design, with its regimen as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ArmInfo {
    pub name: String,
    /// `key = value` lines of the arm's table (empty for an untreated arm).
    pub regimen: Vec<String>,
    /// The arm BMD changes and fracture risks are compared against.
    pub control: bool,
}

/// A trial design, for a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialDesignInfo {
    pub title: String,
    pub n_per_arm: usize,
    pub seed: u64,
    pub duration_days: f64,
    /// Visit days after randomisation, starting with 0 (baseline).
    pub visits_days: Vec<f64>,
    pub dropout_per_year: f64,
    pub arms: Vec<ArmInfo>,
    /// The real trial in the evidence database this design mirrors (`trial compare`).
    pub evidence_study: Option<String>,
    /// The file's opening comment lines: the trial's source and what was assumed.
    pub source: Vec<String>,
}

/// A shipped example with its design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrialExample {
    pub name: String,
    pub design: TrialDesignInfo,
    pub toml: String,
}

/// The shipped example called `name`.
pub fn example(name: &str) -> AppResult<&'static ExampleFile> {
    EXAMPLES.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = EXAMPLES.iter().map(|e| e.name).collect();
        AppError::bad_input(format!(
            "trial.example: unknown example trial `{name}`{} (accepted: {})",
            k2bone_units::fuzzy::hint(name, names.iter().copied()),
            names.join(", ")
        ))
    })
}

/// Every shipped example with its design.
pub fn examples() -> AppResult<Vec<TrialExample>> {
    EXAMPLES
        .iter()
        .map(|e| {
            Ok(TrialExample {
                name: e.name.to_string(),
                design: describe(e.toml, &origin(e))?,
                toml: e.toml.to_string(),
            })
        })
        .collect()
}

fn origin(e: &ExampleFile) -> String {
    format!("examples/trials/{}.toml", e.name)
}

/// The trial's text and the name its errors carry (`examples/trials/NAME.toml` or `trial.toml`).
pub fn inline_text(trial: &InlineTrial) -> AppResult<(String, String)> {
    match trial {
        InlineTrial::Example(name) => {
            let e = example(name)?;
            Ok((origin(e), e.toml.to_string()))
        }
        InlineTrial::Toml(text) => Ok(("trial.toml".to_string(), text.clone())),
    }
}

/// Reads the design of a trial file's text (the engine's own checks, with `origin` in the
/// messages); a covariate CSV is refused (the text comes without files).
pub fn describe(text: &str, origin: &str) -> AppResult<TrialDesignInfo> {
    let table = text.parse::<toml::Table>().ok();
    let population = table
        .as_ref()
        .and_then(|t| t.get("population"))
        .and_then(|p| p.as_table());
    if population.is_some_and(|p| p.contains_key("covariates_csv")) {
        return Err(AppError::bad_input(format!(
            "{origin}: `population.covariates_csv` is not accepted here (a trial sent as text \
             names no files); draw the covariates from distributions, or run `k2bone trial FILE` \
             with the CSV beside it"
        )));
    }
    let design = TrialDesign::from_str_in(text, origin, Path::new(""))?;
    let arm_table = |name: &str| {
        table
            .as_ref()
            .and_then(|t| t.get("arms"))
            .and_then(|a| a.get(name))
            .and_then(|a| a.as_table())
            .map(|t| t.iter().map(|(k, v)| format!("{k} = {v}")).collect())
            .unwrap_or_default()
    };
    let arms = design
        .arms
        .iter()
        .enumerate()
        .map(|(i, name)| ArmInfo {
            name: name.clone(),
            regimen: arm_table(name),
            control: i == design.control_arm,
        })
        .collect();
    let source = text
        .lines()
        .take_while(|l| l.trim_start().starts_with('#'))
        .map(|l| l.trim_start().trim_start_matches('#').trim().to_string())
        .collect();
    Ok(TrialDesignInfo {
        title: design.title.clone(),
        n_per_arm: design.n_per_arm,
        seed: design.seed,
        duration_days: design.duration_days,
        visits_days: design.visits_days.clone(),
        dropout_per_year: design.dropout_per_year,
        arms,
        evidence_study: design.evidence_study.clone(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_examples_trials_is_listed() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/trials");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().into_string().unwrap();
                name.strip_suffix(".toml").map(str::to_string)
            })
            .collect();
        on_disk.sort();
        let listed: Vec<String> = EXAMPLES.iter().map(|e| e.name.to_string()).collect();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn knapen_design_reads_as_the_file_says() {
        let all = examples().unwrap();
        let k = all.iter().find(|e| e.name == "knapen-2013").unwrap();
        let d = &k.design;
        assert_eq!((d.n_per_arm, d.seed), (100, 2013));
        assert!(
            (d.duration_days - 3.0 * k2bone_units::DAYS_PER_YEAR).abs() < 1e-9,
            "{}",
            d.duration_days
        );
        assert_eq!(d.visits_days.len(), 4);
        assert_eq!(d.evidence_study.as_deref(), Some("knapen_2013"));
        let names: Vec<&str> = d.arms.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["placebo", "mk7-180"]);
        assert!(d.arms[0].control && d.arms[0].regimen.is_empty());
        assert_eq!(d.arms[1].regimen, ["mk7 = \"180 ug daily\""]);
        assert!(
            d.source[0].starts_with("Knapen et al. 2013"),
            "{:?}",
            d.source
        );
    }

    #[test]
    fn unknown_example_and_covariate_file_are_refused() {
        let e = inline_text(&InlineTrial::Example("knapen".into())).unwrap_err();
        assert!(e.message.contains("trial.example") && e.message.contains("knapen-2013"));
        let text = EXAMPLES[0].toml.replace(
            "[population]",
            "[population]\ncovariates_csv = \"/etc/passwd\"",
        );
        let e = describe(&text, "trial.toml").unwrap_err();
        assert!(e.message.contains("population.covariates_csv"), "{e:?}");
        let e = describe("schema = 2", "trial.toml").unwrap_err();
        assert!(e.message.starts_with("trial.toml"), "{e:?}");
    }
}
