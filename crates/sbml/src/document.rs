//! The SBML document: parameters (states are non-constant parameters with rate rules),
//! assignment rules for outputs and for subexpressions used more than once, initial
//! assignments for doses at t = 0, and dose events; written as SBML Level 3 Version 2.

use std::collections::{HashMap, HashSet};

use crate::export::Target;
use crate::expr::{Ex, Graph, E};
use crate::mathml::{MathWriter, TIME};
use crate::unit_infer::{self, Known};
use crate::units::{self, Unit};
use crate::xml::{esc, num, Writer};

/// One SBML parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDef {
    pub id: String,
    pub name: String,
    pub value: f64,
    /// The unit as k2bone writes it (`"pM"`), if known.
    pub unit: Option<String>,
    pub constant: bool,
    /// A number the code computed from several parameters.
    pub composite: bool,
}

impl ParamDef {
    pub fn constant(id: &str, name: &str, value: f64, unit: Option<&str>) -> ParamDef {
        ParamDef {
            id: id.to_string(),
            name: name.to_string(),
            value,
            unit: unit.map(str::to_string),
            constant: true,
            composite: false,
        }
    }
    pub fn variable(id: &str, name: &str, value: f64, unit: Option<&str>) -> ParamDef {
        ParamDef {
            constant: false,
            ..ParamDef::constant(id, name, value, unit)
        }
    }
}

/// A dose run's event.
#[derive(Debug, Clone)]
pub struct EventDef {
    pub id: String,
    pub name: String,
    pub when: When,
    pub assignments: Vec<(Target, E)>,
}

/// When a dose event fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    /// Once, at `time >= t`.
    At(f64),
    /// While doses are left, at `time >= next`; the event moves `next` on and counts `left`
    /// down (parameter indices).
    Repeat { next: usize, left: usize },
}

/// Counts of what a document holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub states: usize,
    pub outputs: usize,
    /// Constant parameters: named after k2bone's inputs or derived constants, composites.
    pub named_parameters: usize,
    pub composite_parameters: usize,
    /// Non-constant parameters of the dose runs (next time, doses left).
    pub dose_variables: usize,
    pub rate_rules: usize,
    pub assignment_rules: usize,
    /// Of the assignment rules, those for shared subexpressions.
    pub intermediates: usize,
    pub initial_assignments: usize,
    pub events: usize,
    pub unit_definitions: usize,
}

/// Everything the writer needs.
#[derive(Debug, Default)]
pub struct Doc {
    pub model_id: String,
    pub model_name: String,
    pub notes: String,
    pub params: Vec<ParamDef>,
    pub states: Vec<ParamDef>,
    pub output_defs: Vec<ParamDef>,
    pub graph: Graph,
    /// `(state index, derivative)`.
    pub rate_rules: Vec<(usize, E)>,
    /// `(output index, value)`.
    pub outputs: Vec<(usize, E)>,
    /// Expressions that get a name of their own (`model_time_h`), with unit.
    pub named: Vec<(E, String, Option<String>)>,
    pub initial_assignments: Vec<(usize, E)>,
    pub events: Vec<EventDef>,
    /// Inputs that could not be traced to a name.
    pub unprobed: Vec<(String, String)>,
}

impl Doc {
    pub fn new(id: &str, name: &str) -> Doc {
        Doc {
            model_id: id.to_string(),
            model_name: name.to_string(),
            ..Doc::default()
        }
    }

    /// Roots of every math element, for reference counting.
    fn roots(&self) -> Vec<E> {
        let mut r: Vec<E> = self.rate_rules.iter().map(|(_, e)| *e).collect();
        r.extend(self.outputs.iter().map(|(_, e)| *e));
        r.extend(self.initial_assignments.iter().map(|(_, e)| *e));
        r.extend(
            self.events
                .iter()
                .flat_map(|ev| ev.assignments.iter().map(|(_, e)| *e)),
        );
        r
    }

