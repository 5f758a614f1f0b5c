// AgentHost dashboard: plain ES module, no framework, no build step.
//
// Implementation notes: the page holds one model per run, folded from the run's events
// (sequence 1 on, from the SSE stream; a reconnect sends Last-Event-ID, so nothing is missed
// or repeated). Events are queued as they arrive and applied once per animation frame, then
// the visible view is drawn once. The graph and the timeline are canvases that draw only
// what is on screen; the agent list and the event log are virtualized (only visible rows
// exist in the DOM). The server lays the graph out (columns = the plan's groups). Replay
// (?at=SEQ) folds the same events up to SEQ; nothing is executed.

const ROW = 24, EROW = 22, TROW = 22;
const NODE_W = 196, NODE_H = 42, COL_GAP = 70, ROW_GAP = 12, PAD = 28, COLLAPSE_ABOVE = 40;
const COLORS = {
  waiting: "#a3acb9", running: "#2f7de1", completed: "#2e9e5b", failed: "#d64545", skipped: "#c99a1a",
};
// Opaque tints, so edges that pass behind a node do not show through it.
const TINTS = {
  waiting: "#f3f4f6", running: "#e4eefc", completed: "#e3f3e9", failed: "#fbe6e6", skipped: "#f8f0da",
};
const metrics = (window.__agenthost = { applied: 0, latencies: [], firstPaint: null, frames: 0 });

// MARK: - Helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options = {}) {
  const init = { credentials: "same-origin", ...options, headers: { Accept: "application/json", ...(options.headers || {}) } };
  if (options.body !== undefined) {
    init.method = init.method || "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch("/api/v1" + path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    const message = json && json.error ? `${json.error.message} (code ${json.error.code})` : `${response.status} ${text}`;
    throw new Error(message);
  }
  return json;
}

function seconds(value) {
  if (value === null || value === undefined || !isFinite(value)) return "—";
  if (value < 0) value = 0;
  if (value < 1) return Math.round(value * 1000) + " ms";
  if (value < 10) return value.toFixed(1) + " s";
  if (value < 90) return Math.round(value) + " s";
  if (value < 5400) return Math.floor(value / 60) + " min " + String(Math.round(value % 60)).padStart(2, "0") + " s";
  return Math.floor(value / 3600) + " h " + String(Math.round((value % 3600) / 60)).padStart(2, "0") + " min";
}

function clock(timestamp) {
  if (!timestamp) return "—";
  const date = new Date(timestamp * 1000);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

const now = () => Date.now() / 1000;

function navigate(path) {
  history.pushState(null, "", path);
  route();
}

let frameQueued = false;
const frameTasks = new Set();
function onFrame(task) {
  frameTasks.add(task);
  if (frameQueued) return;
  frameQueued = true;
  requestAnimationFrame(() => {
    frameQueued = false;
    const tasks = [...frameTasks];
    frameTasks.clear();
    for (const t of tasks) t();
    metrics.frames++;
  });
}

// MARK: - Virtual list

/// A scrolling list that keeps only the visible rows in the DOM.
class VirtualList {
  constructor(container, rowHeight, renderRow) {
    this.container = container;
    this.rowHeight = rowHeight;
    this.renderRow = renderRow;
    this.items = [];
    this.box = el("div", { class: "spacer-box" });
    container.append(this.box);
    container.addEventListener("scroll", () => onFrame(() => this.draw()));
    new ResizeObserver(() => onFrame(() => this.draw())).observe(container);
  }
  setItems(items) {
    this.items = items;
    this.box.style.height = items.length * this.rowHeight + "px";
    this.draw();
  }
  atBottom() {
    const c = this.container;
    return c.scrollTop + c.clientHeight >= c.scrollHeight - this.rowHeight * 2;
  }
  scrollToBottom() { this.container.scrollTop = this.container.scrollHeight; }
  reveal(index) {
    const top = index * this.rowHeight, c = this.container;
    if (top < c.scrollTop) c.scrollTop = top;
    else if (top + this.rowHeight > c.scrollTop + c.clientHeight) c.scrollTop = top + this.rowHeight - c.clientHeight;
  }
  draw() {
    const c = this.container;
    const first = Math.max(0, Math.floor(c.scrollTop / this.rowHeight) - 5);
    const last = Math.min(this.items.length, Math.ceil((c.scrollTop + c.clientHeight) / this.rowHeight) + 5);
    const rows = [];
    for (let i = first; i < last; i++) {
      const row = this.renderRow(this.items[i], i);
      row.style.top = i * this.rowHeight + "px";
      rows.push(row);
    }
    this.box.replaceChildren(...rows);
  }
}

// MARK: - Canvas

/// A canvas that fills a scroller's visible area, over a spacer of the content's size.
class Viewport {
  constructor(scroller, draw) {
    this.scroller = scroller;
    this.canvas = el("canvas");
    this.spacer = el("div");
    scroller.append(this.canvas, this.spacer);
    this.drawContent = draw;
    scroller.addEventListener("scroll", () => onFrame(() => this.draw()));
    new ResizeObserver(() => onFrame(() => this.draw())).observe(scroller);
  }
  setSize(width, height) {
    this.width = width;
    this.height = height;
  }
  draw() {
    const s = this.scroller;
    const w = s.clientWidth, h = s.clientHeight;
    if (!w || !h) return;
    // The canvas covers the visible area (sticky); the spacer below it makes up the rest.
    this.spacer.style.width = (this.width || 0) + "px";
    this.spacer.style.height = Math.max(0, (this.height || 0) - h) + "px";
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * ratio) || this.canvas.height !== Math.round(h * ratio)) {
      this.canvas.width = Math.round(w * ratio);
      this.canvas.height = Math.round(h * ratio);
      this.canvas.style.width = w + "px";
      this.canvas.style.height = h + "px";
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.save();
    ctx.translate(-s.scrollLeft, -s.scrollTop);
    this.drawContent(ctx, { x: s.scrollLeft, y: s.scrollTop, w, h });
    ctx.restore();
  }
  point(event) {
    const r = this.canvas.getBoundingClientRect();
    return { x: event.clientX - r.left + this.scroller.scrollLeft, y: event.clientY - r.top + this.scroller.scrollTop };
  }
}

// MARK: - Run model

