#!/usr/bin/env python3
"""Checks an SBML file exported by k2bone with the reference tools and compares trajectories.

    check_sbml.py MODEL.xml REFERENCE.csv [--copasi] [--rtol 1e-10] [--atol 1e-12]

REFERENCE.csv is k2bone's own trajectory: a `time_h` column, then one column per state or
output, named by its SBML id. The script
  1. runs libSBML's consistency checks (all categories, units included) and counts errors and
     warnings by id;
  2. simulates the model in libRoadRunner (CVODE, the given tolerances) at the reference
     times and compares every column that the model has;
  3. with --copasi, loads the model in COPASI (basico), simulates it (LSODA) at the same
     times and compares the same way.
It prints one JSON object. The relative error of a column at a time is
|tool - k2bone| / max(|k2bone|, 1e-6 * max_t |k2bone|, 1e-9): relative to the value, with a
floor at a millionth of the column's own range (and at 1e-9) so that values crossing zero do
not divide by zero. Exit status: 0 on success (whatever the errors; the caller judges them), 3 when a Python
package is missing (the caller may skip), 1 on anything else.
"""
import argparse
import csv
import json
import math
import sys
import time

try:
    import libsbml
    import roadrunner
except ImportError as e:  # pragma: no cover - reported to the caller
    print(f"MISSING: {e}", file=sys.stderr)
    sys.exit(3)


def read_reference(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    cols = {h: [float(r[i]) for r in data] for i, h in enumerate(header)}
    return cols.pop("time_h"), cols


# Values below this are taken as zero: outputs that are a change from baseline (%) sit at
# 1e-13 or so in an untreated run, where a relative error means nothing.
ABS_FLOOR = 1e-9


def rel_errors(tool, ref):
    scale = max((abs(v) for v in ref), default=0.0)
    floor = max(1e-6 * scale, ABS_FLOOR)
    worst, at = 0.0, 0
    for i, (a, b) in enumerate(zip(tool, ref)):
        if not math.isfinite(a):
            return math.inf, i
        e = abs(a - b) / max(abs(b), floor)
        if e > worst:
            worst, at = e, i
    return worst, at


def compare(times, ref, tool_cols):
    per = {}
    for name, values in ref.items():
        if name not in tool_cols:
            continue
        err, i = rel_errors(tool_cols[name], values)
        per[name] = {"max_rel_err": err, "at_h": times[i]}
    worst = max(per.items(), key=lambda kv: kv[1]["max_rel_err"], default=(None, {"max_rel_err": 0.0}))
    return {"compared": len(per), "max_rel_err": worst[1]["max_rel_err"], "worst": worst[0], "per_column": per}


def check_libsbml(path):
    doc = libsbml.readSBMLFromFile(path)
    read_errors = doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) + doc.getNumErrors(libsbml.LIBSBML_SEV_FATAL)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, True)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_MODELING_PRACTICE, True)
    doc.checkConsistency()
    by_id, errors, warnings, first_errors = {}, 0, 0, []
    for i in range(doc.getNumErrors()):
        e = doc.getError(i)
        key = f"{e.getSeverityAsString()} {e.getErrorId()} ({e.getCategoryAsString()})"
        by_id[key] = by_id.get(key, 0) + 1
        if e.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            errors += 1
            if len(first_errors) < 5:
                first_errors.append(e.getMessage().strip()[:400])
        else:
            warnings += 1
    m = doc.getModel()
    return {
        "read_errors": read_errors,
        "errors": errors,
        "warnings": warnings,
        "by_id": by_id,
        "first_errors": first_errors,
        "level_version": [doc.getLevel(), doc.getVersion()],
        "counts": {
            "parameters": m.getNumParameters(),
            "rules": m.getNumRules(),
            "rate_rules": sum(1 for r in m.getListOfRules() if r.isRate()),
            "assignment_rules": sum(1 for r in m.getListOfRules() if r.isAssignment()),
            "initial_assignments": m.getNumInitialAssignments(),
            "events": m.getNumEvents(),
            "unit_definitions": m.getNumUnitDefinitions(),
        },
    }


def run_roadrunner(path, times, names, rtol, atol):
    t0 = time.perf_counter()
    rr = roadrunner.RoadRunner(path)
    load_s = time.perf_counter() - t0
    rr.integrator.relative_tolerance = rtol
    rr.integrator.absolute_tolerance = atol
    rr.integrator.maximum_num_steps = 1_000_000
    ids = set(rr.model.getGlobalParameterIds())
    sel = [n for n in names if n in ids]
    rr.timeCourseSelections = ["time"] + sel
    t0 = time.perf_counter()
    res = rr.simulate(times=list(times))
    sim_s = time.perf_counter() - t0
    cols = {n: [float(v) for v in res[:, k + 1]] for k, n in enumerate(sel)}
    return cols, {"load_s": load_s, "simulate_s": sim_s}


def run_copasi(path, times, names, rtol, atol):
    import basico  # noqa: PLC0415 - optional

    t0 = time.perf_counter()
    basico.load_model(path)
    load_s = time.perf_counter() - t0
    basico.set_task_settings(
        basico.T.TIME_COURSE,
        {"method": {"Relative Tolerance": rtol, "Absolute Tolerance": atol, "Max Internal Steps": 10_000_000}},
    )
    t0 = time.perf_counter()
    tc = basico.run_time_course(values=list(times), start_time=times[0], use_sbml_id=True)
    sim_s = time.perf_counter() - t0
    out_times = [float(t) for t in tc.index]
    if len(out_times) != len(times) or any(abs(a - b) > 1e-9 * max(1.0, abs(b)) for a, b in zip(out_times, times)):
        raise RuntimeError(f"COPASI returned {len(out_times)} rows at other times than the {len(times)} asked for")
    cols = {n: [float(v) for v in tc[n]] for n in names if n in tc.columns}
    return cols, {"load_s": load_s, "simulate_s": sim_s}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("reference")
    ap.add_argument("--copasi", action="store_true")
    ap.add_argument("--rtol", type=float, default=1e-10)
    ap.add_argument("--atol", type=float, default=1e-12)
    a = ap.parse_args()
    if a.copasi:
        try:
            import basico  # noqa: F401
        except ImportError as e:
            print(f"MISSING: {e}", file=sys.stderr)
            sys.exit(3)
    times, ref = read_reference(a.reference)
    out = {
        "versions": {
            "libsbml": libsbml.getLibSBMLDottedVersion(),
            "libroadrunner": roadrunner.__version__,
        },
        "libsbml": check_libsbml(a.model),
    }
    cols, timing = run_roadrunner(a.model, times, list(ref), a.rtol, a.atol)
    out["roadrunner"] = compare(times, ref, cols) | timing
    if a.copasi:
        import basico

        out["versions"]["basico"] = basico.__version__
        out["versions"]["copasi"] = basico.COPASI.CVersion.VERSION.getVersion()
        cols, timing = run_copasi(a.model, times, list(ref), a.rtol, a.atol)
        out["copasi"] = compare(times, ref, cols) | timing
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
