"use strict";
// Renders the any-agent comparison report from the JSON block in the page.
// Everything from a model, a tool or a trace is untrusted: it only ever reaches the page as text
// (textContent / text nodes), never as HTML, and never as an attribute that could run or load.
(() => {
  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const COMPARISON = DATA.comparison;
  const byId = (id) => document.getElementById(id);
  let selected = null;

  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "onclick") node.addEventListener("click", value);
      else if (key === "onchange") node.addEventListener("change", value);
      else if (key === "style") Object.assign(node.style, value);
      else if (key === "title" || key === "value" || key.startsWith("data-") || key.startsWith("aria-") || key === "type") {
        node.setAttribute(key, String(value));
      }
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const asText = (value) => (typeof value === "string" ? value : JSON.stringify(value));
  const shorten = (value, width) => {
    const text = asText(value ?? "").replace(/\s+/g, " ").trim();
    return text.length <= width ? text : text.slice(0, width - 1) + "…";
  };
  const pretty = (value) => {
    if (typeof value === "string") {
      try {
        const parsed = JSON.parse(value);
        if (parsed !== null && typeof parsed === "object") return JSON.stringify(parsed, null, 2);
      } catch (error) {
        return value;
      }
      return value;
    }
    return JSON.stringify(value, null, 2);
  };
  const parseMaybe = (value) => {
    if (typeof value !== "string") return value;
    try { return JSON.parse(value); } catch (error) { return value; }
  };
  const seconds = (value) => (value === null || value === undefined ? "–"
    : value < 1 ? `${(value * 1000).toFixed(0)} ms` : `${value.toFixed(2)} s`);
  // The terminal's rule (any_agent.cli.numbers.format_cost): never a zero that is not zero; two
  // significant digits below a dollar, cents above, "<$0.000001" below a millionth of a dollar.
  const money = (value) => {
    if (value === null || value === undefined) return "unknown";
    if (value === 0) return "$0";
    if (value < 1e-6) return "<$0.000001";
    if (value >= 1) return `$${value.toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2})}`;
    const rounded = Number(value.toPrecision(2));
    const text = rounded.toFixed(Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(rounded)))));
    return `$${text.replace(/(\.\d\d\d*?)0+$/, "$1")}`;  // $0.30, $0.000009 (not $0.0000090)
  };
  // A run that failed, or never started, has no cost to show: "–", not "unknown".
  const costText = (value, failed) => (failed && (value === null || value === undefined) ? "–" : money(value));
  const spanStatus = (span) => (span.status === "ERROR"
    ? `failed${span.status_description ? `: ${span.status_description}` : ""}`
    : "completed");  // OpenTelemetry's UNSET means "no error recorded": the call completed
  const durationTick = (ms) => (ms === 0 ? "0" : ms < 1000 ? `${Number(ms.toPrecision(3))} ms` : `${Number((ms / 1000).toPrecision(3))} s`);
  // Round steps (1, 2 or 5 × 10^k ms) so the axis reads 0, 50 ms, 100 ms… and not 0, 307 ms, 615 ms.
  const tickStep = (scale) => {
    const rough = scale / 4;
    const power = 10 ** Math.floor(Math.log10(rough));
    return [1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= rough) || rough;
  };
  const number = (value) => (value === null || value === undefined ? "–" : String(Math.round(value * 100) / 100));
  const modelLabel = (model) => (COMPARISON.offline ? `${model} (offline)` : model);
  const cellLabel = (cell) => `${cell.framework} · ${modelLabel(cell.model)}`;

  function select(node) {
    if (selected) selected.classList.remove("selected");
    selected = node;
    if (node) node.classList.add("selected");
  }

  function showDetails(title, ...blocks) {
    byId("details-title").textContent = title;
    const body = byId("details-body");
    body.replaceChildren(...blocks.flat(Infinity).filter(Boolean));
    byId("details").classList.add("open");  // a pop-over on narrow screens; always shown on wide ones
    body.scrollTop = 0;
  }

  function closeDetails() {
    byId("details").classList.remove("open");
    select(null);
  }

  function definitions(pairs) {
    const list = h("dl");
    for (const [key, value] of pairs) {
      if (value === undefined || value === null || value === "") continue;
      const long = typeof value !== "number" && (asText(value).length > 60 || asText(value).includes("\n"));
      list.append(h("dt", null, key), h("dd", null, long ? h("pre", null, pretty(value)) : asText(value)));
    }
    return list;
  }

  // --- header ---------------------------------------------------------------------------------
  function renderMeta() {
    const agent = COMPARISON.agent;
    document.title = `any-agent comparison: ${agent.name}`;
    const meta = byId("meta");
    const rows = [
      ["Agent", agent.name + (agent.file ? ` (${agent.file})` : "")],
      ["Prompt", agent.prompt],
      ["Frameworks", COMPARISON.frameworks.join(", ")],
      ["Models", COMPARISON.models.map(modelLabel).join(", ")],
      ["Runs per cell", String(COMPARISON.repeat)],
      ["Started", COMPARISON.started_at],
    ];
    for (const [key, value] of rows) meta.append(h("dt", null, key), h("dd", null, value));
    if (COMPARISON.offline) {
      meta.append(h("dt", null, "Model"), h("dd", null, h("span", { className: "badge offline" },
        "scripted offline model: answers are scripted, the agent machinery is real")));
    }
    const warmed = COMPARISON.cells.length > 0 && COMPARISON.cells.every((cell) => cell.warmed_up);
    meta.append(h("dt", null, "Timings"), h("dd", null, warmed
      ? "one-time imports were done before the first run, so no cell's wall time includes them"
      : "recorded before warm-up existed: the first runs' wall times include one-time imports"));
  }

  function renderSummary() {
    const s = DATA.summary;
    const parts = [h("span", { className: s.cells_ok === s.cells ? "status-ok" : "status-failed" },
      `${s.cells_ok}/${s.cells} ok`)];
    const notStarted = COMPARISON.cells.filter((cell) => cell.runs.length === 0).length;
    const notes = [s.runs !== s.cells - notStarted ? `${s.runs_ok}/${s.runs} runs ok` : "",
      notStarted ? `${notStarted} never started` : ""].filter(Boolean);
    if (notes.length) parts.push(` (${notes.join("; ")})`);
    if (s.reference) {
      const differing = s.differing.filter((item) => item.label !== s.reference);
      parts.push(" · ", s.matching.length
        ? `same trace as ${s.reference}: ${s.matching.join(", ")}`
        : `no run has the same trace as ${s.reference}`);
      if (differing.length) {
        parts.push(" · differs: ", differing.map((item) => `${item.label} (step ${item.step})`).join(", "));
      }
    }
    parts.push(" · fastest: ", s.fastest ? `${s.fastest.label} (${seconds(s.fastest.seconds)})` : "–");
    parts.push(" · cheapest: ", s.cheapest ? `${s.cheapest.label} (${money(s.cheapest.cost)})` : "cost unknown");
    byId("summary").replaceChildren(...parts);
  }

  // --- comparison table ------------------------------------------------------------------------
  function statusText(cell) {
    if (cell.status !== "partial") return cell.status;
    const ok = cell.runs.filter((run) => run.status === "ok").length;
    return `partial ${ok}/${cell.runs.length}`;
  }

  function failureReason(cell) {
    if (cell.error) return cell.error;
    const failed = cell.runs.find((run) => run.status === "failed");
    return failed ? failed.error : null;
  }

  // Wall time as a bar on one scale for every row (the longest run's end), with the range as a whisker.
  function wallTime(summary) {
    const spread = summary.wall_seconds;
    if (!spread) return "–";
    const longest = Math.max(...COMPARISON.cells.map((cell) => (cell.summary.wall_seconds ? cell.summary.wall_seconds.max : 0))) || 1;
    const percent = (value) => `${(value / longest) * 100}%`;
    const ranged = COMPARISON.repeat > 1 && spread.min !== spread.max;
    return h("div", { className: "wall" },
      h("div", { className: "wall-track", "aria-hidden": "true" },
        h("span", { className: "wall-bar", style: { width: percent(spread.median) } }),
        ranged ? h("span", { className: "wall-range", style: { left: percent(spread.min), width: percent(spread.max - spread.min) } }) : null),
      h("span", { className: "wall-text" }, seconds(spread.median),
        ranged ? h("small", { className: "hint" }, ` ${seconds(spread.min)}–${seconds(spread.max)}`) : null));
  }

  function outputCell(cell, index, reason) {
    const summary = cell.summary;
    if (cell.status === "failed") return h("span", { className: "error-text" }, shorten(reason || "failed", 140));
    const same = DATA.same_answer_as[index];
    if (same !== null && same !== undefined) {
      return h("span", { className: "same-as" }, `same as ${COMPARISON.cells[same].framework}`
        + (COMPARISON.models.length > 1 ? ` · ${modelLabel(COMPARISON.cells[same].model)}` : ""));
    }
    return shorten(summary.final_output ?? "", 140);
  }

  function renderTable() {
    const body = byId("comparison").tBodies[0];
    if (COMPARISON.repeat <= 1) byId("comparison").querySelector("thead small").remove();
    COMPARISON.cells.forEach((cell, index) => {
      const summary = cell.summary;
      const reason = failureReason(cell);
      const output = outputCell(cell, index, reason);
      const failed = cell.status === "failed";
      const row = h("tr", { "data-cell": index, onclick: () => { select(row); showCell(index); } },
        h("td", { "data-label": "Framework" }, h("strong", null, cell.framework)),
        h("td", { "data-label": "Model" }, modelLabel(cell.model)),
        h("td", { className: `status status-${cell.status}`, "data-label": "Status" }, statusText(cell)),
        h("td", { className: "output", "data-label": "Final output", title: asText(summary.final_output ?? reason ?? "") }, output),
        h("td", { className: "num", "data-label": "Model calls" }, number(summary.model_calls)),
        h("td", { className: "num", "data-label": "Tool calls" }, number(summary.tool_calls)),
        h("td", { className: "num", "data-label": "In tokens" }, number(summary.input_tokens)),
        h("td", { className: "num", "data-label": "Out tokens" }, number(summary.output_tokens)),
        h("td", { className: "num", "data-label": "Cost" }, costText(summary.cost, failed)),
        h("td", { className: "num time", "data-label": "Wall time" }, wallTime(summary)));
      body.append(row);
    });
  }

  function showCell(index) {
    const cell = COMPARISON.cells[index];
    const blocks = [definitions([
      ["Framework", cell.framework], ["Model", modelLabel(cell.model)], ["Status", statusText(cell)],
    ])];
    if (cell.error) blocks.push(h("h3", null, "Could not build the agent"), h("pre", null, cell.error));
    cell.runs.forEach((run, number_) => {
      blocks.push(h("h3", null, `Run ${number_ + 1}: ${run.status}`));
      blocks.push(definitions([
        ["Model calls", run.model_calls], ["Tool calls", run.tool_calls],
        ["Tokens", `${run.input_tokens} in / ${run.output_tokens} out`],
        ["Cost", costText(run.cost, run.status === "failed")], ["Wall time", seconds(run.wall_seconds)],
      ]));
      if (run.error) blocks.push(h("pre", { className: "error-text" }, run.error));
      if (run.final_output !== null && run.final_output !== undefined) {
        blocks.push(h("pre", null, pretty(run.final_output)));
      }
    });
    showDetails(cellLabel(cell), blocks);
  }

  // --- timelines -------------------------------------------------------------------------------
  function operationClass(span) {
    const operation = span.attributes["gen_ai.operation.name"];
    return ["invoke_agent", "chat", "execute_tool"].includes(operation) ? `op-${operation}` : "op-other";
  }

  function renderTimelines() {
    const scale = DATA.timeline.scale_ms;
    byId("timeline-scale").textContent = `Every run on one time scale: 0 to ${seconds(scale / 1000)}. `
      + "Click a span for its messages, tool arguments and results, and usage.";
    const container = byId("timelines");
    COMPARISON.cells.forEach((cell, cellIndex) => {
      const rows = h("div", { className: "span-rows" });
      const panel = h("div", { className: "run-panel", "data-cell": cellIndex });
      const header = h("header", null, h("h3", null, cellLabel(cell)),
        h("span", { className: `status status-${cell.status}` }, statusText(cell)));
      panel.append(header);
      if (!cell.runs.some((run) => run.trace)) {  // never started, or no trace at all: no empty axis
        panel.classList.add("no-trace");
        panel.append(h("p", { className: "empty" }, `No trace: ${failureReason(cell) || "the run did not start"}`));
        container.append(panel);
        return;
      }
      if (cell.runs.length > 1) {
        const picker = h("select", { "aria-label": "run", onchange: () => drawRun(rows, cellIndex, Number(picker.value)) },
          cell.runs.map((run, index) => h("option", { value: index }, `run ${index + 1} (${run.status})`)));
        header.append(picker);
      }
      panel.append(axis(scale), rows);
      container.append(panel);
      drawRun(rows, cellIndex, 0);
    });
  }

  function axis(scale) {
    const node = h("div", { className: "axis" });
    const step = tickStep(scale);
    for (let tick = 0; tick <= scale * 0.96; tick += step) {
      node.append(h("span", { style: { left: `${(tick / scale) * 100}%` } }, durationTick(tick)));
    }
    return node;
  }

  function drawRun(rows, cellIndex, runIndex) {
    const cell = COMPARISON.cells[cellIndex];
    const run = cell.runs[runIndex];
    const layout = (DATA.timeline.rows[cellIndex] || [])[runIndex];
    if (!run || !run.trace || !layout) {
      rows.replaceChildren(h("p", { className: "empty" }, `No trace: ${failureReason(cell) || "the run did not start"}`));
      return;
    }
    const scale = DATA.timeline.scale_ms || 1;
    rows.replaceChildren(...layout.map((item) => {
      const span = run.trace.spans[item.span];
      const failed = span.status === "ERROR";
      const bar = h("span", {
        className: `bar ${operationClass(span)}${failed ? " status-error" : ""}`,
        style: { left: `${(item.start_ms / scale) * 100}%`, width: `${(item.duration_ms / scale) * 100}%` },
      });
      const row = h("button", {
        type: "button", className: "span-row", "data-span": item.span,
        title: `${span.name}: ${seconds(item.duration_ms / 1000)}`,
        onclick: () => { select(row); showSpan(cellIndex, runIndex, item.span); },
      },
      h("span", { className: "span-label", style: { paddingLeft: `${item.depth * 12}px` } }, span.name),
      h("span", { className: "span-track" }, bar));
      return row;
    }));
  }

  function messageBlocks(value) {
    const messages = parseMaybe(value);
    if (!Array.isArray(messages)) return [h("pre", null, pretty(value))];
    return messages.map((message) => {
      if (message.role === undefined && message.type === "text") {  // system instructions are bare parts
        return h("div", { className: "message" }, h("pre", null, asText(message.content ?? "")));
      }
      const parts = Array.isArray(message.parts) ? message.parts : [];
      const role = String(message.role ?? message.type ?? "");
      return h("div", { className: `message role-${role.replace(/[^a-z_]/gi, "")}` },
        h("div", { className: "role" }, role || "instructions"),
        parts.length === 0 && message.content !== undefined ? h("pre", null, pretty(message.content)) : null,
        parts.map((part) => {
          if (part.type === "text") return h("pre", null, asText(part.content ?? ""));
          if (part.type === "tool_call") return h("pre", null, `call ${part.name}(${asText(part.arguments ?? {})})`);
          if (part.type === "tool_call_response") return h("pre", null, `result: ${asText(part.response ?? "")}`);
          return h("pre", null, pretty(part));
        }));
    });
  }

  const SHOWN = new Set([
    "gen_ai.operation.name", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "any_agent.usage.cost",
    "gen_ai.response.finish_reasons", "gen_ai.request.model", "gen_ai.response.model", "gen_ai.tool.name",
    "gen_ai.tool.call.id", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "gen_ai.system_instructions",
    "gen_ai.input.messages", "gen_ai.output.messages",
  ]);

  function showSpan(cellIndex, runIndex, spanIndex) {
    const cell = COMPARISON.cells[cellIndex];
    const trace = cell.runs[runIndex].trace;
    const span = trace.spans[spanIndex];
    const a = span.attributes;
    const root = trace.spans[0];
    const blocks = [h("p", { className: "hint" }, `${cellLabel(cell)}, run ${runIndex + 1}`), definitions([
      ["Operation", a["gen_ai.operation.name"] || "(framework span)"],
      ["Status", spanStatus(span)],
      ["Starts at", seconds((span.start_ns - root.start_ns) / 1e9)],
      ["Duration", seconds((span.end_ns - span.start_ns) / 1e9)],
    ])];
    if (a["gen_ai.usage.input_tokens"] !== undefined || a["gen_ai.request.model"] !== undefined) {
      blocks.push(h("h3", null, "Usage"), definitions([
        ["Model", a["gen_ai.response.model"] ?? a["gen_ai.request.model"]],
        ["Input tokens", a["gen_ai.usage.input_tokens"]], ["Output tokens", a["gen_ai.usage.output_tokens"]],
        ["Cost", a["any_agent.usage.cost"] === undefined ? "unknown" : money(Number(a["any_agent.usage.cost"]))],
        ["Finish reasons", a["gen_ai.response.finish_reasons"]],
      ]));
    }
    if (a["gen_ai.tool.name"] !== undefined) {
      blocks.push(h("h3", null, "Tool call"), definitions([["Tool", a["gen_ai.tool.name"]], ["Call id", a["gen_ai.tool.call.id"]]]));
      blocks.push(h("h3", null, "Arguments"), h("pre", { className: "tool-arguments" }, pretty(a["gen_ai.tool.call.arguments"] ?? "")));
      blocks.push(h("h3", null, "Result"), h("pre", { className: "tool-result" }, pretty(a["gen_ai.tool.call.result"] ?? "")));
    }
    for (const [key, title] of [["gen_ai.system_instructions", "System instructions"],
      ["gen_ai.input.messages", "Input messages"], ["gen_ai.output.messages", "Output messages"]]) {
      if (a[key] !== undefined) blocks.push(h("h3", null, title), messageBlocks(a[key]));
    }
    const rest = Object.entries(a).filter(([key]) => !SHOWN.has(key));
    if (rest.length) blocks.push(h("h3", null, "Other attributes"), definitions(rest));
    if (span.events.length) {
      blocks.push(h("h3", null, "Events"), span.events.map((event) => h("div", null,
        h("strong", null, event.name), definitions(Object.entries(event.attributes)))));
    }
    showDetails(span.name, blocks);
  }

  // --- divergence ------------------------------------------------------------------------------
  function stepSummary(step) {
    if (step.operation === "chat") {
      const calls = (step.tool_calls || []).map((call) => `${call.name}(${shorten(call.arguments ?? {}, 40)})`);
      const said = step.output ? `“${shorten(step.output, 80)}”` : "";
      return calls.length ? `model → ${calls.join(", ")}` : `model: ${said || "(empty)"}`;
    }
    if (step.operation === "execute_tool") {
      return `${step.name.replace(/^execute_tool /, "tool ")}(${shorten(step.arguments ?? {}, 40)}) → ${shorten(step.result ?? "", 60)}`;
    }
    return `${step.name}: ${step.status}`;
  }

  function renderDivergence() {
    const view = DATA.divergence;
    const table = byId("divergence");
    const hint = byId("divergence-hint");
    if (view.columns.length < 2) {
      hint.textContent = "Divergence needs at least two runs with a trace.";
      return;
    }
    const reference = view.columns[view.reference];
    hint.textContent = `Normalized steps of each cell's first run, aligned with ${reference.label} (the reference) `
      + "by operation and tool. Green: same as the reference; orange: differs; red: a step the reference does not "
      + "have; hatched: no such step. The first difference of each run is marked. A step every run has alike "
      + "is shown once, across all columns.";
    table.append(h("thead", null, h("tr", null, h("th", null, "Step"),
      view.columns.map((column, index) => h("th", null, column.label + (index === view.reference ? " (reference)" : ""))))));
    const body = h("tbody");
    view.rows.forEach((row, rowIndex) => {
      const tr = h("tr", { "data-row": rowIndex }, h("td", { className: "step-index" }, String(rowIndex)));
      if (view.same_everywhere[rowIndex]) {  // one cell across every column: nothing to compare here
        const slot = row[view.reference];
        const td = h("td", {
          className: "same collapsed", "data-kind": "same",
          onclick: () => { select(td); showStep(rowIndex, view.reference); },
        }, stepSummary(slot.step), h("span", { className: "same-tag" }, `same in all ${row.length}`));
        td.colSpan = row.length;
        tr.append(td);
        body.append(tr);
        return;
      }
      row.forEach((slot, columnIndex) => {
        const first = view.first[columnIndex] === rowIndex;
        if (slot === null) {
          tr.append(h("td", { className: `gap${first ? " first" : ""}` }, "—", first ? h("span", { className: "tag" }, "first difference") : null));
          return;
        }
        const kind = slot.extra ? "extra" : slot.differs.length ? "differs" : "same";
        const td = h("td", {
          className: `${kind}${first ? " first" : ""}`, "data-kind": kind,
          onclick: () => { select(td); showStep(rowIndex, columnIndex); },
        }, stepSummary(slot.step), first ? h("span", { className: "tag" }, "first difference") : null);
        tr.append(td);
      });
      body.append(tr);
    });
    table.append(body);
  }

  function showStep(rowIndex, columnIndex) {
    const view = DATA.divergence;
    const slot = view.rows[rowIndex][columnIndex];
    const base = view.rows[rowIndex][view.reference];
    const column = view.columns[columnIndex];
    const blocks = [definitions([
      ["Run", column.label], ["Step", `${slot.index} of this run`],
      ["Compared with", base && columnIndex !== view.reference ? view.columns[view.reference].label : null],
      ["Differs in", slot.extra ? "the reference has no such step" : slot.differs.join(", ") || "nothing"],
    ])];
    blocks.push(h("h3", null, "This step"), h("pre", null, JSON.stringify(slot.step, null, 2)));
    if (base && columnIndex !== view.reference) {
      blocks.push(h("h3", null, "Reference step"), h("pre", null, JSON.stringify(base.step, null, 2)));
    }
    showDetails(`Step ${rowIndex}: ${column.label}`, blocks);
  }

  byId("details-close").addEventListener("click", closeDetails);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeDetails(); });
  renderMeta();
  renderSummary();
  renderTable();
  renderTimelines();
  renderDivergence();
})();
