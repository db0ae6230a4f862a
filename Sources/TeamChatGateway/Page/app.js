// teamchat's page: the team as cards, each answer streamed into its card the moment it arrives.
// Everything a specialist sends is set with textContent, never parsed as HTML; the page's CSP forbids inline
// script as a second wall. Rounds go over one WebSocket (many at once); if it cannot open, over SSE (a fetch
// stream, so that the token can ride in a header).
"use strict";

const HISTORY_KEY = "teamchat.history";
const CONVERSATION_KEY = "teamchat.conversation";
const TOKEN_KEY = "teamchat.token";   // sessionStorage: asked once per tab, never written to disk by us
const HISTORY_LIMIT = 50;
const ANSWER_LIMIT = 4000;            // characters of each answer kept in the history
const CHART_POINTS = 24;

const page = {
  team: [],                 // [{socket_id, model, transport, circuit, p50_ms, p95_ms, …}]
  cards: new Map(),         // id -> {root, answer, latency, circuit, stats, chart, scale, samples: [{ms|null, ok}]}
  token: sessionStorage.getItem(TOKEN_KEY),
  socket: null,
  transport: null,          // "websocket" | "sse"
  nextRound: 1,
  rounds: new Map(),        // round -> {entry, addressed: Set}
  history: loadHistory(),
  // The conversation rounds go on in (DESIGN §9): the gateway names it with the first summary and keeps it in its
  // round log; each card shows that specialist's own thread of it.
  conversation: localStorage.getItem(CONVERSATION_KEY),
  thread: [],               // [{message, answers: {id: {ok, text}}}], oldest first
  params: new URLSearchParams(location.search),
};

const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function milliseconds(ms) {
  if (ms === null || ms === undefined) return "";
  return ms >= 1000 ? (ms / 1000).toFixed(2) + " s" : (ms >= 10 ? Math.round(ms) : ms.toFixed(1)) + " ms";
}

// MARK: the gateway's API

function headers(extra) {
  const result = Object.assign({}, extra || {});
  if (page.token) result["Authorization"] = "Bearer " + page.token;
  return result;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({}, options || {}, { headers: headers((options || {}).headers) }));
  if (response.status === 401) {
    askForToken(page.token ? "that token was not accepted" : "");
    throw new Error("unauthorized");
  }
  return response;
}

function askForToken(problem) {
  $("token-form").hidden = false;
  $("token-error").textContent = problem;
  $("token").focus();
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  page.token = $("token").value;
  $("token").value = "";
  sessionStorage.setItem(TOKEN_KEY, page.token);
  $("token-form").hidden = true;
  if (page.socket) { page.socket.close(); page.socket = null; }
  start();
});

// MARK: the team and its health

async function loadTeam() {
  const response = await api("/api/team-chat/sockets");
  const document_ = await response.json();
  page.team = document_.sockets || [];
  page.prices = document_.prices || {};
  const defaults = document_.round_defaults;
  // The controls start from the gateway's own defaults (a link's ?timeout=… or the user's edit wins).
  if (defaults && !page.defaultsShown) {
    page.defaultsShown = true;
    if (!page.params.has("timeout") && defaults.timeout) $("timeout").value = String(defaults.timeout);
    if (defaults.timeout) $("timeout").title = "the gateway's default: " + defaults.timeout + " s";
    if (defaults.quorum) $("quorum").placeholder = String(defaults.quorum);
  }
  $("team").classList.remove("gone");
  $("team").textContent = page.team.length + " specialist" + (page.team.length === 1 ? "" : "s") +
    " · " + (document_.source || "");
  for (const socket of page.team) updateCard(socket);
  for (const [id, card] of page.cards) {
    if (!page.team.some((socket) => socket.socket_id === id)) { card.root.remove(); page.cards.delete(id); }
  }
}

