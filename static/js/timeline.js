// The Timeline tab: zoom and pan the server-drawn Gantt chart with a CSS transform on its bars
// (nothing is laid out again), an axis for the visible span, the times of a bar on hover or focus,
// and the selected run marked. Clicking a bar selects its run (execution_detail.js, data-select-run).
(function () {
  "use strict";

  var pane = document.querySelector("[data-timeline]");
  if (!pane) return;
  var viewport = pane.querySelector(".timeline-viewport");
  var bars = pane.querySelector(".timeline-bars");
  var axis = pane.querySelector(".timeline-axis");
  var grid = pane.querySelector(".timeline-grid");
  var tip = pane.querySelector(".timeline-tip");
  if (!viewport || !bars) return;

  var WIDTH = 1000;  // the SVG's user units across the whole execution (see timeline_page.py)
  var duration = Number(pane.getAttribute("data-duration-ms")) || 0;
  var MAX_ZOOM = Math.max(1, Math.min(100000, duration / 2));  // about 2 ms across the pane at most
  var zoom = 1, shift = 0;  // shift: user units, 0 .. WIDTH - WIDTH * zoom

  function clamp() {
    zoom = Math.min(MAX_ZOOM, Math.max(1, zoom));
    shift = Math.min(0, Math.max(WIDTH - WIDTH * zoom, shift));
  }

  function apply() {
    clamp();
    bars.style.transform = "translate(" + shift + "px, 0px) scale(" + zoom + ", 1)";
    drawAxis();
  }

  function unitsPerPixel() { return WIDTH / Math.max(1, viewport.clientWidth); }

  // Zoom by `factor` keeping the point at `px` (pixels from the viewport's left) in place.
  function zoomAt(factor, px) {
    var at = px * unitsPerPixel();
    var before = zoom;
    zoom = Math.min(MAX_ZOOM, Math.max(1, zoom * factor));
    shift = at - (at - shift) * (zoom / before);
    apply();
  }

  function label(ms, step) {
    if (step < 1000) return (ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(step < 10 ? 3 : step < 100 ? 2 : 1) + " s");
    if (ms < 60000) return (ms / 1000).toFixed(step < 1000 ? 1 : 0) + " s";
    var minutes = Math.floor(ms / 60000), seconds = Math.round((ms % 60000) / 1000);
    if (minutes < 60) return minutes + " min" + (seconds ? " " + seconds + " s" : "");
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function niceStep(rough) {
    var steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000,
      120000, 300000, 600000, 900000, 1800000, 3600000, 7200000, 21600000, 43200000, 86400000];
    for (var i = 0; i < steps.length; i++) if (steps[i] >= rough) return steps[i];
    return steps[steps.length - 1] * Math.ceil(rough / steps[steps.length - 1]);
  }

  function drawAxis() {
    if (!axis || !duration) return;
    var width = viewport.clientWidth;
    if (!width) return;
    var from = (-shift / zoom) / WIDTH * duration;
    var to = ((WIDTH - shift) / zoom) / WIDTH * duration;
    var step = niceStep((to - from) / Math.max(2, Math.floor(width / 110)));
    axis.textContent = "";
    axis.classList.add("drawn");
    for (var t = Math.ceil(from / step) * step; t <= to; t += step) {
      var px = ((t / duration * WIDTH) * zoom + shift) / WIDTH * width;
      if (px < 24 || px > width - 24) continue;
      var tick = document.createElement("span");
      tick.className = "timeline-tick-at timeline-tick";
      tick.style.left = px + "px";
      tick.textContent = label(t, step);
      axis.appendChild(tick);
    }
  }

  // Pan by dragging; a drag never counts as a click on the bar it started on.
  var drag = null, justPanned = false;
  viewport.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) return;
    drag = { x: event.clientX, shift: shift, moved: false, id: event.pointerId };
  });
  viewport.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var dx = event.clientX - drag.x;
    if (!drag.moved && Math.abs(dx) < 4) return;
    if (!drag.moved) { drag.moved = true; viewport.setPointerCapture(drag.id); hideTip(); }
    shift = drag.shift + dx * unitsPerPixel();
    apply();
  });
  function endDrag() {
    if (drag && drag.moved) {
      justPanned = true;
      setTimeout(function () { justPanned = false; }, 0);
    }
    drag = null;
  }
  viewport.addEventListener("pointerup", endDrag);
  viewport.addEventListener("pointercancel", endDrag);
  viewport.addEventListener("click", function (event) {
    if (justPanned) { event.preventDefault(); event.stopPropagation(); justPanned = false; }
  }, true);

  viewport.addEventListener("wheel", function (event) {
    var rect = viewport.getBoundingClientRect();
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      zoomAt(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - rect.left);
    } else if (Math.abs(event.deltaX) > Math.abs(event.deltaY) && zoom > 1) {
      event.preventDefault();
      shift -= event.deltaX * unitsPerPixel();
      apply();
    }
  }, { passive: false });

  viewport.addEventListener("keydown", function (event) {
    var middle = viewport.clientWidth / 2;
    if (event.key === "+" || event.key === "=") zoomAt(1.5, middle);
    else if (event.key === "-") zoomAt(1 / 1.5, middle);
    else if (event.key === "0") { zoom = 1; shift = 0; apply(); }
    else if (event.key === "ArrowLeft") { shift += 80 * unitsPerPixel(); apply(); }
    else if (event.key === "ArrowRight") { shift -= 80 * unitsPerPixel(); apply(); }
    else return;
    event.preventDefault();
  });

  pane.querySelectorAll("[data-timeline-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.getAttribute("data-timeline-zoom");
      if (how === "fit") { zoom = 1; shift = 0; apply(); }
      else zoomAt(how === "in" ? 1.5 : 1 / 1.5, viewport.clientWidth / 2);
    });
  });

  // Times on hover and focus. The SVG <title> is the text (and what shows without script); it is
  // moved to data-tip on first use so the browser's own tooltip does not show it twice.
  function tipText(bar) {
    var title = bar.querySelector("title");
    if (title) { bar.setAttribute("data-tip", title.textContent); title.remove(); }
    return bar.getAttribute("data-tip") || "";
  }
  function showTip(bar, x, y) {
    if (!tip || drag && drag.moved) return;
    tip.textContent = tipText(bar);
    tip.hidden = false;
    var left = Math.min(x + 14, window.innerWidth - tip.offsetWidth - 8);
    var top = y + 18 + tip.offsetHeight > window.innerHeight ? y - tip.offsetHeight - 10 : y + 18;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }
  function hideTip() { if (tip) tip.hidden = true; }
  viewport.addEventListener("mousemove", function (event) {
    var bar = event.target.closest(".timeline-bar");
    if (bar) showTip(bar, event.clientX, event.clientY); else hideTip();
  });
  viewport.addEventListener("mouseleave", hideTip);
  viewport.addEventListener("focusin", function (event) {
    var bar = event.target.closest(".timeline-bar");
    if (!bar) return;
    var rect = bar.getBoundingClientRect();
    showTip(bar, rect.left, rect.bottom - 12);
  });
  viewport.addEventListener("focusout", hideTip);

  // The selected run: marked here; execution_detail.js loads its details and keeps the URL.
  function mark(key) {
    bars.querySelectorAll(".timeline-bar.selected").forEach(function (bar) { bar.classList.remove("selected"); });
    bars.querySelectorAll("[data-select-run]").forEach(function (bar) {
      if (bar.getAttribute("data-select-run") === key) bar.classList.add("selected");
    });
  }
  bars.addEventListener("click", function (event) {
    var bar = event.target.closest("[data-select-run]");
    if (bar && !event.metaKey && !event.ctrlKey && !event.shiftKey) mark(bar.getAttribute("data-select-run"));
  });
  var chosen = bars.querySelector(".timeline-bar.selected rect");
  if (chosen && grid) {
    var y = Number(chosen.getAttribute("y"));
    if (y > grid.clientHeight - 40) grid.scrollTop = y - grid.clientHeight / 2;
  }

  window.addEventListener("resize", drawAxis);
  apply();
})();
