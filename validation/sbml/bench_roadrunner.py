#!/usr/bin/env python3
"""libRoadRunner's side of the k2bone-vs-libRoadRunner benchmark (run by
`cargo run --release -p k2bone-sbml --example bench_peer`, which prints both in one table).

    bench_roadrunner.py MODEL.xml PATIENTS.csv --columns a,b,... --days 1095 \
        [--n 100] [--procs 2] [--rtol 1e-8] [--atol 1e-10] [--check 3]

MODEL.xml is the SBML k2bone exported for the arm; PATIENTS.csv has a header `patient,<param
id>,...` and one row per virtual patient (the parameter values k2bone gives that patient). The
script
  1. times one typical patient (row 0) in this process: model load with its JIT compile, then
     the simulation (days + 1 daily output rows of every listed column, CVODE at rtol/atol);
  2. times the first N patients over PROCS worker processes (fork, one model load each, counted
     in the wall time), each patient: resetAll(), its parameters set by id, the same simulation;
  3. prints one JSON object: versions, the timings, and the last row of the first CHECK patients
     for the caller to compare with its own.
Exit status 3 when libroadrunner is missing (the caller may skip), 1 on anything else.
"""
import argparse
import csv
import json
import multiprocessing as mp
import sys
import time

try:
    import roadrunner
except ImportError as e:  # pragma: no cover - reported to the caller
    print(f"MISSING: {e}", file=sys.stderr)
    sys.exit(3)


def read_patients(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    if header[0] != "patient":
        raise SystemExit(f"{path}: the first column must be `patient`, not `{header[0]}`")
    return header[1:], [(r[0], [float(v) for v in r[1:]]) for r in rows[1:]]


def load(model, columns, rtol, atol):
    rr = roadrunner.RoadRunner(model)
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = atol
    rr.integrator.maximum_num_steps = 1_000_000
    rr.timeCourseSelections = ["time"] + columns
    return rr


def simulate(rr, names, values, days):
    rr.resetAll()
    for n, v in zip(names, values):
        rr[n] = v
    res = rr.simulate(0.0, days * 24.0, days + 1)
    if res.shape[0] != days + 1:
        raise RuntimeError(f"roadrunner returned {res.shape[0]} rows, asked for {days + 1}")
    return [float(x) for x in res[-1, 1:]]


# Worker state (set by the pool initialiser; one model load per process).
_W = {}


def _init(model, columns, rtol, atol, names, days):
    _W.update(rr=load(model, columns, rtol, atol), names=names, days=days)


def _run(chunk):
    out = []
    for pid, values in chunk:
        out.append((pid, simulate(_W["rr"], _W["names"], values, _W["days"])))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("patients")
    ap.add_argument("--columns", required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--atol", type=float, default=1e-10)
    ap.add_argument("--check", type=int, default=3)
    a = ap.parse_args()
    columns = a.columns.split(",")
    names, patients = read_patients(a.patients)
    patients = patients[: a.n]

    t0 = time.perf_counter()
    rr = load(a.model, columns, a.rtol, a.atol)
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    simulate(rr, names, patients[0][1], a.days)
    single_sim_s = time.perf_counter() - t1
    del rr

    # Contiguous chunks, one per process, as k2bone's threads share the patients.
    chunks = [patients[k :: a.procs] for k in range(a.procs)]
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(
        a.procs, initializer=_init, initargs=(a.model, columns, a.rtol, a.atol, names, a.days)
    ) as pool:
        results = [r for part in pool.map(_run, chunks, chunksize=1) for r in part]
    wall_s = time.perf_counter() - t0
    finals = dict(results)
    out = {
        "versions": {"libroadrunner": roadrunner.__version__, "python": sys.version.split()[0]},
        "integrator": "CVODE",
        "rtol": a.rtol,
        "atol": a.atol,
        "single": {"load_s": load_s, "simulate_s": single_sim_s, "total_s": load_s + single_sim_s},
        "population": {
            "n": len(patients),
            "procs": a.procs,
            "wall_s": wall_s,
            "patients_per_s": len(patients) / wall_s,
        },
        "columns": columns,
        "check": {pid: finals[pid] for pid, _ in patients[: a.check]},
    }
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
