//! Cross-check of every estimator and test against metafor, run at test time.
//!
//! Oracle: metafor (3.8-1 on the development machine; the version actually used is printed) via
//! `Rscript validation/metafor/crosscheck.R OUTDIR`, which exports metafor's example datasets
//! dat.bcg (2×2: OR, RR, RD, MH, Peto, subgroups, meta-regression, leave-one-out, cumulative,
//! trim-and-fill), dat.normand1999 (MD, SMD), dat.hackshaw1998 (yi/vi: Egger, trim-and-fill) and
//! dat.yusuf1985 table 6 (2×2 with zero cells and double-zero studies) to CSV, and writes every
//! reference number with the exact metafor call it came from (see the script). This test reads the
//! same CSVs with `read_csv`, computes the same quantities with k2bone-evidence under the same
//! names and compares each one with `tolerances::close` (1e-6 relative, 1e-9 absolute floor).
//! Nothing is cached: R runs on every test run.

mod rscript;
mod tolerances;

use std::collections::BTreeMap;
use std::path::Path;

use k2bone_evidence::*;

type Out = BTreeMap<String, f64>;

const METHODS: [Tau2Method; 8] = [
    Tau2Method::FE,
    Tau2Method::DL,
    Tau2Method::REML,
    Tau2Method::ML,
    Tau2Method::PM,
    Tau2Method::HE,
    Tau2Method::SJ,
    Tau2Method::EB,
];
const TESTS: [Test; 2] = [Test::Z, Test::Knha];

fn put(out: &mut Out, name: &str, v: f64) {
    out.insert(name.to_string(), v);
}
fn putv(out: &mut Out, name: &str, vs: &[f64]) {
    for (i, v) in vs.iter().enumerate() {
        out.insert(format!("{name}/{}", i + 1), *v);
    }
}
fn puto(out: &mut Out, name: &str, v: Option<f64>) {
    if let Some(v) = v {
        put(out, name, v);
    }
}

fn load(dir: &Path, file: &str, m: Measure) -> Dataset {
    read_csv(&std::fs::read_to_string(dir.join(file)).unwrap(), m).unwrap()
}

fn fit_out(out: &mut Out, pre: &str, f: &MetaFit) {
    for (q, v) in [
        ("estimate", f.estimate),
        ("se", f.se),
        ("zval", f.zval),
        ("pvalue", f.pvalue),
        ("ci_lower", f.ci_lower),
        ("ci_upper", f.ci_upper),
        ("tau2", f.tau2),
        ("q", f.q),
        ("q_pvalue", f.q_pvalue),
        ("i2", f.i2),
        ("h2", f.h2),
    ] {
        put(out, &format!("{pre}/{q}"), v);
    }
    puto(out, &format!("{pre}/tau2_se"), f.tau2_se);
    puto(out, &format!("{pre}/pi_lower"), f.pi_lower);
    puto(out, &format!("{pre}/pi_upper"), f.pi_upper);
    if let Some(c) = f.tau2_ci {
        for (q, v) in [
            ("tau2_ci_lower", c.tau2_lower),
            ("tau2_ci_upper", c.tau2_upper),
            ("i2_ci_lower", c.i2_lower),
            ("i2_ci_upper", c.i2_upper),
            ("h2_ci_lower", c.h2_lower),
            ("h2_ci_upper", c.h2_upper),
        ] {
            put(out, &format!("{pre}/{q}"), v);
        }
    }
}

fn binary_out(out: &mut Out, pre: &str, b: &BinaryFit) {
    for (q, v) in [
        ("estimate", b.estimate),
        ("se", b.se),
        ("pvalue", b.pvalue),
        ("ci_lower", b.ci_lower),
        ("ci_upper", b.ci_upper),
        ("q", b.q),
        ("q_pvalue", b.q_pvalue),
        ("i2", b.i2),
        ("h2", b.h2),
    ] {
        put(out, &format!("{pre}/{q}"), v);
    }
    puto(out, &format!("{pre}/cmh"), b.cmh);
    puto(out, &format!("{pre}/cmh_pvalue"), b.cmh_pvalue);
}

fn opts(method: Tau2Method, test: Test) -> FitOptions {
    FitOptions {
        method,
        test,
        ..Default::default()
    }
}

