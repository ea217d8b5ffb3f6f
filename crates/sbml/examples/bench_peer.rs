//! k2bone against libRoadRunner on the same exported model, in one run on the same machine:
//!
//! ```text
//! cargo run --release -p k2bone-sbml --example bench_peer -- [--patients 1000] [--measure M] [--threads 2]
//! ```
//!
//! The workload is arm `mk7-180` of `examples/scenarios/mk7-180-3y.toml` (a 60-year-old woman,
//! MK-7 180 µg daily for 3 years = 1,095 doses, daily output of every state and output), from
//! the state the scenario's burn-in reaches. Its SBML is exported once; a population of virtual
//! patients differs in a few parameters (log-normal, CV 20 % by default, `--cv-pct`) that the SBML holds by name and
//! that nothing else in it is computed from, so setting them in libRoadRunner gives it exactly
//! the patient k2bone simulates (checked: the last row of the first patients is compared).
//!
//! - k2bone: the event-path BDF `Simulator` (a dose stops and restarts the solver) at the
//!   scenario's tolerances, one patient per task over `--threads` threads; "single" is one
//!   patient including building its model.
//! - libRoadRunner: `validation/sbml/bench_roadrunner.py`, CVODE at the same tolerances, the
//!   doses as the SBML's one self-rescheduling event, one process per thread; "single" includes
//!   loading the SBML (its JIT compile).
//!
//! `--measure M` times both engines on the same first M patients and scales their throughput
//! to the `--patients` population (the table says so); by default all are run.
//!
//! Python: `K2BONE_PYTHON`, else `.venv-sbml/bin/python`, else `python3`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use k2bone_physiology::BoneHealthModel;
use k2bone_sbml::{export, ExportSpec, SbmlModel};
use k2bone_scenario::Scenario;
use k2bone_sim::OdeModel;

/// Parameters varied between patients, when the SBML holds them by name alone.
const CANDIDATES: &[&str] = &[
    "pk.mk7_ka_per_h",
    "pk.mk7_kel_per_h",
    "pk.mk7_v_l",
    "pk.f_tablet",
    "status.ke0_per_h",
    "carboxylation.oc_ec50_nm",
    "bone.ob_emax",
    "bone.oc_imax",
];
const CHECK: usize = 3;

