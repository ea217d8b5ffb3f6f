//! `k2bone evidence reproduce`: printing a published analysis beside our re-run of it.

use k2bone_trialdb::published::{PublishedAnalysis, Reproduction};
use k2bone_report::disclaimer::DISCLAIMER;
use serde_json::json;

fn published_text(a: &PublishedAnalysis) -> String {
    match (a.estimate, a.ci_lower, a.ci_upper) {
        (Some(e), Some(l), Some(u)) => format!("{} {e:.2} (95% CI {l:.2} to {u:.2})", a.measure),
        (Some(e), _, _) => format!("{} {e:.2} (no CI published)", a.measure),
        _ => "no pooled estimate published (only a p-value or direction)".into(),
    }
}

pub fn print_targets(all: &[PublishedAnalysis], format: &str) -> anyhow::Result<()> {
    if format == "json" {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "analyses": all }))?
        );
        return Ok(());
    }
    for a in all {
        println!(
            "{:<36} [{}] {:<26} {}",
            a.name,
            a.grade,
            a.outcome,
            published_text(a)
        );
    }
    Ok(())
}

pub fn print_reproduction(
    a: &PublishedAnalysis,
    r: &Reproduction,
    excl: bool,
    format: &str,
) -> anyhow::Result<()> {
    if format == "json" {
        let v = json!({ "name": a.name, "published": a, "exclude_integrity_concerns": excl, "result": r, "disclaimer": DISCLAIMER });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!("{} — {}", a.name, a.citation);
    println!(
        "outcome {}{}; method {}",
        a.outcome,
        a.timepoint_months
            .map(|t| format!(" at {t} months"))
            .unwrap_or_default(),
        a.method
    );
    println!("published: {}   [{}]", published_text(a), a.source);
    if excl {
        println!(
            "sensitivity: trials under integrity concerns dropped{}",
            a.integrity
                .as_ref()
                .map(|i| format!(" (source: {i})"))
                .unwrap_or_default()
        );
    }
    match r {
        Reproduction::Reproduced { ours, notes } => {
            println!(
                "ours:      {} {:.2} (95% CI {:.2} to {:.2}), k = {}, {}",
                a.measure, ours.estimate, ours.ci_lower, ours.ci_upper, ours.k, ours.method
            );
            match ours.matches_published {
                Some(true) => println!(
                    "REPRODUCED within rounding ({} decimals)",
                    a.decimals.unwrap_or(2)
                ),
                Some(false) => println!("DIFFERS from the published result"),
                None => println!("no published number to compare"),
            }
            for n in notes {
                println!("note: {n}");
            }
        }
        Reproduction::MissingStudies {
            missing,
            available,
            unnamed,
        } => {
            println!("NOT REPRODUCED: study data are missing, so no pooled number is given.");
            for m in missing {
                println!("  missing {}: {}", m.study_id, m.reason);
            }
            if !available.is_empty() {
                println!("  available: {}", available.join(", "));
            }
            if let Some(u) = unnamed {
                println!("  studies not named in our source: {u}");
            }
        }
    }
    println!("\n{DISCLAIMER}");
    Ok(())
}
