// The compare page: pan and zoom on A's graph, and under each state node a badge saying which
// run visited it with which status ("A ✓ / B ✕", from the node's data-badge).
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var container = document.getElementById("compare-graph");
  if (!container || !container.querySelector("svg")) return;
  if (window.Stepscope && window.Stepscope.GraphViewport) {
    new window.Stepscope.GraphViewport(container);
  }
  var divergence = container.getAttribute("data-divergence");

  container.querySelectorAll("[data-state][data-badge]").forEach(function (node) {
    var shape = node.querySelector("polygon, ellipse, path, rect");
    if (!shape) return;
    if (divergence && node.getAttribute("data-state") === divergence) {
      node.classList.add("diverges");
    }
    if (node.getAttribute("data-visited") === "none") return;
    var box = shape.getBBox();
    var text = document.createElementNS(SVG_NS, "text");
    text.setAttribute("class", "compare-badge");
    text.setAttribute("x", box.x + box.width / 2);
    text.setAttribute("y", box.y + box.height + 12);
    text.setAttribute("text-anchor", "middle");
    text.textContent = node.getAttribute("data-badge");  // text, never markup
    node.appendChild(text);
  });
})();
