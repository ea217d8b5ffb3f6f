//! The study outputs from a real (short) run of the full model: every topic plot is a valid,
//! non-empty image with data drawn in it (PNG decoded pixel by pixel, SVG with long polylines),
//! `report.html` is self-contained and names every plot, arm and the disclaimer, and
//! `timeseries.parquet` reads back to exactly the trajectory values.

use std::path::Path;

use k2bone_physiology::bone_posterior::BonePosterior;
use k2bone_physiology::bone_response::BoneSubject;
use k2bone_report::columnar::write_timeseries_parquet;
use k2bone_report::disclaimer::DISCLAIMER;
use k2bone_report::page::{escape, write_report, EvidenceRow, KeyRow, ReportPage};
use k2bone_report::topics::{study_figures, write_study_plots, Figure};
use k2bone_results::{bone_study, summarize, ArmBone, ArmSummary, StudyFacts};
use k2bone_sim::{grid, run_arms, ArmRun, Simulator};

/// A study's runs with their bone response and end-of-study summaries, as the app makes them.
struct Study {
    runs: Vec<ArmRun>,
    bone: Vec<ArmBone>,
    summaries: Vec<ArmSummary>,
}

/// Two arms (placebo, MK-7 180 µg/d) of the built-in study for 60 days, daily output.
fn study() -> Study {
    let (runs, facts, doses) = runs_and_doses();
    let days: Vec<_> = runs
        .iter()
        .zip(&doses)
        .map(|(r, d)| {
            (
                r.name.clone(),
                k2bone_sim::bone_inputs::bone_days(&r.trajectory, d).unwrap(),
            )
        })
        .collect();
    let subject = BoneSubject {
        female: true,
        years_since_menopause: 10.0,
    };
    let n = runs[0].trajectory.times_h.len();
    let posterior = BonePosterior::shipped();
    let sample: Vec<usize> = (0..n).collect();
    let bone = bone_study(&facts, &subject, &days, &posterior, &sample).unwrap();
    let summaries = summarize(&facts, &runs, &bone).unwrap();
    Study {
        runs,
        bone,
        summaries,
    }
}

fn runs_and_doses() -> (
    Vec<ArmRun>,
    StudyFacts,
    Vec<Vec<k2bone_sim::DoseEvent<k2bone_physiology::Agent>>>,
) {
    let t = k2bone_scenario::templates::template("mk7-180-3y").unwrap();
    let plan = k2bone_scenario::Scenario::from_str(t.toml, "mk7-180-3y.toml")
        .unwrap()
        .build(None)
        .unwrap();
    let sim = Simulator {
        rtol: 1e-7,
        atol: 1e-9,
        ..Simulator::default()
    };
    let runs = run_arms(
        &sim,
        &plan.model,
        plan.burn_in_h,
        &plan.arms[..2],
        &grid(60.0 * 24.0, 24.0),
    )
    .unwrap();
    let facts = StudyFacts {
        sex: k2bone_physiology::fracture::Sex::Female,
        age_years_at_start: 60.0,
        duration_days: 60.0,
        baseline_z_lumbar_spine: 0.0,
        baseline_z_femoral_neck: 0.0,
        k2_effect_beyond_bmd: false,
    };
    let doses = plan.arms[..2].iter().map(|a| a.doses.clone()).collect();
    (runs, facts, doses)
}

/// Pixels that are clearly colored (axes, grid and text are grey or black): the series lines.
fn colored_pixels(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{}: not RGB", path.display());
    let colored = bytes
        .chunks(channels)
        .filter(|p| {
            let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
            (r - g).abs().max((g - b).abs()).max((r - b).abs()) > 60
        })
        .count();
    (info.width, info.height, colored)
}

