// Browser tests of the k2bone web app: the real pages in headless Chromium (Debian's `chromium`,
// driven by playwright-core through executablePath), against a `k2bone serve` started here on a
// free loopback port with a fresh database. The flow of issue 16's "Done when": fill a scenario,
// run it, see a chart with data, save it, reload it by its URL; run a meta-analysis and see the
// forest plot; log a day of food and see the per-vitamer bars; run a tiny virtual trial and see
// its per-arm table. Screenshots go to
// $K2BONE_ARTIFACTS (default target/web-artifacts).
//
//   node crates/web/browser/browser-test.mjs [path/to/k2bone]
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(new URL("../../..", import.meta.url).pathname);
const bin = process.argv[2] || join(root, "target/release/k2bone");
const artifacts = process.env.K2BONE_ARTIFACTS || join(root, "target/web-artifacts");
const chromePath = process.env.CHROMIUM || "/usr/bin/chromium";
mkdirSync(artifacts, { recursive: true });
const data = mkdtempSync(join(tmpdir(), "k2bone-web-data-"));
const profile = mkdtempSync(join(tmpdir(), "k2bone-web-chromium-"));

let failures = 0;
const results = [];
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures++;
    results.push(`FAIL ${name}: ${e.message.split("\n")[0]}`);
    await page.screenshot({ path: join(artifacts, `fail-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
  }
}
function expect(cond, what) { if (!cond) throw new Error(what); }

// The server: port 0, the bound address is printed on its first line.
const server = spawn(bin, ["serve", "--port", "0", "--data", data, "--max-running", "2"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, K2BONE_DATA: data } });
process.on("exit", () => server.kill("SIGKILL"));
const base = await new Promise((ok, fail) => {
  const timer = setTimeout(() => fail(new Error("the server did not start within 20 s")), 20000);
  server.stdout.on("data", (b) => { const m = /http:\/\/([0-9.:]+)\//.exec(String(b)); if (m) { clearTimeout(timer); ok(`http://${m[1]}`); } });
  server.on("exit", (c) => fail(new Error(`the server exited with ${c}`)));
});

// A fresh --user-data-dir (playwright passes `profile` as it).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromePath,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
  viewport: { width: 1400, height: 1000 },
  acceptDownloads: true,
  timeout: 60000,
});
const page = context.pages()[0] || await context.newPage();
const consoleErrors = [];
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push(String(e)));
// Nothing may be fetched from anywhere but this server (no CDN).
const foreign = [];
page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) foreign.push(r.url()); });

let savedUrl = null;
await step("home page shows the disclaimer and the four pages", async () => {
  await page.goto(base + "/");
  const d = await page.textContent("#disclaimer");
  expect(/not medical advice/.test(d) && /blood thinners/.test(d), "disclaimer missing: " + d);
  for (const p of ["Simulate", "Virtual trial", "Evidence", "Diet and warfarin"]) expect(await page.isVisible(`nav >> text=${p}`), p + " not in the menu");
});

await step("simulate: fill a scenario, run it, see charts with data", async () => {
  await page.click("nav >> text=Simulate");
  await page.fill("#sim-title", "browser test: MK-7 vs MK-4");
  await page.fill("#sim-age", "65");
  await page.fill("#sim-duration", "120");
  await page.selectOption("#sim-duration-unit", "days");
  await page.click("text=add arm");
  const arm2 = page.locator("[data-arm]").nth(1);
  await arm2.locator('[data-field="name"]').fill("mk4-45mg");
  await arm2.locator('[data-field="k"]').selectOption("mk4");
  await arm2.locator('[data-field="dose"]').fill("15");
  await arm2.locator('[data-field="unit"]').selectOption("mg");
  await arm2.locator('[data-field="schedule"]').fill("3x daily");
  await arm2.locator('[data-field="d3_iu"]').fill("800");
  const toml = await page.inputValue("#sim-toml");
  expect(toml.includes('agent = "mk4"') && toml.includes('dose = "15 mg"') && toml.includes('duration = "120 days"'), "TOML does not follow the form:\n" + toml);
  await page.click("#sim-run");
  await page.waitForSelector("#sim-out [data-topic=bmd] .uplot", { timeout: 90000 });
  const points = await page.getAttribute("#sim-out [data-topic=bmd] .chart", "data-points");
  expect(Number(points) > 10, "BMD chart has " + points + " points");
  const heads = await page.locator("[data-testid=end-table] th").allTextContents();
  expect(heads.includes("mk7-180") && heads.includes("mk4-45mg") && heads.includes("placebo"), "arms in the table: " + heads);
  // The chart's canvas was drawn (not blank): some pixels differ from the background.
  const drawn = await page.evaluate(() => {
    const c = document.querySelector("#sim-out [data-topic=bmd] canvas");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200)) n++;
    return n;
  });
  expect(drawn > 200, "the BMD canvas looks empty (" + drawn + " drawn pixels)");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, "simulate.png"), fullPage: false });
});

