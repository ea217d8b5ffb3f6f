//! The reference scenarios of the spec (§10), as dosing tables shipped in `examples/doses/`.
//!
//! Each has the duration and output interval its published check uses, so
//! `k2bone simulate --builtin NAME` reproduces the check's curves with no other input.

/// A named reference scenario.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    pub name: &'static str,
    pub description: &'static str,
    /// The dosing table (empty for the baseline).
    pub doses_csv: &'static str,
    pub default_duration_h: f64,
    pub default_every_h: f64,
}

macro_rules! doses {
    ($file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/doses/",
            $file
        ))
    };
}

/// 28-day "month" of the shipped OpenBoneMin examples, in hours (spec §1).
pub const MONTH_H: f64 = 672.0;

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "baseline",
        description: "no dosing: the unperturbed steady state (spec §10 item 2)",
        doses_csv: "",
        default_duration_h: 10.0 * 365.0 * 24.0,
        default_every_h: 24.0,
    },
    Builtin {
        name: "teriparatide-single",
        description: "teriparatide 20 µg SC once (spec §10 item 3)",
        doses_csv: doses!("teriparatide-20ug-single.csv"),
        default_duration_h: 24.0,
        default_every_h: 0.1,
    },
    Builtin {
        name: "teriparatide-daily",
        description: "teriparatide 20 µg SC daily, 10 doses (spec §10 item 4)",
        doses_csv: doses!("teriparatide-20ug-daily.csv"),
        default_duration_h: 240.0,
        default_every_h: 0.1,
    },
    Builtin {
        name: "teriparatide-daily-40ug",
        description: "teriparatide 40 µg SC daily, 10 doses (spec §10 item 4)",
        doses_csv: doses!("teriparatide-40ug-daily.csv"),
        default_duration_h: 240.0,
        default_every_h: 0.1,
    },
    Builtin {
        name: "denosumab-q6m",
        description: "denosumab 60 mg SC every 6 months, 6 doses, 42 months (spec §10 item 5)",
        doses_csv: doses!("denosumab-60mg-q6m.csv"),
        default_duration_h: 42.0 * MONTH_H,
        default_every_h: 4.0,
    },
    Builtin {
        name: "denosumab-10mg-q6m",
        description: "denosumab 10 mg SC every 6 months, 6 doses, 42 months (spec §10 item 5)",
        doses_csv: doses!("denosumab-10mg-q6m.csv"),
        default_duration_h: 42.0 * MONTH_H,
        default_every_h: 4.0,
    },
    Builtin {
        name: "denosumab-210mg-q6m",
        description: "denosumab 210 mg SC every 6 months, 6 doses, 42 months (spec §10 item 5)",
        doses_csv: doses!("denosumab-210mg-q6m.csv"),
        default_duration_h: 42.0 * MONTH_H,
        default_every_h: 4.0,
    },
    Builtin {
        name: "pr2012-60mg-q6m-x8",
        description: "Peterson & Riggs 2012: denosumab 60 mg Q6M x 8, 48 months (spec §10 item 6)",
        doses_csv: doses!("pr2012-60mg-q6m-x8.csv"),
        default_duration_h: 48.0 * MONTH_H,
        default_every_h: 24.0,
    },
    Builtin {
        name: "pr2012-14mg-then-60mg",
        description: "Peterson & Riggs 2012: 14 mg Q6M x 4 then 60 mg Q6M x 4 (spec §10 item 6)",
        doses_csv: doses!("pr2012-14mg-then-60mg.csv"),
        default_duration_h: 48.0 * MONTH_H,
        default_every_h: 24.0,
    },
    Builtin {
        name: "pr2012-30mg-q3m-then-60mg",
        description: "Peterson & Riggs 2012: 30 mg Q3M x 8 then 60 mg Q6M x 2 (spec §10 item 6)",
        doses_csv: doses!("pr2012-30mg-q3m-then-60mg.csv"),
        default_duration_h: 48.0 * MONTH_H,
        default_every_h: 24.0,
    },
    Builtin {
        name: "pr2012-210mg-q6m-x4",
        description: "Peterson & Riggs 2012: 210 mg Q6M x 4 then stop (spec §10 item 6)",
        doses_csv: doses!("pr2012-210mg-q6m-x4.csv"),
        default_duration_h: 48.0 * MONTH_H,
        default_every_h: 24.0,
    },
];

/// Looks a builtin up by name.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}