/// One run folded from its events.
class RunModel {
  constructor(id, layout) {
    this.id = id;
    this.layout = layout;
    this.events = [];
    this.plannedCritical = new Set(layout.critical_path || []);
    this.agents = layout.agents.map((a, i) => ({
      name: a.name, i, column: a.column, row: a.row, group: a.group, est: a.estimate_seconds || 0,
      planSlack: a.slack, deps: [], dependents: [],
    }));
    this.byName = new Map(this.agents.map((a) => [a.name, a]));
    for (const [from, to] of layout.edges) {
      this.agents[to].deps.push(from);
      this.agents[from].dependents.push(to);
    }
    this.topo = this.topologicalOrder();
    this.reset();
  }
  topologicalOrder() {
    const indegree = this.agents.map((a) => a.deps.length), order = [], queue = [];
    indegree.forEach((d, i) => { if (d === 0) queue.push(i); });
    while (queue.length) {
      const i = queue.pop();
      order.push(i);
      for (const j of this.agents[i].dependents) if (--indegree[j] === 0) queue.push(j);
    }
    return order.length === this.agents.length ? order : this.agents.map((a) => a.i);
  }
  reset() {
    this.state = "pending"; this.startedAt = null; this.finishedAt = null; this.lastSeq = 0; this.message = null;
    this.pausedAt = null;
    for (const a of this.agents) {
      a.state = "waiting"; a.attempts = []; a.progress = null; a.logs = []; a.message = null;
      a.critical = this.plannedCritical.has(a.name); a.became = false; a.slack = a.planSlack;
    }
  }
  /// Shows the status snapshot before the events are in (a first paint without the history).
  seed(status) {
    const info = status.execution_info || {};
    this.state = status.state; this.startedAt = info.started_at || null; this.finishedAt = info.finished_at || null;
    this.lastTimestamp = info.finished_at || null; this.message = info.message || null;
    for (const [name, r] of Object.entries(status.agents || {})) {
      const a = this.agent(name);
      a.state = r.state; a.progress = r.progress === undefined ? null : r.progress; a.message = r.message || null;
      a.attempts = r.started_at ? [{ n: r.attempts || 1, start: r.started_at, end: r.finished_at || null,
        outcome: r.finished_at ? r.state : "running" }] : [];
    }
  }
  agent(name) {
    let a = this.byName.get(name);
    if (!a && name) {
      // An agent the plan gained while running (replan, alternative): a column of its own.
      const column = Math.max(0, ...this.agents.map((x) => x.column)) + 1;
      a = { name, i: this.agents.length, column, row: 0, group: column, est: 0, deps: [], dependents: [],
        state: "waiting", attempts: [], logs: [], critical: false, became: false, slack: 0 };
      this.agents.push(a);
      this.byName.set(name, a);
      this.topo.push(a.i);
      this.grew = true;
    }
    return a;
  }
  /// Folds one event; false when it was already seen.
  apply(e) {
    if (e.sequence <= this.lastSeq) return false;
    this.lastSeq = e.sequence;
    const a = e.agent ? this.agent(e.agent) : null;
    const last = a && a.attempts[a.attempts.length - 1];
    switch (e.type) {
      case "workflow.started":
        this.state = "running"; this.startedAt = this.startedAt || e.timestamp; this.finishedAt = null;
        for (const name of (e.data && e.data.completed) || []) {
          const done = this.agent(name);
          if (done) { done.state = "completed"; done.progress = 1; }
        }
        if (e.data && e.data.estimates) for (const [name, est] of Object.entries(e.data.estimates)) {
          const x = this.byName.get(name);
          if (x && typeof est === "number") x.est = est;
        }
        break;
      case "agent.started":
        a.state = "running"; a.progress = 0;
        a.attempts.push({ n: e.attempt || a.attempts.length + 1, start: e.timestamp, end: null, outcome: "running" });
        break;
      case "agent.progress": a.progress = e.progress; break;
      case "agent.log": a.logs.push(e); break;
      case "agent.retrying":
        a.state = "waiting"; a.message = e.message;
        if (last && last.end === null) { last.end = e.timestamp; last.outcome = "retrying"; last.error = e.message; }
        break;
      case "agent.completed":
        a.state = "completed"; a.progress = 1; a.message = null;
        if (last && last.end === null) { last.end = e.timestamp; last.outcome = "completed"; }
        break;
      case "agent.failed":
        a.state = "failed"; a.message = e.message;
        if (last && last.end === null) { last.end = e.timestamp; last.outcome = "failed"; last.error = e.message; }
        break;
      case "agent.skipped": a.state = "skipped"; a.message = e.message; a.skippedAt = e.timestamp; break;
      case "workflow.paused": this.state = "paused"; break;
      case "workflow.resumed": this.state = "running"; break;
      case "workflow.retried":
        // A new attempt of a failed or cancelled workflow: the named agents run again.
        this.state = "pending"; this.finishedAt = null; this.message = e.message;
        for (const name of (e.data && e.data.agents) || []) {
          const x = this.byName.get(name);
          if (x) { x.state = "waiting"; x.progress = null; x.message = null; x.skippedAt = null; }
        }
        break;
      case "workflow.interrupted":
        this.state = "interrupted"; this.message = e.message;
        for (const x of this.agents) if (x.state === "running") {
          x.state = "waiting";
          const open = x.attempts[x.attempts.length - 1];
          if (open && open.end === null) { open.end = e.timestamp; open.outcome = "interrupted"; }
        }
        break;
      case "workflow.completed": case "workflow.failed": case "workflow.cancelled":
        this.state = e.type.split(".")[1]; this.finishedAt = e.timestamp; this.message = e.message;
        for (const x of this.agents) {
          const open = x.attempts[x.attempts.length - 1];
          if (open && open.end === null) { open.end = e.timestamp; open.outcome = "cancelled"; }
        }
        break;
    }
    return true;
  }
  /// The moment the run is shown at: now while it runs, else its last event.
  get time() {
    if (this.finishedAt) return this.finishedAt;
    if (this.replayTime) return this.replayTime;
    if (this.state === "running" || this.state === "paused") return Math.max(now(), this.lastTimestamp || 0);
    return this.lastTimestamp || now();
  }
  counts() {
    const c = { waiting: 0, running: 0, completed: 0, failed: 0, skipped: 0 };
    for (const a of this.agents) c[a.state]++;
    return c;
  }
  /// Live critical path and slack: actual times where known, learned estimates elsewhere.
  schedule() {
    const t0 = this.startedAt || this.time, nowRel = this.time - t0, live = this.state === "running";
    const n = this.agents.length, es = new Float64Array(n), ef = new Float64Array(n);
    for (const i of this.topo) {
      const a = this.agents[i];
      let start = 0;
      for (const d of a.deps) start = Math.max(start, ef[d]);
      const first = a.attempts[0], last = a.attempts[a.attempts.length - 1];
      if (first) start = first.start - t0;
      else if (live && a.state === "waiting") start = Math.max(start, nowRel);
      let end;
      if (a.state === "completed" || a.state === "failed") end = (last && last.end ? last.end - t0 : start);
      else if (a.state === "skipped") end = start;
      else if (a.state === "running") end = Math.max(nowRel, start + a.est);
      else end = start + a.est;
      es[i] = start; ef[i] = Math.max(start, end);
    }
    let finish = 0;
    for (let i = 0; i < n; i++) finish = Math.max(finish, ef[i]);
    const lf = new Float64Array(n).fill(finish);
    for (let k = this.topo.length - 1; k >= 0; k--) {
      const i = this.topo[k], a = this.agents[i];
      for (const j of a.dependents) lf[i] = Math.min(lf[i], lf[j] - (ef[j] - es[j]));
    }
    // Scheduling gaps of a few milliseconds between an agent and the next are no slack.
    const epsilon = Math.max(0.05, finish * 0.01);
    for (let i = 0; i < n; i++) {
      const a = this.agents[i];
      a.slack = Math.max(0, lf[i] - ef[i]);
      a.critical = a.slack <= epsilon && a.state !== "skipped";
      a.became = a.critical && !this.plannedCritical.has(a.name) && this.startedAt !== null;
      a.es = es[i]; a.ef = ef[i];
    }
    this.projectedEnd = t0 + finish;
    this.eta = this.finishedAt ? 0 : Math.max(0, finish - nowRel);
  }
  durationOf(a) {
    const first = a.attempts[0], last = a.attempts[a.attempts.length - 1];
    if (!first) return null;
    return (last.end || this.time) - first.start;
  }
}

