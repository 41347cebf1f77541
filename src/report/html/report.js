// Draws the findings table of a scalegate HTML report from the JSON block
// #report-data. Rows are added a page at a time and a code frame is built
// only when its row is opened, so that a report of 10,000 findings answers
// at once. Every text from the scan is set with textContent, never as HTML.
"use strict";
(function () {
  // With `table-interactive` below: how long the script held the page.
  performance.mark("script-start");
  const PAGE = 200;
  const SEVERITIES = ["critical", "high", "medium", "low", "info"];
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const rules = data.rules;
  const findings = data.findings;
  const body = document.getElementById("findings-body");
  const more = document.getElementById("more");
  const shown = document.getElementById("shown");
  const controls = {
    status: document.getElementById("filter-status"),
    severity: document.getElementById("filter-severity"),
    rule: document.getElementById("filter-rule"),
    text: document.getElementById("filter-text"),
  };
  let sort = { key: null, dir: 1 };
  let visible = [];
  let drawn = 0;
  let haystacks = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function severityOf(f) { return rules[f.rule].severity; }
  function at(f) { return f.file + ":" + f.line + ":" + f.column; }
  function link(href, text) {
    if (!href) return el("code", "", text);
    const a = el("a", "mono", text);
    a.href = href;
    return a;
  }

  // The rule filter lists the rules that found something, by id.
  const counted = new Map();
  for (const f of findings) counted.set(f.rule, (counted.get(f.rule) || 0) + 1);
  for (const index of [...counted.keys()].sort((a, b) => a - b)) {
    const option = el("option", "", rules[index].id + " " + rules[index].slug);
    option.value = rules[index].id;
    controls.rule.append(option);
  }

  function matches(f, i, state) {
    if (state.status === "open" && f.suppression) return false;
    if (state.status === "suppressed" && !f.suppression) return false;
    if (state.severity && severityOf(f) !== state.severity) return false;
    if (state.rule && rules[f.rule].id !== state.rule) return false;
    if (state.text) {
      if (!haystacks) {
        haystacks = findings.map((g) => [g.message, g.file, g.resource || "", rules[g.rule].id,
          rules[g.rule].slug, rules[g.rule].title].join("\n").toLowerCase());
      }
      if (!haystacks[i].includes(state.text)) return false;
    }
    return true;
  }

  const compare = {
    severity: (a, b) => SEVERITIES.indexOf(severityOf(a)) - SEVERITIES.indexOf(severityOf(b)),
    rule: (a, b) => cmp(rules[a.rule].id, rules[b.rule].id),
    location: (a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column,
    message: (a, b) => cmp(a.message, b.message),
    resource: (a, b) => cmp(a.resource || "", b.resource || ""),
  };
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function apply() {
    const state = {
      status: controls.status.value,
      severity: controls.severity.value,
      rule: controls.rule.value,
      text: controls.text.value.trim().toLowerCase(),
    };
    visible = [];
    for (let i = 0; i < findings.length; i++) if (matches(findings[i], i, state)) visible.push(i);
    if (sort.key) {
      const by = compare[sort.key];
      // Ties keep the report's order (file, line), whichever the direction.
      visible.sort((a, b) => sort.dir * by(findings[a], findings[b]) || a - b);
    }
    body.replaceChildren();
    drawn = 0;
    drawMore();
  }

  function drawMore() {
    const end = Math.min(visible.length, drawn + PAGE);
    const rows = document.createDocumentFragment();
    for (; drawn < end; drawn++) rows.append(row(visible[drawn]));
    body.append(rows);
    more.hidden = drawn >= visible.length;
    more.textContent = "Show " + Math.min(PAGE, visible.length - drawn) + " more";
    shown.textContent = visible.length === findings.length && controls.status.value === "all"
      ? "Showing " + drawn + " of " + visible.length + " findings"
      : "Showing " + drawn + " of " + visible.length + " matching findings (" + findings.length + " in the report)";
    shown.dataset.matching = String(visible.length);
  }

  function row(i) {
    const f = findings[i];
    const rule = rules[f.rule];
    const tr = el("tr", "finding" + (f.suppression ? " is-suppressed" : ""));
    tr.id = f.anchor;
    tr.dataset.index = String(i);
    tr.dataset.severity = rule.severity;
    tr.dataset.rule = rule.id;
    tr.tabIndex = 0;
    const sev = el("td");
    sev.append(el("span", "sev sev-" + rule.severity, rule.severity));
    const message = el("td", "", f.message);
    if (f.kind === "note") message.append(el("span", "badge note", "note"));
    if (f.suppression) message.append(el("span", "badge", "suppressed (" + f.suppression.kind + ")"));
    const where = el("td");
    where.append(link(f.link, at(f)));
    tr.append(sev, el("td", "mono", rule.id), where, message, el("td", "mono", f.resource || ""));
    return tr;
  }

  function toggle(tr) {
    const next = tr.nextElementSibling;
    if (next && next.classList.contains("detail")) {
      next.remove();
      tr.classList.remove("open");
      return;
    }
    const td = el("td");
    td.colSpan = 5;
    td.append(detail(findings[Number(tr.dataset.index)]));
    const detailRow = el("tr", "detail");
    detailRow.append(td);
    tr.after(detailRow);
    tr.classList.add("open");
  }

  function detail(f) {
    const rule = rules[f.rule];
    const box = el("div", "detail");
    const facts = el("dl");
    const fact = (term, value) => {
      if (value === null || value === undefined || value === "") return;
      facts.append(el("dt", "", term));
      const dd = el("dd");
      if (value instanceof Node) dd.append(value); else dd.textContent = value;
      facts.append(dd);
    };
    fact("Rule", rule.id + (rule.slug ? " (" + rule.slug + ")" : "") + " — " + rule.title);
    fact("Location", link(f.link, at(f)));
    fact("Resource", f.resource);
    if (f.bundle) fact("Concerns", "bundle " + f.bundle + " as a whole (filed at its first line)");
    fact("Render", f.render);
    const anchor = el("a", "mono", "#" + f.anchor);
    anchor.href = "#" + f.anchor;
    fact("Link", anchor);
    fact("Fingerprint", f.fingerprint);
    box.append(facts);
    if (f.frame) box.append(frame(f.frame));
    if (f.related) {
      box.append(el("h3", "", "Related"));
      const list = el("ul");
      for (const r of f.related) {
        const li = el("li");
        li.append(link(r.link, r.file + ":" + r.line + ":" + r.column), " " + r.message);
        list.append(li);
      }
      box.append(list);
    }
    if (f.suppression) {
      const s = f.suppression;
      box.append(el("h3", "", "Suppressed"));
      const dl = el("dl");
      for (const [term, value] of [["By", s.kind + " at " + s.source], ["Reason", s.reason || "no reason given"],
        ["Owner", s.owner], ["Expires", s.expires]]) {
        if (!value) continue;
        dl.append(el("dt", "", term), el("dd", "", value));
      }
      box.append(dl);
    }
    if (rule.description) box.append(el("h3", "", "Why it matters"), el("p", "", rule.description));
    if (rule.remediation) box.append(el("h3", "", "Remediation"), el("p", "", rule.remediation));
    if (rule.help) {
      const p = el("p");
      const a = el("a", "", rule.id + " documentation");
      a.href = rule.help;
      a.rel = "noreferrer";
      p.append(a);
      box.append(p);
    }
    return box;
  }

  // The source lines with the region marked; columns count code points.
  function frame(fr) {
    const pre = el("pre", "frame");
    fr.lines.forEach((text, k) => {
      const n = fr.first + k;
      const line = el("span", n >= fr.start_line && n <= fr.end_line ? "hit" : "");
      line.append(el("span", "ln", n));
      if (n >= fr.start_line && n <= fr.end_line) {
        const chars = Array.from(text);
        const from = n === fr.start_line ? fr.start_column - 1 : 0;
        const to = n === fr.end_line ? Math.max(fr.end_column - 1, from) : chars.length;
        line.append(chars.slice(0, from).join(""), el("mark", "", chars.slice(from, to).join("")),
          chars.slice(to).join(""));
      } else {
        line.append(text);
      }
      pre.append(line, "\n");
    });
    if (fr.omitted) pre.append(el("span", "ln", "…"), " " + fr.omitted + " more lines of the region\n");
    return pre;
  }

  body.addEventListener("click", (event) => {
    if (event.target.closest("a")) return;
    const tr = event.target.closest("tr.finding");
    if (tr) toggle(tr);
  });
  body.addEventListener("keydown", (event) => {
    const tr = event.target.closest("tr.finding");
    if (tr && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      toggle(tr);
    }
  });
  more.addEventListener("click", drawMore);
  if ("IntersectionObserver" in window) {
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && drawn < visible.length) drawMore();
    }, { rootMargin: "400px" }).observe(more);
  }
  for (const name of ["status", "severity", "rule"]) controls[name].addEventListener("change", apply);
  let typing = 0;
  controls.text.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(apply, 150);
  });
  document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("filters").addEventListener("reset", () => setTimeout(apply, 0));
  for (const button of document.querySelectorAll("th button[data-sort]")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      sort = { key, dir: sort.key === key ? -sort.dir : 1 };
      for (const other of document.querySelectorAll("th button[data-sort]")) delete other.dataset.dir;
      button.dataset.dir = sort.dir > 0 ? "asc" : "desc";
      apply();
    });
  }
  // The summary's cards, rules and directories filter the table.
  function focusTable(changes) {
    for (const [name, value] of Object.entries(changes)) controls[name].value = value;
    apply();
    document.getElementById("findings").scrollIntoView();
  }
  for (const b of document.querySelectorAll("[data-filter-severity]")) {
    b.addEventListener("click", () => focusTable({ status: "open", severity: b.dataset.filterSeverity }));
  }
  for (const b of document.querySelectorAll("[data-filter-status]")) {
    b.addEventListener("click", () => focusTable({ status: b.dataset.filterStatus, severity: "" }));
  }
  for (const b of document.querySelectorAll("[data-filter-rule]")) {
    b.addEventListener("click", () => focusTable({ rule: b.dataset.filterRule }));
  }
  for (const b of document.querySelectorAll("[data-filter-text]")) {
    b.addEventListener("click", () => focusTable({ text: b.dataset.filterText }));
  }

  // A link to one finding (#finding-…) shows it, opened, whatever the filters.
  function reveal() {
    const id = decodeURIComponent(location.hash.slice(1));
    const i = findings.findIndex((f) => f.anchor === id);
    if (i < 0) return;
    if (!visible.includes(i)) {
      controls.severity.value = "";
      controls.rule.value = "";
      controls.text.value = "";
      controls.status.value = findings[i].suppression ? "all" : "open";
      apply();
    }
    while (!document.getElementById(id) && drawn < visible.length) drawMore();
    const tr = document.getElementById(id);
    if (!tr) return;
    if (!tr.classList.contains("open")) toggle(tr);
    tr.classList.add("target");
    tr.scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", reveal);
  apply();
  reveal();
  performance.mark("table-interactive");
  document.body.dataset.ready = "true";
})();
