"use strict";
// The evaluation view: every text goes in through text nodes, never as HTML.
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function pct(rate) { return rate === null || rate === undefined ? "-" : Math.round(rate * 100) + "%"; }
  function secs(value) { return value === null || value === undefined ? "-" : value.toFixed(2) + " s"; }
  function money(value) { return value === null || value === undefined ? "?" : "$" + value.toFixed(6); }
  function rateClass(rate) { return rate === 1 ? "status-ok" : rate === 0 ? "status-failed" : "status-partial"; }
  const columns = [];
  data.frameworks.forEach(function (f) { data.models.forEach(function (m) { columns.push([f, m]); }); });
  const label = function (c) { return data.models.length > 1 ? c[0] + " · " + c[1] : c[0]; };

  document.getElementById("summary").textContent =
    data.agent + ": " + data.cases.length + " case(s) × " + columns.length + " framework/model cell(s) × " +
    data.repeats + " repeat(s), " + data.runs.filter(function (r) { return r.passed; }).length + "/" +
    data.runs.length + " runs passed, executor " + data.executor + (data.offline ? " (offline, scripted model)" : "");

  const overall = document.getElementById("overall");
  const head = el("tr");
  ["Framework", "Model", "Pass rate", "Passed", "Median", "p95", "Tokens in/out", "Cost"].forEach(function (h) {
    head.appendChild(el("th", h));
  });
  overall.appendChild(head);
  data.matrix.forEach(function (row) {
    const tr = el("tr");
    tr.appendChild(el("td", row.framework));
    tr.appendChild(el("td", row.model));
    tr.appendChild(el("td", pct(row.pass_rate), rateClass(row.pass_rate)));
    tr.appendChild(el("td", row.passed + "/" + (data.runs.filter(function (r) {
      return r.framework === row.framework && r.model === row.model; }).length)));
    tr.appendChild(el("td", secs(row.latency && row.latency.median)));
    tr.appendChild(el("td", secs(row.latency && row.latency.p95)));
    tr.appendChild(el("td", row.input_tokens + "/" + row.output_tokens));
    tr.appendChild(el("td", money(row.cost)));
    overall.appendChild(tr);
  });

  const matrix = document.getElementById("matrix");
  const top = el("tr");
  top.appendChild(el("th", "Case"));
  columns.forEach(function (c) { top.appendChild(el("th", label(c))); });
  matrix.appendChild(top);
  const cells = {};
  data.cells.forEach(function (cell) { cells[cell.case_id + "\u0000" + cell.framework + "\u0000" + cell.model] = cell; });
  data.cases.forEach(function (item) {
    const tr = el("tr");
    const name = el("td", item.id);
    name.title = item.input;
    tr.appendChild(name);
    columns.forEach(function (c) {
      const cell = cells[item.id + "\u0000" + c[0] + "\u0000" + c[1]];
      const td = el("td", pct(cell.pass_rate), "cell " + rateClass(cell.pass_rate));
      td.tabIndex = 0;
      td.setAttribute("data-case", item.id);
      td.addEventListener("click", function () { show(item, c); });
      td.addEventListener("keydown", function (e) { if (e.key === "Enter") show(item, c); });
      tr.appendChild(td);
    });
    matrix.appendChild(tr);
  });

  function show(item, c) {
    document.getElementById("details-title").textContent = item.id + " · " + label(c);
    const body = document.getElementById("details-body");
    body.replaceChildren();
    body.appendChild(el("p", item.input, "hint"));
    data.runs.filter(function (r) {
      return r.case_id === item.id && r.framework === c[0] && r.model === c[1];
    }).forEach(function (run) {
      const box = el("div", null, "run");
      box.appendChild(el("h3", "Run " + (run.repeat + 1) + ": " + (run.passed ? "passed" : "failed") +
        " · " + secs(run.run.wall_seconds) + (run.attempts > 1 ? " · attempts " + run.attempts : ""),
        run.passed ? "status-ok" : "status-failed"));
      if (run.run.error) box.appendChild(el("p", run.run.error, "status-failed"));
      const list = el("ul");
      run.checks.forEach(function (check) {
        list.appendChild(el("li", (check.passed ? "✓ " : "✗ ") + check.kind + ": " + check.reason,
          check.passed ? "status-ok" : "status-failed"));
      });
      box.appendChild(list);
      box.appendChild(el("pre", typeof run.run.final_output === "string" ? run.run.final_output :
        JSON.stringify(run.run.final_output, null, 2)));
      if (run.run.trace && run.run.trace.spans.length) {
        const trace = el("details");
        trace.appendChild(el("summary", "Trace: " + run.run.trace.spans.length + " spans"));
        const spans = el("ol", null, "spans");
        const start = run.run.trace.spans[0].start_ns;
        run.run.trace.spans.forEach(function (span) {
          const li = el("li", span.name + "  +" + ((span.start_ns - start) / 1e6).toFixed(1) + " ms, " +
            ((span.end_ns - span.start_ns) / 1e6).toFixed(1) + " ms" + (span.status === "ERROR" ? "  ERROR" : ""));
          const attrs = el("pre", JSON.stringify(span.attributes, null, 1), "attributes");
          li.appendChild(attrs);
          spans.appendChild(li);
        });
        trace.appendChild(spans);
        box.appendChild(trace);
      }
      body.appendChild(box);
    });
  }
})();