function card(id) {
  let card = page.cards.get(id);
  if (card) return card;
  const root = element("article", "card ready");
  root.dataset.id = id;
  const top = element("div", "top");
  top.append(element("span", "id", id));
  const state = element("span", "state", "ready");
  const latency = element("span", "latency");
  top.append(state, latency);
  const meta = element("div", "meta");
  const circuit = element("span", "circuit");
  const stats = element("span", "stats");
  const model = element("span", "model");
  meta.append(circuit, stats, model);
  const answer = element("div", "answer");
  const thread = element("details", "thread");
  thread.hidden = true;
  const chart = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  chart.setAttribute("viewBox", "0 0 100 28");
  chart.setAttribute("preserveAspectRatio", "none");
  chart.setAttribute("aria-label", "latency of recent rounds");
  const scale = element("span", "scale");
  scale.title = "the charts' scale, shared by every card";
  root.append(top, meta, thread, answer, scale, chart);
  $("cards").append(root);
  card = { root, answer, thread, state, latency, circuit, stats, model, chart, scale, samples: [] };
  renderThread(id);
  page.cards.set(id, card);
  return card;
}

function updateCard(socket) {
  const c = card(socket.socket_id);
  const failing = socket.circuit === "closed" && socket.consecutive_failures > 0;
  c.circuit.textContent = failing ? "● " + socket.consecutive_failures + " failed in a row"
    : socket.circuit === "closed" ? "● healthy" : "● circuit " + socket.circuit.replace("_", "-");
  c.circuit.className = "circuit circuit-" + (failing ? "failing" : socket.circuit);
  c.circuit.title = socket.last_error || "";
  c.stats.textContent = socket.p50_ms == null ? "" :
    "p50 " + milliseconds(socket.p50_ms) + " · p95 " + milliseconds(socket.p95_ms);
  c.model.textContent = [socket.transport, socket.model].filter(Boolean).join(" · ");
}

/// Every card's chart on one scale (the slowest answer any card shows), labelled, so that cards compare at a glance.
function drawCharts() {
  const all = [...page.cards.values()].flatMap((c) => c.samples.slice(-CHART_POINTS)).map((s) => s.ms);
  const top = Math.max(1, ...all.filter((ms) => ms != null));
  for (const c of page.cards.values()) drawChart(c, top);
}

/// One card's latencies of recent rounds: runs of answered rounds as lines, a skipped round a gap, failures dots.
function drawChart(c, top) {
  while (c.chart.firstChild) c.chart.firstChild.remove();
  const samples = c.samples.slice(-CHART_POINTS);
  c.scale.textContent = "";
  if (!samples.some((s) => s.ms != null)) return;
  const x = (i) => samples.length === 1 ? 50 : (i * 100) / (samples.length - 1);
  const y = (ms) => 26 - (ms / top) * 22;
  let run = [];
  const flush = () => {
    // One round alone: a level line across the chart when it is the only one, else a short level mark.
    if (run.length === 1) {
      run = samples.length === 1 ? [[0, run[0][1]], [100, run[0][1]]] : [[run[0][0] - 1.5, run[0][1]], [run[0][0] + 1.5, run[0][1]]];
    }
    if (run.length > 1) {
      const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      line.setAttribute("points", run.map(([px, py]) => px.toFixed(1) + "," + py.toFixed(1)).join(" "));
      c.chart.append(line);
    }
    run = [];
  };
  samples.forEach((s, i) => { if (s.ms == null) flush(); else run.push([x(i), y(s.ms)]); });
  flush();
  samples.forEach((s, i) => {
    if (s.ms == null || s.ok) return;
    const dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
    dot.setAttribute("cx", x(i).toFixed(1));
    dot.setAttribute("cy", y(s.ms).toFixed(1));
    dot.setAttribute("r", "2");
    dot.setAttribute("class", "failed");
    c.chart.append(dot);
  });
  c.scale.textContent = "0–" + milliseconds(top);
  const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
  title.textContent = "scale 0–" + milliseconds(top) + " (every card): "
    + samples.map((s) => s.ms == null ? "skipped" : milliseconds(s.ms)).join(", ");
  c.chart.append(title);
}

