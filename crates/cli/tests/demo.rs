//! `k2bone demo` end to end: it writes report.html and every plot the report names, each plot
//! is a valid PNG/SVG with data drawn in it, and the report is self-contained.

use std::process::Command;

#[test]
fn demo_writes_a_self_contained_report_with_its_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let output = Command::new(env!("CARGO_BIN_EXE_k2bone"))
        .args(["demo", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("report.html"), "{stdout}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // The evidence section lists the held-out BMD results, hits and misses (issue 10).
    let shipped: serde_json::Value =
        serde_json::from_str(include_str!("../../../data/validation/bone-results.json")).unwrap();
    let targets = shipped["targets"].as_array().unwrap();
    let misses = targets.iter().filter(|t| t["inside"] == false).count();
    assert!(misses > 0 && misses < targets.len());
    assert_eq!(
        html.matches("validation (BMD").count(),
        targets.len(),
        "one row per held-out BMD result"
    );
    assert_eq!(
        html.matches("MISS by").count(),
        misses,
        "every miss is shown"
    );
    // Every figure caption names its SVG and PNG files; each must exist with data in it.
    let mut named = 0;
    for piece in html.split("(also as ").skip(1) {
        let files: Vec<&str> = piece.split(')').next().unwrap().split(" and ").collect();
        assert_eq!(files.len(), 2, "{piece}");
        let svg = std::fs::read_to_string(out.join(files[0])).unwrap();
        assert!(
            svg.matches("<polyline").count() >= 8,
            "{}: too few lines",
            files[0]
        );
        let png = std::fs::read(out.join(files[1])).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{}", files[1]);
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let ch = info.color_type.samples();
        let colored = buf[..info.buffer_size()]
            .chunks(ch)
            .filter(|p| {
                let (r, g, b) = (p[0] as i32, p[1] as i32, p[2] as i32);
                (r - g).abs().max((g - b).abs()).max((r - b).abs()) > 60
            })
            .count();
        assert!(colored > 5000, "{}: {colored} colored pixels", files[1]);
        named += 1;
    }
    assert_eq!(named, 6, "six topic plots");
    for arm in ["placebo", "mk7-180", "placebo+d3+ca", "mk7-180+d3+ca"] {
        assert!(html.contains(arm), "{arm}");
    }
    assert!(html.contains("not medical advice"));
    assert!(!html.contains("src=\"http") && !html.contains("<script") && !html.contains("<link"));
    // The evidence table lists the calibration trials for MK-7 180 µg/d.
    assert!(html.contains("Dalmeijer"), "evidence");
    for f in [
        "timeseries.csv",
        "timeseries.parquet",
        "summary.json",
        "scenario.toml",
    ] {
        assert!(std::fs::metadata(out.join(f)).unwrap().len() > 100, "{f}");
    }
}