struct Args {
    patients: usize,
    measure: usize,
    threads: usize,
    seed: u64,
    cv_pct: u64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        patients: 1000,
        measure: 1000,
        threads: 2,
        seed: 2026,
        cv_pct: 20,
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    for pair in v.chunks(2) {
        let value = pair.get(1).ok_or(format!("{} needs a value", pair[0]))?;
        let n: u64 = value
            .parse()
            .map_err(|_| format!("{} {value}: accepted: a whole number", pair[0]))?;
        match pair[0].as_str() {
            "--patients" => a.patients = n as usize,
            "--measure" => a.measure = n as usize,
            "--threads" => a.threads = n as usize,
            "--seed" => a.seed = n,
            "--cv-pct" => a.cv_pct = n,
            other => return Err(format!(
                "unknown option {other} (accepted: --patients, --measure, --threads, --seed, --cv-pct)"
            )),
        }
    }
    if a.patients == 0 || a.threads == 0 || a.measure == 0 || a.patients > 1_000_000 {
        return Err("--patients (1..1e6), --measure and --threads must be > 0".into());
    }
    a.measure = a.measure.min(a.patients);
    Ok(a)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("K2BONE_PYTHON") {
        return p.into();
    }
    let venv = workspace().join(".venv-sbml/bin/python");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

/// SplitMix64 then Box–Muller: a standard normal stream, reproducible from the seed.
struct Normal(u64);

impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn next(&mut self) -> f64 {
        let (u1, u2) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// The model with its clock started at `t0_h`: SBML time 0 is model time `t0_h` (the estrogen
/// terms read the model's clock), as in the export's `model_clock_start_h`.
struct Clocked<'a, M> {
    model: &'a M,
    t0_h: f64,
}

impl<M: OdeModel> OdeModel for Clocked<'_, M> {
    type Drug = M::Drug;
    type Inputs = M::Inputs;
    fn n_states(&self) -> usize {
        self.model.n_states()
    }
    fn state_names(&self) -> Vec<&'static str> {
        self.model.state_names()
    }
    fn output_names(&self) -> Vec<(&'static str, &'static str)> {
        self.model.output_names()
    }
    fn initial_state(&self) -> Vec<f64> {
        self.model.initial_state()
    }
    fn default_inputs(&self) -> Self::Inputs {
        self.model.default_inputs()
    }
    fn rhs(&self, t_h: f64, y: &[f64], inputs: &Self::Inputs, dy: &mut [f64]) {
        self.model.rhs(t_h + self.t0_h, y, inputs, dy)
    }
    fn jvp(&self, t_h: f64, y: &[f64], v: &[f64], inputs: &Self::Inputs, out: &mut [f64]) {
        self.model.jvp(t_h + self.t0_h, y, v, inputs, out)
    }
    fn outputs(&self, y: &[f64], out: &mut [f64]) {
        self.model.outputs(y, out)
    }
    fn apply_bolus(&self, drug: Self::Drug, amount: f64, y: &mut [f64]) {
        self.model.apply_bolus(drug, amount, y)
    }
    fn add_infusion(&self, drug: Self::Drug, rate_per_h: f64, inputs: &mut Self::Inputs) {
        self.model.add_infusion(drug, rate_per_h, inputs)
    }
    fn resolve_dose(
        &self,
        drug: &str,
        amount: f64,
        unit: &str,
    ) -> Result<(Self::Drug, f64), String> {
        self.model.resolve_dose(drug, amount, unit)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let scenario_path = workspace().join("examples/scenarios/mk7-180-3y.toml");
    let plan = Scenario::from_file(&scenario_path)?.build(None)?;
    let arm = plan
        .arms
        .iter()
        .find(|x| x.name == "mk7-180")
        .ok_or("no arm mk7-180")?;
    let sim = plan.sim;
    let base = &plan.model;
    let burn = sim.run(base, &[], &[0.0, plan.burn_in_h])?;
    let start = burn.state_at(burn.times_h.len() - 1);
    let days = (plan.grid_h.last().copied().unwrap_or(0.0) / 24.0).round() as usize;
    let grid: Vec<f64> = (0..=days).map(|d| 24.0 * d as f64).collect();
    let doses = &arm.doses;

    let dir = tempfile::tempdir()?;
    let sbml = export(
        base,
        &ExportSpec {
            initial_state: Some(start.clone()),
            clock_start_h: plan.burn_in_h,
            doses: arm.doses.clone(),
            description: "bench_peer: arm mk7-180 of mk7-180-3y".into(),
            ..ExportSpec::default()
        },
    )?;
    let model_xml = dir.path().join("mk7-180.xml");
    std::fs::write(&model_xml, &sbml.xml)?;

    // The varied parameters: held by name in the SBML, and moving none of k2bone's derived
    // constants or baselines (which the SBML holds as numbers) nor any composite.
    let inputs = base.inputs();
    let mut varied: Vec<(usize, String, f64)> = Vec::new();
    for name in CANDIDATES {
        let short = name.split_once('.').map_or(*name, |(_, f)| f);
        let Some(i) = inputs
            .iter()
            .position(|q| q.q.id == *name || q.q.id == short)
        else {
            eprintln!("skip {name}: not an input of the model");
            continue;
        };
        let id = inputs[i].q.id.clone();
        let v = inputs[i].value;
        let moved = base.with_input(i, v * 1.1)?;
        let in_xml = sbml.xml.contains(&format!("<parameter id=\"{id}\""));
        let in_composite = sbml.xml.contains(&format!("from {id},"))
            || sbml.xml.contains(&format!(", {id},"))
            || sbml.xml.contains(&format!(", {id}\""))
            || sbml.xml.contains(&format!("from {id}\""));
        if !in_xml || in_composite || moved.dependents() != base.dependents() {
            eprintln!("skip {id}: in the SBML {in_xml}, in a composite {in_composite}, or moves a derived constant");
            continue;
        }
        varied.push((i, id, v));
    }
    if varied.is_empty() {
        return Err("no parameter can be varied by name".into());
    }
    let mut rng = Normal(a.seed);
    let cv = a.cv_pct as f64 / 100.0;
    let sigma = (1.0 + cv * cv).ln().sqrt();
    let patients: Vec<Vec<f64>> = (0..a.measure)
        .map(|_| {
            varied
                .iter()
                .map(|(_, _, v)| v * (sigma * rng.next() - 0.5 * sigma * sigma).exp())
                .collect()
        })
        .collect();
    let mut csv = String::from("patient");
    for (_, id, _) in &varied {
        csv.push_str(&format!(",{id}"));
    }
    csv.push('\n');
    for (p, vals) in patients.iter().enumerate() {
        csv.push_str(&format!("p{p}"));
        for v in vals {
            csv.push_str(&format!(",{v:?}"));
        }
        csv.push('\n');
    }
    let patients_csv = dir.path().join("patients.csv");
    std::fs::write(&patients_csv, csv)?;

    let patient_model = |p: usize| -> Result<BoneHealthModel, String> {
        let mut m = base.clone();
        for ((i, _, _), v) in varied.iter().zip(&patients[p]) {
            m = m.with_input(*i, *v)?;
        }
        Ok(m)
    };
    let run = |p: usize| -> Result<Vec<f64>, String> {
        let m = patient_model(p)?;
        let clocked = Clocked {
            model: &m,
            t0_h: plan.burn_in_h,
        };
        let traj = sim
            .run_from(&clocked, &start, doses, &grid)
            .map_err(|e| format!("patient p{p}: {e}"))?;
        let last = traj.times_h.len() - 1;
        Ok(traj.columns.iter().map(|c| c.values[last]).collect())
    };
    let columns: Vec<String> = {
        let traj = sim.run_from(base, &start, &[], &grid[..2])?;
        traj.columns.iter().map(|c| c.name.clone()).collect()
    };

    // k2bone: one patient, then the population.
    let t0 = Instant::now();
    run(0)?;
    let k_single_s = t0.elapsed().as_secs_f64();
    let next = AtomicUsize::new(0);
    let finals: Mutex<Vec<Option<Vec<f64>>>> = Mutex::new(vec![None; a.measure]);
    let t0 = Instant::now();
    std::thread::scope(|s| -> Result<(), String> {
        let handles: Vec<_> = (0..a.threads)
            .map(|_| {
                s.spawn(|| -> Result<(), String> {
                    loop {
                        let p = next.fetch_add(1, Ordering::Relaxed);
                        if p >= a.measure {
                            return Ok(());
                        }
                        let f = run(p)?;
                        finals.lock().expect("poisoned")[p] = Some(f);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("a thread panicked")?;
        }
        Ok(())
    })?;
    let k_pop_s = t0.elapsed().as_secs_f64();
    let finals = finals.into_inner().expect("poisoned");

    // libRoadRunner on the same file and patients.
    eprintln!(
        "k2bone done ({} patients in {k_pop_s:.1} s); libRoadRunner on the same …",
        a.measure
    );
    let out = Command::new(python())
        .arg(workspace().join("validation/sbml/bench_roadrunner.py"))
        .arg(&model_xml)
        .arg(&patients_csv)
        .args(["--columns", &columns.join(",")])
        .args(["--days", &days.to_string()])
        .args(["--n", &a.measure.to_string()])
        .args(["--procs", &a.threads.to_string()])
        .args([
            "--rtol",
            &sim.rtol.to_string(),
            "--atol",
            &sim.atol.to_string(),
        ])
        .args(["--check", &CHECK.to_string()])
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "bench_roadrunner.py failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let rr: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let f = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    let rr_single_s = f(&rr["single"]["total_s"]);
    let rr_load_s = f(&rr["single"]["load_s"]);
    let rr_pps = f(&rr["population"]["patients_per_s"]);
    let k_pps = a.measure as f64 / k_pop_s;

    // The same patients? Worst relative difference of the last row, first CHECK patients.
    let mut worst = (0.0f64, String::new());
    for p in 0..CHECK.min(a.measure) {
        let theirs = rr["check"][format!("p{p}")]
            .as_array()
            .ok_or("no check row")?;
        let ours = finals[p].as_ref().ok_or("missing patient")?;
        for (k, (o, t)) in ours.iter().zip(theirs).enumerate() {
            let scale = o.abs().max(1e-9);
            let e = (o - f(t)).abs() / scale;
            if e > worst.0 {
                worst = (e, format!("p{p} {}", columns[k]));
            }
            if e > 1e-3 {
                eprintln!("p{p} {}: k2bone {o} libRoadRunner {}", columns[k], f(t));
            }
        }
    }

    let measured = if a.measure < a.patients {
        format!(
            " (both measured on the same {} patients, scaled)",
            a.measure
        )
    } else {
        String::new()
    };
    println!(
        "Workload: arm mk7-180 of examples/scenarios/mk7-180-3y.toml from its burn-in state, {days} \
         days, {} daily MK-7 doses, daily output of {} columns; rtol {:e}, atol {:e}; {} \
         threads (k2bone) / processes (libRoadRunner); {} parameters varied (log-normal, CV {} %): \
         {}.",
        doses.len(),
        columns.len(),
        sim.rtol,
        sim.atol,
        a.threads,
        varied.len(),
        a.cv_pct,
        varied.iter().map(|v| v.1.as_str()).collect::<Vec<_>>().join(", ")
    );
    println!();
    println!(
        "| workload | k2bone (BDF, event path) | libRoadRunner {} (CVODE) | k2bone / libRoadRunner |",
        rr["versions"]["libroadrunner"].as_str().unwrap_or("?")
    );
    println!("|---|---|---|---|");
    println!(
        "| one patient, 3 years, wall time (libRoadRunner incl. load + JIT {rr_load_s:.2} s) | {k_single_s:.2} s | {rr_single_s:.2} s | {:.2}× faster |",
        rr_single_s / k_single_s
    );
    println!(
        "| population, patients/s{measured} | {k_pps:.3} | {rr_pps:.3} | {:.2}× |",
        k_pps / rr_pps
    );
    println!(
        "| {} patients, wall time{} | {:.0} s | {:.0} s | |",
        a.patients,
        if measured.is_empty() { "" } else { " (scaled)" },
        a.patients as f64 / k_pps,
        a.patients as f64 / rr_pps,
    );
    println!();
    println!(
        "Same patients: last row of the first {} patients, worst relative difference {:.1e} ({}).",
        CHECK.min(a.measure),
        worst.0,
        worst.1
    );
    Ok(())
}