/// ` · 57 tokens · 41 tok/s` when the specialist's server reported them; nothing made up when it did not.
function tokenWords(event) {
  if (!event.usage) return "";
  const cost = priced(event);
  return " · " + event.usage.completion_tokens + " tokens"
    + (event.tokens_per_second != null ? " · " + Math.round(event.tokens_per_second) + " tok/s" : "")
    + (cost != null ? " · " + dollars(cost) : "");
}

/// What a reply's reported tokens cost at the teams file's price for its model; null when either is unknown (never $0).
function priced(event) {
  const price = event.usage && event.model && (page.prices || {})[event.model];
  if (!price) return null;
  return (event.usage.prompt_tokens * price.prompt + event.usage.completion_tokens * price.completion) / 1e6;
}

function dollars(value) { return "$" + value.toFixed(6); }

/// A round's cost, as the CLI says it: `$0.000123`, `$0.000123 (partial)`, or `cost —` when nothing could be priced.
function costWords(round) {
  const replies = Object.values(round.entry.answers).filter((a) => a.ok);
  const costs = replies.map((a) => a.cost).filter((c) => c != null);
  if (!costs.length) return "cost —";
  return dollars(costs.reduce((a, b) => a + b, 0)) + (costs.length < replies.length ? " (partial)" : "");
}

// MARK: addressing, as the prompt does it

/// "@apollo @athena question" and "@apollo,athena question" address both; the rest is the message.
function address(text) {
  const to = [];
  let rest = text.replace(/^\s+/, "");
  for (;;) {
    const match = /^@([^\s]+)\s*/.exec(rest);
    if (!match) break;
    for (const name of match[1].split(",")) if (name.replace(/^@/, "")) to.push(name.replace(/^@/, ""));
    rest = rest.slice(match[0].length);
  }
  return { to, message: rest };
}

// MARK: rounds

function send(text) {
  const { to, message } = address(text);
  if (!message.trim()) { $("summary").textContent = "the message is empty"; return; }
  const round = page.nextRound++;
  const request = { message, round, stream: $("stream").checked };
  if (page.conversation) request.conversation_id = page.conversation;
  const judge = $("judge").value.trim();
  if (judge) request.judge = judge;
  if ($("council").checked) request.mode = "council";
  resetSynthesis(judge || $("council").checked);
  if (to.length) request.to = to;
  const timeout = parseFloat($("timeout").value);
  if (timeout > 0) request.timeout = timeout;
  const quorum = parseInt($("quorum").value, 10);
  if (quorum > 0) request.quorum = quorum;

  const entry = { message: text, at: Date.now(), answers: {}, summary: "" };
  page.history.push(entry);
  page.history = page.history.slice(-HISTORY_LIMIT);
  page.rounds.set(round, { entry, request });
  watch(page.rounds.get(round), round, addressedIDs(request));
  for (const c of page.cards.values()) {
    c.root.className = "card idle";
    c.answer.textContent = "";
    c.latency.textContent = "";
  }
  $("summary").textContent = "asking…";
  saveHistory();
  renderHistory();
  if (page.transport === "sse") sendOverSSE(request); else sendOverSocket(request);
}

