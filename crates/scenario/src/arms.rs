//! One arm of a scenario: its supplements and drugs (shorthand `mk7 = "180 ug daily"` or the
//! long `[[arms.NAME.supplement]]` form) and its diet log, with per-dose guards.

use std::path::Path;

use k2bone_physiology::Agent;

use crate::doc::Node;
use crate::quantity::{self, Schedule};
use crate::{Arm, Dosing, ScenarioError, Simulation};

const DOSING_KEYS: &[&str] = &[
    "agent",
    "dose",
    "schedule",
    "vehicle",
    "start_day",
    "stop_day",
];
const ARM_KEYS: &[&str] = &["description", "supplement", "drug", "diet"];
/// Agent names accepted as shorthand keys in an arm.
pub const AGENTS: &[&str] = &[
    "k1",
    "mk4",
    "mk7",
    "d3",
    "calcium",
    "denosumab",
    "teriparatide",
    "calcitriol",
];

pub(crate) fn arm(
    name: &str,
    node: &Node,
    sim: &Simulation,
    base: &Path,
) -> Result<Arm, ScenarioError> {
    if name.is_empty()
        || name.len() > 40
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-+.".contains(c))
    {
        return Err(node.ctx.err(
            node.span.clone(),
            &node.path,
            format!(
                "arm name `{name}` is not accepted (accepted: 1 to 40 letters, digits, _ - + .)"
            ),
        ));
    }
    let mut allowed: Vec<&str> = ARM_KEYS.to_vec();
    allowed.extend_from_slice(AGENTS);
    node.check_keys(&allowed)?;
    let mut regimen = Vec::new();
    for (key, item) in node.table.iter() {
        if ARM_KEYS.contains(&key) {
            continue;
        }
        let text = item.as_str().ok_or_else(|| {
            node.err(
                key,
                format!(
                    "expected a string like \"180 ug daily\", found {}",
                    crate::doc::kind(item)
                ),
            )
        })?;
        let (amount, unit, rest) = quantity::split_amount(text).map_err(|m| node.err(key, m))?;
        let schedule = if rest.is_empty() {
            Schedule::PerDay(1)
        } else {
            Schedule::parse(&rest).map_err(|m| node.err(key, m))?
        };
        regimen.push(dosing(
            node, key, key, None, amount, unit, schedule, 0.0, None, sim,
        )?);
    }
    for list in ["supplement", "drug"] {
        for d in node.tables(list)? {
            d.check_keys(DOSING_KEYS)?;
            let agent = d.str("agent", "\"mk7\"")?.ok_or_else(|| {
                d.ctx.err(
                    d.span.clone(),
                    &d.path,
                    "missing `agent` (e.g. agent = \"mk7\")",
                )
            })?;
            let dose = d.str("dose", "\"180 ug\"")?.ok_or_else(|| {
                d.ctx.err(
                    d.span.clone(),
                    &d.path,
                    "missing `dose` (e.g. dose = \"180 ug\")",
                )
            })?;
            let (amount, unit, rest) =
                quantity::split_amount(dose).map_err(|m| d.err("dose", m))?;
            if !rest.is_empty() {
                return Err(d.err(
                    "dose",
                    format!("unexpected `{rest}` after the dose; put the schedule in `schedule`"),
                ));
            }
            let schedule = match d.str("schedule", "\"daily\"")? {
                None => Schedule::PerDay(1),
                Some(s) => Schedule::parse(s).map_err(|m| d.err("schedule", m))?,
            };
            let start = d
                .num_in("start_day", 0.0, sim.duration_days, " (a day of the run)")?
                .unwrap_or(0.0);
            let stop = d.num_in("stop_day", 0.0, sim.duration_days, " (a day of the run)")?;
            if stop.is_some_and(|s| s <= start) {
                return Err(d.err(
                    "stop_day",
                    format!(
                        "stop_day {} is not after start_day {start}",
                        stop.unwrap_or(0.0)
                    ),
                ));
            }
            let vehicle = d.str("vehicle", "\"oil\"")?;
            regimen.push(dosing(
                &d, "agent", agent, vehicle, amount, unit, schedule, start, stop, sim,
            )?);
        }
    }
    let diet = match node.str("diet", "\"natto-twice-weekly.csv\"")? {
        None => None,
        Some(p) => {
            let path = base.join(p);
            if !path.is_file() {
                return Err(node.err(
                    "diet",
                    format!(
                        "diet log `{}` not found (paths are relative to the scenario file)",
                        path.display()
                    ),
                ));
            }
            Some(path)
        }
    };
    Ok(Arm {
        name: name.to_string(),
        description: node.str("description", "\"…\"")?.map(str::to_string),
        regimen,
        diet,
        diet_line: node.line_of("diet"),
        added_control: false,
    })
}

