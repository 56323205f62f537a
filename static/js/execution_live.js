// Following a running execution: a websocket says which events arrived; the page then fetches
// the live state (the server's one projection, rendered by the page's own templates) and applies
// it in place. Node statuses change on the already-drawn SVG; nothing is laid out again.
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root || root.getAttribute("data-status") !== "RUNNING" || !window.WebSocket) return;

  var page = (window.Stepscope && window.Stepscope.executionPage) || null;
  var liveText = root.querySelector(".live-text");
  var wsPath = root.getAttribute("data-ws-path");
  var liveUrl = root.getAttribute("data-live-url");
  var DEBOUNCE_MS = 250;
  var BACKOFF_MIN_MS = 500;
  var BACKOFF_MAX_MS = 30000;
  var REFUSALS = {
    4401: "You are signed out. Sign in again and reload to follow this execution.",
    4403: "You may not see this execution, so live updates stopped.",
    4404: "This execution no longer exists, so live updates stopped."
  };

  var lastEventId = Number(root.getAttribute("data-last-event-id")) || 0;  // the last one applied
  var rowsAfter = lastEventId;  // the event rows on the page end at this id
  var socket = null;
  var attempts = 0;
  var retryTimer = null;
  var refreshTimer = null;
  var fetching = false;
  var again = false;
  var stopped = false;
  var lastStepHtml = null;

  function say(text, state) {
    liveText.textContent = text;
    root.setAttribute("data-live", state);
  }

  function stop(text, state) {
    stopped = true;
    clearTimeout(retryTimer);
    clearTimeout(refreshTimer);
    if (socket) {
      var open = socket;
      socket = null;
      open.close(1000);
    }
    say(text, state);
  }

  // ---- The websocket: subscribe after the last id applied, reconnect with back-off. ----

  function connect() {
    if (stopped) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(scheme + window.location.host + wsPath);
    var opened = false;
    socket = ws;
    ws.onopen = function () {
      opened = true;
      attempts = 0;
      say("Live", "connected");
      ws.send(JSON.stringify({ type: "subscribe", after: lastEventId }));
    };
    ws.onmessage = function (message) {
      if (ws !== socket) return;
      var data;
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (data.type === "events") onEvents(data);
      else if (data.type === "caught_up" && data.status && data.status !== "RUNNING") schedule();
      else if (data.type === "error") say("Live (the server said: " + String(data.message) + ")", "connected");
    };
    ws.onclose = function (event) {
      if (ws !== socket || stopped) return;
      socket = null;
      if (REFUSALS[event.code]) { stop(REFUSALS[event.code], "refused"); return; }
      // A refusal before the handshake reaches the browser as a bare failure (code 1006): ask the
      // live endpoint, whose answer says whether we are signed out or refused.
      if (!opened) { refresh(); }
      retry();
    };
  }

  function retry() {
    if (stopped) return;
    var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempts));
    var delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);  // jitter
    attempts += 1;
    say("Connection lost; reconnecting in " + Math.max(1, Math.round(delay / 1000)) + " s…", "reconnecting");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }

  function onEvents(data) {
    var fresh = (data.events || []).filter(function (event) { return Number(event.id) > lastEventId; });
    if (!fresh.length && !(data.status && data.status !== "RUNNING")) return;
    fresh.forEach(function (event) { lastEventId = Math.max(lastEventId, Number(event.id)); });
    schedule();
  }

  // ---- Live state: fetched at most every DEBOUNCE_MS, never two at once. ----

  function schedule() {
    if (stopped || refreshTimer) return;
    refreshTimer = setTimeout(function () { refreshTimer = null; refresh(); }, DEBOUNCE_MS);
  }

  function query() {
    var params = new URLSearchParams();
    params.set("after", String(rowsAfter));
    var events = document.querySelector(".events-pane");
    var table = document.querySelector(".table-pane");
    if (events) {
      params.set("view", "events");
      if (events.getAttribute("data-event-type")) params.set("type", events.getAttribute("data-event-type"));
      if (events.getAttribute("data-event-state")) params.set("state_name", events.getAttribute("data-event-state"));
    } else if (table) {
      params.set("view", "table");
      params.set("page", table.getAttribute("data-table-page") || "1");
    }
    var step = document.getElementById("step");
    if (step && step.getAttribute("data-run-key")) params.set("state", step.getAttribute("data-run-key"));
    else if (step && step.getAttribute("data-state-name")) params.set("name", step.getAttribute("data-state-name"));
    return params.toString();
  }

  function refresh() {
    if (stopped) return;
    if (fetching) { again = true; return; }
    fetching = true;
    var asked = shownStep();
    fetch(liveUrl + "?" + query(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.status === 403) { stop(REFUSALS[4401], "refused"); return null; }
      if (response.status === 404) { stop(REFUSALS[4404], "refused"); return null; }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (state) {
      if (state) apply(state, asked);
    }).catch(function (error) {
      say("Live (the latest state could not be loaded: " + error.message + "; retrying)", "stale");
      again = true;
    }).then(function () {
      fetching = false;
      if (again && !stopped) { again = false; schedule(); }
    });
  }

  // ---- Applying the live state to the page, in place. ----

  // Server-rendered HTML (Django's templates escaped every name, input and error in it) as nodes.
  // A <template> parses table rows as well as anything else.
  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function applyNodes(state) {
    if (!page) return;
    page.setNodeRuns(state.node_runs);
    page.stateNodes().forEach(function (node) {
      var name = node.getAttribute("data-state");
      page.setNodeStatus(node, state.nodes[name] || "not-run");
    });
  }

  function applySummary(state) {
    var facts = document.querySelector(".summary .facts");
    if (facts && state.summary_html) facts.replaceWith(fragment(state.summary_html));
    var badge = document.querySelector(".execution-head h1 .status-badge");
    if (badge && state.badge_html) badge.replaceWith(fragment(state.badge_html));
    var io = document.querySelector(".summary .io");
    if (io && state.io_html) io.replaceWith(fragment(state.io_html));
    if (state.failure_html && !document.querySelector(".failure-banner")) {
      var summary = document.querySelector("section.summary");
      if (summary) summary.after(fragment(state.failure_html));
    }
  }

  function shownStep() {
    var step = document.getElementById("step");
    if (!step) return "";
    return step.getAttribute("data-run-key") || "name:" + step.getAttribute("data-state-name");
  }

  function applyStep(state, asked) {
    var pane = document.getElementById("step-pane");
    if (!pane || !state.step_html || state.step_html === lastStepHtml) return;
    if (shownStep() !== asked) return;  // another state was selected while this was on its way
    var step = document.getElementById("step");
    var tab = step && step.querySelector("[role=tab][aria-selected=true]");
    var tabName = tab ? tab.getAttribute("data-tab") : null;
    var scroll = pane.scrollTop;
    lastStepHtml = state.step_html;
    pane.innerHTML = state.step_html;
    var fresh = document.getElementById("step");
    if (page) {
      page.enhance(pane);
      if (tabName && fresh && fresh.querySelector('[data-tab="' + tabName + '"]')) page.showTab(fresh, tabName);
      if (fresh) page.highlight(fresh.getAttribute("data-state-name"), fresh.getAttribute("data-run-key"));
    }
    pane.scrollTop = scroll;
  }

  function applyEvents(state) {
    var pane = document.querySelector(".events-pane");
    if (state.event_rows_html === null || state.event_rows_html === undefined || !pane) return;
    var body = pane.querySelector(".event-table tbody");
    if (pane.getAttribute("data-last-page") === "true" && body && state.event_rows_html.trim()) {
      var empty = body.querySelector("td.empty");
      if (empty) empty.closest("tr").remove();
      var rows = fragment(state.event_rows_html);
      Array.prototype.slice.call(rows.querySelectorAll("tr[data-event-id]")).forEach(function (row) {
        var id = Number(row.getAttribute("data-event-id"));
        if (!body.querySelector('tr[data-event-id="' + id + '"]')) body.appendChild(row);
      });
    }
    rowsAfter = Math.max(rowsAfter, state.rows_through);
    if (rowsAfter < state.last_event_id) again = true;  // more rows than one answer holds
  }

  function applyTable(state) {
    var body = document.querySelector(".run-table tbody");
    if (!body || state.table_rows_html === null || state.table_rows_html === undefined) return;
    var folded = {};
    body.querySelectorAll("tr[data-run-key] .tree-toggle[aria-expanded=false]").forEach(function (toggle) {
      folded[toggle.closest("tr").getAttribute("data-run-key")] = true;
    });
    body.innerHTML = state.table_rows_html;
    body.querySelectorAll("tr[data-run-key]").forEach(function (row) {
      var toggle = row.querySelector(".tree-toggle");
      if (toggle && folded[row.getAttribute("data-run-key")]) toggle.click();
    });
  }

  // The simulation panel (a parked callback's token and its forms) is replaced only when the task
  // it shows changes, so what the user is typing, or an error just shown, is never wiped.
  function panelKey(root) {
    if (!root) return "";
    var token = root.querySelector("#simulation-task-token");
    var callback = root.querySelector("[data-task-state]");
    return [
      token ? token.value : "",
      callback ? callback.getAttribute("data-task-state") : "",
      root.getAttribute("data-task-tokens") || "",
      root.querySelector("form") ? "forms" : "",
    ].join("|");
  }

  function applyPanel(state) {
    if (typeof state.panel_html !== "string") return;
    var replacement = state.panel_html ? fragment(state.panel_html) : null;
    var incoming = replacement ? replacement.querySelector("#simulation") : null;
    var current = document.getElementById("simulation");
    if (panelKey(current) === panelKey(incoming)) return;
    if (current && incoming) current.replaceWith(incoming);
    else if (current) current.remove();
    else if (incoming) {
      var anchor = document.querySelector(".failure-banner") || document.querySelector(".summary");
      if (anchor) anchor.after(incoming);
    }
  }

  function apply(state, asked) {
    lastEventId = Math.max(lastEventId, state.last_event_id);
    if (state.event_rows_html === null || state.event_rows_html === undefined) rowsAfter = lastEventId;
    applyNodes(state);
    applySummary(state);
    applyStep(state, asked);
    applyEvents(state);
    applyTable(state);
    applyPanel(state);
    root.setAttribute("data-status", state.status);
    root.setAttribute("data-last-event-id", String(lastEventId));
    if (!state.running) {
      stop("The execution has ended: " + state.status.toLowerCase().replace("_", " ") + ".", "ended");
    } else if (root.getAttribute("data-live") !== "reconnecting") {
      say("Live · " + state.event_count + " events", "connected");
    }
  }

  connect();
})();
