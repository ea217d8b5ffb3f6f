/* Charts: time series with uPlot (vendored, MIT) and grouped bars as SVG. A series that carries
   `lower`/`upper` (the model's 95 % interval, when the model has one) is drawn with a band. */
"use strict";
K2.colors = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7b83", "#57606a"];
K2.charts = {
  /* panel: {title, series: [{label, values, lower?, upper?}]}; x: days. Returns the chart's element. */
  line(panel, xDays, opts) {
    const o = opts || {};
    const box = K2.el("div", { class: "chart", "data-chart": panel.title });
    box.append(K2.el("h4", {}, panel.title));
    const data = [xDays];
    const series = [{ label: o.xLabel || "day" }];
    const bands = [];
    panel.series.forEach((s, i) => {
      const color = K2.colors[i % K2.colors.length];
      data.push(s.values);
      series.push({ label: s.label, stroke: color, width: 2 });
      const mine = data.length - 1;
      if (s.lower && s.upper) {
        data.push(s.upper); series.push({ label: s.label + " 95% upper", stroke: color + "55", width: 1 });
        data.push(s.lower); series.push({ label: s.label + " 95% lower", stroke: color + "55", width: 1 });
        bands.push({ series: [data.length - 2, data.length - 1], fill: color + "22" });
        box.dataset.band = "yes";
      }
      void mine;
    });
    const unit = (panel.title.match(/\(([^)]*)\)[^(]*$/) || [])[1] || "";
    const width = o.width || 440;
    const u = new uPlot({
      width, height: o.height || 230, series, bands,
      scales: { x: { time: false } },
      axes: [
        { label: o.xLabel || "time (days)", labelSize: 18, size: 36 },
        { label: unit, labelSize: 18, size: 56 },
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    }, data, box);
    box.uplot = u;
    box.dataset.points = String(xDays.length);
    return box;
  },
  /* Grouped bars: groups [{label, values[]}] with one value per name in `names`. SVG with axes. */
  bars(title, unit, names, groups) {
    const W = 460, H = 250, L = 58, B = 52, T = 14, R = 10;
    const all = groups.flatMap((g) => g.values).filter((v) => v !== null && Number.isFinite(v));
    const max = Math.max(1e-9, ...all);
    const step = K2.charts.niceStep(max);
    const top = Math.ceil(max / step) * step;
    const ns = "http://www.w3.org/2000/svg";
    const s = (tag, attrs, text) => {
      const e = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": title });
    const y = (v) => T + (H - T - B) * (1 - v / top);
    for (let v = 0; v <= top + 1e-12; v += step) {
      svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e4e8ee" }));
      svg.append(s("text", { x: L - 5, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#5b6675" }, K2.fmt(v, 3)));
    }
    svg.append(s("text", { x: 12, y: T + (H - T - B) / 2, transform: `rotate(-90 12 ${T + (H - T - B) / 2})`, "text-anchor": "middle", "font-size": 12, fill: "#1d2430" }, unit));
    const gw = (W - L - R) / Math.max(1, groups.length);
    const bw = Math.max(4, (gw * 0.75) / Math.max(1, names.length));
    groups.forEach((g, gi) => {
      g.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        const x = L + gi * gw + gw * 0.125 + i * bw;
        const r = s("rect", { x, y: y(v), width: bw - 1, height: Math.max(0, y(0) - y(v)), fill: K2.colors[i % K2.colors.length], "data-value": v });
        r.append(s("title", {}, `${names[i]}, ${g.label}: ${K2.fmt(v, 4)} ${unit}`));
        svg.append(r);
      });
      svg.append(s("text", { x: L + gi * gw + gw / 2, y: H - B + 15, "text-anchor": "middle", "font-size": 11, fill: "#1d2430" }, g.label));
    });
    svg.append(s("line", { x1: L, x2: W - R, y1: y(0), y2: y(0), stroke: "#1d2430" }));
    const box = K2.el("div", { class: "chart bars", "data-chart": title });
    box.append(K2.el("h4", {}, title), svg);
    if (names.length > 1 || groups.length === 1) {
      box.append(K2.el("div", { class: "muted" }, names.map((n, i) =>
        K2.el("span", { class: "pill", style: `border-left: 10px solid ${K2.colors[i % K2.colors.length]}` }, n))));
    }
    return box;
  },
  niceStep(max) {
    const raw = max / 5;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * p) return m * p;
    return 10 * p;
  },
};