fn engine(dir: &Path) -> (Out, BTreeMap<String, String>) {
    let mut out = Out::new();
    let mut strings = BTreeMap::new();
    let sets: [(&str, &str, &[Measure]); 4] = [
        ("bcg", "bcg.csv", &[Measure::OR, Measure::RR, Measure::RD]),
        ("normand", "normand.csv", &[Measure::MD, Measure::SMD]),
        ("hackshaw", "hackshaw.csv", &[Measure::GEN]),
        (
            "yusuf",
            "yusuf.csv",
            &[Measure::OR, Measure::RR, Measure::RD],
        ),
    ];
    for (name, file, measures) in sets {
        for &m in measures {
            let d = load(dir, file, m);
            let es = escalc(m, &d.rows).unwrap();
            let yi: Vec<f64> = es.iter().map(|e| e.yi).collect();
            let vi: Vec<f64> = es.iter().map(|e| e.vi).collect();
            putv(&mut out, &format!("{name}/{m}/escalc/yi"), &yi);
            putv(&mut out, &format!("{name}/{m}/escalc/vi"), &vi);
            for meth in METHODS {
                for t in TESTS {
                    let f = fit(&es, &opts(meth, t))
                        .unwrap_or_else(|e| panic!("{name} {m} {meth} {t}: {e}"));
                    fit_out(&mut out, &format!("{name}/{m}/{meth}/{t}"), &f);
                }
            }
        }
    }
    // Mantel–Haenszel and Peto.
    for (name, file) in [("bcg", "bcg.csv"), ("yusuf", "yusuf.csv")] {
        let tables = load(dir, file, Measure::OR).tables();
        for m in [Measure::OR, Measure::RR, Measure::RD] {
            binary_out(
                &mut out,
                &format!("{name}/{m}/MH"),
                &mantel_haenszel(m, &tables, 95.0).unwrap(),
            );
        }
        binary_out(
            &mut out,
            &format!("{name}/OR/PETO"),
            &peto(&tables, 95.0).unwrap(),
        );
    }
    // Subgroups by allocation.
    let bcg = load(dir, "bcg.csv", Measure::OR);
    let esb = escalc(Measure::OR, &bcg.rows).unwrap();
    let alloc = bcg.column("alloc").unwrap();
    for meth in [Tau2Method::REML, Tau2Method::DL, Tau2Method::FE] {
        for t in TESTS {
            let s = subgroups(&esb, &alloc, &opts(meth, t)).unwrap();
            let pre = format!("bcg/OR/subgroup/{meth}/{t}");
            putv(
                &mut out,
                &format!("{pre}/estimate"),
                &s.subgroups
                    .iter()
                    .map(|g| g.fit.estimate)
                    .collect::<Vec<_>>(),
            );
            putv(
                &mut out,
                &format!("{pre}/se"),
                &s.subgroups.iter().map(|g| g.fit.se).collect::<Vec<_>>(),
            );
            putv(
                &mut out,
                &format!("{pre}/tau2"),
                &s.subgroups.iter().map(|g| g.fit.tau2).collect::<Vec<_>>(),
            );
            put(&mut out, &format!("{pre}/q_between"), s.q_between);
            put(
                &mut out,
                &format!("{pre}/q_between_pvalue"),
                s.q_between_pvalue,
            );
        }
    }
    // Meta-regression.
    let regs = [
        (
            "numeric",
            vec![
                bcg.moderator("ablat").unwrap(),
                bcg.moderator("year").unwrap(),
            ],
        ),
        (
            "mixed",
            vec![
                bcg.moderator("ablat").unwrap(),
                bcg.moderator("alloc").unwrap(),
            ],
        ),
    ];
    for (rn, mods) in &regs {
        for meth in [
            Tau2Method::REML,
            Tau2Method::DL,
            Tau2Method::ML,
            Tau2Method::PM,
            Tau2Method::FE,
        ] {
            for t in TESTS {
                let r = meta_regression(&esb, mods, &opts(meth, t)).unwrap();
                let pre = format!("bcg/OR/metareg/{rn}/{meth}/{t}");
                let col =
                    |f: fn(&Coefficient) -> f64| r.coefficients.iter().map(f).collect::<Vec<_>>();
                putv(&mut out, &format!("{pre}/b"), &col(|c| c.estimate));
                putv(&mut out, &format!("{pre}/se"), &col(|c| c.se));
                putv(&mut out, &format!("{pre}/zval"), &col(|c| c.zval));
                putv(&mut out, &format!("{pre}/pvalue"), &col(|c| c.pvalue));
                putv(&mut out, &format!("{pre}/ci_lower"), &col(|c| c.ci_lower));
                putv(&mut out, &format!("{pre}/ci_upper"), &col(|c| c.ci_upper));
                for (q, v) in [
                    ("qm", r.qm),
                    ("qm_pvalue", r.qm_pvalue),
                    ("qe", r.qe),
                    ("qe_pvalue", r.qe_pvalue),
                    ("tau2", r.tau2),
                    ("i2", r.i2),
                    ("h2", r.h2),
                ] {
                    put(&mut out, &format!("{pre}/{q}"), v);
                }
            }
        }
    }
    // Leave-one-out and cumulative.
    for meth in [Tau2Method::REML, Tau2Method::DL, Tau2Method::PM] {
        for t in TESTS {
            for (kind, rows) in [
                ("loo", leave_one_out(&esb, &opts(meth, t)).unwrap()),
                ("cumul", cumulative(&esb, &opts(meth, t)).unwrap()),
            ] {
                let pre = format!("bcg/OR/{kind}/{meth}/{t}");
                for (i, r) in rows.iter().enumerate() {
                    let n = i + 1;
                    if kind == "cumul" && t == Test::Knha && n == 1 {
                        continue;
                    }
                    put(&mut out, &format!("{pre}/estimate/{n}"), r.estimate);
                    puto(&mut out, &format!("{pre}/se/{n}"), r.se);
                    puto(&mut out, &format!("{pre}/zval/{n}"), r.zval);
                    puto(&mut out, &format!("{pre}/pval/{n}"), r.pvalue);
                    puto(&mut out, &format!("{pre}/ci.lb/{n}"), r.ci_lower);
                    puto(&mut out, &format!("{pre}/ci.ub/{n}"), r.ci_upper);
                    put(&mut out, &format!("{pre}/Q/{n}"), r.q);
                    put(&mut out, &format!("{pre}/Qp/{n}"), r.q_pvalue);
                    put(&mut out, &format!("{pre}/tau2/{n}"), r.tau2);
                    put(&mut out, &format!("{pre}/I2/{n}"), r.i2);
                    put(&mut out, &format!("{pre}/H2/{n}"), r.h2);
                }
            }
        }
    }
    // Egger and trim-and-fill.
    let hack = escalc(Measure::GEN, &load(dir, "hackshaw.csv", Measure::GEN).rows).unwrap();
    for meth in [Tau2Method::REML, Tau2Method::DL, Tau2Method::FE] {
        for t in TESTS {
            let e = egger(&hack, &opts(meth, t)).unwrap();
            let pre = format!("hackshaw/GEN/egger/{meth}/{t}");
            for (q, v) in [
                ("zval", e.zval),
                ("pvalue", e.pvalue),
                ("limit", e.limit_estimate),
                ("limit_ci_lower", e.limit_ci_lower),
                ("limit_ci_upper", e.limit_ci_upper),
            ] {
                put(&mut out, &format!("{pre}/{q}"), v);
            }
            let tf = trim_fill(&hack, &opts(meth, t)).unwrap();
            let pre = format!("hackshaw/GEN/trimfill/{meth}/{t}");
            tf_out(&mut out, &mut strings, &pre, &tf);
        }
    }
    let e = egger_lm(&hack, 95.0).unwrap();
    for (q, v) in [
        ("zval", e.zval),
        ("pvalue", e.pvalue),
        ("limit", e.limit_estimate),
        ("limit_ci_lower", e.limit_ci_lower),
        ("limit_ci_upper", e.limit_ci_upper),
    ] {
        put(&mut out, &format!("hackshaw/GEN/egger_lm/{q}"), v);
    }
    let esr = escalc(Measure::RR, &bcg.rows).unwrap();
    for meth in [Tau2Method::REML, Tau2Method::FE] {
        let tf = trim_fill(&esr, &opts(meth, Test::Z)).unwrap();
        tf_out(
            &mut out,
            &mut strings,
            &format!("bcg/RR/trimfill/{meth}/z"),
            &tf,
        );
    }
    (out, strings)
}

