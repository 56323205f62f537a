// Pan and zoom for an already laid-out SVG graph. The layout is never redone in the browser:
// only the SVG viewBox changes.
(function () {
  "use strict";

  function parseViewBox(svg) {
    var box = svg.viewBox.baseVal;
    return { x: box.x, y: box.y, w: box.width, h: box.height };
  }

  function GraphViewport(container) {
    this.container = container;
    this.svg = container.querySelector("svg");
    if (!this.svg) return;
    this.home = parseViewBox(this.svg);
    this.box = Object.assign({}, this.home);
    this.svg.removeAttribute("width");
    this.svg.removeAttribute("height");
    this.svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this._bind();
    this.apply();
  }

  GraphViewport.prototype.apply = function () {
    var b = this.box;
    this.svg.setAttribute("viewBox", [b.x, b.y, b.w, b.h].join(" "));
  };

  GraphViewport.prototype.fit = function () {
    this.box = Object.assign({}, this.home);
    this.apply();
  };

  // Zoom by `factor` (>1 zooms in) around a point given in SVG user units.
  GraphViewport.prototype.zoomBy = function (factor, cx, cy) {
    var b = this.box;
    if (cx === undefined) { cx = b.x + b.w / 2; cy = b.y + b.h / 2; }
    var w = b.w / factor, h = b.h / factor;
    var minW = this.home.w / 40, maxW = this.home.w * 4;
    if (w < minW || w > maxW) return;
    this.box = { x: cx - (cx - b.x) / factor, y: cy - (cy - b.y) / factor, w: w, h: h };
    this.apply();
  };

  GraphViewport.prototype.toUser = function (clientX, clientY) {
    var point = this.svg.createSVGPoint();
    point.x = clientX; point.y = clientY;
    var matrix = this.svg.getScreenCTM();
    return matrix ? point.matrixTransform(matrix.inverse()) : { x: 0, y: 0 };
  };

  // The element's bounding box in the root SVG's user units (the viewBox's units): graphviz
  // wraps the drawing in a translated group, so the element's own getBBox() is not enough.
  GraphViewport.prototype.boxOf = function (element) {
    var box = element.getBBox();
    var toRoot = this.svg.getScreenCTM().inverse().multiply(element.getScreenCTM());
    var corners = [[box.x, box.y], [box.x + box.width, box.y + box.height]].map(function (c) {
      var point = this.svg.createSVGPoint();
      point.x = c[0]; point.y = c[1];
      return point.matrixTransform(toRoot);
    }, this);
    return { x: corners[0].x, y: corners[0].y, w: corners[1].x - corners[0].x, h: corners[1].y - corners[0].y };
  };

  // Bring an element of the graph into view without changing the zoom, unless it is off-screen.
  GraphViewport.prototype.reveal = function (element) {
    var box = this.boxOf(element), b = this.box;
    var inside = box.x >= b.x && box.y >= b.y && box.x + box.w <= b.x + b.w &&
      box.y + box.h <= b.y + b.h;
    if (inside) return;
    this.box = { x: box.x + box.w / 2 - b.w / 2, y: box.y + box.h / 2 - b.h / 2, w: b.w, h: b.h };
    this.apply();
  };

  GraphViewport.prototype._bind = function () {
    var self = this, drag = null;
    this.container.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = self.toUser(event.clientX, event.clientY);
      self.zoomBy(event.deltaY < 0 ? 1.15 : 1 / 1.15, p.x, p.y);
    }, { passive: false });
    this.container.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      drag = { x: event.clientX, y: event.clientY, box: Object.assign({}, self.box), moved: false };
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var rect = self.svg.getBoundingClientRect();
      var scale = Math.max(drag.box.w / rect.width, drag.box.h / rect.height);
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      self.box = { x: drag.box.x - dx * scale, y: drag.box.y - dy * scale, w: drag.box.w, h: drag.box.h };
      self.apply();
    });
    window.addEventListener("pointerup", function () {
      if (drag && drag.moved) self.container.dataset.justPanned = "1";
      drag = null;
      setTimeout(function () { delete self.container.dataset.justPanned; }, 0);
    });
    this.container.addEventListener("keydown", function (event) {
      var step = self.box.w / 10;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (moves[event.key]) {
        self.box.x += moves[event.key][0]; self.box.y += moves[event.key][1]; self.apply();
        event.preventDefault();
      } else if (event.key === "+" || event.key === "=") { self.zoomBy(1.25); }
      else if (event.key === "-") { self.zoomBy(1 / 1.25); }
      else if (event.key === "0") { self.fit(); }
    });
  };

  window.Stepscope = window.Stepscope || {};
  window.Stepscope.GraphViewport = GraphViewport;
})();
