//! From a model and an export specification to the parts of an SBML document: the traced
//! equations as a graph, the parameter table, rules, initial assignments and dose events.

use std::collections::HashMap;

use k2bone_sim::DoseEvent;

use crate::document::{Doc, EventDef, ParamDef, When};
use crate::dosing::compact;
use crate::expr::{convert, Ex, Graph, LeafMap, E};
use crate::model::SbmlModel;
use crate::names::{name_leaves, Leaf, Naming};
use crate::trace::{record, Id, Sym, Tape};
use crate::ExportError;

/// What to export besides the model: where it starts and what it is given.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSpec<D> {
    /// The state at SBML time 0; `None` for the model's own initial state (its baseline).
    pub initial_state: Option<Vec<f64>>,
    /// The model's clock at SBML time 0, h: the time the model has run before the exported
    /// period (a scenario's burn-in). The estrogen terms read `time + model_clock_start_h`.
    pub clock_start_h: f64,
    /// Doses, times in h from SBML time 0 (boluses; infusions are refused).
    pub doses: Vec<DoseEvent<D>>,
    /// A line for the model's notes (e.g. the scenario and arm).
    pub description: String,
    /// One event per run of equal doses (the default) or one per dose.
    pub dose_events: DoseEvents,
}

/// How doses after t = 0 become SBML events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DoseEvents {
    /// One self-rescheduling event per run of equal doses at a fixed interval.
    #[default]
    Runs,
    /// One event per dose (for comparison: larger files, slower loading).
    PerDose,
}

impl<D> Default for ExportSpec<D> {
    fn default() -> Self {
        ExportSpec {
            initial_state: None,
            clock_start_h: 0.0,
            doses: Vec::new(),
            description: String::new(),
            dose_events: DoseEvents::Runs,
        }
    }
}

/// The roots of one trace: state derivatives, outputs, and per dosed drug the states a
/// bolus changes with their new values.
struct Roots {
    dy: Vec<Id>,
    outputs: Vec<Id>,
    boluses: Vec<Vec<(usize, Id)>>,
}

fn trace_all<M: SbmlModel>(m: &M, y0: &[f64], clock_h: f64, drugs: &[M::Drug]) -> (Tape, Roots) {
    record(|| {
        let y: Vec<Sym> = y0
            .iter()
            .enumerate()
            .map(|(i, v)| Sym::state(i, *v))
            .collect();
        let zero = Sym::constant(0.0);
        let mut dy = vec![zero; y.len()];
        m.trace_rhs(clock_h, &y, &mut dy);
        let mut out = vec![zero; m.output_list().len()];
        m.trace_outputs(&y, &mut out);
        let boluses = drugs
            .iter()
            .enumerate()
            .map(|(k, &d)| {
                let mut yb = y.clone();
                m.trace_bolus(d, Sym::input(k, 1.0), &mut yb);
                yb.iter()
                    .zip(&y)
                    .enumerate()
                    .filter(|(_, (after, before))| after.id() != before.id())
                    .map(|(i, (after, _))| (i, after.id()))
                    .collect()
            })
            .collect();
        Roots {
            dy: dy.iter().map(|s| s.id()).collect(),
            outputs: out.iter().map(|s| s.id()).collect(),
            boluses,
        }
    })
}

