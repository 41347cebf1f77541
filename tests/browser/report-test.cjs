// Opens scalegate's HTML report in headless Chromium and checks what a
// reviewer sees against the JSON report of the same scan.
//
//   node tests/browser/report-test.cjs REPORT.html REPORT.json SCREENSHOT.png
//   node tests/browser/report-test.cjs --measure REPORT.html
//
// playwright-core comes from SCALEGATE_BROWSER_MODULES (default
// target/browser-test/node_modules, where .ci/run installs the pinned
// version of tests/browser/package-lock.json); the browser is Debian's
// /usr/bin/chromium (SCALEGATE_CHROMIUM overrides it). Exits non-zero on
// the first failed check.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { pathToFileURL, fileURLToPath } = require("node:url");

const modules = path.resolve(process.env.SCALEGATE_BROWSER_MODULES || "target/browser-test/node_modules");
const { chromium } = require(path.join(modules, "playwright-core"));

async function open(reportPath) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scalegate-chromium-"));
  // The flags keep Chromium from reaching out on its own (the machine
  // running CI has no network, and the test asserts the page makes no
  // request): background networking, component updates, sync, QUIC.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.SCALEGATE_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] || (await context.newPage());
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  const url = pathToFileURL(path.resolve(reportPath)).href;
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { page, url, requests, errors, close };
}

async function rowCount(page) {
  return page.locator("#findings-body tr.finding").count();
}

async function check(reportPath, jsonPath, screenshotPath) {
  const json = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  const { page, url, requests, errors, close } = await open(reportPath);
  try {
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");

    // The counts shown are the JSON report's.
    for (const severity of ["critical", "high", "medium", "low", "info"]) {
      const shown = await page.textContent(`#count-${severity}`);
      assert.equal(Number(shown), json.summary.by_severity[severity], `${severity} count`);
    }
    assert.equal(Number(await page.textContent("#count-suppressed")), json.summary.suppressed, "suppressed count");
    const open = json.findings.filter((f) => !f.suppressed);
    assert.equal(Number(await page.getAttribute("#shown", "data-matching")), open.length, "open findings listed");
    assert.equal(await rowCount(page), Math.min(open.length, 200), "rows drawn");
    const byRule = {};
    for (const f of open) byRule[f.rule_id] = (byRule[f.rule_id] || 0) + 1;
    for (const [rule, n] of Object.entries(byRule)) {
      const cell = page.locator(`#rule-summary tr[data-rule="${rule}"] td[data-open]`);
      assert.equal(Number(await cell.textContent()), n, `open findings of ${rule}`);
    }
    console.log(`counts: ${open.length} open, ${json.summary.suppressed} suppressed, ${Object.keys(byRule).length} rules`);

    // A severity filter hides the other rows, and clearing it shows them again.
    const medium = json.summary.by_severity.medium;
    assert.ok(medium > 0 && medium < open.length, "the example has medium and other findings");
    await page.selectOption("#filter-severity", "medium");
    assert.equal(await rowCount(page), medium, "rows after the severity filter");
    const severities = await page.$$eval("#findings-body tr.finding", (rows) => rows.map((r) => r.dataset.severity));
    assert.deepEqual([...new Set(severities)], ["medium"]);
    await page.selectOption("#filter-severity", "");
    assert.equal(await rowCount(page), open.length, "rows after clearing the filter");
    // A rule filter, chosen from the rule summary.
    const [rule, n] = Object.entries(byRule).find(([, count]) => count < open.length);
    await page.click(`#rule-summary button[data-filter-rule="${rule}"]`);
    assert.equal(await rowCount(page), n, `rows of ${rule}`);
    const rules = await page.$$eval("#findings-body tr.finding", (rows) => rows.map((r) => r.dataset.rule));
    assert.deepEqual([...new Set(rules)], [rule]);
    await page.selectOption("#filter-rule", "");
    // Text search.
    const needle = open[open.length - 1].file;
    await page.fill("#filter-text", needle);
    await page.waitForFunction((want) => document.getElementById("shown").dataset.matching === String(want),
      open.filter((f) => (f.message + "\n" + f.file + "\n" + (f.resource || "")).toLowerCase().includes(needle.toLowerCase())
        || f.rule_id.toLowerCase().includes(needle.toLowerCase())).length);
    await page.click("#filter-reset");
    await page.waitForFunction((want) => document.getElementById("shown").dataset.matching === String(want), open.length);
    console.log("filters: severity, rule and text hide and show rows");

    // Sorting by severity puts the most severe first, twice reverses it.
    await page.click("th button[data-sort=severity]");
    const order = ["critical", "high", "medium", "low", "info"];
    const most = order.find((s) => json.summary.by_severity[s] > 0);
    const least = [...order].reverse().find((s) => json.summary.by_severity[s] > 0);
    assert.equal(await page.getAttribute("#findings-body tr.finding >> nth=0", "data-severity"), most);
    await page.click("th button[data-sort=severity]");
    assert.equal(await page.getAttribute("#findings-body tr.finding >> nth=0", "data-severity"), least);
    await page.click("#filter-reset");
    await page.click("th button[data-sort=location]");

    // Each finding links to its file and line.
    const first = open[0];
    const link = page.locator("#findings-body tr.finding >> nth=0").locator("a");
    assert.equal(await link.textContent(), `${first.file}:${first.start_line}:${first.start_column}`);
    const target = new URL(await link.getAttribute("href"), url);
    assert.equal(target.protocol, "file:");
    assert.equal(target.hash, `#L${first.start_line}`);
    const linked = fileURLToPath(target.href.replace(/#.*/, ""));
    assert.ok(linked.endsWith(path.join(...first.file.split("/"))), `${linked} is ${first.file}`);
    assert.ok(fs.existsSync(linked), `${linked} exists`);
    console.log(`link: ${first.file}:${first.start_line} -> ${target.href}`);

    // Opening a row shows its code frame with the region marked, and the rule's remediation.
    await page.click("#findings-body tr.finding >> nth=0 >> td:nth-child(4)");
    const detail = page.locator("#findings-body tr.detail");
    assert.equal(await detail.count(), 1);
    const frameLine = await detail.locator("pre.frame .hit .ln").first().textContent();
    assert.equal(Number(frameLine), first.start_line, "the frame marks the finding's line");
    assert.ok((await detail.textContent()).includes(first.remediation), "remediation shown");

    // A finding's anchor opens it, even a suppressed one hidden by the default filter.
    const suppressed = json.findings.find((f) => f.suppressed);
    if (suppressed) {
      const anchor = "finding-" + suppressed.fingerprint.slice(0, 16);
      await page.goto(`${url}#${anchor}`);
      await page.waitForSelector(`#${anchor}.open`);
      const text = await page.locator(`#${anchor} + tr.detail`).textContent();
      assert.ok(text.includes(suppressed.suppression.source), "who suppressed it");
      if (suppressed.suppression.reason) assert.ok(text.includes(suppressed.suppression.reason), "why");
      console.log(`anchor: #${anchor} opens the suppressed finding at ${suppressed.file}:${suppressed.start_line}`);
      await page.goto(url);
      await page.waitForSelector("body[data-ready=true]");
    }

    // For the screenshot: a finding opened, with its frame.
    await page.click("#findings-body tr.finding >> nth=1 >> td:nth-child(4)");
    fs.mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });

    // Nothing but the report itself was requested.
    const outside = requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
    assert.deepEqual(outside, [], "requests that leave the page");
    assert.deepEqual(errors, [], "script errors");
    console.log(`requests: ${requests.length}, all file: or data:; screenshot: ${screenshotPath}`);
  } finally {
    await close();
  }
}