await step("simulate: save, then reload the scenario by its URL", async () => {
  await page.click("#sim-save");
  await page.waitForSelector("[data-testid=saved-link]");
  savedUrl = await page.getAttribute("[data-testid=saved-link]", "href");
  expect(/^\/scenarios\/[0-9a-f]+$/.test(savedUrl), "saved URL " + savedUrl);
  const fresh = await context.newPage();
  await fresh.goto(base + savedUrl);
  await fresh.waitForSelector("#sim-out [data-topic=bmd] .uplot", { timeout: 20000 });
  const toml = await fresh.inputValue("#sim-toml");
  expect(toml.includes('agent = "mk4"') && toml.includes("browser test: MK-7 vs MK-4"), "reloaded TOML differs");
  expect((await fresh.inputValue("#sim-title")) === "browser test: MK-7 vs MK-4", "title not reloaded");
  await fresh.close();
});

await step("simulate: a result with 95 % intervals is drawn with bands", async () => {
  // Issue 10 adds lower/upper to the results; until every run has them, feed the page the saved
  // run with a band of ±0.5 around each BMD line and an interval on the end table.
  const saved = await (await page.request.get(base + "/api/saved/" + savedUrl.split("/").pop())).json();
  const banded = await page.evaluate((view) => {
    const bmd = view.charts.find((c) => c.topic === "bmd");
    for (const p of bmd.panels) for (const s of p.series) { s.lower = s.values.map((v) => v - 0.5); s.upper = s.values.map((v) => v + 0.5); }
    for (const a of view.summary.arms) a.interval = { bmd_lumbar_pct_change: { lower: a.end.bmd_lumbar_pct_change - 0.5, upper: a.end.bmd_lumbar_pct_change + 0.5 } };
    K2.pages.simulate.render(view);
    const chart = document.querySelector("#sim-out [data-topic=bmd] .chart");
    return { band: chart.dataset.band, series: chart.uplot.series.length, table: document.querySelector("[data-testid=end-table]").textContent };
  }, saved.result);
  expect(banded.band === "yes", "no band drawn");
  expect(banded.series === 1 + 3 * 3, "series with bands: " + banded.series);
  expect(/ to /.test(banded.table), "no interval in the end table");
});

await step("simulate: a bad scenario shows the CLI's message naming the field", async () => {
  await page.goto(base + "/simulate");
  await page.fill("#sim-age", "20");
  await page.click("#sim-run");
  await page.waitForSelector("#sim-status .error", { timeout: 20000 });
  const msg = await page.textContent("#sim-status");
  expect(/age_years/.test(msg) && /41/.test(msg), "message: " + msg);
});

await step("evidence: run a meta-analysis and see the forest plot", async () => {
  await page.click("nav >> text=Evidence");
  await page.waitForSelector("[data-testid=trials] tr >> nth=1");
  await page.click("text=load example (BCG, metafor)");
  await page.waitForFunction(() => document.querySelector("#meta-csv").value.includes("Aronson"));
  await page.selectOption("#meta-measure", "RR");
  await page.selectOption("#meta-method", "REML");
  await page.click("#meta-run");
  await page.waitForSelector("[data-testid=forest]", { timeout: 30000 });
  const est = await page.textContent("[data-testid=meta-estimate]");
  // metafor: rma(measure="RR", ai=tpos, ...) on dat.bcg, REML: estimate -0.7145, CI [-1.0669, -0.3622].
  expect(/-0\.7145/.test(est) && /-1\.067/.test(est), "estimate: " + est);
  const w = await page.evaluate(() => document.querySelector("[data-testid=forest]").naturalWidth);
  expect(w > 300, "forest plot not rendered (width " + w + ")");
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("text=download CSV >> nth=1")]);
  expect(dl.suggestedFilename() === "meta-analysis.csv", "download " + dl.suggestedFilename());
  await page.locator("[data-testid=forest]").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, "evidence.png") });
});

