/* Virtual trial: pick a shipped example trial (or edit its TOML), set patients per arm and the
   seed, run it as a job (progress, Cancel), then the per-arm summary, fractures, failed
   patients, the figure, the downloads and, where the evidence database has the real trial, the
   simulated effects beside the reported ones. Everything comes from /api/trials and the jobs
   API (k2bone_app::trial); nothing is computed here. Fields the page does not know are listed
   under "All fields", so a richer summary does not break it. */
"use strict";
(() => {
  const el = K2.el;
  const fmt = (x) => K2.fmt(x, 3);
  const LABELS = {
    bmd_lumbar_pct_change: "BMD lumbar spine, change (%)",
    bmd_femoral_neck_pct_change: "BMD femoral neck, change (%)",
    ucoc_pct_change: "ucOC, change (%)",
    dp_ucmgp_pct_change: "dp-ucMGP, change (%)",
    d25_nmol_l: "serum 25(OH)D (nmol/L)",
    calcification_index_pct_change: "calcification index, change (%)",
  };
  const KNOWN_OUTCOME = ["outcome", "visit_day", "n", "mean", "sd", "ci95_low", "ci95_high"];
  const KNOWN_ARM = ["draw_id", "arm", "n_randomised", "n_failed", "outcomes", "fractures"];
  const KNOWN_SUMMARY = ["title", "n_patients", "control_arm", "evidence_study", "evidence_arm", "arms", "failure_reasons", "failures", "notes"];
  const months = (d) => String(Math.round(d / 30.4375 * 10) / 10);
  const ci = (lo, hi) => `[${fmt(lo)}, ${fmt(hi)}]`;
  const uniq = (xs) => [...new Set(xs)];
  const state = { examples: [], chosen: null };

  function designBox(d) {
    return el("div", { "data-testid": "trial-design" },
      el("h3", {}, d.title),
      d.source.length ? el("p", { class: "muted" }, d.source.join(" ")) : null,
      el("table", {},
        el("tr", {}, el("th", {}, "arm"), el("th", {}, "regimen")),
        d.arms.map((a) => el("tr", {}, el("td", {}, a.name, a.control ? el("span", { class: "pill" }, "control") : null),
          el("td", {}, a.regimen.length ? a.regimen.join("; ") : "no treatment")))),
      el("p", {}, `${d.n_per_arm} patients per arm in the file · ${K2.fmt(d.duration_days / 365.25, 3)} years · visits at ` +
        d.visits_days.slice(1).map(months).join(", ") + " months · drop-out " + K2.fmt(100 * d.dropout_per_year, 3) + " %/year · seed " + d.seed +
        (d.evidence_study ? ` · real trial in the evidence database: ${d.evidence_study}` : "")));
  }

  /* Per-arm table at one visit and draw: outcomes as rows (known ones first, then any other). */
  function summaryTable(s, draw, day) {
    const arms = s.arms.filter((a) => a.draw_id === draw);
    const names = uniq(arms.flatMap((a) => a.outcomes.map((o) => o.outcome)));
    names.sort((x, y) => (x in LABELS ? Object.keys(LABELS).indexOf(x) : 99) - (y in LABELS ? Object.keys(LABELS).indexOf(y) : 99));
    const at = (a, name) => a.outcomes.find((o) => o.outcome === name && o.visit_day === day);
    const head = el("tr", {}, el("th", {}, "at month " + months(day)), arms.map((a) => el("th", { class: "num" }, a.arm)));
    const rows = names.map((name) => el("tr", { "data-outcome": name }, el("td", {}, LABELS[name] || name),
      arms.map((a) => {
        const o = at(a, name);
        if (!o) return el("td", { class: "num" }, "–");
        const extra = Object.keys(o).filter((k) => !KNOWN_OUTCOME.includes(k) && typeof o[k] !== "object")
          .map((k) => el("div", { class: "muted" }, `${k}: ${typeof o[k] === "number" ? fmt(o[k]) : o[k]}`));
        return el("td", { class: "num" }, el("b", {}, fmt(o.mean)), " ", ci(o.ci95_low, o.ci95_high),
          el("div", { class: "muted" }, `n ${o.n}, SD ${fmt(o.sd)}`), extra);
      })));
    const count = (label, f) => el("tr", {}, el("td", {}, label), arms.map((a) => el("td", { class: "num" }, f(a))));
    return el("table", { "data-testid": "trial-summary" }, head, rows,
      count("randomised", (a) => a.n_randomised),
      count("failed (skipped)", (a) => a.n_failed),
      count("observed at this visit", (a) => { const o = a.outcomes.find((x) => x.visit_day === day); return o ? o.n : "–"; }));
  }

  function fractureTable(s, draw) {
    const arms = s.arms.filter((a) => a.draw_id === draw && a.fractures);
    const row = (label, f) => el("tr", {}, el("td", {}, label), arms.map((a) => el("td", { class: "num" }, f(a.fractures))));
    return el("table", { "data-testid": "trial-fractures" },
      el("tr", {}, el("th", {}, "fractures among completers"), arms.map((a) => el("th", { class: "num" }, a.arm))),
      row("completers", (f) => f.n_completers),
      row("years", (f) => fmt(f.years)),
      row("hip: expected / drawn", (f) => `${fmt(f.hip_expected)} / ${f.hip_events}`),
      row("vertebral: expected / drawn", (f) => `${fmt(f.vertebral_expected)} / ${f.vertebral_events}`),
      row("any: expected / drawn", (f) => `${fmt(f.any_expected)} / ${f.any_events}`));
  }

  function failures(s) {
    if (!s.failures.length) return el("p", { class: "muted", "data-testid": "trial-failures" }, "No patient's solve failed.");
    return el("div", { "data-testid": "trial-failures" },
      el("p", {}, `${s.failures.length} patient(s) failed and were skipped (not in the means):`),
      el("table", {}, el("tr", {}, el("th", {}, "stage"), el("th", {}, "reason"), el("th", { class: "num" }, "patients")),
        s.failure_reasons.map((r) => el("tr", {}, el("td", {}, r.stage), el("td", {}, r.reason), el("td", { class: "num" }, r.count)))));
  }

  /* Every outcome row with every field (including ones this page does not know), and any
     unknown summary or arm fields as JSON. */
  function allFields(s) {
    const rows = s.arms.flatMap((a) => a.outcomes.map((o) => ({ draw_id: a.draw_id, arm: a.arm, ...o })));
    const keys = uniq(rows.flatMap((r) => Object.keys(r)));
    const other = {};
    for (const k of Object.keys(s)) if (!KNOWN_SUMMARY.includes(k)) other[k] = s[k];
    s.arms.forEach((a) => { for (const k of Object.keys(a)) if (!KNOWN_ARM.includes(k)) other[`arms[${a.arm}, draw ${a.draw_id}].${k}`] = a[k]; });
    return el("details", {}, el("summary", {}, "All fields"),
      el("table", { "data-testid": "trial-all" }, el("tr", {}, keys.map((k) => el("th", {}, k))),
        rows.map((r) => el("tr", {}, keys.map((k) => el("td", { class: typeof r[k] === "number" ? "num" : "" },
          typeof r[k] === "number" ? fmt(r[k]) : typeof r[k] === "object" && r[k] !== null ? JSON.stringify(r[k]) : r[k]))))),
      Object.keys(other).length ? el("pre", {}, JSON.stringify(other, null, 2)) : null);
  }

  function comparison(run) {
    const c = run.comparison;
    if (!c) return el("p", { class: "muted", "data-testid": "trial-no-compare" }, run.comparison_note || "No real trial to compare with.");
    const yes = (b) => (b === null || b === undefined ? "–" : b ? "yes" : "no");
    return el("div", {},
      el("p", {}, `${c.treated_arm} minus ${c.control_arm} (evidence: ${c.study_id}, draw ${c.draw_id})`),
      el("table", { "data-testid": "trial-compare" },
        el("tr", {}, ["outcome", "month", "simulated", "95% CI", "n treated/control", "reported", "95% CI", "reported in sim. CI", "sim. in reported CI", "source"].map((h) => el("th", {}, h))),
        c.rows.map((r) => el("tr", {},
          el("td", {}, LABELS[r.outcome] || r.outcome), el("td", { class: "num" }, r.timepoint_months),
          el("td", { class: "num" }, fmt(r.simulated_difference)), el("td", { class: "num" }, ci(r.simulated_ci95_low, r.simulated_ci95_high)),
          el("td", { class: "num" }, `${r.simulated_n_treat}/${r.simulated_n_control}`),
          el("td", { class: "num" }, fmt(r.reported_difference)),
          el("td", { class: "num" }, r.reported_ci95_low === null ? (r.reported_dispersion === "unclear" ? "SD/SE unclear" : "–") : ci(r.reported_ci95_low, r.reported_ci95_high)),
          el("td", {}, yes(r.reported_in_simulated_ci)), el("td", {}, yes(r.simulated_in_reported_ci)),
          el("td", { class: "muted" }, `${r.source} (${r.provenance})`)))),
      c.not_simulated.length ? el("p", { class: "muted" }, "Not simulated: " + c.not_simulated.join("; ")) : null,
      el("ul", { class: "muted" }, c.notes.map((n) => el("li", {}, n))));
  }

  function render(out, run, created) {
    const s = run.output.summary;
    const draws = uniq(s.arms.map((a) => a.draw_id));
    const visits = uniq(s.arms.flatMap((a) => a.outcomes.map((o) => o.visit_day))).sort((a, b) => a - b);
    const pick = { draw: draws[0], day: visits[visits.length - 1] };
    const tableBox = el("div", {});
    const fracBox = el("div", {});
    const redraw = () => { tableBox.replaceChildren(summaryTable(s, pick.draw, pick.day)); fracBox.replaceChildren(fractureTable(s, pick.draw)); };
    const visitSel = el("select", { id: "trial-visit", onchange: (e) => { pick.day = Number(e.target.value); redraw(); } },
      visits.map((d) => el("option", { value: d, selected: d === pick.day }, `month ${months(d)} (day ${Math.round(d)})`)));
    const drawSel = draws.length > 1 ? el("label", {}, "parameter draw", el("select", { id: "trial-draw", onchange: (e) => { pick.draw = Number(e.target.value); redraw(); } },
      draws.map((d) => el("option", { value: d }, d)))) : null;
    const files = run.files.map((f) => el("li", {}, el("a", { href: `${created.status_url}/files/${f.name}`, download: f.name, "data-file": f.name }, f.name),
      el("span", { class: "muted" }, ` ${K2.fmt(f.bytes / 1024, 3)} kB`)));
    const svg = run.files.some((f) => f.name === "trial.svg");
    redraw();
    out.replaceChildren(
      el("h2", {}, s.title),
      el("p", { class: "muted" }, `${run.output.patients_simulated} patients simulated (${run.design.n_per_arm} per arm, seed ${run.design.seed}) in ` +
        `${K2.fmt(run.output.seconds, 3)} s, ${K2.fmt(run.output.patient_years_per_s, 3)} patient-years/s.`),
      el("p", { class: "flag warning", "data-testid": "trial-disclaimer" }, run.disclaimer),
      el("div", { class: "row" }, el("label", {}, "visit", visitSel), drawSel),
      tableBox,
      el("p", { class: "muted" }, "Mean and 95% CI of the mean (t, n − 1) over the patients observed at the visit: between-patient variability at this n."),
      fracBox,
      failures(s),
      s.notes.length ? el("ul", { class: "muted" }, s.notes.map((n) => el("li", {}, n))) : null,
      allFields(s),
      svg ? el("div", { class: "plot" }, el("h3", {}, "Figure"), el("img", { src: `${created.status_url}/files/trial.svg`, alt: "mean and 95% CI per arm and visit", "data-testid": "trial-figure" })) : null,
      el("h3", {}, "Downloads"), el("ul", { "data-testid": "trial-files" }, files),
      el("h3", {}, "Beside the real trial"), comparison(run));
  }

  K2.pages.trial = {
    render,
    build(section) {
      section.append(el("h1", {}, "Virtual trial"));
      if (!(K2.info && K2.info.use_cases.includes("trial"))) {
        section.append(el("p", { "data-testid": "trial-unavailable" }, "This server's build has no virtual trials (`trial` is not among its use cases)."));
        return;
      }
      const cap = K2.info.limits.max_patients_per_arm;
      const select = el("select", { id: "trial-example" });
      const design = el("div", {});
      const toml = el("textarea", { id: "trial-toml", rows: 18, spellcheck: "false" });
      const n = el("input", { id: "trial-n", type: "number", min: 1, max: cap, step: 1 });
      const seed = el("input", { id: "trial-seed", type: "number", min: 0, step: 1 });
      const status = el("div", { class: "status", id: "trial-status" });
      const out = el("div", { id: "trial-out" });
      const choose = (name) => {
        const ex = state.examples.find((e) => e.name === name);
        state.chosen = ex || null;
        if (!ex) { design.replaceChildren(el("p", { class: "muted" }, "Your own trial file: its design is read when it runs.")); return; }
        toml.value = ex.toml;
        design.replaceChildren(designBox(ex.design));
        n.value = Math.min(ex.design.n_per_arm, cap);
        seed.value = ex.design.seed;
      };
      select.addEventListener("change", () => choose(select.value));
      toml.addEventListener("input", () => { if (state.chosen && toml.value !== state.chosen.toml) { select.value = "toml"; state.chosen = null; design.replaceChildren(el("p", { class: "muted" }, "Edited trial file: its design is read when it runs.")); } });
      const run = el("button", { id: "trial-run", onclick: async () => {
        const body = { trial: state.chosen ? { example: state.chosen.name } : { toml: toml.value } };
        if (n.value !== "") body.n_per_arm = Number(n.value);
        if (seed.value !== "") body.seed = Number(seed.value);
        run.disabled = true;
        try {
          const created = await K2.api("POST", "/api/trials", body);
          const result = await K2.runJob(created, status);
          if (!state.chosen) design.replaceChildren(designBox(result.design));
          render(out, result, created);
        } catch (e) { K2.status(status, e.message, "error"); }
        run.disabled = false;
      } }, "Run trial");
      section.append(
        el("p", { class: "muted" }, "A virtual trial draws patients from the trial file's population, simulates every arm with the full model and " +
          "summarises each arm at each visit (mean and 95% CI), with fractures from the fracture-risk model. Examples mirror real trials; " +
          "where the evidence database has the real trial's results, they are shown beside the simulated ones."),
        el("div", { class: "layout" },
          el("div", {},
            el("fieldset", {}, el("legend", {}, "Trial"), el("label", { class: "wide" }, "example trial", select), design,
              el("details", {}, el("summary", {}, "Trial file (TOML, editable)"), toml)),
            el("fieldset", {}, el("legend", {}, "Run"),
              el("label", {}, `patients per arm (1 to ${cap})`, n), el("label", {}, "seed", seed),
              el("div", {}, run), status),
            el("p", { class: "muted" }, K2.info.disclaimer)),
          out));
      K2.api("GET", "/api/trials/examples").then((r) => {
        state.examples = r.examples;
        select.replaceChildren(...r.examples.map((e) => el("option", { value: e.name }, `${e.name}: ${e.design.title}`)),
          el("option", { value: "toml" }, "your own trial file (edit the TOML)"));
        if (r.examples.length) { select.value = r.examples[0].name; choose(r.examples[0].name); }
      }).catch((e) => K2.status(status, e.message, "error"));
    },
  };
})();