// Load time of a large report: from navigation to the table drawn and
// answering (the script's `table-interactive` mark); how long the script
// held the main thread; the longest animation frame (any work that kept
// the page from answering input); and how long a filter and a sort take,
// layout included.
async function measure(reportPath) {
  const { page, url, requests, errors, close } = await open(reportPath);
  try {
    await page.addInitScript(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: "long-animation-frame", buffered: true });
    });
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    const marks = await page.evaluate(() => ({
      ready: performance.getEntriesByName("table-interactive")[0].startTime,
      script: performance.getEntriesByName("table-interactive")[0].startTime
        - performance.getEntriesByName("script-start")[0].startTime,
      loaded: performance.getEntriesByType("navigation")[0].loadEventEnd,
    }));
    const findings = await page.getAttribute("#shown", "data-matching");
    const timed = (action) => page.evaluate((act) => {
      const start = performance.now();
      if (act === "filter") {
        const select = document.getElementById("filter-severity");
        select.value = "medium";
        select.dispatchEvent(new Event("change"));
      } else {
        document.querySelector("th button[data-sort=message]").click();
      }
      void document.body.offsetHeight; // layout
      return performance.now() - start;
    }, action);
    const filter = await timed("filter");
    const sorted = await timed("sort");
    await page.waitForTimeout(500);
    const longest = await page.evaluate(() => window.__longest);
    const outside = requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
    assert.deepEqual(outside, [], "requests that leave the page");
    assert.deepEqual(errors, [], "script errors");
    console.log(JSON.stringify({
      bytes: fs.statSync(reportPath).size,
      open_findings: Number(findings),
      table_interactive_ms: Math.round(marks.ready),
      script_ms: Math.round(marks.script),
      load_event_ms: Math.round(marks.loaded),
      longest_frame_ms: Math.round(longest),
      severity_filter_ms: Math.round(filter),
      sort_ms: Math.round(sorted),
    }));
  } finally {
    await close();
  }
}

const args = process.argv.slice(2);
const run = args[0] === "--measure" ? measure(args[1]) : check(args[0], args[1], args[2]);
run.catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