function handle(event) {
  const round = page.rounds.get(event.round);
  if (!round) return;
  const id = event.specialist_id;
  switch (event.type) {
  case "chunk": {
    const c = card(id);
    c.root.className = "card pending";
    c.state.textContent = "streaming";
    c.answer.textContent += event.content;   // grows in place
    break;
  }
  case "reply": {
    const c = card(id);
    const ok = event.success;
    // Skipped by its breaker, or not needed once the quorum was met: neither is a failure.
    const skipped = event.error_kind === "breaker_open"
      || (event.error_kind === "cancelled" && (event.error || "").startsWith("not needed"));
    c.root.className = "card " + (ok ? "replied" : skipped ? "skipped" : "failed");
    const stopped = event.error_kind === "cancelled" && !skipped;
    if (stopped) c.root.className = "card skipped";
    c.state.textContent = ok ? "answered" : skipped ? (event.error_kind === "breaker_open" ? "skipped" : "not needed")
      : stopped ? "stopped" : "failed: " + (event.error_kind || "error").replace(/_/g, " ");
    if (round.pending) round.pending.delete(id);
    c.answer.textContent = ok ? event.content : event.error;
    c.latency.textContent = skipped ? "" : milliseconds(event.elapsed_ms) + tokenWords(event);
    c.latency.title = event.reused ? "warm connection" : "new connection";
    // A skipped round is a gap in the chart, never a point at 0 ms.
    c.samples.push(skipped ? { ms: null } : { ms: event.elapsed_ms, ok });
    c.samples = c.samples.slice(-CHART_POINTS);
    drawCharts();
    round.entry.answers[id] = { text: (ok ? event.content : event.error).slice(0, ANSWER_LIMIT), ms: event.elapsed_ms,
                                ok, skipped, cost: priced(event) };
    break;
  }
  case "summary": {
    if (event.conversation_id) {
      if (event.conversation_id !== page.conversation) { page.conversation = event.conversation_id; page.thread = []; }
      page.thread.push({ message: round.request.message, answers: round.entry.answers });
      saveConversation();
      for (const id of page.cards.keys()) renderThread(id);
    }
    round.entry.summary = summaryLine(event)
      + (Object.keys(page.prices || {}).length ? " · " + costWords(round) : "");
    $("summary").textContent = round.entry.summary;
    // A judge or a council speaks after the summary: the round ends with its verdict.
    if (!round.request.judge && !round.request.mode) page.rounds.delete(event.round);
    saveHistory();
    renderHistory();
    loadTeam().catch(gatewayGone);
    break;
  }
  case "ballot":
  case "ranking":
  case "judge_chunk":
  case "judge":
    showSynthesis(event, round);
    break;
  case "error":
    for (const id of round.pending || []) {
      const c = card(id);
      c.root.className = event.stopped ? "card skipped" : "card failed";
      c.state.textContent = event.stopped ? "stopped" : "failed: no answer";
    }
    $("summary").textContent = "error: " + event.error;
    page.rounds.delete(event.round);
    break;
  }
}

/// Beginning a round: cards addressed wait; the others stay dim.
function markAddressed(ids) {
  for (const id of ids) { const c = card(id); c.root.className = "card pending"; c.state.textContent = "waiting"; }
}

/// While a round runs: who it still waits for and for how long, as the CLI's waiting line says it; and the stop
/// button.
function watch(round, number, ids) {
  round.pending = new Set(ids);
  round.started = Date.now();
  round.timeout = parseFloat($("timeout").value) || 2;
  $("stop").disabled = false;
  page.current = number;
  clearInterval(page.ticker);
  page.ticker = setInterval(() => {
    if (!page.rounds.has(number)) { clearInterval(page.ticker); $("stop").disabled = true; return; }
    const waiting = [...round.pending];
    if (!waiting.length) return;
    const shown = waiting.slice(0, 4).join(", ") + (waiting.length > 4 ? " and " + (waiting.length - 4) + " more" : "");
    $("summary").textContent = "waiting for " + shown + " · " + ((Date.now() - round.started) / 1000).toFixed(1)
      + " s of " + round.timeout.toFixed(1) + " s";
  }, 100);
}

/// The stop button: the round in flight is cancelled (its members' exchanges abandoned at the gateway).
function stop() {
  const number = page.current;
  const round = page.rounds.get(number);
  if (!round) return;
  if (round.abort) round.abort.abort();
  else if (page.socket && page.socket.readyState === WebSocket.OPEN) page.socket.send(JSON.stringify({ cancel: number }));
  $("stop").disabled = true;
}