    /// Subexpressions used more than once (not leaves), which get assignment rules.
    fn shared(&self) -> Vec<E> {
        let g = &self.graph;
        let mut uses = vec![0usize; g.nodes.len()];
        let mut seen = vec![false; g.nodes.len()];
        let mut stack = self.roots();
        for &r in &stack {
            uses[r] += 1;
        }
        while let Some(e) = stack.pop() {
            if seen[e] {
                continue;
            }
            seen[e] = true;
            for c in children(&g.nodes[e]) {
                uses[c] += 1;
                stack.push(c);
            }
        }
        (0..g.nodes.len())
            .filter(|&e| uses[e] >= 2 && !is_leaf(g, e))
            .collect()
    }

    /// The document as SBML Level 3 Version 2, and what it holds.
    pub fn to_xml(&self) -> (String, Counts) {
        let mut ids = Ids::default();
        let state_ids: Vec<String> = self
            .states
            .iter()
            .map(|p| ids.claim(&p.id, "state"))
            .collect();
        let output_ids: Vec<String> = self
            .output_defs
            .iter()
            .map(|p| ids.claim(&p.id, "out"))
            .collect();
        let param_ids: Vec<String> = self
            .params
            .iter()
            .map(|p| ids.claim(&p.id, "par"))
            .collect();

        // Names of expressions: outputs first, then the explicitly named, then w1, w2, …
        let mut name: HashMap<E, String> = HashMap::new();
        let mut rules: Vec<(String, E, Option<String>, String)> = Vec::new();
        for &(k, e) in &self.outputs {
            if !name.contains_key(&e) && !is_leaf(&self.graph, e) {
                name.insert(e, output_ids[k].clone());
            }
        }
        for (e, n, _) in &self.named {
            name.entry(*e).or_insert_with(|| ids.claim(n, "x"));
        }
        let shared = self.shared();
        let mut n_w = 0;
        for &e in &shared {
            if let std::collections::hash_map::Entry::Vacant(v) = name.entry(e) {
                n_w += 1;
                v.insert(ids.claim(&format!("w{n_w}"), "w"));
            }
        }
        // Units: declared ones parsed, the rest inferred through the equations.
        let mut units = UnitTable::default();
        let hour = units.id("h").expect("h is a unit");
        let parse = |p: &ParamDef| p.unit.as_deref().and_then(units::parse);
        let param_u: Vec<Option<Unit>> = self.params.iter().map(parse).collect();
        let state_u: Vec<Option<Unit>> = self.states.iter().map(parse).collect();
        let out_u: Vec<Option<Unit>> = self.output_defs.iter().map(parse).collect();
        let hour_u = units::parse("h").expect("h is a unit");
        let mut roots: Vec<(E, Unit)> = Vec::new();
        let per_hour = |u: Unit| Unit {
            factor: u.factor / hour_u.factor,
            dims: [u.dims[0], u.dims[1], u.dims[2], u.dims[3] - 1],
        };
        roots.extend(
            self.rate_rules
                .iter()
                .filter_map(|&(i, e)| state_u[i].map(|u| (e, per_hour(u)))),
        );
        roots.extend(
            self.outputs
                .iter()
                .filter_map(|&(k, e)| out_u[k].map(|u| (e, u))),
        );
        roots.extend(
            self.initial_assignments
                .iter()
                .filter_map(|&(i, e)| state_u[i].map(|u| (e, u))),
        );
        for ev in &self.events {
            for (t, e) in &ev.assignments {
                let u = match t {
                    Target::State(i) => state_u[*i],
                    Target::Param(p) => param_u[*p],
                };
                if let Some(u) = u {
                    roots.push((*e, u));
                }
            }
        }
        let inferred = unit_infer::infer(
            &self.graph,
            &Known {
                params: &param_u,
                states: &state_u,
                hour: hour_u,
                roots: &roots,
            },
        );
        // Declared units first, so that inferred ones reuse their ids.
        for d in self
            .states
            .iter()
            .chain(&self.params)
            .chain(&self.output_defs)
        {
            if let Some(t) = d.unit.as_deref() {
                units.id(t);
            }
        }
        let node_unit: Vec<Option<String>> =
            inferred.iter().map(|u| u.map(|u| units.id_of(u))).collect();
        let param_unit: Vec<Option<String>> = self
            .params
            .iter()
            .enumerate()
            .map(|(p, d)| {
                d.unit.as_deref().and_then(|t| units.id(t)).or_else(|| {
                    self.graph
                        .find(&Ex::Param(p))
                        .and_then(|e| node_unit[e].clone())
                })
            })
            .collect();
        let unit_of = |e: E| node_unit[e].as_deref();
        let name_of = |e: E| -> Option<&str> {
            match self.graph.nodes[e] {
                Ex::Param(p) => Some(param_ids[p].as_str()),
                Ex::State(i) => Some(state_ids[i].as_str()),
                _ => name.get(&e).map(String::as_str),
            }
        };
        let mw = MathWriter {
            graph: &self.graph,
            name_of: &name_of,
            unit_of: &unit_of,
        };
        // Assignment rules in graph order (children before parents).
        let mut named_nodes: Vec<E> = name.keys().copied().collect();
        named_nodes.sort_unstable();
        let output_node: HashSet<E> = self.outputs.iter().map(|(_, e)| *e).collect();
        for e in named_nodes {
            let unit = self
                .named
                .iter()
                .find(|(x, _, _)| *x == e)
                .and_then(|(_, _, u)| u.as_deref().and_then(|t| units.id(t)))
                .or_else(|| node_unit[e].clone());
            let meaning = if output_node.contains(&e) {
                String::new()
            } else {
                "shared subexpression".to_string()
            };
            rules.push((name[&e].clone(), e, unit, meaning));
        }

        let mut w = Writer::default();
        w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        w.open(
            "sbml",
            &[
                (
                    "xmlns",
                    "http://www.sbml.org/sbml/level3/version2/core".into(),
                ),
                (
                    "xmlns:sbml",
                    "http://www.sbml.org/sbml/level3/version2/core".into(),
                ),
                ("level", "3".into()),
                ("version", "2".into()),
            ],
        );
        w.open(
            "model",
            &[
                ("id", self.model_id.clone()),
                ("name", self.model_name.clone()),
                ("timeUnits", hour),
            ],
        );
        w.open("notes", &[]);
        w.open("body", &[("xmlns", "http://www.w3.org/1999/xhtml".into())]);
        w.text("p", &[], &self.notes);
        w.close("body");
        w.close("notes");

        // Parameters (units are collected on the way and written before them).
        let mut pw = Writer::default();
        let mut counts = Counts::default();
        let param = |pw: &mut Writer, id: &str, p: &ParamDef, unit: Option<&str>| {
            let mut attrs = vec![("id", id.to_string())];
            if !p.name.is_empty() {
                attrs.push(("name", p.name.clone()));
            }
            if !p.value.is_nan() {
                attrs.push(("value", num(p.value)));
            }
            if let Some(u) = unit {
                attrs.push(("units", u.to_string()));
            }
            attrs.push(("constant", p.constant.to_string()));
            pw.empty("parameter", &attrs);
        };
        for (p, id) in self.states.iter().zip(&state_ids) {
            let u = p.unit.as_deref().and_then(|t| units.id(t));
            param(&mut pw, id, p, u.as_deref());
        }
        for ((p, id), u) in self.params.iter().zip(&param_ids).zip(&param_unit) {
            param(&mut pw, id, p, u.as_deref());
            match (p.constant, p.composite) {
                (true, true) => counts.composite_parameters += 1,
                (true, false) => counts.named_parameters += 1,
                (false, _) => counts.dose_variables += 1,
            }
        }
        for (p, id) in self.output_defs.iter().zip(&output_ids) {
            let u = p.unit.as_deref().and_then(|t| units.id(t));
            param(&mut pw, id, p, u.as_deref());
        }
        for (id, e, unit, meaning) in &rules {
            if output_node.contains(e) {
                continue;
            }
            let def = ParamDef::variable(id, meaning, f64::NAN, None);
            param(&mut pw, id, &def, unit.as_deref());
            counts.intermediates += 1;
        }
        // Outputs whose value is a leaf or another output's node get a rule referring to it.
        let mut output_rules: Vec<(String, String)> = Vec::new();
        for &(k, e) in &self.outputs {
            if name.get(&e) != Some(&output_ids[k]) {
                let mut s = String::new();
                let _ = name_of(e).map(|n| s.push_str(&format!("<ci>{}</ci>", esc(n))));
                let math = if s.is_empty() {
                    mw.math(e)
                } else {
                    MathWriter::wrap(&s)
                };
                output_rules.push((output_ids[k].clone(), math));
            }
        }

        w.open("listOfUnitDefinitions", &[]);
        for (id, u) in units.defs() {
            w.open("unitDefinition", &[("id", id.clone())]);
            w.raw(&format!("<listOfUnits>{}</listOfUnits>", u.sbml_units()));
            w.close("unitDefinition");
        }
        w.close("listOfUnitDefinitions");
        counts.unit_definitions = units.defs().len();
        w.open("listOfParameters", &[]);
        w.out.push_str(&indent(&pw.out, 3));
        w.close("listOfParameters");

        if !self.initial_assignments.is_empty() {
            w.open("listOfInitialAssignments", &[]);
            for &(i, e) in &self.initial_assignments {
                w.open("initialAssignment", &[("symbol", state_ids[i].clone())]);
                w.raw(&mw.math(e));
                w.close("initialAssignment");
            }
            w.close("listOfInitialAssignments");
        }

        w.open("listOfRules", &[]);
        for (id, e, _, _) in &rules {
            w.open("assignmentRule", &[("variable", id.clone())]);
            w.raw(&mw.math(*e));
            w.close("assignmentRule");
        }
        for (id, math) in &output_rules {
            w.open("assignmentRule", &[("variable", id.clone())]);
            w.raw(math);
            w.close("assignmentRule");
        }
        for &(i, e) in &self.rate_rules {
            w.open("rateRule", &[("variable", state_ids[i].clone())]);
            let math = match name_of(e) {
                Some(n) => MathWriter::wrap(&format!("<ci>{}</ci>", esc(n))),
                None => mw.math(e),
            };
            w.raw(&math);
            w.close("rateRule");
        }
        w.close("listOfRules");

        if !self.events.is_empty() {
            w.open("listOfEvents", &[]);
            for ev in &self.events {
                w.open(
                    "event",
                    &[
                        ("id", ids.claim(&ev.id, "ev")),
                        ("name", ev.name.clone()),
                        ("useValuesFromTriggerTime", "false".into()),
                    ],
                );
                w.open(
                    "trigger",
                    &[
                        ("initialValue", "true".into()),
                        ("persistent", "true".into()),
                    ],
                );
                let trigger = match ev.when {
                    When::At(t) => format!("<apply><geq/>{TIME}{}</apply>", cn_hours(t)),
                    When::Repeat { next, left } => format!(
                        "<apply><and/><apply><geq/>{TIME}<ci>{}</ci></apply><apply><gt/>\
                         <ci>{}</ci><cn sbml:units=\"dimensionless\">0</cn></apply></apply>",
                        esc(&param_ids[next]),
                        esc(&param_ids[left])
                    ),
                };
                w.raw(&MathWriter::wrap(&trigger));
                w.close("trigger");
                w.open("listOfEventAssignments", &[]);
                for (target, e) in &ev.assignments {
                    let var = match target {
                        Target::State(i) => state_ids[*i].clone(),
                        Target::Param(p) => param_ids[*p].clone(),
                    };
                    w.open("eventAssignment", &[("variable", var)]);
                    w.raw(&mw.math(*e));
                    w.close("eventAssignment");
                }
                w.close("listOfEventAssignments");
                w.close("event");
            }
            w.close("listOfEvents");
        }
        w.close("model");
        w.close("sbml");

        counts.states = self.states.len();
        counts.outputs = self.output_defs.len();
        counts.rate_rules = self.rate_rules.len();
        counts.assignment_rules = rules.len() + output_rules.len();
        counts.initial_assignments = self.initial_assignments.len();
        counts.events = self.events.len();
        (w.out, counts)
    }
}