// MARK: - Runs list

function runsPage(app) {
  document.title = "AgentHost — runs";
  crumb("runs");
  const runs = new Map();
  let selected = 0;
  const filter = el("select", { id: "state-filter", "aria-label": "Filter by state" },
    ["all", "running", "paused", "completed", "failed", "cancelled", "interrupted", "pending"].map((s) => el("option", { value: s, text: s })));
  const search = el("input", { id: "runs-search", type: "search", placeholder: "Filter by id or title ( / )" });
  const body = el("tbody");
  const table = el("table", { class: "list", id: "runs" },
    el("thead", {}, el("tr", {}, ["Run", "Title", "State", "Progress", "Started", "Elapsed", "ETA"].map((t) => el("th", { text: t })))),
    body);
  const empty = el("div", { class: "empty", text: "No runs yet. Start one with “Start a run”, or `agenthost run REQUEST` in a terminal." });
  app.replaceChildren(
    el("div", { class: "toolbar" }, el("h1", { text: "Runs" }), filter, search, el("span", { class: "muted", id: "runs-count" })),
    el("div", { class: "runs" }, table, empty));
  const visible = () => [...runs.values()]
    .filter((r) => filter.value === "all" || r.state === filter.value)
    .filter((r) => !search.value || (r.id + " " + (r.title || "")).toLowerCase().includes(search.value.toLowerCase()))
    .sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
  function render() {
    const list = visible();
    selected = Math.min(selected, Math.max(0, list.length - 1));
    empty.hidden = runs.size > 0;
    table.hidden = runs.size === 0;
    document.getElementById("runs-count").textContent = `${list.length} of ${runs.size}`;
    body.replaceChildren(...list.map((r, index) => {
      const total = (r.counts && r.counts.total) || 0;
      const p = r.progress_percentage || 0;
      const end = r.finished_at || ((r.state === "running" || r.state === "paused") ? now() : (r.heartbeat_at || r.started_at));
      const elapsed = r.started_at ? end - r.started_at : null;
      const eta = r.state === "running" && p > 0 && elapsed ? elapsed * (100 - p) / p : null;
      return el("tr", { "data-workflow": r.id, "data-state": r.state, "aria-selected": index === selected ? "true" : "false",
          onclick: () => navigate("/runs/" + r.id) },
        el("td", {}, el("a", { href: "/runs/" + r.id, "data-link": true, class: "mono", text: r.id })),
        el("td", { class: "title", text: r.title || "—" }),
        el("td", {}, el("span", { class: "badge", "data-state": r.state, text: r.state })),
        el("td", {}, el("span", { class: "progress" }, progressBar(p)), ` ${Math.round(p)} %`,
          el("span", { class: "muted", text: total ? ` · ${r.counts.completed || 0}/${total}` : "" })),
        el("td", { text: clock(r.started_at || r.created_at) }),
        el("td", { text: seconds(elapsed) }),
        el("td", { text: eta === null ? "—" : seconds(eta) }));
    }));
  }
  filter.addEventListener("change", () => onFrame(render));
  search.addEventListener("input", () => onFrame(render));
  const source = new EventSource("/api/v1/events");
  setConn("reconnecting");
  source.addEventListener("open", () => setConn("live"));
  source.addEventListener("error", () => setConn("reconnecting"));
  source.addEventListener("snapshot", (m) => {
    runs.clear();
    for (const r of JSON.parse(m.data).workflows) runs.set(r.id, r);
    onFrame(render);
  });
  source.addEventListener("workflow", (m) => {
    const r = JSON.parse(m.data);
    runs.set(r.id, r);
    onFrame(render);
  });
  const ticker = setInterval(() => onFrame(render), 1000);
  keys = (e) => {
    const list = visible();
    if (e.key === "j") { selected = Math.min(list.length - 1, selected + 1); onFrame(render); }
    else if (e.key === "k") { selected = Math.max(0, selected - 1); onFrame(render); }
    else if (e.key === "Enter" && list[selected]) navigate("/runs/" + list[selected].id);
    else if (e.key === "/") { e.preventDefault(); search.focus(); }
    else return false;
    return true;
  };
  return () => { source.close(); clearInterval(ticker); };
}

function progressBar(percent) {
  const bar = el("span");
  bar.style.width = Math.max(0, Math.min(100, percent)) + "%";
  return bar;
}

// MARK: - Run view