#[allow(clippy::too_many_arguments)]
fn dosing(
    node: &Node,
    key: &str,
    agent_name: &str,
    vehicle: Option<&str>,
    amount: f64,
    unit: String,
    schedule: Schedule,
    start_day: f64,
    stop_day: Option<f64>,
    _sim: &Simulation,
) -> Result<Dosing, ScenarioError> {
    let lower = agent_name.trim().to_ascii_lowercase();
    let full = match vehicle {
        Some(v) => format!("{lower}:{v}"),
        None => lower.clone(),
    };
    let agent = Agent::parse(&full).map_err(|e| {
        let what = match vehicle {
            Some(v) if Agent::parse(&lower).is_ok() => format!(
                "vehicle `{v}` is not accepted for {lower} \
                 (accepted: oil, tablet, food; vitamin K only)"
            ),
            _ => {
                let close = k2bone_units::fuzzy::closest(&lower, AGENTS.iter().copied());
                let hint = k2bone_units::fuzzy::did_you_mean(
                    &close
                        .filter(|s| *s != lower)
                        .into_iter()
                        .collect::<Vec<_>>(),
                );
                format!("{e}{hint}")
            }
        };
        node.err(if vehicle.is_some() { "vehicle" } else { key }, what)
    })?;
    let dose_key = if key == "agent" { "dose" } else { key };
    let canonical = agent
        .to_canonical(amount, &unit)
        .map_err(|e| node.err(dose_key, e.to_string()))?;
    let (limit, limit_unit, in_limit_unit) = dose_limit(agent, canonical);
    if !(in_limit_unit.is_finite() && in_limit_unit <= limit) {
        return Err(node.err(
            dose_key,
            format!(
                "{amount} {unit} is out of range (accepted: up to {limit} {limit_unit} per dose \
                 of {lower}; a guard against typos, not a safe dose)"
            ),
        ));
    }
    Ok(Dosing {
        agent_name: lower,
        agent,
        amount,
        unit,
        schedule,
        start_day,
        stop_day,
        field: node.field(key),
        line: node.line_of(key),
    })
}

/// Largest single dose accepted per agent, as (limit, unit, this dose in that unit): guards
/// against typos (`"180 g"` for `"180 ug"`), far above any dose in the trials k2bone holds
/// (MK-4 15 mg, denosumab 210 mg in Peterson & Riggs 2012).
fn dose_limit(agent: Agent, canonical: f64) -> (f64, &'static str, f64) {
    use k2bone_physiology::Drug;
    match agent {
        // canonical: nmol → µg by the vitamer's molar mass.
        Agent::VitaminK { vitamer, .. } => (
            1.0e6,
            "ug",
            canonical * vitamer.molar_mass_g_per_mol() / 1000.0,
        ),
        Agent::VitaminD3 => (25_000.0, "ug (1,000,000 IU)", canonical),
        Agent::Core(Drug::Calcium) => (5_000.0, "mg", canonical),
        Agent::Core(Drug::Denosumab) => (1_000.0, "mg", canonical),
        Agent::Core(Drug::Teriparatide) => (1_000.0, "ug", canonical),
        Agent::Core(Drug::Calcitriol) => (100.0, "ug", canonical),
    }
}
