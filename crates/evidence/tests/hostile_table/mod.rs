//! Hostile CSV tables for the proptest fuzz targets: valid and unknown headers (duplicates
//! included) and hostile cells (NaN, inf, -0, 1e308, 1e-320, n/a, control characters, quotes,
//! commas). Shared by `fuzz_readers.rs` here and k2bone-trialdb's `fuzz_trials.rs` (through
//! `#[path]`), so both readers meet the same cells.

use proptest::prelude::*;

fn hostile_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-Infinity".to_string()),
        Just("-0".to_string()),
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("1e-320".to_string()),
        Just("1e400".to_string()),
        Just("n/a".to_string()),
        Just("\u{1b}[31mred".to_string()),
        Just("\"".to_string()),
        Just("a,b".to_string()),
        Just("line\nbreak".to_string()),
        (-1e3f64..1e3).prop_map(|v| v.to_string()),
        (0.0001f64..10.0).prop_map(|v| v.to_string()),
        (0u32..200).prop_map(|v| v.to_string()),
        "[a-z]{1,6}",
        "\\PC{0,6}",
    ]
}

fn quote(cell: &str, q: bool) -> String {
    if q {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

pub fn table(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    let header = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(names).prop_map(str::to_string),
            1 => "[a-z_]{1,8}",
        ],
        1..9,
    );
    let rows = prop::collection::vec(
        prop::collection::vec((hostile_cell(), any::<bool>()), 0..9),
        0..8,
    );
    (header, rows, any::<bool>()).prop_map(|(h, rows, full)| {
        let mut s = h.join(",") + "\n";
        for r in rows {
            let n = if full { h.len() } else { r.len() };
            let cells: Vec<String> = r.iter().take(n).map(|(c, q)| quote(c, *q)).collect();
            s += &cells.join(",");
            s.push('\n');
        }
        s
    })
}