/// `17/18 replied · slowest 212 ms · 1 timeout · 2.00 s`, as the CLI writes it.
function summaryLine(s) {
  const parts = [s.replied + "/" + s.addressed + " replied"];
  if (s.slowest_ms != null) parts.push("slowest " + milliseconds(s.slowest_ms));
  for (const kind of Object.keys(s.failures || {}).sort()) parts.push(s.failures[kind] + " " + kind.replace(/_/g, " "));
  if (s.quorum < s.addressed) parts.push("quorum " + s.quorum + (s.quorum_met ? " met" : " not met"));
  if (s.usage) {
    parts.push(s.usage.total_tokens + " tokens" + (s.usage.unreported ? " (" + s.usage.unreported + " unreported)" : ""));
  }
  parts.push(milliseconds(s.elapsed_ms));
  return parts.join(" · ");
}

function addressedIDs(request) {
  if (!request.to) return page.team.map((s) => s.socket_id);
  return page.team.map((s) => s.socket_id).filter((id) =>
    request.to.some((name) => id === name || id === name + "-ai" || id.startsWith(name)));
}

function webSocketURL() {
  return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/team-chat/ws";
}

/// The token rides in a subprotocol (a browser cannot set a WebSocket's headers): base64url, no padding.
function protocols() {
  if (!page.token) return undefined;
  const bytes = new TextEncoder().encode(page.token);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  const encoded = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return ["teamchat", "teamchat.bearer." + encoded];
}

function openSocket() {
  return new Promise((resolve, reject) => {
    let socket;
    try { socket = new WebSocket(webSocketURL(), protocols()); } catch (error) { reject(error); return; }
    // A browser backs off reconnecting to a host whose WebSocket failed: past 3 s, server-sent events are tried.
    const timer = setTimeout(() => { socket.close(); reject(new Error("the WebSocket did not open")); }, 3000);
    let opened = false;
    socket.onopen = () => { opened = true; clearTimeout(timer); resolve(socket); };
    socket.onerror = () => { clearTimeout(timer); reject(new Error("the WebSocket did not open")); };
    socket.onmessage = (message) => { try { handle(JSON.parse(message.data)); } catch (_) { } };
    socket.onclose = () => {
      if (page.socket === socket) page.socket = null;
      // A socket that never opened carried no round: the round it was opened for falls back to server-sent events.
      if (!opened || !page.rounds.size) return;
      for (const [number] of page.rounds) handle({ type: "error", round: number, error: "the gateway closed the connection" });
      loadTeam().catch(gatewayGone);
    };
  });
}

async function sendOverSocket(request) {
  try {
    if (!page.socket || page.socket.readyState !== WebSocket.OPEN) page.socket = await openSocket();
  } catch (_) {
    useTransport("sse");
    sendOverSSE(request);
    return;
  }
  markAddressed(addressedIDs(request));
  page.socket.send(JSON.stringify(request));
}

async function sendOverSSE(request) {
  markAddressed(addressedIDs(request));
  const round = page.rounds.get(request.round);
  const abort = new AbortController();
  if (round) round.abort = abort;
  let response;
  try {
    response = await api("/api/team-chat/stream", {
      method: "POST", body: JSON.stringify(request), headers: { "Content-Type": "application/json" },
      signal: abort.signal,
    });
  } catch (error) {
    const stopped = abort.signal.aborted;
    if (!stopped) gatewayGone();
    handle({ type: "error", round: request.round, error: stopped ? "stopped" : "the gateway is not answering", stopped });
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    handle({ type: "error", round: request.round, error: body.error || ("HTTP " + response.status) });
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    let value, done;
    try {
      ({ value, done } = await reader.read());
    } catch (error) {
      // Stopped (the button aborted the request: the gateway cancels the round), or the gateway went away.
      const stopped = round && round.abort && round.abort.signal.aborted;
      if (!stopped) loadTeam().catch(gatewayGone);
      handle({ type: "error", round: request.round, error: stopped ? "stopped" : "the gateway went away", stopped });
      return;
    }
    if (done) {
      if (page.rounds.has(request.round)) handle({ type: "error", round: request.round, error: "the gateway went away" });
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if (!data) continue;
      try {
        const event = JSON.parse(data);
        if (!event.type && "replied" in event) event.type = "summary";
        event.round = request.round;
        handle(event);
      } catch (_) { }
    }
  }
}

