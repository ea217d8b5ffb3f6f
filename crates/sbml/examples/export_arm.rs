//! Exports one arm of a scenario as SBML, next to k2bone's own trajectory of it (CSV), for
//! `validation/sbml/check_sbml.py`:
//!
//! ```text
//! cargo run --release -p k2bone-sbml --example export_arm -- SCENARIO.toml ARM OUT_DIR [per-dose]
//! ```
//! writes `OUT_DIR/ARM.xml` and `OUT_DIR/ARM.csv`. The reference is run at rtol 1e-10.
//! (The `k2bone export sbml` command comes with the CLI.)

use std::path::Path;

use k2bone_sbml::{export, DoseEvents, ExportSpec};
use k2bone_scenario::Scenario;
use k2bone_sim::{run_arms, Simulator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, arm, out, rest @ ..] = args.as_slice() else {
        return Err("usage: export_arm SCENARIO.toml ARM OUT_DIR [per-dose]".into());
    };
    let plan = Scenario::from_file(Path::new(scenario))?.build(None)?;
    let spec_arm = plan.arms.iter().find(|a| &a.name == arm).ok_or_else(|| {
        format!(
            "no arm `{arm}` (arms: {:?})",
            plan.arms.iter().map(|a| &a.name).collect::<Vec<_>>()
        )
    })?;
    let sim = Simulator {
        rtol: 1e-10,
        atol: 1e-12,
        ..plan.sim
    };
    let runs = run_arms(
        &sim,
        &plan.model,
        plan.burn_in_h,
        std::slice::from_ref(spec_arm),
        &plan.grid_h,
    )?;
    let start = if plan.burn_in_h > 0.0 {
        let burn = sim.run(&plan.model, &[], &[0.0, plan.burn_in_h])?;
        burn.state_at(burn.times_h.len() - 1)
    } else {
        plan.model.initial_state()
    };
    let spec = ExportSpec {
        initial_state: Some(start),
        clock_start_h: plan.burn_in_h,
        doses: spec_arm.doses.clone(),
        description: format!("Scenario {scenario}, arm `{arm}`."),
        dose_events: if rest.iter().any(|a| a == "per-dose") {
            DoseEvents::PerDose
        } else {
            DoseEvents::Runs
        },
    };
    let sbml = export(&plan.model, &spec)?;
    let dir = Path::new(out);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(format!("{arm}.xml")), &sbml.xml)?;
    let traj = &runs[0].trajectory;
    let mut csv = String::from("time_h");
    for c in &traj.columns {
        csv.push(',');
        csv.push_str(&c.name);
    }
    csv.push('\n');
    for (i, t) in traj.times_h.iter().enumerate() {
        csv.push_str(&format!("{t:?}"));
        for c in &traj.columns {
            csv.push_str(&format!(",{:?}", c.values[i]));
        }
        csv.push('\n');
    }
    std::fs::write(dir.join(format!("{arm}.csv")), csv)?;
    eprintln!("{arm}: {:?}", sbml.counts);
    Ok(())
}
