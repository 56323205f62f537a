// The execution page: status marks on the graph, selecting a state (and keeping the URL a deep
// link to it), step detail tabs, JSON payloads (collapse, copy, show all) and the run tree.
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var bench = document.querySelector(".execution-workbench");
  var pane = document.getElementById("step-pane");
  var container = document.getElementById("graph");
  var viewport = container && container.querySelector("svg")
    ? new window.Stepscope.GraphViewport(container) : null;
  // A small graph is not blown up to fill a large pane: at most this many pixels per SVG unit.
  var MAX_SCALE = 1.4;
  function capZoom(vp) {
    if (!vp || !vp.home) return;
    var rect = container.getBoundingClientRect();
    var scale = Math.min(rect.width / vp.home.w, rect.height / vp.home.h);
    if (!(scale > MAX_SCALE)) return;
    var w = rect.width / MAX_SCALE, h = rect.height / MAX_SCALE;
    vp.home = { x: vp.home.x - (w - vp.home.w) / 2, y: vp.home.y - 8, w: w, h: h };
    vp.fit();
  }
  capZoom(viewport);
  var nodeRunsScript = document.getElementById("node-runs");
  var nodeRuns = nodeRunsScript ? JSON.parse(nodeRunsScript.textContent) : {};
  var ICONS = { succeeded: "✓", failed: "✕", caught: "⤳", retried: "↻", "in-progress": "…", aborted: "⏹" };

  function stateNodes() {
    return container ? Array.prototype.slice.call(container.querySelectorAll("[data-state]:not([data-cluster])")) : [];
  }
  function nodeNamed(name) {
    return stateNodes().filter(function (node) { return node.getAttribute("data-state") === name; })[0] || null;
  }

  // An icon beside each node that ran, so status never relies on colour alone.
  function markNode(node) {
    var status = node.getAttribute("data-status");
    var shape = node.querySelector("polygon, ellipse, path, rect");
    var old = node.querySelector(".status-mark");
    if (old && old.getAttribute("data-for") === status) return;
    if (old) old.remove();
    if (!shape || !ICONS[status]) return;
    var box = shape.getBBox();
    var mark = document.createElementNS(SVG_NS, "g");
    mark.setAttribute("class", "status-mark status-" + status);
    mark.setAttribute("data-for", status);
    var circle = document.createElementNS(SVG_NS, "circle");
    circle.setAttribute("cx", box.x + 2); circle.setAttribute("cy", box.y + 2); circle.setAttribute("r", 9);
    circle.setAttribute("class", "status-dot");
    circle.style.fill = window.getComputedStyle(shape).stroke;  // the node's own status colour
    var text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("x", box.x + 2); text.setAttribute("y", box.y + 6);
    text.setAttribute("text-anchor", "middle");
    text.textContent = ICONS[status];
    var title = document.createElementNS(SVG_NS, "title");
    title.textContent = status;
    mark.appendChild(circle); mark.appendChild(text); mark.appendChild(title);
    node.appendChild(mark);
  }

  function highlight(name, key) {
    stateNodes().forEach(function (node) { node.classList.remove("selected"); });
    document.querySelectorAll(".run-table tr.selected").forEach(function (row) { row.classList.remove("selected"); });
    var node = name ? nodeNamed(name) : null;
    if (node) {
      node.classList.add("selected");
      if (viewport) viewport.reveal(node);
    }
    if (key) {
      document.querySelectorAll(".run-table tr[data-run-key]").forEach(function (row) {
        if (row.getAttribute("data-run-key") === key) row.classList.add("selected");
      });
    }
  }

  function keepInUrl(key) {
    var url = new URL(window.location.href);
    url.searchParams.set("state", key);
    url.searchParams.delete("imported");
    window.history.replaceState(null, "", url.toString());
  }

  function selectRun(key, filter) {
    if (!bench || !key) return;
    var url = bench.getAttribute("data-step-url") + "?state=" + encodeURIComponent(key) + (filter ? "&" + filter : "");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        pane.innerHTML = html;
        var step = document.getElementById("step");
        enhance(pane);
        highlight(step.getAttribute("data-state-name"), key);
        keepInUrl(key);
      })
      .catch(function (error) {
        pane.innerHTML = "";
        var p = document.createElement("p");
        p.className = "error"; p.setAttribute("role", "alert");
        p.textContent = "The step details could not be loaded (" + error.message + "). Reload the page to try again.";
        pane.appendChild(p);
      });
  }

  // A state that did not run: its definition, and the node marked as selected.
  function showNotRun(name) {
    var url = bench.getAttribute("data-step-url") + "?name=" + encodeURIComponent(name);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        pane.innerHTML = html;
        if (!html) {
          var p = document.createElement("p");
          p.className = "empty step-empty";
          p.textContent = "“" + name + "” did not run in this execution.";
          pane.appendChild(p);
        }
        highlight(name, null);
      });
  }

  // Tabs inside the step panel (its content is swapped, so listen on the pane).
  function showTab(root, name) {
    root.querySelectorAll("[role=tab]").forEach(function (tab) {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    });
    root.querySelectorAll(".tab-panel").forEach(function (panel) { panel.hidden = panel.dataset.panel !== name; });
  }

  // JSON payloads: a collapsible tree built from the pretty text, copy, and "show all".
  function jsonNode(value, key) {
    var isObject = value !== null && typeof value === "object";
    var label = document.createElement("span");
    if (key !== undefined) {
      var k = document.createElement("span"); k.className = "json-key"; k.textContent = JSON.stringify(key) + ": ";
      label.appendChild(k);
    }
    if (!isObject) {
      var leaf = document.createElement("div");
      var v = document.createElement("span");
      v.className = "json-" + (value === null ? "null" : typeof value);
      v.textContent = JSON.stringify(value);
      leaf.appendChild(label); leaf.appendChild(v);
      return leaf;
    }
    var entries = Array.isArray(value) ? value.map(function (item, i) { return [i, item]; }) : Object.keys(value).map(function (k) { return [k, value[k]]; });
    var details = document.createElement("details");
    details.open = true;
    var summary = document.createElement("summary");
    summary.appendChild(label);
    var brief = document.createElement("span");
    brief.className = "hint";
    brief.textContent = Array.isArray(value) ? "[" + entries.length + " item" + (entries.length === 1 ? "" : "s") + "]" : "{" + entries.length + " key" + (entries.length === 1 ? "" : "s") + "}";
    summary.appendChild(brief);
    details.appendChild(summary);
    entries.forEach(function (entry) {
      details.appendChild(jsonNode(entry[1], Array.isArray(value) ? undefined : entry[0]));
    });
    return details;
  }

  function toggleTree(payload, button) {
    var pre = payload.querySelector("pre.json");
    var tree = payload.querySelector(".json-tree");
    if (!tree) {
      var value;
      try { value = JSON.parse(pre.textContent); } catch (e) { return; }
      tree = document.createElement("div");
      tree.className = "json-tree code-block light";
      tree.appendChild(jsonNode(value));
      pre.parentNode.insertBefore(tree, pre.nextSibling);
    }
    var collapsed = button.getAttribute("aria-pressed") === "true";
    if (collapsed) {
      tree.hidden = true; pre.hidden = false;
      button.setAttribute("aria-pressed", "false"); button.textContent = "Collapse";
    } else {
      tree.hidden = false; pre.hidden = true;
      tree.querySelectorAll("details").forEach(function (d, i) { d.open = i === 0; });
      button.setAttribute("aria-pressed", "true"); button.textContent = "Plain text";
    }
  }

  function fullText(payload) {
    var pre = payload.querySelector("pre.json");
    if (!payload.querySelector(".show-all")) return Promise.resolve(pre.textContent);
    return fetch(payload.getAttribute("data-payload-url"), { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error("HTTP " + response.status); return response.text(); });
  }

  function onPayloadClick(event) {
    var payload = event.target.closest(".payload");
    if (!payload) return false;
    var button = event.target.closest("button");
    if (!button) return false;
    if (button.classList.contains("copy")) {
      fullText(payload).then(function (text) {
        return navigator.clipboard.writeText(text);
      }).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      }).catch(function () { button.textContent = "Copy failed"; });
      return true;
    }
    if (button.classList.contains("show-all")) {
      fullText(payload).then(function (text) {
        payload.querySelector("pre.json").textContent = text;
        var cut = payload.querySelector(".cut");
        if (cut) cut.remove();
      });
      return true;
    }
    if (button.classList.contains("json-toggle")) { toggleTree(payload, button); return true; }
    return false;
  }

  function enhance(root) {
    var picker = root.querySelector("[data-run-picker]");
    // The selector keeps its search and "failed only" filter; its form keeps the page's view.
    var form = picker && picker.form;
    var view = form && form.querySelector("[data-keep-view]");
    if (view) view.value = new URL(window.location.href).searchParams.get("view") || view.value;
    if (picker) picker.addEventListener("change", function () {
      var filter = form ? new URLSearchParams([["runs_q", form.elements.runs_q.value], ["failed", form.elements.failed.checked ? "1" : ""]]).toString() : "";
      selectRun(picker.value, filter);
    });
  }

  document.addEventListener("click", function (event) {
    if (onPayloadClick(event)) return;
    var tab = event.target.closest(".step [role=tab]");
    if (tab) { showTab(tab.closest(".step"), tab.dataset.tab); return; }
    var link = event.target.closest("[data-select-run]");
    if (link && bench && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
      event.preventDefault();
      selectRun(link.getAttribute("data-select-run"));
      if (link.id === "select-failed") bench.scrollIntoView({ block: "start", behavior: "smooth" });
      return;
    }
    var toggle = event.target.closest(".tree-toggle");
    if (toggle) { foldRow(toggle); }
  });

  // The run tree in the table view: fold a Map or Parallel run's iterations and branches.
  function foldRow(toggle) {
    var row = toggle.closest("tr");
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    toggle.textContent = open ? "▸" : "▾";
    var depth = Number(row.dataset.depth);
    var next = row.nextElementSibling;
    while (next && Number(next.dataset.depth) > depth) {
      next.hidden = open;
      if (!open) {
        var inner = next.querySelector(".tree-toggle");
        if (inner) { inner.setAttribute("aria-expanded", "true"); inner.textContent = "▾"; }
      }
      next = next.nextElementSibling;
    }
  }

  if (container) {
    stateNodes().forEach(markNode);
    container.addEventListener("click", function (event) {
      if (container.dataset.justPanned) return;
      var node = event.target.closest("[data-state]");
      if (!node || node.hasAttribute("data-cluster")) return;
      var name = node.getAttribute("data-state");
      if (nodeRuns[name]) selectRun(nodeRuns[name]);
      else showNotRun(name);
    });
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.dataset.zoom;
        if (how === "fit") viewport.fit(); else viewport.zoomBy(how === "in" ? 1.25 : 0.8);
      });
    });
  }

  if (pane) enhance(pane);
  if (bench) {
    highlight(bench.getAttribute("data-selected-name"), bench.getAttribute("data-selected-key"));
    // Scroll the page just enough that the selected node is on screen (the banner stays in view
    // as far as possible).
    var chosen = container && container.querySelector(".selected");
    var report = document.querySelector(".import-report, .state-note");
    if (chosen && !report) {
      var rect = chosen.getBoundingClientRect();
      if (rect.bottom > window.innerHeight) window.scrollBy(0, rect.bottom - window.innerHeight + 24);
    }
  }

  // What execution_live.js uses to apply a running execution's new state to this page.
  window.Stepscope = window.Stepscope || {};
  window.Stepscope.executionPage = {
    stateNodes: stateNodes,
    // A node's status changes in place: the graph is never laid out again.
    setNodeStatus: function (node, status) {
      if (node.getAttribute("data-status") === status) return;
      node.setAttribute("data-status", status);
      markNode(node);
    },
    setNodeRuns: function (runs) { nodeRuns = runs || {}; },
    enhance: enhance,
    showTab: showTab,
    highlight: highlight
  };

  // An event deep link: bring the highlighted event into view.
  var marked = document.querySelector(".event-table tr.highlight");
  if (marked) marked.scrollIntoView({ block: "center" });
})();
