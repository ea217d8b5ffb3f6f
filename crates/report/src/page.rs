//! One self-contained HTML page per study (`report.html`): the question, the person, the arms,
//! the plots (inline SVG), the key numbers, the trial evidence they relate to, the notes and the
//! "model, not medical advice" line. No scripts, fonts or images are fetched: the file works
//! offline, on a phone, and prints.

use std::fmt::Write;
use std::path::Path;

use crate::disclaimer::DISCLAIMER;
use crate::topics::TopicPlot;

/// A row of the key-numbers table: label, unit and one value per arm.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRow {
    pub label: String,
    pub unit: String,
    pub values: Vec<f64>,
}

/// A published result that speaks to the study, beside the model's value for the same design.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    /// "calibration" (fitted to) or "validation" (not fitted).
    pub role: String,
    pub source: String,
    pub measure: String,
    pub reported: String,
    pub simulated: String,
    pub verdict: String,
}

/// Everything on the page, as plain data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportPage {
    pub title: String,
    pub question: Option<String>,
    /// (field, value).
    pub person: Vec<(String, String)>,
    /// (arm name, regimen lines).
    pub arms: Vec<(String, Vec<String>)>,
    /// Column headers of the key numbers: the arm names.
    pub columns: Vec<String>,
    pub key_numbers: Vec<KeyRow>,
    pub evidence: Vec<EvidenceRow>,
    pub notes: Vec<String>,
    /// Data files beside the report (names).
    pub files: Vec<String>,
    /// "k2bone x.y.z, `<scenario>`".
    pub generated_by: String,
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222;line-height:1.45}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}\
.q{font-size:1.1rem;color:#444}.warn{background:#fff4e0;border-left:4px solid #e69500;padding:.6rem .9rem;margin:1rem 0}\
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}\
figure{margin:1rem 0}figure svg{width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.85rem;color:#555}\
nav a{margin-right:.8rem}footer{margin-top:2rem;font-size:.8rem;color:#666}\
@media print{nav{display:none}figure{break-inside:avoid}}";

/// The SVG text ready to inline: no XML prolog, no fixed size (CSS scales it by its viewBox).
fn inline_svg(svg: &str) -> String {
    let body = match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    };
    let end = body.find('>').unwrap_or(0);
    let (tag, rest) = body.split_at(end);
    let tag: Vec<&str> = tag
        .split(' ')
        .filter(|a| !a.starts_with("width=") && !a.starts_with("height="))
        .collect();
    format!("{}{rest}", tag.join(" "))
}

fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Renders the page to a string, reading each plot's SVG.
pub fn render(page: &ReportPage, plots: &[TopicPlot]) -> std::io::Result<String> {
    let e = escape;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        e(&page.title)
    );
    let _ = writeln!(h, "<h1>{}</h1>", e(&page.title));
    if let Some(q) = &page.question {
        let _ = writeln!(h, "<p class=\"q\">{}</p>", e(q));
    }
    let _ = writeln!(
        h,
        "<p class=\"warn\"><strong>{}</strong></p>",
        e(DISCLAIMER)
    );
    let _ = write!(h, "<nav>");
    for anchor in ["person", "arms", "numbers"] {
        let _ = write!(h, "<a href=\"#{anchor}\">{anchor}</a>");
    }
    for p in plots {
        let _ = write!(h, "<a href=\"#{}\">{}</a>", p.topic, e(p.topic));
    }
    let _ = writeln!(h, "<a href=\"#evidence\">evidence</a></nav>");

    let _ = writeln!(h, "<h2 id=\"person\">Who</h2>\n<table>");
    for (k, v) in &page.person {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", e(k), e(v));
    }
    let _ = writeln!(h, "</table>\n<h2 id=\"arms\">Arms</h2>\n<table>");
    for (name, lines) in &page.arms {
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{}</td></tr>",
            e(name),
            lines.iter().map(|l| e(l)).collect::<Vec<_>>().join("<br>")
        );
    }
    let _ = writeln!(h, "</table>");

    let _ = writeln!(h, "<h2 id=\"numbers\">Key numbers at the end</h2>\n<div class=\"scroll\"><table>\n<tr><th></th><th>unit</th>");
    for c in &page.columns {
        let _ = write!(h, "<th>{}</th>", e(c));
    }
    let _ = writeln!(h, "</tr>");
    for r in &page.key_numbers {
        let _ = write!(h, "<tr><th>{}</th><td>{}</td>", e(&r.label), e(&r.unit));
        for v in &r.values {
            let _ = write!(h, "<td class=\"n\">{}</td>", fmt_num(*v));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table></div>");

    for p in plots {
        let svg = std::fs::read_to_string(&p.svg)?;
        let _ = writeln!(
            h,
            "<h2 id=\"{}\">{}</h2>\n<figure>{}<figcaption>{} (also as {} and {})</figcaption></figure>",
            p.topic,
            e(&p.title),
            inline_svg(&svg),
            e(&p.title),
            e(&file_name(&p.svg)),
            e(&file_name(&p.png)),
        );
    }

    let _ = writeln!(h, "<h2 id=\"evidence\">Evidence this relates to</h2>");
    if page.evidence.is_empty() {
        let _ = writeln!(
            h,
            "<p>No trial in k2bone's calibration or validation sets used these regimens.</p>"
        );
    } else {
        let _ = writeln!(h, "<p>Published results for the same vitamin K form at a similar daily dose, and the model's value when it simulates that trial's own design. <em>Calibration</em> results were used to fit the model; <em>validation</em> results were not.</p>\n<div class=\"scroll\"><table>\n<tr><th>role</th><th>source</th><th>measure</th><th>reported</th><th>model</th><th>verdict</th></tr>");
        for r in &page.evidence {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                e(&r.role), e(&r.source), e(&r.measure), e(&r.reported), e(&r.simulated), e(&r.verdict)
            );
        }
        let _ = writeln!(h, "</table></div>");
    }
    if !page.notes.is_empty() {
        let _ = writeln!(h, "<h2>Notes</h2>\n<ul>");
        for n in &page.notes {
            let _ = writeln!(h, "<li>{}</li>", e(n));
        }
        let _ = writeln!(h, "</ul>");
    }
    let _ = writeln!(
        h,
        "<footer><p>{}</p><p>Files beside this report: {}.</p><p>{}</p></footer>",
        e(&page.generated_by),
        e(&page.files.join(", ")),
        e(DISCLAIMER)
    );
    let _ = writeln!(h, "</main>\n</body>\n</html>");
    Ok(h)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes the page to `path`.
pub fn write_report(page: &ReportPage, plots: &[TopicPlot], path: &Path) -> std::io::Result<()> {
    std::fs::write(path, render(page, plots)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_strips_svg_size() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        let s = inline_svg("<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"20\" viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>");
        assert_eq!(
            s,
            "<svg viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>"
        );
    }
}