fn tf_out(out: &mut Out, strings: &mut BTreeMap<String, String>, pre: &str, tf: &TrimFill) {
    for (q, v) in [
        ("k0", tf.k0 as f64),
        ("se_k0", tf.se_k0),
        ("estimate", tf.fit.estimate),
        ("se", tf.fit.se),
        ("ci_lower", tf.fit.ci_lower),
        ("ci_upper", tf.fit.ci_upper),
        ("tau2", tf.fit.tau2),
    ] {
        put(out, &format!("{pre}/{q}"), v);
    }
    strings.insert(format!("{pre}/side"), tf.side.clone());
}

#[test]
fn every_estimator_and_test_agrees_with_metafor() {
    let dir = tempfile::tempdir().unwrap();
    let dir_s = dir.path().to_string_lossy().into_owned();
    if rscript::rscript(&[&rscript::script("crosscheck.R"), &dir_s]).is_none() {
        return;
    }
    let reference = std::fs::read_to_string(dir.path().join("reference.tsv")).unwrap();
    let (ours, strings) = engine(dir.path());
    let mut failures = Vec::new();
    let mut compared = 0;
    for line in reference.lines() {
        let (name, value) = line.split_once('\t').expect("name<TAB>value");
        if name.starts_with('#') {
            eprintln!("oracle: {name} {value}");
            continue;
        }
        let value = value.trim();
        match value.parse::<f64>() {
            Ok(r) => match ours.get(name) {
                Some(&o) if tolerances::close(o, r) => compared += 1,
                Some(&o) => failures.push(format!(
                    "{name}: k2bone {o:.12e} vs metafor {r:.12e} (rel {:.1e})",
                    ((o - r) / r).abs()
                )),
                None => failures.push(format!("{name}: not computed by k2bone (metafor {r})")),
            },
            Err(_) => match strings.get(name) {
                Some(s) if s == value => compared += 1,
                other => failures.push(format!("{name}: k2bone {other:?} vs metafor {value}")),
            },
        }
    }
    eprintln!("compared {compared} numbers with metafor");
    assert!(
        compared > 3000,
        "too few reference numbers ({compared}): did the R script change?"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements with metafor:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