/// The gateway stopped or cannot be reached: the header says so (until it answers again), and nothing waits on it.
function gatewayGone() {
  $("team").textContent = "the gateway is not answering: is teamchat serve running? (retrying)";
  $("team").classList.add("gone");
}

function useTransport(name) {
  page.transport = name;
  $("transport").textContent = "· " + (name === "sse" ? "server-sent events" : "WebSocket");
}

// MARK: one answer from the team

function resetSynthesis(asked) {
  $("synthesis").hidden = !asked;
  $("synthesis-title").textContent = asked ? "waiting for the team…" : "";
  $("synthesis-text").textContent = "";
  $("synthesis-footer").textContent = "";
  const ranking = $("ranking");
  while (ranking.firstChild) ranking.firstChild.remove();
  ranking.hidden = true;
}

/// The judge's words above the cards as it writes them, the council's count, and the verdict's footing.
function showSynthesis(event, round) {
  $("synthesis").hidden = false;
  switch (event.type) {
  case "ballot":
    $("synthesis-title").textContent = "the council is ranking…";
    break;
  case "ranking": {
    const list = $("ranking");
    while (list.firstChild) list.firstChild.remove();
    for (const total of event.totals || []) {
      list.append(element("li", "", total.specialist_id + " · " + total.points + (total.points === 1 ? " point" : " points")));
    }
    list.hidden = (event.totals || []).length === 0;
    break;
  }
  case "judge_chunk":
    $("synthesis-title").textContent = "judge · " + event.judge;
    $("synthesis-text").textContent += event.content;
    break;
  case "judge": {
    $("synthesis-title").textContent = event.judge ? "judge · " + event.judge : "no answer from the judge";
    $("synthesis-text").textContent = event.content || "";
    const parts = ["based on " + (event.based_on || []).length + " of " + ((event.based_on || []).length + (event.missing || []).length) + " answers"];
    for (const missing of event.missing || []) parts.push("missing " + missing.specialist_id + " (" + missing.error_kind + ")");
    if (event.truncated) parts.push("cut short: " + (event.error || "truncated"));
    else if (!event.success) parts.push(event.error || "no synthesis");
    $("synthesis-footer").textContent = parts.join(" · ");
    $("synthesis").className = event.success ? "" : "failed";
    page.rounds.delete(event.round === undefined ? round.request.round : event.round);
    break;
  }
  }
}

// MARK: the conversation

/// One card's thread: what was asked earlier in this conversation and what this specialist answered (or that it
/// did not). The last round is the card's answer itself.
function renderThread(id) {
  const c = page.cards.get(id);
  if (!c) return;
  const details = c.thread;
  while (details.firstChild) details.firstChild.remove();
  const turns = page.thread.slice(0, -1);
  details.hidden = turns.length === 0;
  details.append(element("summary", "", turns.length + (turns.length === 1 ? " earlier turn" : " earlier turns")));
  for (const round of turns) {
    details.append(element("p", "turn user", round.message));
    const answer = round.answers[id];
    details.append(answer && answer.ok ? element("p", "turn assistant", answer.text)
      : element("p", "turn missing", answer ? "(no answer: " + answer.text + ")" : "(not asked)"));
  }
}

function saveConversation() {
  try {
    if (page.conversation) localStorage.setItem(CONVERSATION_KEY, page.conversation);
    else localStorage.removeItem(CONVERSATION_KEY);
  } catch (_) { }
  $("conversation").textContent = page.conversation ? "conversation " + page.conversation : "a fresh conversation";
  $("new-conversation").hidden = !page.conversation;  // nothing to start afresh from yet
}