async function runPage(app, id, agentName) {
  crumb(id);
  document.title = "AgentHost — " + id;
  app.replaceChildren(el("div", { class: "empty", text: "Loading " + id + " …" }));
  let layout, status;
  try {
    [layout, status] = await Promise.all([api(`/workflows/${encodeURIComponent(id)}/layout`),
      api(`/workflows/${encodeURIComponent(id)}`)]);
  } catch (error) {
    app.replaceChildren(el("div", { class: "empty error", text: error.message }));
    return () => {};
  }
  const health = await api("/health").catch(() => ({ read_only: false }));
  const run = new RunModel(id, layout);
  const params = new URLSearchParams(location.search);
  let at = params.has("at") ? Math.max(1, parseInt(params.get("at"), 10) || 1) : null;
  // Until the stream has replayed what the snapshot covers, the snapshot is what is shown.
  const snapshotSequence = (status.execution_info && status.execution_info.last_sequence) || 0;
  let seeded = at === null && snapshotSequence > 0;
  if (seeded) run.seed(status);
  let view = params.get("view") || "graph";
  let selected = agentName ? (run.byName.get(agentName) || { i: 0 }).i : 0;
  let drawerOpen = Boolean(agentName);
  const collapsed = new Set();
  const columnSizes = new Map();
  for (const a of run.agents) columnSizes.set(a.column, (columnSizes.get(a.column) || 0) + 1);
  for (const [column, size] of columnSizes) if (size > COLLAPSE_ABOVE) collapsed.add(column);

  // Header, controls, replay bar.
  const title = layout.title || id;
  const badge = el("span", { class: "badge", id: "run-state", "data-state": "pending", text: "pending" });
  const summary = el("div", { class: "summary", id: "run-summary" });
  const pause = el("button", { id: "pause", type: "button", text: "Pause", onclick: () => control("pause") });
  const resume = el("button", { id: "resume", type: "button", text: "Resume", onclick: () => control("resume") });
  const cancel = el("button", { id: "cancel", type: "button", text: "Cancel…", onclick: () => confirmCancel() });
  const retry = el("button", { id: "retry", type: "button", text: "Retry", title: "Run the failed, cancelled and skipped agents again; completed outputs are kept",
    onclick: async () => { if (await control("retry", { reason: "retried from the dashboard" })) route(); } });
  const replayButton = el("button", { id: "replay-toggle", type: "button", text: "Replay", onclick: () => setAt(at === null ? 1 : null) });
  const controls = health.read_only ? [el("span", { class: "muted", text: "read-only" })] : [pause, resume, cancel, retry];
  const range = el("input", { type: "range", id: "scrubber", min: "1", max: "1", value: "1", "aria-label": "Replay position" });
  const rangeLabel = el("span", { class: "mono", id: "scrubber-label" });
  const replayBar = el("div", { class: "replay", id: "replay-bar", hidden: true },
    el("b", { text: "Replay" }), el("button", { type: "button", text: "◀", title: "[", onclick: () => setAt(Math.max(1, (at || 1) - 1)) }),
    range, el("button", { type: "button", text: "▶", title: "]", onclick: () => setAt(Math.min(run.events.length, (at || 0) + 1)) }),
    rangeLabel, el("button", { type: "button", text: "Back to live", onclick: () => setAt(null) }));
  range.addEventListener("input", () => setAt(parseInt(range.value, 10)));

  // Panels.
  const agentFilter = el("input", { id: "agent-filter", type: "search", placeholder: "Filter agents ( / )" });
  const agentScroll = el("div", { class: "vlist", id: "agents" });
  const tabs = ["graph", "timeline", "events"].map((name) => el("button", { type: "button", "data-view": name,
    text: { graph: "Graph (g)", timeline: "Timeline (t)", events: "Event log (e)" }[name], onclick: () => setView(name) }));
  const graphView = el("div", { class: "view", id: "graph-view" });
  const graphScroll = el("div", { class: "scroller", id: "graph" });
  graphView.append(graphScroll, el("div", { class: "legend" },
    Object.entries(COLORS).map(([state, color]) => { const i = el("i"); i.style.background = color; return el("span", {}, i, state); }),
    (() => { const i = el("i"); i.style.background = "#e8590c"; return el("span", {}, i, "critical path"); })()));
  const timelineView = el("div", { class: "view", id: "timeline-view", hidden: true });
  const timelineScroll = el("div", { class: "scroller", id: "timeline" });
  timelineView.append(timelineScroll);
  const eventAgent = el("input", { id: "event-agent", type: "search", placeholder: "agent" });
  const eventType = el("select", { id: "event-type" }, ["all types", "workflow.", "agent.started", "agent.completed",
    "agent.failed", "agent.retrying", "agent.skipped", "agent.log", "agent.progress", "plan.resequenced"].map((t) => el("option", { value: t, text: t })));
  const eventScroll = el("div", { class: "vlist", id: "events" });
  const eventsView = el("div", { class: "view events-view", id: "events-view", hidden: true },
    el("div", { class: "events-filters" }, eventAgent, eventType, el("span", { class: "muted", id: "events-count" })), eventScroll);
  const drawer = el("aside", { class: "drawer", id: "drawer", hidden: true });

  app.replaceChildren(
    el("div", { class: "toolbar" }, el("h1", { text: title }), el("span", { class: "mono muted", text: id }), badge,
      summary, el("span", { class: "spacer" }), ...controls, replayButton),
    replayBar,
    el("div", { class: "run", id: "run", "data-workflow": id },
      el("section", { class: "agents-panel" }, agentFilter, agentScroll),
      el("section", { class: "center" }, el("div", { class: "tabs", role: "tablist" }, tabs), graphView, timelineView, eventsView),
      drawer));

  // Lists.
  const filteredAgents = () => {
    const text = agentFilter.value.trim().toLowerCase();
    return text ? run.agents.filter((a) => a.name.toLowerCase().includes(text)) : run.agents;
  };
  const agentList = new VirtualList(agentScroll, ROW, (a) => el("div", {
      class: "vrow", "data-agent": a.name, "data-state": a.state, "aria-selected": a.i === selected ? "true" : "false",
      onclick: () => select(a.i, true) },
    el("span", { class: "dot" }), el("span", { class: "name", text: a.name }),
    a.became ? el("span", { class: "flag", title: "became critical", text: "⚑" }) : null,
    el("span", { class: "dur", text: agentTime(a) })));
  const visibleEvents = () => {
    const who = eventAgent.value.trim().toLowerCase(), type = eventType.value;
    const upto = at === null ? run.events : run.events.slice(0, at);
    if (!who && type === "all types") return upto;
    return upto.filter((e) => (!who || (e.agent || "").toLowerCase().includes(who)) && (type === "all types" || e.type.startsWith(type)));
  };
  const eventList = new VirtualList(eventScroll, EROW, (e) => el("div", {
      class: "erow", "data-seq": e.sequence, "data-type": e.type, onclick: () => e.agent && select(run.byName.get(e.agent).i, true) },
    el("span", { class: "mono muted", text: "#" + e.sequence }),
    el("span", { class: "muted", text: "+" + seconds(e.timestamp - (run.events[0] ? run.events[0].timestamp : e.timestamp)) }),
    el("span", { class: "type", "data-type": e.type, text: e.type }),
    el("span", { class: "mono", text: e.agent ? e.agent + (e.attempt > 1 ? ` (#${e.attempt})` : "") : "" }),
    el("span", { class: "msg", text: e.message || (e.progress !== undefined && e.progress !== null ? Math.round(e.progress * 100) + " %" : "") })));
  agentFilter.addEventListener("input", () => { agentList.setItems(filteredAgents()); dirty.timeline = true; onFrame(paint); });
  eventAgent.addEventListener("input", () => { eventList.setItems(visibleEvents()); });
  eventType.addEventListener("change", () => { eventList.setItems(visibleEvents()); });

  // Graph.
  const nodeX = (column) => PAD + column * (NODE_W + COL_GAP);
  const nodeY = (row) => PAD + 22 + row * (NODE_H + ROW_GAP);
  let edgeList = [], rows = new Map();
  function relayout() {
    rows = new Map();
    for (const a of run.agents) rows.set(a.column, Math.max(rows.get(a.column) || 0, collapsed.has(a.column) ? 1 : a.row + 1));
    const seen = new Set();
    edgeList = [];
    for (const a of run.agents) for (const d of a.deps) {
      const from = run.agents[d];
      const key = (collapsed.has(from.column) ? "c" + from.column : from.i) + ">" + (collapsed.has(a.column) ? "c" + a.column : a.i);
      if (seen.has(key)) continue;
      seen.add(key);
      edgeList.push([from, a]);
    }
    const columns = Math.max(0, ...run.agents.map((a) => a.column)) + 1;
    graph.setSize(PAD * 2 + columns * (NODE_W + COL_GAP), nodeY(Math.max(1, ...rows.values())) + PAD);
  }
  const pos = (a) => collapsed.has(a.column) ? { x: nodeX(a.column), y: nodeY(0) } : { x: nodeX(a.column), y: nodeY(a.row) };
  const graph = new Viewport(graphScroll, (ctx, v) => {
    const t = performance.now();
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    // Parallel groups: one frame per column.
    for (const [column, count] of rows) {
      const x = nodeX(column) - 10;
      if (x > v.x + v.w || x + NODE_W + 20 < v.x) continue;
      ctx.strokeStyle = "#dde1e6"; ctx.fillStyle = "#fafbfc"; ctx.lineWidth = 1;
      roundRect(ctx, x, PAD - 4, NODE_W + 20, nodeY(count) - PAD - ROW_GAP + 14, 8); ctx.fill(); ctx.stroke();
      ctx.fillStyle = "#667085";
      ctx.fillText(`group ${column + 1} · ${columnSizes.get(column) || 0}`, x + 8, PAD + 8);
    }
    // Edges: one path for all, one for the critical ones.
    const normal = new Path2D(), critical = new Path2D();
    for (const [from, to] of edgeList) {
      const p = pos(from), q = pos(to);
      const x1 = p.x + NODE_W, y1 = p.y + NODE_H / 2, x2 = q.x, y2 = q.y + NODE_H / 2;
      if (Math.max(x1, x2) < v.x || Math.min(x1, x2) > v.x + v.w || Math.max(y1, y2) < v.y || Math.min(y1, y2) > v.y + v.h) continue;
      const path = from.critical && to.critical && !collapsed.has(to.column) ? critical : normal;
      path.moveTo(x1, y1);
      path.bezierCurveTo(x1 + COL_GAP / 2, y1, x2 - COL_GAP / 2, y2, x2, y2);
    }
    ctx.lineWidth = 1.2; ctx.strokeStyle = "#b8c0cc"; ctx.stroke(normal);
    ctx.lineWidth = 2.5; ctx.strokeStyle = "#e8590c"; ctx.stroke(critical);
    // Nodes on screen.
    const firstColumn = Math.floor((v.x - PAD) / (NODE_W + COL_GAP)) - 1, lastColumn = Math.ceil((v.x + v.w) / (NODE_W + COL_GAP)) + 1;
    const firstRow = Math.floor((v.y - PAD - 22) / (NODE_H + ROW_GAP)) - 1, lastRow = Math.ceil((v.y + v.h) / (NODE_H + ROW_GAP)) + 1;
    const clusters = new Map();
    for (const a of run.agents) {
      if (a.column < firstColumn || a.column > lastColumn) continue;
      if (collapsed.has(a.column)) {
        const c = clusters.get(a.column) || { waiting: 0, running: 0, completed: 0, failed: 0, skipped: 0, total: 0, critical: false };
        c[a.state]++; c.total++; c.critical = c.critical || a.critical;
        clusters.set(a.column, c);
        continue;
      }
      if (a.row < firstRow || a.row > lastRow) continue;
      drawNode(ctx, a, nodeX(a.column), nodeY(a.row), t);
    }
    for (const [column, c] of clusters) drawCluster(ctx, c, nodeX(column), nodeY(0));
  });
  function drawNode(ctx, a, x, y, t) {
    const color = COLORS[a.state] || COLORS.waiting;
    ctx.fillStyle = TINTS[a.state] || TINTS.waiting;
    ctx.strokeStyle = a.i === selected ? "#111827" : color;
    ctx.lineWidth = a.i === selected ? 2.5 : 1.5;
    if (a.state === "running") ctx.lineWidth = 2 + Math.abs(Math.sin(t / 300)) * 1.5;
    roundRect(ctx, x, y, NODE_W, NODE_H, 7); ctx.fill(); ctx.stroke();
    ctx.fillStyle = color; ctx.fillRect(x + 1, y + 1, 5, NODE_H - 2);
    if (a.critical) { ctx.fillStyle = "#e8590c"; ctx.fillRect(x + NODE_W - 6, y + 1, 5, NODE_H - 2); }
    ctx.fillStyle = "#1d2330"; ctx.font = "600 12px system-ui, sans-serif";
    ctx.fillText(clip(ctx, (a.became ? "⚑ " : "") + a.name, NODE_W - 22), x + 12, y + 14);
    ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#667085";
    ctx.fillText(clip(ctx, nodeLine(a), NODE_W - 22), x + 12, y + 30);
    if (a.state === "running" && a.progress) {
      ctx.fillStyle = color; ctx.fillRect(x + 6, y + NODE_H - 4, (NODE_W - 12) * Math.min(1, a.progress), 3);
    }
  }
  function drawCluster(ctx, c, x, y) {
    ctx.fillStyle = "#eef2f7"; ctx.strokeStyle = c.critical ? "#e8590c" : "#94a3b8"; ctx.lineWidth = 1.5;
    roundRect(ctx, x, y, NODE_W, NODE_H, 7); ctx.fill(); ctx.stroke();
    let offset = 0;
    for (const state of ["completed", "running", "failed", "skipped"]) {
      const width = (NODE_W - 12) * (c[state] / c.total);
      ctx.fillStyle = COLORS[state]; ctx.fillRect(x + 6 + offset, y + NODE_H - 7, width, 4); offset += width;
    }
    ctx.fillStyle = "#1d2330"; ctx.font = "600 12px system-ui, sans-serif";
    ctx.fillText(`${c.total} agents ▸`, x + 10, y + 13);
    ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#667085";
    ctx.fillText(clip(ctx, `${c.completed} done, ${c.running} running${c.failed ? ", " + c.failed + " failed" : ""}`, NODE_W - 16), x + 10, y + 27);
  }
  graph.canvas.addEventListener("click", (event) => {
    const p = graph.point(event);
    const column = Math.floor((p.x - PAD) / (NODE_W + COL_GAP));
    if (p.x - PAD - column * (NODE_W + COL_GAP) > NODE_W) return;
    if (collapsed.has(column)) {
      if (p.y >= nodeY(0) && p.y <= nodeY(0) + NODE_H) { collapsed.delete(column); relayout(); onFrame(() => graph.draw()); }
      return;
    }
    const row = Math.floor((p.y - PAD - 22) / (NODE_H + ROW_GAP));
    if (p.y - nodeY(row) > NODE_H) return;
    const hit = run.agents.find((a) => a.column === column && a.row === row);
    if (hit) select(hit.i, true);
  });
  graph.canvas.addEventListener("dblclick", (event) => {
    const p = graph.point(event);
    const column = Math.floor((p.x - PAD) / (NODE_W + COL_GAP));
    if ((columnSizes.get(column) || 0) > COLLAPSE_ABOVE && !collapsed.has(column)) { collapsed.add(column); relayout(); onFrame(() => graph.draw()); }
  });

  // Timeline.
  const LABEL_W = 190;
  const timeline = new Viewport(timelineScroll, (ctx, v) => {
    const list = filteredAgents();
    const t0 = run.startedAt || (run.events[0] && run.events[0].timestamp) || now();
    const span = Math.max(1, (run.projectedEnd || run.time) - t0, run.time - t0);
    const scale = (Math.max(200, timelineScroll.clientWidth - LABEL_W - 30)) / span;
    const x = (time) => LABEL_W + (time - t0) * scale;
    ctx.font = "11px system-ui, sans-serif"; ctx.textBaseline = "middle";
    // Axis.
    ctx.fillStyle = "#667085";
    const step = niceStep(span / 8);
    for (let s = 0; s <= span; s += step) {
      ctx.fillStyle = "#eef0f3"; ctx.fillRect(x(t0 + s), v.y, 1, v.h);
      ctx.fillStyle = "#667085"; ctx.fillText("+" + seconds(s), x(t0 + s) + 3, v.y + 10);
    }
    const first = Math.max(0, Math.floor((v.y - 24) / TROW) - 1), last = Math.min(list.length, Math.ceil((v.y + v.h) / TROW) + 1);
    for (let k = first; k < last; k++) {
      const a = list[k], y = 24 + k * TROW;
      if (a.i === selected) { ctx.fillStyle = "#e0ecff"; ctx.fillRect(v.x, y, v.w, TROW); }
      ctx.fillStyle = "#1d2330"; ctx.fillText(clip(ctx, (a.critical ? "● " : "") + a.name, LABEL_W - 16), v.x + 8, y + TROW / 2);
      // Wait between "dependencies done" and "started".
      const ready = readyAt(a, t0);
      const start = a.attempts[0] ? a.attempts[0].start : null;
      if (ready !== null && (start || run.state === "running")) {
        const until = start || run.time;
        if (until > ready) { ctx.fillStyle = "#c7ccd4"; ctx.fillRect(x(ready), y + TROW / 2 - 1, (until - ready) * scale, 2); }
      }
      // Estimate as an outline from where it starts (or would start).
      const estStart = start || (a.es !== undefined ? t0 + a.es : ready || t0);
      ctx.setLineDash([3, 3]); ctx.strokeStyle = "#8b95a5"; ctx.lineWidth = 1;
      ctx.strokeRect(x(estStart), y + 4, Math.max(1, a.est * scale), TROW - 8); ctx.setLineDash([]);
      // One bar per attempt.
      for (const attempt of a.attempts) {
        const end = attempt.end || run.time;
        const color = attempt.outcome === "running" ? COLORS.running : attempt.outcome === "completed" ? COLORS.completed
          : attempt.outcome === "retrying" ? COLORS.skipped : COLORS.failed;
        ctx.fillStyle = color;
        ctx.fillRect(x(attempt.start), y + 6, Math.max(2, (end - attempt.start) * scale), TROW - 12);
      }
      if (a.critical) { ctx.fillStyle = "#e8590c"; ctx.fillRect(LABEL_W - 6, y + 5, 3, TROW - 10); }
    }
    // Now.
    if (!run.finishedAt) {
      ctx.fillStyle = "#d64545"; ctx.fillRect(x(run.time), v.y, 1.5, v.h);
      ctx.fillText(at === null ? "now" : "#" + at, x(run.time) + 4, v.y + v.h - 10);
    }
    timeline.canvas.dataset.bars = String(list.reduce((n, a) => n + a.attempts.length, 0));
  });
  timeline.canvas.addEventListener("click", (event) => {
    const p = timeline.point(event), k = Math.floor((p.y - 24) / TROW), list = filteredAgents();
    if (list[k]) select(list[k].i, true);
  });
  function readyAt(a, t0) {
    let ready = t0;
    for (const d of a.deps) {
      const dep = run.agents[d];
      if (!["completed", "failed", "skipped"].includes(dep.state)) return null;
      const end = dep.attempts.length ? dep.attempts[dep.attempts.length - 1].end : dep.skippedAt;
      ready = Math.max(ready, end || t0);
    }
    return ready;
  }

  // Drawer.
  let artifactList = null;
  async function renderDrawer() {
    const a = run.agents[selected];
    drawer.hidden = !drawerOpen || !a;
    if (drawer.hidden) return;
    const actual = run.durationOf(a);
    drawer.replaceChildren(
      el("h2", {}, el("span", { class: "mono", text: a.name }), el("button", { type: "button", text: "✕", title: "Esc", onclick: () => { drawerOpen = false; renderDrawer(); } })),
      el("div", { "data-agent-drawer": a.name },
        el("span", { class: "badge", "data-state": a.state, text: a.state }),
        a.critical ? el("span", { class: "flag", text: a.became ? "  ⚑ became critical" : "  on the critical path" }) : null),
      el("div", { class: "kv" },
        el("span", { class: "muted", text: "estimate" }), el("span", { text: seconds(a.est) }),
        el("span", { class: "muted", text: "actual" }), el("span", { text: actual === null ? "—" : seconds(actual) + (a.state === "running" ? " so far" : "") }),
        el("span", { class: "muted", text: "slack" }), el("span", { text: seconds(a.slack) }),
        el("span", { class: "muted", text: "group" }), el("span", { text: String(a.column + 1) })),
      el("h3", { text: "Depends on" }), chips(a.deps), el("h3", { text: "Needed by" }), chips(a.dependents),
      el("h3", { text: `Attempts (${a.attempts.length})` }),
      a.attempts.length ? el("table", {}, el("tr", {}, ["#", "started", "took", "outcome"].map((t) => el("th", { text: t }))),
        a.attempts.map((x) => [el("tr", {}, el("td", { text: x.n }), el("td", { text: clock(x.start) }),
          el("td", { text: seconds((x.end || run.time) - x.start) }), el("td", { text: x.outcome })),
          x.error ? el("tr", {}, el("td", { colspan: "4", class: "error", text: x.error })) : null]))
        : el("p", { class: "muted", text: a.message || "Not started yet." }),
      el("h3", { text: `Log (${a.logs.length})` }),
      a.logs.length ? el("pre", { id: "drawer-log", text: a.logs.slice(-200).map((l) => `[${(l.data && l.data.level) || "info"}] ${l.message}`).join("\n") }) : el("p", { class: "muted", text: "No log lines." }),
      el("h3", { text: "Output" }), el("pre", { id: "drawer-output", text: "…" }),
      el("h3", { text: "Artifacts of this run" }), el("div", { id: "drawer-artifacts", class: "chips" }));
    const name = a.name;
    api(`/workflows/${encodeURIComponent(id)}/agents/${encodeURIComponent(name)}`).then((result) => {
      const out = document.getElementById("drawer-output");
      if (out && run.agents[selected].name === name) out.textContent = result.output ? JSON.stringify(result.output, null, 2) : "No output committed yet.";
    }).catch((error) => { const out = document.getElementById("drawer-output"); if (out) out.textContent = error.message; });
    artifactList = artifactList || api(`/workflows/${encodeURIComponent(id)}/artifacts`).catch(() => ({ files: [] }));
    artifactList.then((list) => {
      const box = document.getElementById("drawer-artifacts");
      if (!box) return;
      const files = list.files.slice().sort((x, y) => (y.path.includes(name) ? 1 : 0) - (x.path.includes(name) ? 1 : 0)).slice(0, 50);
      box.replaceChildren(...(files.length ? files.map((f) => el("a", { href: f.url, target: "_blank", rel: "noopener", text: `${f.path} (${f.bytes} B)` }))
        : [el("span", { class: "muted", text: "None." })]));
    });
  }
  const chips = (indices) => indices.length ? el("div", { class: "chips" }, indices.map((i) => el("a", { href: "#", text: run.agents[i].name,
    onclick: (e) => { e.preventDefault(); select(i, true); } }))) : el("p", { class: "muted", text: "none" });

  // State changes.
  const dirty = { graph: true, timeline: true, events: true, agents: true, header: true, drawer: true };
  function select(index, open) {
    if (index === undefined || index === null || !run.agents[index]) return;
    selected = index;
    if (open) drawerOpen = true;
    const list = filteredAgents(), k = list.indexOf(run.agents[index]);
    if (k >= 0) agentList.reveal(k);
    const a = run.agents[index];
    if (view === "graph" && !collapsed.has(a.column)) {
      const x = nodeX(a.column), y = nodeY(a.row);
      const s = graphScroll;
      if (x < s.scrollLeft || x + NODE_W > s.scrollLeft + s.clientWidth) s.scrollLeft = x - 40;
      if (y < s.scrollTop || y + NODE_H > s.scrollTop + s.clientHeight) s.scrollTop = y - 40;
    }
    const path = `/runs/${id}` + (drawerOpen ? `/agents/${encodeURIComponent(a.name)}` : "") + (at !== null ? `?at=${at}` : "");
    history.replaceState(null, "", path);
    Object.assign(dirty, { graph: true, timeline: true, agents: true, drawer: true });
    onFrame(paint);
  }
  function setView(name) {
    view = name;
    for (const tab of tabs) tab.setAttribute("aria-selected", tab.dataset.view === name ? "true" : "false");
    graphView.hidden = name !== "graph"; timelineView.hidden = name !== "timeline"; eventsView.hidden = name !== "events";
    Object.assign(dirty, { graph: true, timeline: true, events: true });
    onFrame(paint);
  }
  function setAt(value) {
    at = value === null ? null : Math.max(1, Math.min(run.events.length || 1, value));
    replayBar.hidden = at === null;
    rebuild();
    const path = location.pathname + (at !== null ? `?at=${at}` : "");
    history.replaceState(null, "", path);
  }
  function rebuild() {
    run.reset();
    const upto = at === null ? run.events.length : at;
    const events = run.events;
    run.events = [];
    for (let k = 0; k < events.length; k++) { if (k < upto) run.apply(events[k]); run.events.push(events[k]); }
    run.replayTime = at !== null && events[upto - 1] ? events[upto - 1].timestamp : null;
    run.lastTimestamp = events.length ? events[upto - 1 < events.length ? Math.max(0, upto - 1) : events.length - 1].timestamp : null;
    Object.assign(dirty, { graph: true, timeline: true, events: true, agents: true, header: true, drawer: true });
    onFrame(paint);
  }
  /// POSTs a control action; true when the server accepted it.
  async function control(action, body) {
    try {
      await api(`/workflows/${encodeURIComponent(id)}/${action}`, { body: body || {} });
      return true;
    } catch (error) {
      alert(`Could not ${action} ${id}: ${error.message}`);
      return false;
    }
  }
  function confirmCancel() {
    const dialog = document.getElementById("confirm-dialog");
    document.getElementById("confirm-title").textContent = `Cancel workflow ${id}?`;
    document.getElementById("confirm-text").textContent =
      `“${title}” (${id}) stops: running agents are told to stop and nothing new starts. This cannot be undone.`;
    dialog.onclose = () => { if (dialog.returnValue === "yes") control("cancel", { reason: "cancelled from the dashboard" }); };
    dialog.showModal();
  }

  let lastSchedule = 0, firstPainted = false;
  function paint() {
    const t = performance.now();
    if (t - lastSchedule > 200 || dirty.header) { run.schedule(); lastSchedule = t; dirty.agents = true; }
    if (run.grew) { run.grew = false; relayout(); }
    if (dirty.header) {
      const c = run.counts(), total = run.agents.length;
      badge.dataset.state = run.state; badge.textContent = run.state;
      const elapsed = run.startedAt ? run.time - run.startedAt : null;
      summary.replaceChildren(
        el("span", {}, el("span", { class: "progress" }, progressBar(total ? 100 * c.completed / total : 0))),
        el("span", { id: "counts", "data-completed": c.completed, "data-total": total }, el("b", { text: `${c.completed}/${total}` }), " done",
          c.running ? `, ${c.running} running` : "", c.failed ? `, ${c.failed} failed` : "", c.skipped ? `, ${c.skipped} skipped` : ""),
        el("span", {}, "elapsed ", el("b", { text: seconds(elapsed) })),
        el("span", { title: "From learned durations and the live critical path" }, "ETA ", el("b", { id: "eta", text: run.finishedAt ? "done" : seconds(run.eta) })),
        el("span", { class: "muted", id: "last-seq", "data-seq": run.lastSeq, text: `#${at === null ? run.lastSeq : at}` }),
        "");
      badge.title = run.message || "";
      const live = run.state === "running" || run.state === "paused";
      pause.disabled = at !== null || run.state !== "running";
      resume.disabled = at !== null || !(run.state === "paused" || run.state === "interrupted");
      cancel.disabled = at !== null || !(live || run.state === "interrupted" || run.state === "pending");
      retry.disabled = at !== null || !(run.state === "failed" || run.state === "cancelled");
      range.max = String(Math.max(1, run.events.length));
      range.value = String(at === null ? run.events.length : at);
      rangeLabel.textContent = `#${at === null ? run.events.length : at} of ${run.events.length}`;
      dirty.header = false;
    }
    if (dirty.agents) { agentList.setItems(filteredAgents()); dirty.agents = false; }
    if (view === "graph" && dirty.graph) { graph.draw(); dirty.graph = false; }
    if (view === "timeline" && dirty.timeline) {
      timeline.setSize(timelineScroll.clientWidth, 24 + filteredAgents().length * TROW + 30);
      timeline.draw();
      dirty.timeline = false;
    }
    if (view === "events" && dirty.events) {
      const follow = eventList.atBottom();
      eventList.setItems(visibleEvents());
      document.getElementById("events-count").textContent = `${run.events.length} events`;
      if (follow) eventList.scrollToBottom();
      dirty.events = false;
    }
    if (dirty.drawer) { renderDrawer(); dirty.drawer = false; }
    document.getElementById("run").dataset.lastSeq = String(run.lastSeq);
    if (!firstPainted && (streamCaughtUp || seeded)) {
      firstPainted = true;
      metrics.firstPaint = performance.now();
    }
    // Keep running agents animated and the now line moving.
    if (run.state === "running" && at === null) setTimeout(() => { Object.assign(dirty, { graph: true, timeline: true, header: true }); onFrame(paint); }, 250);
  }

  // Events: queued as they arrive, applied once per frame.
  let pending = [], streamCaughtUp = false;
  function applyPending() {
    const batch = pending;
    pending = [];
    let changed = false;
    for (const e of batch) {
      if (e.sequence !== run.events.length + 1) continue;
      run.events.push(e);
      if (seeded) continue;
      run.lastTimestamp = e.timestamp;
      // In a replay, only what happened up to the scrubber's position is folded.
      if (at === null || e.sequence <= at) changed = run.apply(e) || changed;
      if (at !== null && e.sequence === at) run.replayTime = e.timestamp;
    }
    metrics.applied += batch.length;
    if (seeded && run.events.length >= snapshotSequence) {
      // The history is in: fold it, and fold each event as it comes from now on.
      seeded = false;
      streamCaughtUp = true;
      rebuild();
      return;
    }
    Object.assign(dirty, { graph: changed, timeline: changed, events: true, agents: changed, header: true, drawer: changed && drawerOpen });
    paint();
    const shown = Date.now();
    if (streamCaughtUp) for (const e of batch) metrics.latencies.push(shown - e.timestamp * 1000);
    if (metrics.latencies.length > 50000) metrics.latencies.splice(0, 25000);
  }
  const source = new EventSource(`/api/v1/workflows/${encodeURIComponent(id)}/events`);
  setConn("reconnecting");
  const onMessage = (message) => {
    const e = JSON.parse(message.data);
    pending.push(e);
    onFrame(applyPending);
  };
  // After the last terminal event (a retried run has earlier ones) the server says `end`.
  source.addEventListener("end", () => { source.close(); setConn(at === null ? "ended" : "replay"); streamCaughtUp = true; });
  for (const type of ["workflow.started", "agent.started", "agent.progress", "agent.log", "agent.completed", "agent.failed",
    "agent.retrying", "agent.skipped", "plan.resequenced", "workflow.paused", "workflow.resumed", "workflow.cancelled",
    "workflow.completed", "workflow.failed", "workflow.interrupted", "workflow.retried"]) source.addEventListener(type, onMessage);
  source.addEventListener("open", () => { setConn(at === null ? "live" : "replay"); });
  source.addEventListener("error", () => { if (source.readyState !== EventSource.CLOSED) setConn("reconnecting"); });
  // Without a snapshot (a run that has not started, a replay), the stream replays the stored
  // events at once; once it goes quiet, what is shown is caught up.
  const caughtUp = setInterval(() => {
    if (!pending.length && !seeded) { streamCaughtUp = true; clearInterval(caughtUp); onFrame(paint); }
  }, 100);

  relayout();
  setView(view);
  if (at !== null) { replayBar.hidden = false; }
  keys = (e) => {
    const list = filteredAgents(), k = list.indexOf(run.agents[selected]);
    if (e.key === "j") select((list[Math.min(list.length - 1, k + 1)] || list[0]).i, false);
    else if (e.key === "k") select((list[Math.max(0, k - 1)] || list[0]).i, false);
    else if (e.key === "Enter") select(selected, true);
    else if (e.key === "g") setView("graph");
    else if (e.key === "t") setView("timeline");
    else if (e.key === "e") setView("events");
    else if (e.key === "/") { e.preventDefault(); (view === "events" ? eventAgent : agentFilter).focus(); }
    else if (e.key === "[") setAt(Math.max(1, (at === null ? run.events.length : at) - 1));
    else if (e.key === "]") setAt(at === null ? null : at + 1 > run.events.length ? null : at + 1);
    else if (e.key === "l") setAt(null);
    else if (e.key === "Escape" && drawerOpen) { drawerOpen = false; dirty.drawer = true; onFrame(paint); }
    else return false;
    return true;
  };
  return () => { source.close(); clearInterval(caughtUp); };
}

