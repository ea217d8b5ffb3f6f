/* Evidence: the trial database (filters, CSV download), one outcome pooled over it, and a
   meta-analysis of your own CSV with the engine's options; forest and funnel plots are SVG drawn
   by crates/report on the server. */
"use strict";
(() => {
  const el = K2.el;
  let root, trialsBox, metaOut, metaStatus, saveBox, poolOut, lastMeta = null;
  const opt = (v, sel) => el("option", { value: v, selected: sel }, v);
  const METHODS = ["REML", "DL", "FE", "ML", "PM", "HE", "SJ", "EB", "MH", "PETO"];
  const MEASURES = ["RR", "OR", "RD", "MD", "SMD", "GEN"];
  const svgImg = (svg, alt, testid) => el("img", { src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg), alt, "data-testid": testid });

  function filters() {
    const p = new URLSearchParams();
    for (const k of ["outcome", "k_form"]) { const v = root.querySelector("#ev-" + k).value; if (v) p.set(k, v); }
    return p.toString();
  }

  async function listTrials() {
    try {
      const r = await K2.api("GET", "/api/evidence/trials?" + filters());
      const cols = ["study_id", "first_author", "year", "k_form", "dose_ug_per_day", "outcome", "timepoint_months", "n_treat", "n_control"];
      trialsBox.replaceChildren(el("p", { class: "muted" }, `${r.count} rows`),
        el("table", { "data-testid": "trials" }, el("tr", {}, cols.map((c) => el("th", {}, c))),
          r.rows.map((row) => el("tr", {}, cols.map((c) => el("td", {}, row[c] === null || row[c] === undefined ? "–" : row[c]))))));
      const outs = root.querySelector("#ev-outcome");
      if (outs.options.length <= 1) for (const o of [...new Set(r.rows.map((x) => x.outcome))].sort()) { outs.append(opt(o)); root.querySelector("#pool-outcome").append(opt(o, o === "bmd_lumbar_pct_change")); }
    } catch (e) { K2.status(trialsBox, e.message, "error"); }
  }

  function metaRequest() {
    const g = (id) => root.querySelector("#" + id);
    const req = { csv: g("meta-csv").value, name: g("meta-name").value || "studies", measure: g("meta-measure").value,
      method: g("meta-method").value, test: g("meta-test").value, level: Number(g("meta-level").value) };
    for (const k of ["leave_one_out", "egger", "trimfill", "cumulative"]) req[k] = g("meta-" + k).checked;
    const by = g("meta-by").value.trim(); if (by) req.by = by;
    return req;
  }

  function renderMeta(view) {
    const a = view.analysis;
    const back = a.measure === "RR" || a.measure === "OR" ? (x) => Math.exp(x) : null;
    metaOut.replaceChildren(
      el("p", { "data-testid": "meta-estimate" }, `${a.measure} (${a.method}, k = ${a.k}): estimate ${K2.fmt(a.estimate, 4)} [${K2.fmt(a.ci_lower, 4)}, ${K2.fmt(a.ci_upper, 4)}]`,
        back ? ` — exp: ${K2.fmt(back(a.estimate), 3)} [${K2.fmt(back(a.ci_lower), 3)}, ${K2.fmt(back(a.ci_upper), 3)}]` : "",
        `; τ² = ${K2.fmt(a.tau2, 3)}, I² = ${K2.fmt(a.i2, 3)} %, p = ${K2.fmt(a.pvalue, 3)}`),
      el("div", { class: "plot" }, el("h3", {}, "Forest plot"), svgImg(view.forest_svg, "forest plot", "forest")),
      view.funnel_svg ? el("div", { class: "plot" }, el("h3", {}, "Funnel plot"), svgImg(view.funnel_svg, "funnel plot", "funnel")) : null);
  }

  async function runMeta() {
    metaOut.replaceChildren(); saveBox.replaceChildren();
    const req = metaRequest();
    K2.status(metaStatus, "running…");
    try {
      const view = await K2.api("POST", "/api/meta", req);
      lastMeta = { req, view };
      K2.status(metaStatus, "");
      renderMeta(view);
      root.querySelector("#meta-save").disabled = false;
    } catch (e) { K2.status(metaStatus, e.message, "error"); }
  }

  async function runPool() {
    const g = (id) => root.querySelector("#" + id);
    const req = { outcome: g("pool-outcome").value, method: g("pool-method").value, test: "z", include_active: g("pool-active").checked };
    poolOut.replaceChildren(K2.el("span", { class: "muted" }, "running…"));
    try {
      const v = await K2.api("POST", "/api/evidence/analyze", req);
      const a = v.analysis;
      poolOut.replaceChildren(el("p", {}, `${a.outcome}: ${K2.fmt(a.estimate, 4)} [${K2.fmt(a.ci_lower, 4)}, ${K2.fmt(a.ci_upper, 4)}], k = ${a.k}`),
        el("div", { class: "plot" }, svgImg(v.forest_svg, "forest plot", "pool-forest")),
        el("button", { class: "secondary small", onclick: () => K2.download("POST", "/api/evidence/analyze?format=csv", req, a.outcome + "-pooled.csv") }, "download CSV"));
    } catch (e) { K2.status(poolOut, e.message, "error"); }
  }

  K2.pages.evidence = {
    build(section) {
      root = section;
      trialsBox = el("div", { id: "ev-trials" });
      metaOut = el("div", { id: "meta-out" });
      metaStatus = el("div", { class: "status", id: "meta-status" });
      saveBox = el("span", { class: "savedlink" });
      poolOut = el("div", { id: "pool-out" });
      const check = (id, text) => el("label", {}, text, el("input", { type: "checkbox", id }));
      section.append(el("h1", {}, "Evidence"),
        el("h2", {}, "Trials in the database"),
        el("div", { class: "row" },
          el("label", {}, "outcome", el("select", { id: "ev-outcome", onchange: listTrials }, opt(""))),
          el("label", {}, "vitamin K form", el("select", { id: "ev-k_form", onchange: listTrials }, opt(""), opt("K1"), opt("MK-4"), opt("MK-7"))),
          el("button", { class: "secondary small", onclick: () => K2.download("GET", "/api/evidence/trials.csv?" + filters(), undefined, "k2bone-trials.csv") }, "download CSV")),
        trialsBox,
        el("h2", {}, "Pool an outcome over the database"),
        el("div", { class: "row" },
          el("label", {}, "outcome", el("select", { id: "pool-outcome" })),
          el("label", {}, "method", el("select", { id: "pool-method" }, METHODS.slice(0, 8).map((m) => opt(m)))),
          check("pool-active", "include active comparators"),
          el("button", { onclick: runPool }, "Pool")),
        poolOut,
        el("h2", {}, "Meta-analysis of your studies (CSV)"),
        el("p", { class: "muted" }, "Columns as `k2bone meta` reads them: ai,bi,ci,di for 2×2 tables (RR, OR, RD); m1i,sd1i,n1i,m2i,sd2i,n2i (MD, SMD); yi,vi (GEN); a `study` column names the rows."),
        el("div", { class: "row" },
          el("label", {}, "name", el("input", { id: "meta-name", value: "studies" })),
          el("label", {}, "measure", el("select", { id: "meta-measure" }, MEASURES.map((m) => opt(m)))),
          el("label", {}, "method", el("select", { id: "meta-method" }, METHODS.map((m) => opt(m)))),
          el("label", {}, "test", el("select", { id: "meta-test" }, opt("z"), opt("knha"))),
          el("label", {}, "level (%)", el("input", { id: "meta-level", type: "number", value: 95, min: 50, max: 99.9, step: 0.1 })),
          el("label", {}, "subgroups by column", el("input", { id: "meta-by", size: 10 })),
          check("meta-leave_one_out", "leave one out"), check("meta-cumulative", "cumulative"), check("meta-egger", "Egger test"), check("meta-trimfill", "trim and fill")),
        el("textarea", { id: "meta-csv", rows: 8, spellcheck: "false", "aria-label": "studies CSV" }),
        el("div", {},
          el("button", { class: "secondary small", onclick: async () => { root.querySelector("#meta-csv").value = await (await fetch("/assets/example-studies.csv")).text(); root.querySelector("#meta-name").value = "BCG vaccine (metafor dat.bcg)"; } }, "load example (BCG, metafor)"),
          el("button", { id: "meta-run", onclick: runMeta }, "Run meta-analysis"),
          el("button", { class: "secondary", onclick: () => K2.download("POST", "/api/meta?format=csv", metaRequest(), "meta-analysis.csv").catch((e) => K2.status(metaStatus, e.message, "error")) }, "download CSV"),
          el("button", { id: "meta-save", class: "secondary", disabled: true, onclick: () => lastMeta && K2.save("meta", lastMeta.req.name, lastMeta.req, lastMeta.view, saveBox).catch((e) => K2.status(metaStatus, e.message, "error")) }, "Save"), saveBox),
        metaStatus, metaOut);
      listTrials();
    },
    async show(id) {
      if (!id) return;
      try {
        const s = await K2.api("GET", "/api/saved/" + encodeURIComponent(id));
        const r = s.request, g = (x) => root.querySelector("#" + x);
        g("meta-csv").value = r.csv; g("meta-name").value = r.name; g("meta-measure").value = r.measure; g("meta-method").value = r.method; g("meta-test").value = r.test; g("meta-level").value = r.level;
        lastMeta = s.result ? { req: r, view: s.result } : null;
        if (s.result) renderMeta(s.result);
        K2.status(metaStatus, `saved meta-analysis “${s.title}”`);
      } catch (e) { K2.status(metaStatus, e.message, "error"); }
    },
  };
})();
