/* Diet and warfarin: a food diary (common names, household portions; the food database answers
   the search), the report of `k2bone diet report`: µg per vitamer and day as bars, the top
   contributors, meals, calcium and vitamin D, the safety flags, and on a vitamin K antagonist the
   predicted INR course when the application layer's report carries one. */
"use strict";
(() => {
  const el = K2.el;
  let root, csv, status, out, saveBox, last = null, searchTimer = null;
  const VITAMERS = ["k1", "mk4", "mk5", "mk6", "mk7", "mk8", "mk9", "mk10", "k2_unsplit"];
  const opt = (v, t, sel) => el("option", { value: v, selected: sel }, t || v);

  function addLine() {
    const g = (id) => root.querySelector("#" + id).value.trim();
    const food = g("diet-food");
    const qty = Number(g("diet-qty"));
    if (!food || !(qty > 0)) { K2.status(status, "choose a food and an amount above 0", "error"); return; }
    let text = csv.value.trim();
    if (!text) text = "day,food,grams,portions,meal";
    const unit = g("diet-unit");
    const cell = (s) => (/[",]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
    text += `\n${cell(g("diet-day") || "1")},${cell(food)},${unit === "grams" ? qty : ""},${unit === "portions" ? qty : ""},${g("diet-meal")}`;
    csv.value = text + "\n";
    root.querySelector("#diet-food").value = "";
    K2.status(status, "");
  }

  async function search(e) {
    const text = e.target.value.trim();
    clearTimeout(searchTimer);
    if (text.length < 2) return;
    searchTimer = setTimeout(async () => {
      try {
        const r = await K2.api("GET", "/api/foods?limit=12&q=" + encodeURIComponent(text));
        root.querySelector("#diet-foods").replaceChildren(...r.results.map((f) => el("option", { value: f.name },
          `${f.food_group} — K1 ${K2.fmt(f.per_100g_ug.k1, 3)}, K2 ${K2.fmt(f.per_100g_ug.total_k2, 3)} µg/100 g`)));
      } catch (_) { /* search is a help only */ }
    }, 150);
  }

  function request() {
    const ac = root.querySelector("#diet-anticoagulant").value;
    const age = Number(root.querySelector("#diet-age").value);
    return { csv: csv.value, person: { anticoagulant: ac === "none" ? null : ac, age_years: age || null, pregnant: root.querySelector("#diet-pregnant").checked },
      skip_unknown: root.querySelector("#diet-skip").checked };
  }

  function findInr(r) {
    for (const [k, v] of Object.entries(r)) {
      if (!/inr/i.test(k) || !v || typeof v !== "object") continue;
      const days = v.days || v.times_days || v.day;
      const inr = v.inr || v.values;
      if (Array.isArray(days) && Array.isArray(inr)) return { key: k, days, inr, lower: v.lower || v.inr_lower, upper: v.upper || v.inr_upper, v };
    }
    return null;
  }

  function render(r) {
    const days = r.days.map((d) => d.day);
    const groups = VITAMERS.filter((k) => r.mean_per_day_ug[k] !== null).map((k) => ({ label: k.replace("_", " "), values: r.days.map((d) => d.ug[k]) }));
    const flags = r.safety_flags || [];
    out.replaceChildren(
      el("h2", {}, `Mean ${K2.fmt(r.mean_total_k_ug, 4)} µg vitamin K per day over ${r.days.length} day(s)`),
      el("div", { class: "charts" },
        K2.charts.bars("Vitamin K per vitamer and day (µg)", "µg/day", days.map((d) => "day " + d), groups),
        K2.charts.bars("Top contributors (µg/day)", "µg/day", ["total vitamin K"], r.top_contributors.slice(0, 8).map((c) => ({ label: c.food.slice(0, 14), values: [c.total_k_ug_per_day] })))),
      el("h3", {}, "Safety flags"),
      flags.length ? el("div", { "data-testid": "flags" }, flags.map((f) => el("div", { class: "flag " + f.severity }, el("b", {}, f.severity), f.finding, el("div", { class: "muted" }, f.advice), el("div", { class: "muted" }, "source: ", f.source))))
        : el("p", { class: "muted" }, "no flags for this person and diary"),
      el("h3", {}, "Top contributors"),
      el("table", { "data-testid": "contributors" }, el("tr", {}, el("th", {}, "food"), el("th", { class: "num" }, "g/day"), VITAMERS.slice(0, 5).map((v) => el("th", { class: "num" }, v + " µg")), el("th", { class: "num" }, "total µg")),
        r.top_contributors.map((c) => el("tr", {}, el("td", {}, c.food), el("td", { class: "num" }, K2.fmt(c.grams_per_day, 4)), VITAMERS.slice(0, 5).map((v) => el("td", { class: "num" }, K2.fmt(c.ug_per_day[v], 4))), el("td", { class: "num" }, K2.fmt(c.total_k_ug_per_day, 4))))),
      el("h3", {}, "Meals"),
      el("table", {}, el("tr", {}, el("th", {}, "day"), el("th", {}, "meal"), el("th", {}, "items"), el("th", { class: "num" }, "vitamin K µg"), el("th", { class: "num" }, "calcium mg"), el("th", { class: "num" }, "vitamin D µg")),
        (r.meals || []).map((m) => el("tr", {}, el("td", {}, m.day), el("td", {}, m.meal), el("td", {}, m.items.join("; ")), el("td", { class: "num" }, K2.fmt(m.total_k_ug, 4)), el("td", { class: "num" }, K2.fmt(m.bone && m.bone.calcium_mg, 4)), el("td", { class: "num" }, K2.fmt(m.bone && m.bone.vitamin_d_ug, 3))))),
      r.bone ? el("div", {}, el("h3", {}, "Calcium and vitamin D"),
        el("table", {}, el("tr", {}, el("th", {}, "reference"), el("th", { class: "num" }, "per day"), el("th", { class: "num" }, "diary"), el("th", { class: "num" }, "% of reference")),
          r.bone.comparisons.map((c) => el("tr", {}, el("td", {}, c.reference.name), el("td", { class: "num" }, K2.fmt(c.reference.per_day, 4)), el("td", { class: "num" }, K2.fmt(c.mean_per_day, 4)), el("td", { class: "num" }, K2.fmt(c.percent_of_reference, 3)))))) : null,
      el("h3", {}, "Vitamin K against references"),
      el("table", {}, r.comparisons.map((c) => el("tr", {}, el("td", {}, c.reference.name), el("td", { class: "num" }, K2.fmt(c.mean_ug_per_day, 4) + " µg"), el("td", { class: "num" }, c.percent_of_reference === null ? "–" : K2.fmt(c.percent_of_reference, 3) + " %")))),
      (r.mappings || []).length ? el("p", { class: "muted" }, "names resolved: ", r.mappings.map((m) => `“${m.typed}” → ${m.food}`).join("; ")) : null,
      (r.unknown_foods || []).length ? el("p", { class: "error" }, "unknown foods (left out): " + JSON.stringify(r.unknown_foods)) : null);
    const inr = findInr(r);
    if (inr) {
      const series = [{ label: "predicted INR", values: inr.inr, lower: inr.lower, upper: inr.upper }];
      out.insertBefore(el("div", { "data-testid": "inr" }, el("h3", {}, "Predicted INR course (model)"), K2.charts.line({ title: "INR (ratio)", series }, inr.days)), out.children[2]);
    } else if (request().person.anticoagulant) {
      out.insertBefore(el("p", { class: "muted" }, "The predicted INR course appears here once the application layer's diet report carries it (issue 14)."), out.children[2]);
    }
  }

  async function run() {
    out.replaceChildren(); saveBox.replaceChildren();
    const req = request();
    try {
      const r = await K2.api("POST", "/api/diet/report", req);
      last = { req, r };
      K2.status(status, "");
      render(r);
      root.querySelector("#diet-save").disabled = false;
    } catch (e) { K2.status(status, e.message, "error"); }
  }

  K2.pages.diet = {
    build(section) {
      root = section;
      csv = el("textarea", { id: "diet-csv", rows: 9, spellcheck: "false", "aria-label": "diary CSV" });
      status = el("div", { class: "status", id: "diet-status" });
      out = el("div", { id: "diet-out" });
      saveBox = el("span", { class: "savedlink" });
      section.append(el("h1", {}, "Diet and warfarin"),
        el("fieldset", {}, el("legend", {}, "Person"),
          el("label", {}, "anticoagulant", el("select", { id: "diet-anticoagulant" }, opt("none"), ["warfarin", "acenocoumarol", "phenprocoumon", "apixaban", "rivaroxaban", "dabigatran", "edoxaban"].map((a) => opt(a)))),
          el("label", {}, "age (years)", el("input", { id: "diet-age", type: "number", value: 60, min: 0, max: 130 })),
          el("label", {}, "pregnant", el("input", { id: "diet-pregnant", type: "checkbox" }))),
        el("fieldset", {}, el("legend", {}, "Add to the diary"),
          el("div", { class: "row" },
            el("label", {}, "day", el("input", { id: "diet-day", value: "1", size: 4 })),
            el("label", {}, "meal", el("select", { id: "diet-meal" }, ["breakfast", "lunch", "snack", "dinner"].map((m) => opt(m)))),
            el("label", {}, "food (common names work: natto, gouda, kale)", el("input", { id: "diet-food", list: "diet-foods", size: 30, oninput: search, autocomplete: "off" })),
            el("label", {}, "amount", el("input", { id: "diet-qty", type: "number", value: 100, min: 0, step: "any" })),
            el("label", {}, "in", el("select", { id: "diet-unit" }, opt("grams"), opt("portions", "portions (household measure)"))),
            el("button", { id: "diet-add", class: "secondary", onclick: addLine }, "add")),
          el("datalist", { id: "diet-foods" })),
        el("h3", {}, "Diary (CSV, as `k2bone diet report` reads it)"), csv,
        el("div", {}, el("label", {}, "skip unknown foods", el("input", { id: "diet-skip", type: "checkbox" }))),
        el("div", {}, el("button", { id: "diet-run", onclick: run }, "Report"),
          el("button", { id: "diet-save", class: "secondary", disabled: true, onclick: () => last && K2.save("diary", "diary " + new Date().toISOString().slice(0, 16), last.req, last.r, saveBox).catch((e) => K2.status(status, e.message, "error")) }, "Save"), saveBox),
        status, out);
    },
    async show(id) {
      if (!id) return;
      try {
        const s = await K2.api("GET", "/api/saved/" + encodeURIComponent(id));
        csv.value = s.request.csv;
        const p = s.request.person || {};
        root.querySelector("#diet-anticoagulant").value = p.anticoagulant || "none";
        if (p.age_years) root.querySelector("#diet-age").value = p.age_years;
        last = s.result ? { req: s.request, r: s.result } : null;
        if (s.result) render(s.result);
        K2.status(status, `saved diary “${s.title}”`);
      } catch (e) { K2.status(status, e.message, "error"); }
    },
  };
})();
