// The definition page: tabs, selecting a state, and diagnostics marked on their nodes.
(function () {
  "use strict";

  var container = document.getElementById("graph");
  var states = JSON.parse(document.getElementById("states-data").textContent);
  var diagnostics = JSON.parse(document.getElementById("diagnostics-data").textContent);
  var viewport = new window.Stepscope.GraphViewport(container);
  var SVG_NS = "http://www.w3.org/2000/svg";

  function nodes() { return Array.prototype.slice.call(container.querySelectorAll("[data-pointer]")); }

  // The node a JSON pointer belongs to: the longest node pointer that is a whole-segment prefix.
  function nodeFor(location) {
    var best = null;
    nodes().forEach(function (node) {
      var p = node.getAttribute("data-pointer");
      if (node.hasAttribute("data-cluster")) return;
      if ((location === p || location.indexOf(p + "/") === 0) &&
          (!best || p.length > best.getAttribute("data-pointer").length)) best = node;
    });
    return best;
  }

  function showTab(name) {
    document.querySelectorAll("[role=tab]").forEach(function (tab) {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    });
    document.querySelectorAll(".tab-panel").forEach(function (panel) {
      panel.hidden = panel.dataset.panel !== name;
    });
  }
  document.querySelectorAll("[role=tab]").forEach(function (tab) {
    tab.addEventListener("click", function () { showTab(tab.dataset.tab); });
  });

  function diagnosticsFor(pointer) {
    return diagnostics.filter(function (d) {
      var node = nodeFor(d.location || "");
      return node && node.getAttribute("data-pointer") === pointer;
    });
  }

  function select(node) {
    nodes().forEach(function (n) { n.classList.remove("selected"); });
    if (!node) return;
    node.classList.add("selected");
    var pointer = node.getAttribute("data-pointer");
    var state = states[pointer] || { name: node.getAttribute("data-state"), type: node.getAttribute("data-state-type"), comment: "", asl: "" };
    document.getElementById("state-empty").hidden = true;
    document.getElementById("state-detail").hidden = false;
    document.getElementById("state-name").textContent = state.name;
    document.getElementById("state-type").textContent = state.type;
    document.getElementById("state-pointer").textContent = pointer;
    var comment = document.getElementById("state-comment");
    comment.textContent = state.comment || "";
    comment.hidden = !state.comment;
    document.getElementById("state-asl").textContent = state.asl;
    var list = document.getElementById("state-diagnostics");
    list.textContent = "";
    diagnosticsFor(pointer).forEach(function (d) {
      var item = document.createElement("li");
      item.className = "diagnostic " + d.severity.toLowerCase();
      item.textContent = d.severity + " " + d.code + ": " + d.message;
      list.appendChild(item);
    });
    showTab("state");
    viewport.reveal(node);
  }

  function addBadge(node, severity) {
    var shape = node.querySelector("polygon, ellipse, path, rect");
    if (!shape || node.querySelector(".diag-badge")) return;
    var box = shape.getBBox();
    var badge = document.createElementNS(SVG_NS, "g");
    badge.setAttribute("class", "diag-badge " + severity);
    var circle = document.createElementNS(SVG_NS, "circle");
    circle.setAttribute("cx", box.x + box.width); circle.setAttribute("cy", box.y);
    circle.setAttribute("r", 8);
    var mark = document.createElementNS(SVG_NS, "text");
    mark.setAttribute("x", box.x + box.width); mark.setAttribute("y", box.y + 4);
    mark.setAttribute("text-anchor", "middle");
    mark.textContent = severity === "error" ? "✕" : "!";
    badge.appendChild(circle); badge.appendChild(mark);
    var title = document.createElementNS(SVG_NS, "title");
    title.textContent = severity === "error" ? "This state has errors" : "This state has warnings";
    badge.appendChild(title);
    node.appendChild(badge);
  }

  diagnostics.forEach(function (d) {
    var node = nodeFor(d.location || "");
    if (!node) return;
    var severity = d.severity === "ERROR" ? "error" : "warning";
    if (severity === "warning" && node.classList.contains("diag-error")) return;
    node.classList.remove("diag-warning");
    node.classList.add("diag-" + severity);
    node.setAttribute("data-diagnostic", severity);
    addBadge(node, severity);
  });

  container.addEventListener("click", function (event) {
    if (container.dataset.justPanned) return;
    var node = event.target.closest("[data-state]");
    if (node && !node.hasAttribute("data-cluster")) select(node);
  });

  document.querySelectorAll(".diagnostics .diagnostic[data-location]").forEach(function (item) {
    function go(event) {
      if (event.target.closest("a[data-line]")) return;
      var node = nodeFor(item.dataset.location);
      if (node) select(node);
    }
    item.addEventListener("click", go);
    item.addEventListener("keydown", function (event) { if (event.key === "Enter") go(event); });
  });
  document.querySelectorAll("a[data-line]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      showTab("source");
      var line = document.getElementById("L" + link.dataset.line);
      if (line) { line.scrollIntoView({ block: "center" }); line.classList.add("flash"); }
    });
  });

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.dataset.zoom;
      if (how === "fit") viewport.fit(); else viewport.zoomBy(how === "in" ? 1.25 : 0.8);
    });
  });
})();