/// A time literal in hours (the model's time unit).
fn cn_hours(t: f64) -> String {
    crate::mathml::cn_in(t, "hour")
}

fn indent(text: &str, _levels: usize) -> String {
    text.lines().map(|l| format!("      {l}\n")).collect()
}

fn is_leaf(g: &Graph, e: E) -> bool {
    match g.nodes[e] {
        Ex::Num(_) | Ex::Param(_) | Ex::State(_) | Ex::Time => true,
        Ex::Neg(a) => matches!(g.nodes[a], Ex::Num(_) | Ex::Param(_) | Ex::State(_)),
        _ => false,
    }
}

fn children(x: &Ex) -> Vec<E> {
    match *x {
        Ex::Num(_) | Ex::Param(_) | Ex::State(_) | Ex::Time => vec![],
        Ex::Neg(a) | Ex::Func(_, a) => vec![a],
        Ex::Add(a, b) | Ex::Sub(a, b) | Ex::Mul(a, b) | Ex::Div(a, b) | Ex::Pow(a, b) => vec![a, b],
        Ex::Piece {
            x,
            threshold,
            above,
            below,
            ..
        } => vec![x, threshold, above, below],
    }
}

/// Unique SBML ids.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
}

impl Ids {
    fn claim(&mut self, want: &str, kind: &str) -> String {
        let mut id: String = want
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
            id.insert(0, '_');
        }
        let base = id.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = if n == 1 {
                format!("{base}_{kind}")
            } else {
                format!("{base}_{kind}{n}")
            };
            n += 1;
        }
        id
    }
}

