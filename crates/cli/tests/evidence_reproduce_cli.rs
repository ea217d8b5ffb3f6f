//! `k2bone evidence reproduce` end to end: every shipped published analysis either reproduces
//! within rounding or names its missing studies (decided here, independently, from the rows that
//! `evidence list` returns), and a complete target file reproduces a fixed-effect pool written
//! out by hand.

mod evidence_fixture;
use evidence_fixture::*;
use serde_json::Value;

/// Independent poolability check on a shipped row (JSON of `list`): the columns a pool needs.
fn poolable(row: &Value) -> bool {
    let has = |k: &str| !row[k].is_null();
    if row["outcome"].as_str().unwrap().ends_with("fracture") {
        has("events_treat") && has("events_control") && has("n_treat") && has("n_control")
    } else {
        [
            "mean_treat",
            "sd_treat",
            "mean_control",
            "sd_control",
            "n_treat",
            "n_control",
        ]
        .iter()
        .all(|k| has(k))
            && matches!(row["dispersion"].as_str(), Some("sd") | Some("se"))
    }
}

#[test]
fn every_published_analysis_reproduces_or_names_its_missing_studies() {
    let dir = tempfile::tempdir().unwrap();
    let rows = json_of(&k2bone(
        dir.path(),
        &["evidence", "list", "--format", "json"],
    ));
    let rows = rows["rows"].as_array().unwrap();
    let targets = json_of(&k2bone(
        dir.path(),
        &["evidence", "reproduce", "--list", "--format", "json"],
    ));
    for t in targets["analyses"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let named: Vec<&str> = t["studies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let outcome = t["outcome"].as_str().unwrap();
        let at = t["timepoint_months"].as_f64();
        // A named study is missing unless it has a poolable row for the outcome (at the time point).
        let expect_missing: Vec<&str> = named
            .iter()
            .copied()
            .filter(|id| {
                !rows.iter().any(|r| {
                    r["study_id"] == *id
                        && r["outcome"] == outcome
                        && at.is_none_or(|t| r["timepoint_months"].as_f64() == Some(t))
                        && poolable(r)
                })
            })
            .collect();
        let complete = t["studies_complete"].as_bool().unwrap();
        let v = json_of(&k2bone(
            dir.path(),
            &["evidence", "reproduce", name, "--format", "json"],
        ));
        let res = &v["result"];
        if complete && expect_missing.is_empty() && named.len() >= 2 {
            assert_eq!(res["status"], "reproduced", "{name}");
            assert_eq!(res["ours"]["matches_published"], true, "{name}: {res}");
        } else {
            assert_eq!(res["status"], "missing_studies", "{name}");
            let got: Vec<&str> = res["missing"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["study_id"].as_str().unwrap())
                .collect();
            assert_eq!(got, expect_missing, "{name}");
            assert_eq!(res["unnamed"].is_null(), complete, "{name}");
            let text = k2bone(dir.path(), &["evidence", "reproduce", name]);
            let text = String::from_utf8_lossy(&text.stdout);
            assert!(
                text.contains("NOT REPRODUCED") && !text.contains("ours:"),
                "{name}: {text}"
            );
            for id in &expect_missing {
                assert!(text.contains(&format!("missing {id}")), "{name}: {text}");
            }
        }
    }
}

#[test]
fn a_complete_target_reproduces_within_rounding() {
    let dir = imported();
    // Fixed-effect MD of fixture_a and fixture_b by hand:
    //   y = m1 − m2, v = s1²/n1 + s2²/n2, w = 1/v, est = Σwy/Σw, se = 1/√Σw, CI = est ± 1.959964·se.
    let ab: Vec<(f64, f64)> = FIXTURE[..2]
        .iter()
        .map(|f| (f.3 - f.6, f.4 * f.4 / f.2 + f.7 * f.7 / f.5))
        .collect();
    let sw: f64 = ab.iter().map(|(_, v)| 1.0 / v).sum();
    let est = ab.iter().map(|(y, v)| y / v).sum::<f64>() / sw;
    let half = 1.959_963_985 / sw.sqrt();
    let target = |name: &str, e: f64| {
        format!(
            "[[analysis]]\nname = '{name}'\ncitation = 'fixture'\nsource = 'test'\ngrade = 'A'\noutcome = 'fixture_bmd_pct_change'\nmeasure = 'MD'\nmethod = 'FE'\n\
             estimate = {:.2}\nci_lower = {:.2}\nci_upper = {:.2}\nstudies = ['fixture_a', 'fixture_b']\nstudies_complete = true\n",
            e, est - half, est + half
        )
    };
    let toml = dir.path().join("targets.toml");
    std::fs::write(&toml, target("fx", est) + &target("fx-off", est + 0.05)).unwrap();
    let p = toml.to_str().unwrap();
    let ok = json_of(&k2bone(
        dir.path(),
        &[
            "evidence",
            "reproduce",
            "fx",
            "--published",
            p,
            "--format",
            "json",
        ],
    ));
    assert_eq!(ok["result"]["status"], "reproduced");
    assert_eq!(ok["result"]["ours"]["matches_published"], true);
    assert!(close(
        ok["result"]["ours"]["estimate"].as_f64().unwrap(),
        est
    ));
    let off = json_of(&k2bone(
        dir.path(),
        &[
            "evidence",
            "reproduce",
            "fx-off",
            "--published",
            p,
            "--format",
            "json",
        ],
    ));
    assert_eq!(off["result"]["ours"]["matches_published"], false);
    let text = String::from_utf8_lossy(
        &k2bone(
            dir.path(),
            &["evidence", "reproduce", "fx", "--published", p],
        )
        .stdout,
    )
    .to_string();
    assert!(
        text.contains("REPRODUCED within rounding") && text.contains("not medical advice"),
        "{text}"
    );
}