/// The conversation's rounds from the gateway's round log: after a reload, or a gateway restart.
async function loadConversation() {
  if (!page.conversation) { saveConversation(); return; }
  const response = await api("/v1/conversations/" + encodeURIComponent(page.conversation));
  if (!response.ok) {
    // Gone (pruned, another log) or a gateway without a log: start afresh rather than send an id it refuses.
    page.conversation = null;
    page.thread = [];
  } else {
    const body = await response.json();
    page.thread = (body.rounds || []).map((round) => {
      const answers = {};
      for (const answer of round.answers || []) {
        answers[answer.specialist_id] = { ok: answer.success, text: answer.success ? answer.content : answer.error };
      }
      return { message: round.message, answers };
    });
  }
  saveConversation();
  for (const id of page.cards.keys()) renderThread(id);
}

$("new-conversation").addEventListener("click", () => {
  page.conversation = null;
  page.thread = [];
  saveConversation();
  for (const c of page.cards.values()) { c.answer.textContent = ""; c.latency.textContent = ""; c.root.className = "card idle"; }
  for (const id of page.cards.keys()) renderThread(id);
  $("summary").textContent = "a new conversation: the team starts without the earlier turns";
  $("message").focus();
});

// MARK: history (local storage: survives a reload)

function loadHistory() {
  try {
    const value = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
    return Array.isArray(value) ? value.slice(-HISTORY_LIMIT) : [];
  } catch (_) {
    return [];
  }
}

function saveHistory() {
  try { localStorage.setItem(HISTORY_KEY, JSON.stringify(page.history)); } catch (_) { }
}

function renderHistory() {
  const list = $("history");
  while (list.firstChild) list.firstChild.remove();
  for (const entry of page.history.slice().reverse()) {
    const item = element("li", "", entry.message);
    item.append(element("span", "when", entry.summary || ""));
    item.title = new Date(entry.at).toLocaleString();
    item.addEventListener("click", () => { $("message").value = entry.message; $("message").focus(); });
    list.append(item);
  }
}

/// After a reload: the last round's answers back in their cards, and the charts from the rounds kept.
function restore() {
  for (const entry of page.history) {
    for (const [id, answer] of Object.entries(entry.answers || {})) {
      if (!page.cards.has(id) || answer.skipped) continue;
      page.cards.get(id).samples.push({ ms: answer.ms, ok: answer.ok });
    }
  }
  for (const c of page.cards.values()) { c.samples = c.samples.slice(-CHART_POINTS); drawChart(c); }
  const last = page.history[page.history.length - 1];
  if (!last) return;
  for (const [id, answer] of Object.entries(last.answers || {})) {
    const c = page.cards.get(id);
    if (!c) continue;
    c.root.className = "card " + (answer.ok ? "replied" : answer.skipped ? "skipped" : "failed");
    c.answer.textContent = answer.text;
    c.latency.textContent = milliseconds(answer.ms);
  }
  $("summary").textContent = last.summary || "";
}

$("stop").addEventListener("click", stop);

$("clear-history").addEventListener("click", () => { page.history = []; saveHistory(); renderHistory(); });

// MARK: the composer

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("message").value;
  if (!text.trim()) return;
  $("message").value = "";
  send(text);
});

$("message").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

// MARK: start

async function start() {
  try {
    await loadTeam();
  } catch (error) {
    if (String(error.message) !== "unauthorized") $("team").textContent = "the gateway did not answer: " + error.message;
    return;
  }
  restore();
  renderHistory();
  await loadConversation().catch(() => saveConversation());
  useTransport(page.params.get("transport") === "sse" ? "sse" : "websocket");
  if (!page.refreshing) page.refreshing = setInterval(() => loadTeam().catch(gatewayGone), 5000);
  // `/?message=…` sends at once (links, bookmarks, tests); `to`, `timeout` and `quorum` may go with it.
  if (page.params.has("timeout")) $("timeout").value = page.params.get("timeout");
  if (page.params.has("quorum")) $("quorum").value = page.params.get("quorum");
  if (page.params.get("stream") === "0") $("stream").checked = false;
  if (page.params.has("judge")) $("judge").value = page.params.get("judge");
  if (page.params.get("mode") === "council") $("council").checked = true;
  const message = page.params.get("message");
  if (message && !page.autosent) { page.autosent = true; send(message); }
}

start();