/// Unit definitions by k2bone unit string.
#[derive(Default)]
struct UnitTable {
    by_text: HashMap<String, Option<String>>,
    defs: Vec<(String, units::Unit)>,
}

impl UnitTable {
    /// The unit id for `text` (`dimensionless` for `-`), or `None` if it does not parse.
    fn id(&mut self, text: &str) -> Option<String> {
        if let Some(id) = self.by_text.get(text) {
            return id.clone();
        }
        let id = units::parse(text).map(|u| {
            if u.is_dimensionless() {
                return "dimensionless".to_string();
            }
            if let Some((id, _)) = self.defs.iter().find(|(_, d)| *d == u) {
                return id.clone();
            }
            let id = if text == "h" {
                "hour".to_string()
            } else {
                units::unit_id(text)
            };
            self.defs.push((id.clone(), u));
            id
        });
        self.by_text.insert(text.to_string(), id.clone());
        id
    }

    /// The id of a unit found by inference: an existing definition if one matches.
    fn id_of(&mut self, u: Unit) -> String {
        let same = |a: &Unit| a.dims == u.dims && (a.factor / u.factor - 1.0).abs() < 1e-9;
        if same(&units::parse("-").expect("dimensionless")) {
            return "dimensionless".into();
        }
        if let Some((id, _)) = self.defs.iter().find(|(_, d)| same(d)) {
            return id.clone();
        }
        let id = format!("u_inferred_{}", self.defs.len() + 1);
        self.defs.push((id.clone(), u));
        id
    }

    fn defs(&self) -> &[(String, units::Unit)] {
        &self.defs
    }
}
