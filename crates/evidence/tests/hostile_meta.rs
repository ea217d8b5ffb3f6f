//! The standing corpus of hostile meta-analysis inputs in `tests/corpus/` (issue 15): one CSV per
//! reproducer, with its run and its expected outcome in `#` lines at the top, which the harness
//! strips before the CSV reader sees the file:
//!
//! - `# measure: GEN` (default GEN), `# method: REML` or `ALL` (every τ² estimator),
//!   `# test: z|knha|both` (default both), `# mods: a,b`, `# by: col`, `# level: 95`;
//! - `# expect: ok` — every analysis of the run succeeds, prints no NaN (the `Debug` text of each
//!   result is searched) and keeps each estimate inside its own CI;
//! - `# expect: <fragment>` (one or more) — the run fails and the message contains each fragment.
//!
//! "Every analysis" is the fit, and with k ≥ 3 also leave-one-out, cumulative, Egger and
//! trim-and-fill, plus the meta-regression or subgroups the file asks for. Oracle for the `ok`
//! cases: the invariants above, plus the hand-checked values in `identical_studies_*` below.

use std::path::Path;

use k2bone_evidence::*;

struct Case {
    name: String,
    csv: String,
    measure: Measure,
    methods: Vec<Tau2Method>,
    tests: Vec<Test>,
    mods: Vec<String>,
    by: Option<String>,
    level: f64,
    expect: Vec<String>,
}

const ALL: [Tau2Method; 8] = [
    Tau2Method::FE,
    Tau2Method::DL,
    Tau2Method::REML,
    Tau2Method::ML,
    Tau2Method::PM,
    Tau2Method::HE,
    Tau2Method::SJ,
    Tau2Method::EB,
];

fn load(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap();
    let mut c = Case {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        csv: String::new(),
        measure: Measure::GEN,
        methods: vec![Tau2Method::REML],
        tests: vec![Test::Z, Test::Knha],
        mods: vec![],
        by: None,
        level: 95.0,
        expect: vec![],
    };
    for line in text.lines() {
        let Some(meta) = line.strip_prefix("# ") else {
            c.csv.push_str(line);
            c.csv.push('\n');
            continue;
        };
        let (key, val) = meta.split_once(": ").unwrap_or((meta, ""));
        match key {
            "measure" => c.measure = val.parse().unwrap(),
            "method" if val == "ALL" => c.methods = ALL.to_vec(),
            "method" => c.methods = vec![val.parse().unwrap()],
            "test" if val == "both" => {}
            "test" => c.tests = vec![val.parse().unwrap()],
            "mods" => c.mods = val.split(',').map(str::to_string).collect(),
            "by" => c.by = Some(val.into()),
            "level" => c.level = val.parse().unwrap(),
            "expect" => c.expect.push(val.into()),
            _ => panic!("{}: unknown key `{key}`", c.name),
        }
    }
    assert!(!c.expect.is_empty(), "{}: no `# expect:` line", c.name);
    c
}

/// Every estimate of a result text lies in its CI: checked on the typed results below.
fn inside(est: f64, lo: f64, hi: f64) -> bool {
    lo <= est && est <= hi
}