/// Colored pixels per panel of a figure laid out as `curves`/`risk_chart` do: a 44 px title, a
/// 46 px footer, two panels per row between them.
fn colored_per_panel(path: &Path, panels: usize) -> Vec<usize> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let rows = panels.div_ceil(2);
    let body_h = h - 44 - 46;
    let mut counts = vec![0; rows * 2];
    for y in 44..44 + body_h {
        for x in 0..w {
            let p = &buf[(y * w + x) * ch..(y * w + x) * ch + 3];
            let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
            if (r - g).abs().max((g - b).abs()).max((r - b).abs()) > 60 {
                let row = ((y - 44) * rows / body_h).min(rows - 1);
                counts[row * 2 + (x * 2 / w).min(1)] += 1;
            }
        }
    }
    counts.truncate(panels);
    counts
}

/// A small XML well-formedness check: every tag closes in order, attributes are quoted, one
/// root element. Returns the root's name.
fn well_formed(xml: &str, void: &[&str]) -> Result<String, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut root = None;
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("stray </{name}>"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        if tag.matches('"').count() % 2 != 0 {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if name.is_empty() {
            return Err(format!("nameless tag <{tag}>"));
        }
        if stack.is_empty() {
            if root.is_some() {
                return Err(format!("second root <{name}>"));
            }
            root = Some(name.to_string());
        }
        if !tag.ends_with('/') && !void.contains(&name) {
            stack.push(name.to_string());
        }
    }
    match (stack.is_empty(), root) {
        (true, Some(r)) => Ok(r),
        (false, _) => Err(format!("unclosed {stack:?}")),
        (_, None) => Err("no element".into()),
    }
}

