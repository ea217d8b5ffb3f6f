/* Simulate: a person, arms (vitamin K form, dose, schedule, vehicle; D3; calcium; a drug; a diet
   log) and a duration become scenario TOML (the format `k2bone simulate` reads, shown and editable),
   run as a job (POST /api/studies, progress by SSE, cancellable); the topic charts are drawn with
   one line per arm and the model's 95 % band where the result carries one. */
"use strict";
(() => {
  const el = K2.el;
  const DRUGS = { none: null, denosumab: ["denosumab", "60 mg", "every 26 weeks"], teriparatide: ["teriparatide", "20 ug", "daily"], calcitriol: ["calcitriol", "0.25 ug", "daily"] };
  let root, toml, statusBox, out, saveBox, formBox, lastRun = null;
  let armsBox;

  function armRow(a) {
    const v = Object.assign({ name: "arm", k: "mk7", dose: 180, unit: "ug", schedule: "daily", vehicle: "oil", d3_iu: 0, ca_mg: 0, drug: "none", diet: "" }, a);
    const f = (name, input) => { input.dataset.field = name; input.addEventListener("input", sync); input.addEventListener("change", sync); return input; };
    const sel = (name, options, value) => f(name, el("select", {}, options.map((o) => el("option", { value: o, selected: o === String(value) }, o))));
    const num = (name, value, min, max, step) => f(name, el("input", { type: "number", value, min, max, step: step || "any" }));
    const row = el("div", { class: "arm", "data-arm": "" },
      el("div", { class: "row" },
        el("label", {}, "arm name", f("name", el("input", { value: v.name, size: 12, pattern: "[A-Za-z0-9_+.-]{1,40}" }))),
        el("label", {}, "vitamin K", sel("k", ["none", "k1", "mk4", "mk7"], v.k)),
        el("label", {}, "dose", num("dose", v.dose, 0, 100000)),
        el("label", {}, "unit", sel("unit", ["ug", "mg"], v.unit)),
        el("label", {}, "schedule", f("schedule", el("input", { value: v.schedule, size: 14, list: "schedules" }))),
        el("label", {}, "vehicle", sel("vehicle", ["oil", "tablet", "food"], v.vehicle))),
      el("div", { class: "row" },
        el("label", {}, "vitamin D3 (IU/day)", num("d3_iu", v.d3_iu, 0, 10000, 100)),
        el("label", {}, "calcium (mg/day)", num("ca_mg", v.ca_mg, 0, 3000, 50)),
        el("label", {}, "drug", sel("drug", Object.keys(DRUGS), v.drug)),
        el("button", { class: "secondary small", type: "button", onclick: () => { row.remove(); sync(); } }, "remove arm")),
      el("details", {}, el("summary", { class: "muted" }, "diet log for this arm (day,food,grams[,meal]; repeated over the run)"),
        f("diet", el("textarea", { rows: 4, placeholder: "day,food,grams\n1,natto,40\n4,natto,40" }, v.diet))));
    return row;
  }

  function read(row) {
    const g = (n) => row.querySelector(`[data-field="${n}"]`).value;
    return { name: g("name").trim(), k: g("k"), dose: Number(g("dose")), unit: g("unit"), schedule: g("schedule").trim() || "daily",
      vehicle: g("vehicle"), d3_iu: Number(g("d3_iu")), ca_mg: Number(g("ca_mg")), drug: g("drug"), diet: g("diet").trim() };
  }

  function q(s) { return JSON.stringify(String(s)); }

  /* The form as scenario TOML plus the diet logs it names. */
  function build() {
    const g = (id) => root.querySelector("#" + id).value;
    const lines = ["schema = 1", `title = ${q(g("sim-title") || "my scenario")}`, "", "[person]", `sex = ${q(g("sim-sex"))}`, `age_years = ${Number(g("sim-age"))}`];
    const ac = g("sim-anticoagulant");
    if (ac !== "none") {
      lines.push(`anticoagulant = ${q(ac)}`);
      if (ac === "warfarin") lines.push(`inr = ${Number(g("sim-inr"))}`);
    }
    const d25 = Number(g("sim-d25"));
    if (d25 && d25 !== 75) lines.push(`d25 = "${d25} nmol/L"`);
    const days = Number(g("sim-duration")) * { days: 1, weeks: 7, months: 30.4375, years: 365.25 }[g("sim-duration-unit")];
    lines.push("", "[simulation]", `duration = "${Number(g("sim-duration"))} ${g("sim-duration-unit")}"`, `output_every = "${days > 400 ? "7 days" : "1 day"}"`);
    const diets = {};
    for (const row of armsBox.querySelectorAll("[data-arm]")) {
      const a = read(row);
      const name = q(a.name);
      lines.push("", `[arms.${name}]`);
      if (a.k !== "none" && a.dose > 0) {
        lines.push(`[[arms.${name}.supplement]]`, `agent = ${q(a.k)}`, `dose = "${a.dose} ${a.unit}"`, `schedule = ${q(a.schedule)}`, `vehicle = ${q(a.vehicle)}`);
      }
      if (a.d3_iu > 0) lines.push(`[[arms.${name}.supplement]]`, `agent = "d3"`, `dose = "${a.d3_iu} IU"`);
      if (a.ca_mg > 0) lines.push(`[[arms.${name}.supplement]]`, `agent = "calcium"`, `dose = "${a.ca_mg} mg"`);
      const drug = DRUGS[a.drug];
      if (drug) lines.push(`[[arms.${name}.drug]]`, `agent = ${q(drug[0])}`, `dose = ${q(drug[1])}`, `schedule = ${q(drug[2])}`);
      if (a.diet) {
        const file = a.name.replace(/[^A-Za-z0-9_-]/g, "_") + "-diet.csv";
        diets[file] = a.diet + "\n";
        // TOML: a table's keys come before its sub-tables, so the diet line goes first.
        const at = lines.lastIndexOf(`[arms.${name}]`);
        lines.splice(at + 1, 0, `diet = ${q(file)}`);
      }
    }
    return { toml: lines.join("\n") + "\n", diets };
  }

  let diets = {};
  function sync() {
    const b = build();
    toml.value = b.toml;
    diets = b.diets;
    formBox.classList.remove("stale");
  }

  async function run() {
    out.replaceChildren();
    saveBox.replaceChildren();
    const request = { scenario: { toml: toml.value }, diets, max_points: 400 };
    const btn = root.querySelector("#sim-run");
    btn.disabled = true;
    try {
      const created = await K2.api("POST", "/api/studies", request);
      const view = await K2.runJob(created, statusBox);
      lastRun = { request, view };
      render(view);
      root.querySelector("#sim-save").disabled = false;
    } catch (e) {
      K2.status(statusBox, e.message, "error");
    } finally {
      btn.disabled = false;
    }
  }

  function render(view) {
    out.replaceChildren();
    const arms = view.summary.arms;
    const t = el("table", { "data-testid": "end-table" },
      el("tr", {}, el("th", {}, "at the end"), arms.map((a) => el("th", { class: "num" }, a.name))));
    const rows = [["Lumbar spine BMD (% change)", "bmd_lumbar_pct_change"], ["Femoral neck BMD (% change)", "bmd_femoral_neck_pct_change"],
      ["ucOC/cOC (% change)", "ucoc_coc_ratio_pct_change"], ["dp-ucMGP (% change)", "dp_ucmgp_pct_change"], ["Serum MK-7 (ng/mL)", "serum_mk7_ng_ml"],
      ["Serum 25(OH)D (nmol/L)", "serum_25ohd_nmol_l"], ["Hip fracture, 10 y (%)", "hip_fracture_risk_10y_pct"], ["Calcification index (% change)", "calcification_index_pct_change"]];
    for (const [label, key] of rows) {
      t.append(el("tr", {}, el("td", {}, label), arms.map((a) => {
        const v = a.end[key];
        const iv = a.interval && a.interval[key];
        return el("td", { class: "num" }, K2.fmt(v, 3), iv && iv.lower !== undefined ? el("span", { class: "muted" }, ` (${K2.fmt(iv.lower, 3)} to ${K2.fmt(iv.upper, 3)})`) : null);
      })));
    }
    out.append(el("h2", {}, view.summary.title || view.summary.scenario), t);
    if (view.summary.notes && view.summary.notes.length) out.append(el("ul", { class: "muted" }, view.summary.notes.map((n) => el("li", {}, n))));
    for (const c of view.charts) {
      out.append(el("h3", {}, c.title));
      const grid = el("div", { class: "charts", "data-topic": c.topic });
      for (const p of c.panels) grid.append(K2.charts.line(p, c.times_days));
      if (c.bars) grid.append(K2.charts.bars(c.bars.title, "%", c.bars.arms, c.bars.groups));
      out.append(grid);
    }
    out.append(el("details", {}, el("summary", { class: "muted" }, "the scenario as it ran (every default filled in)"), el("pre", {}, view.resolved_toml)));
  }

  async function save() {
    if (!lastRun) return;
    const title = root.querySelector("#sim-title").value || "scenario";
    try { await K2.save("study", title, lastRun.request, lastRun.view, saveBox); }
    catch (e) { K2.status(saveBox, e.message, "error"); }
  }

  async function loadBuiltin(name) {
    if (!name) return;
    try {
      const b = await K2.api("GET", "/api/builtins/" + encodeURIComponent(name));
      toml.value = b.toml; diets = {};
      formBox.classList.add("stale");
      K2.status(statusBox, `loaded built-in “${name}”: ${b.description} (the form above is not in sync; edit the TOML or reset the form)`);
    } catch (e) { K2.status(statusBox, e.message, "error"); }
  }

  K2.pages.simulate = {
    /* Draws a StudyView (a finished or saved run); the browser tests call it with a band. */
    render: (view) => render(view),
    build(section) {
      root = section;
      armsBox = el("div", { id: "sim-arms" });
      const opt = (v, t, sel) => el("option", { value: v, selected: sel }, t || v);
      formBox = el("div", { id: "sim-form" },
        el("fieldset", {}, el("legend", {}, "Person"),
          el("label", {}, "title", el("input", { id: "sim-title", value: "my scenario", size: 24 })),
          el("label", {}, "sex", el("select", { id: "sim-sex" }, opt("female"), opt("male"))),
          el("label", {}, "age (years, 41 to 95)", el("input", { id: "sim-age", type: "number", value: 60, min: 41, max: 95 })),
          el("label", {}, "25(OH)D (nmol/L)", el("input", { id: "sim-d25", type: "number", value: 75, min: 5, max: 250 })),
          el("label", {}, "anticoagulant", el("select", { id: "sim-anticoagulant" }, opt("none"), opt("warfarin"), opt("doac"))),
          el("label", {}, "stable INR on warfarin (1–6)", el("input", { id: "sim-inr", type: "number", value: 2.5, min: 1.05, max: 6, step: 0.1 }))),
        el("fieldset", {}, el("legend", {}, "Arms (an untreated placebo arm is added unless one exists)"), armsBox,
          el("button", { class: "secondary small", type: "button", onclick: () => { armsBox.append(armRow({ name: "arm" + (armsBox.children.length + 1) })); sync(); } }, "add arm")),
        el("fieldset", {}, el("legend", {}, "Duration"),
          el("label", {}, "duration", el("input", { id: "sim-duration", type: "number", value: 1, min: 1 })),
          el("label", {}, "unit", el("select", { id: "sim-duration-unit" }, opt("days"), opt("weeks"), opt("months"), opt("years", "years", true)))));
      for (const i of formBox.querySelectorAll("input, select")) { i.addEventListener("input", sync); i.addEventListener("change", sync); }
      armsBox.append(armRow({ name: "mk7-180", k: "mk7", dose: 180 }));
      toml = el("textarea", { id: "sim-toml", rows: 16, spellcheck: "false", "aria-label": "scenario TOML" });
      statusBox = el("div", { class: "status", id: "sim-status" });
      saveBox = el("span", { class: "savedlink", id: "sim-saved" });
      out = el("div", { id: "sim-out" });
      const builtinSel = el("select", { id: "sim-builtin", onchange: (e) => loadBuiltin(e.target.value) }, opt("", "start from a built-in…"));
      K2.api("GET", "/api/builtins").then((b) => { for (const x of b.builtins) builtinSel.append(opt(x.name, x.name + " — " + x.description)); }).catch(() => {});
      section.append(el("h1", {}, "Simulate"),
        el("datalist", { id: "schedules" }, ["daily", "3x daily", "every 2 days", "every 7 days", "weekly"].map((s) => el("option", { value: s }))),
        el("div", { class: "layout" },
          el("div", {}, formBox,
            el("div", { class: "row" }, builtinSel, el("button", { class: "secondary small", type: "button", onclick: sync }, "reset to the form")),
            el("h3", {}, "Scenario (TOML, as `k2bone simulate` reads it)"), toml,
            el("div", {}, el("button", { id: "sim-run", onclick: run }, "Run"), el("button", { id: "sim-save", class: "secondary", disabled: true, onclick: save }, "Save"), saveBox),
            statusBox),
          out));
      sync();
    },
    async show(id) {
      if (!id) return;
      try {
        const s = await K2.api("GET", "/api/saved/" + encodeURIComponent(id));
        toml.value = s.request.scenario.toml !== undefined ? s.request.scenario.toml : "";
        if (s.request.scenario.builtin) await loadBuiltin(s.request.scenario.builtin);
        diets = s.request.diets || {};
        formBox.classList.add("stale");
        root.querySelector("#sim-title").value = s.title;
        lastRun = s.result ? { request: s.request, view: s.result } : null;
        K2.status(statusBox, `saved scenario “${s.title}” (${s.updated_utc})`);
        if (s.result) render(s.result);
      } catch (e) { K2.status(statusBox, e.message, "error"); }
    },
  };
})();