/// Runs every analysis the case asks for; `Ok(debug text)` or the first error.
fn run(c: &Case, method: Tau2Method, test: Test) -> Result<String, String> {
    let opts = FitOptions {
        method,
        test,
        level: c.level,
        tau2_ci: true,
    };
    let data = read_csv(&c.csv, c.measure).map_err(|e| e.to_string())?;
    let es = escalc(c.measure, &data.rows).map_err(|e| e.to_string())?;
    let f = fit(&es, &opts).map_err(|e| e.to_string())?;
    let mut out = format!("{f:?}\n");
    if !inside(f.estimate, f.ci_lower, f.ci_upper) || f.se.is_nan() || f.se < 0.0 {
        return Ok(format!("{out}ESTIMATE OUTSIDE ITS CI"));
    }
    if !c.mods.is_empty() {
        let mods = c
            .mods
            .iter()
            .map(|m| data.moderator(m))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let r = meta_regression(&es, &mods, &opts).map_err(|e| e.to_string())?;
        for b in &r.coefficients {
            if !inside(b.estimate, b.ci_lower, b.ci_upper) {
                out += "COEFFICIENT OUTSIDE ITS CI";
            }
        }
        out += &format!("{r:?}\n");
    }
    if let Some(col) = &c.by {
        let labels = data.column(col).map_err(|e| e.to_string())?;
        out += &format!(
            "{:?}\n",
            subgroups(&es, &labels, &opts).map_err(|e| e.to_string())?
        );
    }
    if es.len() >= 3 {
        out += &format!(
            "{:?}\n",
            leave_one_out(&es, &opts).map_err(|e| e.to_string())?
        );
        out += &format!("{:?}\n", cumulative(&es, &opts).map_err(|e| e.to_string())?);
        // Egger refuses equal SEs with its own message; that is an answer, not a failure.
        match egger(&es, &opts) {
            Err(e) if e.to_string().contains("different precision") => {}
            r => out += &format!("{:?}\n", r.map_err(|e| e.to_string())?),
        }
        out += &format!("{:?}\n", trim_fill(&es, &opts).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

#[test]
fn every_corpus_case_gives_a_clear_error_or_a_finite_result() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "only {} corpus files", files.len());
    let mut problems = Vec::new();
    let mut runs = 0;
    for path in &files {
        let c = load(path);
        for &method in &c.methods {
            for &test in &c.tests {
                runs += 1;
                let tag = format!("{} ({method}, {test:?})", c.name);
                let got = std::panic::catch_unwind(|| run(&c, method, test));
                match (got, c.expect[0].as_str()) {
                    (Err(_), _) => problems.push(format!("{tag}: PANIC")),
                    (Ok(Ok(out)), "ok") => {
                        if out.contains("NaN") || out.contains("OUTSIDE") {
                            problems.push(format!("{tag}: {out}"));
                        }
                    }
                    (Ok(Err(e)), "ok") => problems.push(format!("{tag}: error {e}")),
                    (Ok(Ok(_)), _) => problems.push(format!("{tag}: accepted")),
                    (Ok(Err(e)), _) => {
                        for x in &c.expect {
                            if !e.contains(x.as_str()) {
                                problems.push(format!("{tag}: missing `{x}` in: {e}"));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(runs >= 100, "only {runs} runs");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn gen(pairs: &[(f64, f64)]) -> Vec<EffectSize> {
    pairs
        .iter()
        .enumerate()
        .map(|(i, &(y, v))| EffectSize::new(format!("s{i}"), y, v))
        .collect()
}

/// Two identical studies under Knapp–Hartung: metafor 4.x `rma(c(.5,.5), c(.1,.1), test="knha")`
/// sets s² = 0 (RSS ≤ .Machine$double.eps), so se = 0, ci = (0.5, 0.5), zval = Inf, pval = 0;
/// τ² = 0 by every estimator (no spread at all).
#[test]
fn identical_studies_under_knapp_hartung_give_metafor_limits() {
    for method in ALL {
        let f = fit(
            &gen(&[(0.5, 0.1), (0.5, 0.1)]),
            &FitOptions {
                test: Test::Knha,
                ..FitOptions::new(method)
            },
        )
        .unwrap();
        assert!((f.estimate - 0.5).abs() < 1e-15, "{method}");
        assert_eq!((f.se, f.tau2), (0.0, 0.0), "{method}");
        assert_eq!(
            (f.ci_lower, f.ci_upper),
            (f.estimate, f.estimate),
            "{method}"
        );
        assert_eq!((f.zval, f.pvalue), (f64::INFINITY, 0.0), "{method}");
    }
}

/// Scale equivariance is the oracle for extreme vi: multiplying every vi by 4^m and every yi by
/// 2^m must multiply τ² by 4^m and leave z, p, I² unchanged (exactly, for a power of 2).
#[test]
fn extreme_scales_give_the_rescaled_result() {
    let base = [
        (0.1, 0.01),
        (0.3, 0.02),
        (0.25, 0.015),
        (-0.2, 0.03),
        (0.6, 0.01),
    ];
    for method in ALL {
        let opts = FitOptions::new(method);
        let r = fit(&gen(&base), &opts).unwrap();
        let mut prev = None;
        for m in [-400i32, -200, 200, 400] {
            let (c, c2) = (2f64.powi(m / 2), 2f64.powi(m));
            let scaled: Vec<(f64, f64)> = base.iter().map(|&(y, v)| (y * c, v * c2)).collect();
            let s = fit(&gen(&scaled), &opts).unwrap();
            let rel = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-12;
            // Against the unscaled fit: equal up to metafor's convergence tolerances, which are
            // absolute (Fisher scoring 1e-5 on τ², PM's uniroot eps^0.25 ≈ 1.2e-4), and the
            // rescaled data converge at their own scale.
            let tol = if method == Tau2Method::PM { 5e-3 } else { 1e-4 };
            let near = |a: f64, b: f64| (a - b).abs() <= tol * a.abs().max(b.abs()) + 1e-12;
            assert!(
                near(s.tau2 / c2, r.tau2),
                "{method} 2^{m}: {} vs {}",
                s.tau2 / c2,
                r.tau2
            );
            assert!(
                near(s.estimate / c, r.estimate) && near(s.zval, r.zval),
                "{method} 2^{m}"
            );
            // Between two extreme scales: both are brought to the same data, so exactly equal.
            if let Some((t, z, i2)) = prev {
                assert!(
                    rel(s.tau2 / c2, t) && rel(s.zval, z) && rel(s.i2, i2),
                    "{method} 2^{m}"
                );
            }
            prev = Some((s.tau2 / c2, s.zval, s.i2));
        }
    }
}

/// 100,000 studies: the fit is linear in k (no k × k matrix: that would need 80 GB).
#[test]
fn a_hundred_thousand_studies_fit() {
    let pairs: Vec<(f64, f64)> = (0..100_000)
        .map(|i| {
            let f = i as f64;
            (
                0.3 + 0.5 * (1.7 * f).sin(),
                0.01 + 0.2 * (0.5 + 0.5 * (0.9 * f).sin()).powi(2),
            )
        })
        .collect();
    let es = gen(&pairs);
    for method in ALL {
        let f = fit(&es, &FitOptions::new(method)).unwrap();
        assert!(
            f.ci_lower < f.estimate && f.estimate < f.ci_upper && f.tau2 > 0.0
                || method == Tau2Method::FE
        );
    }
}
