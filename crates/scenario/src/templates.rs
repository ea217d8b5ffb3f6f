//! Built-in scenarios and starter templates: the files in `examples/scenarios/`, embedded so a
//! fresh install has them (`k2bone scenario new --template NAME`, `k2bone demo`).

/// One template: a name, what it asks, the scenario text and any diet log it uses.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub name: &'static str,
    pub description: &'static str,
    pub toml: &'static str,
    /// (file name, contents) of files the scenario refers to.
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! example {
    ($file:literal) => {
        include_str!(concat!("../../../examples/scenarios/", $file))
    };
}

/// Every template, the demo's first.
pub const TEMPLATES: &[Template] = &[
    Template {
        name: "mk7-180-3y",
        description: "MK-7 180 ug/d for 3 years in a 60-year-old woman, with and without D3 + calcium (the demo)",
        toml: example!("mk7-180-3y.toml"),
        files: &[],
    },
    Template {
        name: "minimal",
        description: "the three-line scenario: MK-7 180 ug/d against an added placebo arm",
        toml: example!("minimal.toml"),
        files: &[],
    },
    Template {
        name: "mk4-vs-mk7",
        description: "MK-4 45 mg/d (15 mg 3x daily) or MK-7 180 ug/d, 2 years, woman aged 65",
        toml: example!("mk4-vs-mk7.toml"),
        files: &[],
    },
    Template {
        name: "natto-twice-weekly",
        description: "a week of meals with natto twice, repeated for a year, vs a daily MK-7 supplement",
        toml: example!("natto-twice-weekly.toml"),
        files: &[("natto-twice-weekly.csv", example!("natto-twice-weekly.csv"))],
    },
    Template {
        name: "vitamin-d-deficiency",
        description: "25(OH)D 30 nmol/L: D3, MK-7 or both, 2 years",
        toml: example!("vitamin-d-deficiency.toml"),
        files: &[],
    },
    Template {
        name: "warfarin-steady-intake",
        description: "on warfarin: what starting MK-7 does to clotting-factor carboxylation",
        toml: example!("warfarin-steady-intake.toml"),
        files: &[],
    },
    Template {
        name: "denosumab-and-mk7",
        description: "denosumab 60 mg every 26 weeks with or without MK-7, low BMD, 2 years",
        toml: example!("denosumab-and-mk7.toml"),
        files: &[],
    },
];

/// A template by name.
pub fn template(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

/// The names, for error messages.
pub fn names() -> Vec<&'static str> {
    TEMPLATES.iter().map(|t| t.name).collect()
}