/// Builds the document of `model` under `spec`.
pub(crate) fn build<M: SbmlModel>(
    model: &M,
    spec: &ExportSpec<M::Drug>,
) -> Result<Doc, ExportError> {
    let states = model.state_list();
    let y0 = match &spec.initial_state {
        Some(y) => y.clone(),
        None => model.initial_state(),
    };
    if y0.len() != states.len() {
        return Err(ExportError::BadInitialState(format!(
            "{} values for {} states",
            y0.len(),
            states.len()
        )));
    }
    if let Some((i, v)) = y0.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(ExportError::BadInitialState(format!(
            "{} = {v} (accepted: finite)",
            states[i].id
        )));
    }
    if !(spec.clock_start_h.is_finite() && spec.clock_start_h >= 0.0) {
        return Err(ExportError::BadClock(spec.clock_start_h));
    }
    let dosing = compact(&spec.doses, spec.dose_events == DoseEvents::PerDose)?;
    let mut drugs: Vec<M::Drug> = Vec::new();
    for d in dosing
        .at_start
        .iter()
        .map(|(d, _)| *d)
        .chain(dosing.runs.iter().map(|r| r.drug))
    {
        if !drugs.contains(&d) {
            drugs.push(d);
        }
    }
    let clock = spec.clock_start_h;
    let (tape, roots) = trace_all(model, &y0, clock, &drugs);
    if let Some(r) = tape.reads.first() {
        return Err(ExportError::ValueRead {
            what: r.what.to_string(),
            count: tape.reads.len(),
            location: r.location.clone(),
        });
    }
    let naming = name_leaves(model, &tape, |m| trace_all(m, &y0, clock, &drugs).0)?;

    let mut doc = Doc::new(model.model_id(), model.model_name());
    doc.notes = notes(spec, &naming);
    doc.unprobed = naming.unprobed.clone();
    let mut params = ParamTable::default();
    let clock_p = params.push(ParamDef::constant(
        "model_clock_start_h",
        "model clock at SBML time 0 (time the model ran before this period)",
        clock,
        Some("h"),
    ));
    let leaf_params = leaf_parameters(&naming, &mut params);
    let param_of = |leaf: &Leaf| leaf_params[&leaf_key(leaf)];

    let mut g = Graph::default();
    let time_e = {
        let t = g.make(Ex::Time);
        let c = g.make(Ex::Param(clock_p));
        g.make(Ex::Add(t, c))
    };
    doc.named
        .push((time_e, "model_time_h".into(), Some("h".into())));
    let state_e = |g: &mut Graph, i: usize| g.make(Ex::State(i));
    let no_input = |_: &mut Graph, _: usize| -> E { unreachable!("inputs only in dose traces") };
    let time_f = |_: &mut Graph| time_e;
    let plain = LeafMap {
        naming: &naming,
        param_of: &param_of,
        state: &state_e,
        input: &no_input,
        time: &time_f,
    };
    let mut memo = Vec::new();
    for (i, &r) in roots.dy.iter().enumerate() {
        let e = convert(&mut g, &tape, &plain, &mut memo, r)?;
        doc.rate_rules.push((i, e));
    }
    for (k, &r) in roots.outputs.iter().enumerate() {
        let e = convert(&mut g, &tape, &plain, &mut memo, r)?;
        doc.outputs.push((k, e));
    }
    doc.states = states
        .iter()
        .zip(&y0)
        .map(|(q, v)| ParamDef::variable(&q.id, &q.meaning, *v, Some(&q.unit)))
        .collect();
    doc.output_defs = model
        .output_list()
        .iter()
        .map(|q| ParamDef::variable(&q.id, &q.meaning, f64::NAN, Some(&q.unit)))
        .collect();

    // Doses at t = 0: initial assignments, applied in k2bone's order to the initial values.
    let mut current: Vec<Option<E>> = vec![None; y0.len()];
    for (n, (drug, amount)) in dosing.at_start.iter().enumerate() {
        let (label, unit) = model.drug_label(*drug);
        let p = params.push(ParamDef::constant(
            &format!("dose0_{n}_{label}"),
            &format!("{label} given at t = 0, {unit}"),
            *amount,
            Some(unit),
        ));
        let k = drugs.iter().position(|d| d == drug).expect("listed");
        let snapshot = current.clone();
        let y0c = &y0;
        let state = move |g: &mut Graph, i: usize| snapshot[i].unwrap_or_else(|| g.num(y0c[i]));
        let input = |g: &mut Graph, _: usize| g.make(Ex::Param(p));
        let map = LeafMap {
            naming: &naming,
            param_of: &param_of,
            state: &state,
            input: &input,
            time: &time_f,
        };
        let mut memo = Vec::new();
        for &(i, r) in &roots.boluses[k] {
            current[i] = Some(convert(&mut g, &tape, &map, &mut memo, r)?);
        }
    }
    doc.initial_assignments = current
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.map(|e| (i, e)))
        .collect();

    // Runs after t = 0: one event each; a single dose is a plain `time >= t` event.
    let mut amounts: Vec<(M::Drug, u64, usize)> = Vec::new();
    for (n, run) in dosing.runs.iter().enumerate() {
        let (label, unit) = model.drug_label(run.drug);
        let id = format!("dose{}_{label}", n + 1);
        let amount = match amounts
            .iter()
            .find(|(d, a, _)| *d == run.drug && *a == run.amount.to_bits())
        {
            Some((_, _, p)) => *p,
            None => {
                let p = params.push(ParamDef::constant(
                    &format!("{label}_dose{}", amounts.len() + 1),
                    &format!("{label} per dose, {unit}"),
                    run.amount,
                    Some(unit),
                ));
                amounts.push((run.drug, run.amount.to_bits(), p));
                p
            }
        };
        let k = drugs.iter().position(|d| *d == run.drug).expect("listed");
        let input = |g: &mut Graph, _: usize| g.make(Ex::Param(amount));
        let map = LeafMap {
            naming: &naming,
            param_of: &param_of,
            state: &state_e,
            input: &input,
            time: &time_f,
        };
        let mut memo = Vec::new();
        let mut assignments = Vec::new();
        for &(i, r) in &roots.boluses[k] {
            assignments.push((
                Target::State(i),
                convert(&mut g, &tape, &map, &mut memo, r)?,
            ));
        }
        let when = if run.count == 1 {
            When::At(run.first_h)
        } else {
            let next = params.push(ParamDef::variable(
                &format!("{id}_next_h"),
                "time of the next dose of this run",
                run.first_h,
                Some("h"),
            ));
            let left = params.push(ParamDef::variable(
                &format!("{id}_left"),
                "doses of this run still to give",
                run.count as f64,
                Some("-"),
            ));
            let ii = params.push(ParamDef::constant(
                &format!("{id}_interval_h"),
                "interval between the doses of this run",
                run.interval_h,
                Some("h"),
            ));
            let (pn, pi, pl) = (
                g.make(Ex::Param(next)),
                g.make(Ex::Param(ii)),
                g.make(Ex::Param(left)),
            );
            let one = g.num(1.0);
            assignments.push((Target::Param(next), g.make(Ex::Add(pn, pi))));
            assignments.push((Target::Param(left), g.make(Ex::Sub(pl, one))));
            When::Repeat { next, left }
        };
        let name = if run.count == 1 {
            format!("{label}: {} {unit} at {} h", run.amount, run.first_h)
        } else {
            format!(
                "{label}: {} doses of {} {unit} every {} h from {} h",
                run.count, run.amount, run.interval_h, run.first_h
            )
        };
        doc.events.push(EventDef {
            id,
            name,
            when,
            assignments,
        });
    }
    doc.params = params.defs;
    doc.graph = g;
    Ok(doc)
}