// MARK: - Drawing helpers

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.moveTo(x + r, y); ctx.arcTo(x + w, y, x + w, y + h, r); ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r); ctx.arcTo(x, y, x + w, y, r); ctx.closePath();
}

const clipCache = new Map();
function clip(ctx, text, width) {
  const key = ctx.font + "|" + width + "|" + text;
  let value = clipCache.get(key);
  if (value !== undefined) return value;
  value = text;
  if (ctx.measureText(text).width > width) {
    let low = 0, high = text.length;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (ctx.measureText(text.slice(0, mid) + "…").width <= width) low = mid; else high = mid - 1;
    }
    value = text.slice(0, low) + "…";
  }
  if (clipCache.size > 50000) clipCache.clear();
  clipCache.set(key, value);
  return value;
}

function niceStep(raw) {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  return steps.find((s) => s >= raw) || 3600 * Math.ceil(raw / 3600);
}

function agentTime(a) {
  const first = a.attempts && a.attempts[0], last = a.attempts && a.attempts[a.attempts.length - 1];
  if (!first) return "~" + seconds(a.est);
  const end = last.end || now();
  return seconds(end - first.start) + (a.state === "running" ? "…" : "");
}

function nodeLine(a) {
  const first = a.attempts[0], last = a.attempts[a.attempts.length - 1];
  const retries = a.attempts.length > 1 ? ` · ${a.attempts.length} attempts` : "";
  if (!first) return `${a.state} · est ${seconds(a.est)}` + (a.slack > 0.05 ? ` · slack ${seconds(a.slack)}` : "");
  const took = (last.end || now()) - first.start;
  if (a.state === "running") return `▶ ${seconds(took)} of ~${seconds(a.est)}` + retries;
  return `${a.state === "completed" ? "✓" : a.state} ${seconds(took)} · est ${seconds(a.est)}` + retries;
}