fn longest_polyline(svg: &str) -> usize {
    svg.split("<polyline")
        .skip(1)
        .map(|s| {
            s.split("points=\"")
                .nth(1)
                .unwrap_or("")
                .split('"')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn plots_html_and_parquet_from_a_real_run() {
    let Study {
        mut runs,
        bone,
        summaries,
    } = study();
    // Markup in a user's arm name must stay text in the SVGs and the page.
    runs[1].name = "mk7 <180 ug> & \"d3\"".into();
    let dir = tempfile::tempdir().unwrap();
    let plots = write_study_plots(&runs, &bone, &summaries, dir.path(), "test study").unwrap();
    let topics: Vec<&str> = plots.iter().map(|p| p.topic).collect();
    assert_eq!(
        topics,
        [
            "vitamin-k",
            "carboxylation",
            "calcium",
            "bmd",
            "calcification",
            "fracture-risk"
        ]
    );
    for p in &plots {
        let (w, h, colored) = colored_pixels(&p.png);
        assert!(w >= 800 && h >= 300, "{}: {w}x{h}", p.png.display());
        // Two arms' lines across the panels: thousands of colored pixels.
        assert!(
            colored > 2000,
            "{}: only {colored} colored pixels",
            p.png.display()
        );
        // Every panel (time courses, bars) has data drawn in it, not only the figure.
        let panels = if p.topic == "bmd" || p.topic == "calcification" {
            2
        } else {
            4
        };
        let counts = colored_per_panel(&p.png, panels);
        for (i, n) in counts.iter().enumerate() {
            // A 60-day line spans ~440 px at >= 2 px width per arm; legend swatches are < 150.
            assert!(
                *n > 600,
                "{} panel {i}: {n} colored pixels",
                p.png.display()
            );
        }
        let svg = std::fs::read_to_string(&p.svg).unwrap();
        assert_eq!(
            well_formed(&svg, &[]).map_err(|e| format!("{}: {e}", p.svg.display())),
            Ok("svg".to_string())
        );
        let longest = longest_polyline(&svg);
        assert!(
            longest >= 50,
            "{}: longest polyline has {longest} points",
            p.svg.display()
        );
    }

    let page = ReportPage {
        title: "A <test> & its report".into(),
        question: Some("What does MK-7 do?".into()),
        person: vec![("age".into(), "60 years".into())],
        arms: runs
            .iter()
            .map(|r| (r.name.clone(), vec!["regimen".into()]))
            .collect(),
        columns: runs.iter().map(|r| r.name.clone()).collect(),
        key_numbers: vec![KeyRow {
            label: "LS BMD".into(),
            unit: "%".into(),
            values: vec![0.1, 0.2],
        }],
        evidence: vec![EvidenceRow {
            role: "calibration".into(),
            source: "Dalmeijer 2012".into(),
            measure: "ucOC/cOC".into(),
            reported: "-60".into(),
            simulated: "-59".into(),
            verdict: "within tolerance".into(),
        }],
        notes: vec!["a note".into()],
        files: vec!["timeseries.csv".into()],
        generated_by: "k2bone test".into(),
    };
    let html_path = dir.path().join("report.html");
    write_report(&page, &plots, &html_path).unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(
        html.contains("A &lt;test&gt; &amp; its report"),
        "title escaped"
    );
    assert!(html.contains(&DISCLAIMER.replace('\'', "&#39;")));
    for r in &runs {
        assert!(html.contains(&escape(&r.name)), "arm {}", r.name);
    }
    assert!(
        html.contains("mk7 &lt;180 ug&gt; &amp;"),
        "arm name escaped (well_formed above checks the SVGs)"
    );
    for p in &plots {
        assert!(
            html.contains(&format!("id=\"{}\"", p.topic)),
            "plot {}",
            p.topic
        );
    }
    // Self-contained: every plot inline, nothing fetched.
    assert_eq!(html.matches("<svg").count(), plots.len());
    for attr in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "@import",
        "<script",
        "<link",
        "<img",
    ] {
        assert!(!html.contains(attr), "report references `{attr}`");
    }
    // The checker itself rejects what it should.
    for bad in [
        "<svg><g></svg>",
        "<svg a=\"1></svg>",
        "<svg/><svg/>",
        "<svg>",
    ] {
        assert!(well_formed(bad, &[]).is_err(), "{bad}");
    }
    // The whole page, inline SVGs included, nests properly (HTML's void elements aside).
    assert_eq!(well_formed(&html, &["meta", "br"]), Ok("html".to_string()));
    for tag in ["html", "body", "main", "table", "figure", "svg"] {
        assert_eq!(
            html.matches(&format!("<{tag}")).count(),
            html.matches(&format!("</{tag}>")).count(),
            "unbalanced <{tag}>"
        );
    }

    let pq = dir.path().join("timeseries.parquet");
    write_timeseries_parquet(&runs, &pq).unwrap();
    let file = std::fs::File::open(&pq).unwrap();
    let builder =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let meta = builder.metadata().clone();
    let names: Vec<String> = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut expected = vec!["arm".to_string(), "time_days".to_string()];
    expected.extend(runs[0].trajectory.columns.iter().map(|c| c.name.clone()));
    assert_eq!(names, expected, "the columns of timeseries.csv, in order");
    for rg in meta.row_groups() {
        for c in rg.columns() {
            assert_eq!(c.compression(), parquet::basic::Compression::SNAPPY);
        }
    }
    let reader = builder.build().unwrap();
    let mut row = 0usize;
    let n = runs[0].trajectory.times_h.len();
    for batch in reader {
        let batch = batch.unwrap();
        let f64s = |j: usize| {
            batch
                .column(j)
                .as_any()
                .downcast_ref::<arrow_array::Float64Array>()
                .unwrap()
                .clone()
        };
        let arm = batch
            .column(0)
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap();
        for i in 0..batch.num_rows() {
            let (a, t) = (row / n, row % n);
            let run = &runs[a];
            assert_eq!(arm.value(i), run.name);
            assert_eq!(f64s(1).value(i), run.trajectory.times_h[t] / 24.0);
            for (j, c) in run.trajectory.columns.iter().enumerate() {
                assert_eq!(
                    f64s(j + 2).value(i).to_bits(),
                    c.values[t].to_bits(),
                    "{} {t}",
                    c.name
                );
            }
            row += 1;
        }
    }
    assert_eq!(row, runs.len() * n);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let Study {
        runs,
        bone,
        summaries,
    } = study();
    let dir = tempfile::tempdir().unwrap();
    assert!(write_study_plots(&[], &[], &[], dir.path(), "x").is_err());
    assert!(
        write_study_plots(&runs, &bone[..1], &summaries, dir.path(), "x").is_err(),
        "a bone response per arm"
    );
    assert!(write_timeseries_parquet(&[], &dir.path().join("x.parquet")).is_err());
    let mut broken = runs.clone();
    let bmd = broken[1]
        .trajectory
        .columns
        .iter_mut()
        .find(|c| c.name == "D25")
        .unwrap();
    bmd.values[3] = f64::NAN;
    let e = write_study_plots(&broken, &bone, &summaries, dir.path(), "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("non-finite"), "{e}");
    let mut short = runs.clone();
    short[1].trajectory.times_h.pop();
    assert!(write_study_plots(&short, &bone, &summaries, dir.path(), "x").is_err());
}

/// The end-of-study bars come from `summarize` (as summary.json); the curves from the per-day
/// loop in `topics`. Both apply the same fracture model to the same BMD changes at the same
/// age (60 days in), so the bar must equal the last point of its curve.
#[test]
fn fracture_bars_match_the_end_of_their_curves() {
    let Study {
        runs,
        bone,
        summaries,
    } = study();
    let figures = study_figures(&runs, &bone, &summaries, "t").unwrap();
    let risk = figures
        .iter()
        .find_map(|(topic, f)| match (topic, f) {
            (&"fracture-risk", Figure::Risk(r)) => Some(r),
            _ => None,
        })
        .expect("a fracture-risk figure with bars");
    assert_eq!(risk.bars.arms, ["placebo", "mk7-180"].map(String::from));
    assert_eq!(risk.bars.groups.len(), risk.panels.len());
    for (group, panel) in risk.bars.groups.iter().zip(&risk.panels) {
        for (a, series) in panel.series.iter().enumerate() {
            let bar = group.values[a];
            let end = *series.values.last().unwrap();
            assert!(bar > 0.0 && bar < 100.0, "{}: {bar}", group.label);
            assert!(
                (bar - end).abs() <= 1e-9 * end,
                "{} / {}: bar {bar} vs curve end {end}",
                group.label,
                series.label
            );
        }
    }
}

#[test]
fn ragged_or_too_short_runs_are_errors_not_panics() {
    let Study {
        runs,
        bone,
        summaries,
    } = study();
    let dir = tempfile::tempdir().unwrap();
    let mut ragged = runs.clone();
    ragged[0].trajectory.columns[2].values.pop();
    let name = ragged[0].trajectory.columns[2].name.clone();
    let e = write_study_plots(&ragged, &bone, &summaries, dir.path(), "x")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("placebo") && e.contains(&name) && e.contains("60 values for 61"),
        "{e}"
    );
    assert!(write_timeseries_parquet(&ragged, &dir.path().join("r.parquet")).is_err());
    let mut one = runs.clone();
    for r in &mut one {
        r.trajectory.times_h.truncate(1);
        for c in &mut r.trajectory.columns {
            c.values.truncate(1);
        }
    }
    let e = write_study_plots(&one, &bone, &summaries, dir.path(), "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("bone response has 61 points, the runs 1"), "{e}");
    let mut bone_one = bone.clone();
    for b in &mut bone_one {
        for band in [&mut b.lumbar, &mut b.femoral_neck] {
            band.mean.truncate(1);
            band.lower.truncate(1);
            band.upper.truncate(1);
        }
    }
    let e = write_study_plots(&one, &bone_one, &summaries, dir.path(), "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("1 time points"), "{e}");
    let mut empty = runs;
    for r in &mut empty {
        r.trajectory.times_h.clear();
        for c in &mut r.trajectory.columns {
            c.values.clear();
        }
    }
    assert!(write_study_plots(&empty, &bone, &summaries, dir.path(), "x").is_err());
}