/// What an event assigns to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Target {
    State(usize),
    Param(usize),
}

#[derive(Default)]
struct ParamTable {
    defs: Vec<ParamDef>,
}

impl ParamTable {
    fn push(&mut self, p: ParamDef) -> usize {
        self.defs.push(p);
        self.defs.len() - 1
    }
}

/// A hashable key for a resolved leaf.
fn leaf_key(leaf: &Leaf) -> String {
    match leaf {
        Leaf::Literal(v) => format!("lit:{}", v.to_bits()),
        Leaf::Input(i) => format!("in:{i}"),
        Leaf::Dependent(d) => format!("dep:{d}"),
        Leaf::Composite { value, deps } => format!("comp:{}:{deps:?}", value.to_bits()),
    }
}

/// One parameter per distinct named leaf, in the order of first use.
fn leaf_parameters(naming: &Naming, params: &mut ParamTable) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    let mut n_comp = 0;
    for leaf in naming.leaves.iter().flatten() {
        let key = leaf_key(leaf);
        if matches!(leaf, Leaf::Literal(_)) || map.contains_key(&key) {
            continue;
        }
        let def = match leaf {
            Leaf::Input(i) => {
                let inp = &naming.inputs[*i];
                ParamDef::constant(&inp.q.id, &inp.q.meaning, inp.value, Some(&inp.q.unit))
            }
            Leaf::Dependent(d) => {
                let (id, v) = &naming.dependents[*d];
                ParamDef::constant(
                    id,
                    "derived constant of k2bone (from its parameters)",
                    *v,
                    None,
                )
            }
            Leaf::Composite { value, deps } => {
                n_comp += 1;
                let names: Vec<&str> = deps
                    .iter()
                    .map(|j| naming.inputs[*j].q.id.as_str())
                    .collect();
                let mut d = ParamDef::constant(
                    &format!("c{n_comp}"),
                    &format!("computed by k2bone from {}", names.join(", ")),
                    *value,
                    None,
                );
                d.composite = true;
                d
            }
            Leaf::Literal(_) => unreachable!(),
        };
        map.insert(key, params.push(def));
    }
    map
}

fn notes<D>(spec: &ExportSpec<D>, naming: &Naming) -> String {
    let mut s = String::from(
        "Exported by k2bone (a model, not medical advice; people on blood thinners must talk to \
         their clinician before changing vitamin K intake). The equations are traced from \
         k2bone's own right-hand side. Time is in hours. Parameters named after k2bone's \
         parameters are used where the code reads them directly; c1, c2, ... are numbers the \
         code computes from several parameters, and the derived constants have their values: \
         to change a parameter, re-export from k2bone.",
    );
    if !spec.description.is_empty() {
        s.push(' ');
        s.push_str(&spec.description);
    }
    if !naming.unprobed.is_empty() {
        let names: Vec<&str> = naming.unprobed.iter().map(|(n, _)| n.as_str()).collect();
        s.push_str(&format!(" Not traced to a name: {}.", names.join(", ")));
    }
    s
}
