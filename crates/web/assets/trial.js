/* Virtual trial: lights up when the application layer offers the `trial` use case (issue 12);
   until then the page says so. The page posts to /api/trials and follows the job like Simulate;
   the server never runs a trial engine of its own. */
"use strict";
(() => {
  const el = K2.el;
  K2.pages.trial = {
    build(section) {
      section.append(el("h1", {}, "Virtual trial"));
      const available = K2.info && K2.info.use_cases.includes("trial");
      if (!available) {
        section.append(el("p", { "data-testid": "trial-unavailable" },
          "Virtual trials are not in this build's application layer yet (issue 12, `k2bone trial`). " +
          "When they are, this page runs them: arms, number of patients per arm (up to " +
          (K2.info ? K2.info.limits.max_patients_per_arm : "the server's limit") + "), duration and covariates, " +
          "with per-arm summaries and confidence intervals, progress while it runs, and Cancel."));
        return;
      }
      const body = el("textarea", { id: "trial-request", rows: 14 }, "{}");
      const status = el("div", { class: "status" });
      const out = el("pre", { id: "trial-out" });
      section.append(el("p", { class: "muted" }, "The trial request as JSON (see TrialRequest in /api/openapi.json)."), body,
        el("button", { onclick: async () => {
          try {
            const created = await K2.api("POST", "/api/trials", JSON.parse(body.value));
            const r = await K2.runJob(created, status);
            out.textContent = JSON.stringify(r.summary || r, null, 2);
          } catch (e) { K2.status(status, e.message, "error"); }
        } }, "Run trial"), status, out);
    },
  };
})();