await step("diet: log a day of food and see the per-vitamer bars and warfarin flags", async () => {
  await page.click("nav >> text=Diet and warfarin");
  await page.selectOption("#diet-anticoagulant", "warfarin");
  await page.fill("#diet-age", "70");
  for (const [meal, food, grams] of [["breakfast", "natto", "40"], ["lunch", "gouda", "30"], ["dinner", "spinach", "80"]]) {
    await page.selectOption("#diet-meal", meal);
    await page.fill("#diet-food", food);
    await page.fill("#diet-qty", grams);
    await page.click("#diet-add");
  }
  const csv = await page.inputValue("#diet-csv");
  expect(csv.split("\n").filter(Boolean).length === 4, "diary CSV:\n" + csv);
  await page.click("#diet-run");
  await page.waitForSelector("#diet-out .bars rect", { timeout: 20000 });
  const bars = await page.locator("#diet-out .bars >> nth=0 >> rect").count();
  expect(bars >= 3, bars + " bars");
  const flags = await page.textContent("[data-testid=flags]");
  expect(/natto/i.test(flags) && /warning/i.test(flags), "flags: " + flags.slice(0, 200));
  await page.locator("#diet-out h2").scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector("#diet-out h2").scrollIntoView());
  await page.screenshot({ path: join(artifacts, "diet.png"), fullPage: false });
});

await step("virtual trial: run a tiny example trial, see the per-arm table, the figure and the real trial beside it", async () => {
  await page.click("nav >> text=Virtual trial");
  await page.waitForSelector("#trial-example option[value=cheung-2008-k1-5mg]", { state: "attached" });
  await page.selectOption("#trial-example", "cheung-2008-k1-5mg");
  const design = await page.textContent("[data-testid=trial-design]");
  expect(/k1 = "5 mg daily"/.test(design) && /220 patients per arm/.test(design) && /cheung_2008_ecko/.test(design), "design: " + design);
  await page.fill("#trial-n", "4");
  await page.fill("#trial-seed", "11");
  await page.click("#trial-run");
  await page.waitForSelector("[data-testid=trial-summary]", { timeout: 60000 });
  const heads = await page.locator("[data-testid=trial-summary] th").allTextContents();
  expect(heads.includes("placebo") && heads.includes("k1-5mg"), "arms in the table: " + heads);
  const cell = await page.textContent("[data-testid=trial-summary] tr[data-outcome=bmd_lumbar_pct_change] td:nth-child(3)");
  expect(/\[.+, .+\]/.test(cell) && /n \d/.test(cell), "lumbar spine cell: " + cell);
  const cmp = await page.textContent("[data-testid=trial-compare]");
  expect(/BMD lumbar spine/.test(cmp) && /-0\.06/.test(cmp), "comparison: " + cmp.slice(0, 300));
  expect(/blood thinners/.test(await page.textContent("[data-testid=trial-disclaimer]")), "no blood-thinner line");
  await page.waitForFunction(() => { const i = document.querySelector("[data-testid=trial-figure]"); return i && i.complete && i.naturalWidth > 300; }, null, { timeout: 10000 });
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("[data-file='summary.csv']")]);
  expect(dl.suggestedFilename() === "summary.csv", "download " + dl.suggestedFilename());
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, "trial.png"), fullPage: false });
  await page.locator("[data-testid=trial-compare]").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, "trial-compare.png"), fullPage: false });
});

await step("no console errors, nothing fetched from elsewhere", async () => {
  expect(consoleErrors.filter((e) => !/status of 422|Failed to load resource/.test(e)).length === 0, "console: " + consoleErrors.join(" | "));
  expect(foreign.length === 0, "foreign requests: " + foreign.join(", "));
});

await context.close();
server.kill("SIGINT");
rmSync(profile, { recursive: true, force: true });
rmSync(data, { recursive: true, force: true });
console.log(results.join("\n"));
console.log(`browser tests: ${results.length - failures} passed, ${failures} failed; screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