// MARK: - Shell: routing, keyboard, start dialog

let teardown = () => {};
let keys = () => false;

function setConn(state) { document.getElementById("conn").dataset.conn = state; }
function crumb(text) { document.getElementById("crumb").textContent = text === "runs" ? "" : "/ " + text; }

async function route() {
  teardown();
  teardown = () => {};
  keys = () => false;
  const app = document.getElementById("app");
  const match = location.pathname.match(/^\/runs\/([^/]+)(?:\/agents\/([^/]+))?\/?$/);
  if (match) teardown = await runPage(app, decodeURIComponent(match[1]), match[2] ? decodeURIComponent(match[2]) : null);
  else { setConn("idle"); teardown = runsPage(app); }
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", route);

document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select") || event.altKey || event.metaKey || event.ctrlKey) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  if (document.querySelector("dialog[open]")) return;
  if (event.key === "?") { document.getElementById("help").showModal(); event.preventDefault(); return; }
  if (event.key === "n") { openStart(); event.preventDefault(); return; }
  if (keys(event)) event.preventDefault();
});

function openStart() {
  document.getElementById("start-error").textContent = "";
  document.getElementById("start-dialog").showModal();
  document.getElementById("start-request").focus();
}
document.getElementById("new-run").addEventListener("click", openStart);
document.getElementById("help-button").addEventListener("click", () => document.getElementById("help").showModal());
document.getElementById("start-cancel").addEventListener("click", () => document.getElementById("start-dialog").close());
document.getElementById("start-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (file) document.getElementById("start-request").value = await file.text();
});
document.getElementById("start-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("start-error");
  let request;
  try { request = JSON.parse(document.getElementById("start-request").value); } catch (e) {
    error.textContent = "The request is not JSON: " + e.message;
    return;
  }
  try {
    const started = await api("/workflows", { body: request.request || request.plan_id ? request : { request } });
    document.getElementById("start-dialog").close();
    navigate("/runs/" + started.workflow_id);
  } catch (e) {
    error.textContent = e.message;
  }
});

route();
