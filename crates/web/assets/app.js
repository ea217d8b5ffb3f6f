/* k2bone web app: the page router and the helpers every page uses. Every number comes from the
   JSON API (/api/...), which calls the same use cases as the CLI; nothing is computed here. */
"use strict";
const K2 = {
  info: null,
  pages: {},
  /* el("div", {class: "x", onclick: f}, child, "text", ...): DOM without innerHTML (no XSS). */
  el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "value") e.value = v;
      else if (k === "checked") e.checked = !!v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  },
  /* JSON API call; throws an Error whose message is the server's (naming the field). */
  async api(method, path, body) {
    const opt = { method, headers: {} };
    if (body !== undefined) {
      opt.headers["Content-Type"] = "application/json";
      opt.body = JSON.stringify(body);
    }
    const res = await fetch(path, opt);
    const type = res.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await res.json() : await res.text();
    if (!res.ok) {
      const msg = data && data.error ? data.error.message : `${res.status} ${res.statusText}`;
      const err = new Error(msg);
      err.status = res.status;
      throw err;
    }
    return data;
  },
  /* Downloads the answer of a request as a file (CSV exports). */
  async download(method, path, body, filename) {
    const opt = { method, headers: {} };
    if (body !== undefined) { opt.headers["Content-Type"] = "application/json"; opt.body = JSON.stringify(body); }
    const res = await fetch(path, opt);
    if (!res.ok) { const j = await res.json().catch(() => null); throw new Error(j && j.error ? j.error.message : res.statusText); }
    const blob = await res.blob();
    const a = K2.el("a", { href: URL.createObjectURL(blob), download: filename });
    document.body.append(a); a.click(); a.remove();
  },
  fmt(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return "–";
    const d = digits === undefined ? 3 : digits;
    const a = Math.abs(x);
    if (a < 1e-9) return "0"; // float noise of a difference, e.g. placebo minus itself
    if (a >= 1e5 || a < 1e-3) return x.toExponential(2);
    return Number(x.toPrecision(d + (a >= 1 ? Math.floor(Math.log10(a)) : 0))).toString();
  },
  status(box, text, kind) {
    box.replaceChildren(K2.el("span", { class: kind === "error" ? "error" : "" }, text));
  },
  /* Runs a job: SSE progress into `box`, a Cancel button, resolves with the job's result. */
  runJob(created, box) {
    return new Promise((resolve, reject) => {
      const bar = K2.el("progress", { max: 1, value: 0 });
      const text = K2.el("span", { class: "muted" }, " queued");
      const cancel = K2.el("button", { class: "secondary small", "data-testid": "cancel",
        onclick: () => K2.api("DELETE", created.status_url).catch(() => {}) }, "Cancel");
      box.replaceChildren(bar, " ", text, " ", cancel);
      const es = new EventSource(created.events_url);
      const finish = async (ev) => {
        es.close();
        try {
          const s = await K2.api("GET", created.status_url);
          if (s.state === "done") { box.replaceChildren(K2.el("span", { class: "muted" }, `done in ${K2.fmt(s.seconds, 2)} s`)); resolve(s.result); }
          else { const m = s.error ? s.error.message : s.state; box.replaceChildren(K2.el("span", { class: "error" }, m)); reject(new Error(m)); }
        } catch (e) { reject(e); }
      };
      es.addEventListener("progress", (ev) => {
        const s = JSON.parse(ev.data);
        bar.value = s.progress;
        text.textContent = s.state === "queued" ? ` queued (${s.queue_position} ahead)` : ` ${s.task} ${Math.round(100 * s.progress)} %`;
      });
      for (const name of ["done", "failed", "cancelled"]) es.addEventListener(name, finish);
      es.onerror = () => { if (es.readyState === EventSource.CLOSED) finish(); };
    });
  },
  async refreshSaved() {
    const box = document.getElementById("saved-list");
    try {
      const list = await K2.api("GET", "/api/saved");
      if (!list.saved.length) { box.replaceChildren(K2.el("p", { class: "muted" }, "Nothing saved yet.")); return; }
      const page = { study: "/scenarios/", meta: "/evidence/", diary: "/diet/" };
      box.replaceChildren(K2.el("ul", {}, list.saved.map((s) =>
        K2.el("li", {}, K2.el("span", { class: "pill" }, s.kind), K2.el("a", { href: page[s.kind] + s.id }, s.title), " ",
          K2.el("span", { class: "muted" }, s.updated_utc)))));
    } catch (e) { K2.status(box, e.message, "error"); }
  },
  /* Saves {kind, title, request, result} and shows its stable link in `box`. */
  async save(kind, title, request, result, box) {
    const s = await K2.api("POST", "/api/saved", { kind, title, request, result });
    history.pushState({}, "", s.url);
    box.replaceChildren("saved: ", K2.el("a", { href: s.url, "data-testid": "saved-link" }, location.origin + s.url));
    return s;
  },
  route() {
    const parts = location.pathname.split("/").filter(Boolean);
    let name = parts[0] || "home";
    if (name === "scenarios") name = "simulate";
    const id = parts[1] || null;
    for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === name);
    for (const s of document.querySelectorAll(".page")) s.hidden = s.id !== "page-" + name;
    const page = K2.pages[name];
    if (page) {
      if (!page.built) { page.build(document.getElementById("page-" + name)); page.built = true; }
      if (page.show) page.show(id);
    } else if (name === "home") K2.refreshSaved();
  },
};
document.addEventListener("click", (e) => {
  const a = e.target.closest("a");
  if (!a || a.target || a.hasAttribute("download") || e.ctrlKey || e.metaKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/assets/")) return;
  e.preventDefault();
  history.pushState({}, "", url.pathname);
  K2.route();
});
window.addEventListener("popstate", () => K2.route());
window.addEventListener("DOMContentLoaded", async () => {
  try {
    K2.info = await K2.api("GET", "/api/info");
    document.getElementById("disclaimer").textContent = K2.info.disclaimer;
  } catch (e) { /* the pages still work; the disclaimer is in the HTML */ }
  K2.route();
});
