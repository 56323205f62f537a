// JSON editors (textarea[data-json-editor]) checked as you type, with the line and column of
// the first problem; and Copy buttons ([data-copy=ID] copies the value of the element ID).
// Used by the "New execution" form and the simulation panel of the execution page.
(function () {
  "use strict";
  if (window.stepscopeSimulationForms) return; // the panel and the page may both load it
  window.stepscopeSimulationForms = true;

  // Where JSON.parse stopped: browsers do not all say, so a small scanner finds the offset of
  // the first character that cannot continue valid JSON.
  function errorOffset(text) {
    var i = 0;
    function fail() { throw i; }
    function ws() { while (i < text.length && " \t\n\r".indexOf(text[i]) >= 0) i++; }
    function literal(word) { if (text.substr(i, word.length) !== word) fail(); i += word.length; }
    function string() {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text.charCodeAt(i) < 32) fail();
        if (text[i] === "\\") {
          i++;
          if ('"\\/bfnrt'.indexOf(text[i]) >= 0) i++;
          else if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.substr(i + 1, 4))) i += 5;
          else fail();
        } else i++;
      }
      if (i >= text.length) fail();
      i++;
    }
    function value() {
      ws();
      var c = text[i];
      if (c === "{") {
        i++; ws();
        if (text[i] === "}") { i++; return; }
        for (;;) {
          ws(); if (text[i] !== '"') fail(); string(); ws();
          if (text[i] !== ":") fail(); i++; value(); ws();
          if (text[i] === ",") { i++; continue; }
          if (text[i] === "}") { i++; return; }
          fail();
        }
      } else if (c === "[") {
        i++; ws();
        if (text[i] === "]") { i++; return; }
        for (;;) {
          value(); ws();
          if (text[i] === ",") { i++; continue; }
          if (text[i] === "]") { i++; return; }
          fail();
        }
      } else if (c === '"') string();
      else if (c === "t") literal("true");
      else if (c === "f") literal("false");
      else if (c === "n") literal("null");
      else {
        var m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!m) fail();
        i += m[0].length;
      }
    }
    try { value(); ws(); if (i < text.length) fail(); } catch (e) {
      return typeof e === "number" ? e : null;
    }
    return null;
  }

  function lineColumn(text, message) {
    var m = /line (\d+) column (\d+)/.exec(message);
    if (m) return { line: +m[1], column: +m[2] };
    var offset = errorOffset(text);
    if (offset === null) return null;
    var before = text.slice(0, offset).split("\n");
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  function check(area, status, original) {
    var text = area.value;
    if (!text.trim()) {
      area.removeAttribute("aria-invalid");
      status.textContent = original;
      status.classList.remove("invalid");
      return;
    }
    try {
      JSON.parse(text);
      area.removeAttribute("aria-invalid");
      status.textContent = "Valid JSON.";
      status.classList.remove("invalid");
    } catch (error) {
      var where = lineColumn(text, String(error.message));
      area.setAttribute("aria-invalid", "true");
      status.textContent = "Not valid JSON" +
        (where ? " at line " + where.line + ", column " + where.column : "") +
        ": " + String(error.message).replace(/^JSON\.parse: /, "");
      status.classList.add("invalid");
    }
  }

  function editors() {
    document.querySelectorAll("textarea[data-json-editor]").forEach(function (area) {
      var status = document.querySelector('[data-json-status-for="' + area.id + '"]');
      if (!status || area.dataset.jsonWatched) return;
      area.dataset.jsonWatched = "1";
      var original = status.textContent;
      var timer = null;
      area.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { check(area, status, original); }, 150);
      });
      if (area.value.trim()) check(area, status, original);
    });
  }

  function copy(event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  }

  function start() {
    editors();
    document.addEventListener("click", copy);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
