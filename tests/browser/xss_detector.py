"""What tells test_xss.py that a payload ran, or was about to.

Three witnesses, all installed on a browser context before any page loads:
- the sentinel: every payload calls `__xss(id)` (or `alert(id)`) when it runs. An init script
  defines `__xss` in every frame and reports each call to Python through an exposed binding,
  which survives navigations; `alert`, `confirm` and `prompt` show up as dialog events;
- uncaught page errors, such as a SyntaxError from text that broke out into a script;
- the markup scan (SCAN_JS): after each page, any element that carries a payload's sentinel
  where markup would act on it (an event handler, a link or source URL, a style, a script's or
  stylesheet's text), even if it would only run on a click or a hover. Text that is merely
  shown (element text, form values, titles, data-* and aria-* attributes, JSON data blocks)
  is fine: that is where escaped payloads belong.

The context is made with `bypass_csp=True`: the test proves that text is escaped, whatever the
Content-Security-Policy would also stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The sentinel, the markup scan (window.__xssScan(root)) and a count of fetches in flight (so a
# click's fragment is in the page before the next click), defined in every frame before any
# page script runs. Only attributes that show text are allowed to hold a payload.
INIT_JS = """
(() => {
  const hits = [];
  const report = (id) => {
    const text = String(id);
    hits.push(text);
    try { window.__xssReport(text); } catch (e) { /* the binding may not be there yet */ }
  };
  const SHOWN = new Set(["value", "title", "alt", "placeholder", "label", "summary"]);
  // A sentinel call as markup would hold it (slugs such as node ids turn "(" into "_").
  const hostile = (text) => /xss[(`)'"]|'__x'|alert\\(/.test(text || "");
  const describe = (el, what) => `<${el.localName}> ${what}`.slice(0, 300);
  const scan = (root) => {
    const findings = [];
    const walk = (node) => {
      if (!node) return;
      for (const el of node.querySelectorAll("*")) {
        for (const attr of Array.from(el.attributes)) {
          const name = attr.localName.toLowerCase();
          if (SHOWN.has(name) || name.startsWith("data-") || name.startsWith("aria-")) continue;
          if (hostile(attr.value)) findings.push(describe(el, `${attr.name}="${attr.value}"`));
        }
        const type = (el.getAttribute("type") || "").toLowerCase();
        const runs = el.localName === "script"
          && (!type || type.includes("javascript") || type === "module");
        if ((runs || el.localName === "style") && hostile(el.textContent)) {
          findings.push(describe(el, el.textContent));
        }
        if (el.shadowRoot) walk(el.shadowRoot);
        if (el.localName === "template") walk(el.content);
        if (el.localName === "iframe") {
          try { walk(el.contentDocument); } catch (e) { /* another origin cannot reach us */ }
        }
      }
    };
    walk(root);
    return findings;
  };
  let pending = 0;
  const realFetch = window.fetch;
  window.fetch = function (...args) {
    pending += 1;
    return realFetch.apply(this, args).finally(() => { pending -= 1; });
  };
  const fixed = (value) => ({ value, writable: false, configurable: false });
  Object.defineProperty(window, "__xss", fixed(report));
  Object.defineProperty(window, "__xssHits", fixed(hits));
  Object.defineProperty(window, "__xssScan", fixed(scan));
  Object.defineProperty(window, "__xssPending", { get: () => pending, configurable: false });
})();
"""

SCAN_JS = "() => window.__xssScan(document)"


@dataclass
class XssWitness:
    """What the browser reported while the test drove it."""

    sentinel: list[str] = field(default_factory=list)  # ids passed to __xss / alert
    places: list[str] = field(default_factory=list)  # the page each of them ran on
    page_errors: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)  # "<url>: <finding>"

    def ran(self, ident: str, url: str) -> None:
        self.sentinel.append(ident)
        self.places.append(url)

    def clear(self) -> None:
        self.sentinel.clear()
        self.places.clear()
        self.page_errors.clear()
        self.markup.clear()

    def scan(self, page: Any, where: str) -> list[str]:
        """Run the markup scan on the page as it is now; findings are kept, and returned."""
        found = [f"{where}: {finding}" for finding in page.evaluate(SCAN_JS)]
        self.markup.extend(found)
        return found

    def problems(self) -> list[str]:
        """Each problem once, in the order seen."""
        found = (
            [
                f"payload {ident} ran on {url}"
                for ident, url in zip(self.sentinel, self.places, strict=True)
            ]
            + [f"page error: {error}" for error in self.page_errors]
            + [f"injected markup: {finding}" for finding in self.markup]
        )
        return list(dict.fromkeys(found))


def watched_context(browser: Any, witness: XssWitness) -> Any:
    """A browser context whose every page reports to `witness`."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    context.expose_binding(
        "__xssReport", lambda source, ident: witness.ran(ident, source["frame"].url)
    )
    context.add_init_script(INIT_JS)

    def on_page(page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            witness.ran(f"{dialog.type}({dialog.message})", page.url)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: witness.page_errors.append(f"{page.url}: {error}"))

    context.on("page", on_page)
    return context


# ---- What the tour runs in the browser ----

# Clicks every clickable thing outside the step pane (graph nodes, tabs, run links, table rows,
# tree toggles, event rows, payload buttons, zoom buttons, <summary>), waits for the fragment
# each click fetches, then clicks everything inside the step pane that fragment filled. Links
# that would leave the page and form submits do not (their pages are visited instead).
CLICK_JS = """
async (limit) => {
  const CLICKABLE = [
    "[data-state]:not([data-cluster])", "[role=tab]", "[data-select-run]", ".tree-toggle",
    "tr[data-run-key]", "tr[data-event-id]", "summary", "[data-zoom]", ".payload button",
    "button[type=button]", "select[data-run-picker]",
  ].join(", ");
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const settle = async () => {
    await sleep(0);
    for (let i = 0; i < 300 && window.__xssPending > 0; i += 1) await sleep(10);
    await sleep(30);  // the fetched text, then the DOM it becomes
  };
  // A link that would leave the page, or a form submit, does not: its page is visited instead.
  const stay = (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (link && !link.getAttribute("href").startsWith("#")) event.preventDefault();
  };
  window.addEventListener("click", stay, true);
  window.addEventListener("submit", (event) => event.preventDefault(), true);
  const leaves = (el) => Boolean(el.closest(".copy, [data-copy], select[data-navigate]"));
  let clicks = 0;
  const click = async (el) => {
    if (clicks >= limit || !el.isConnected || leaves(el)) return;
    if (el.localName === "select") {
      for (const option of Array.from(el.options)) {
        el.value = option.value;
        el.dispatchEvent(new Event("change", { bubbles: true }));
        clicks += 1;
        await settle();
      }
      return;
    }
    el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, view: window }));
    clicks += 1;
    if (window.__xssPending > 0) await settle();  // it fetched a fragment: wait for it
  };
  const pane = () => document.getElementById("step-pane");
  const outside = Array.from(document.querySelectorAll(CLICKABLE))
    .filter((el) => !(pane() && pane().contains(el)));
  for (const el of outside) {
    await click(el);
    const inside = pane() ? Array.from(pane().querySelectorAll(CLICKABLE)) : [];
    for (const child of inside.filter((c) => !c.matches("[data-select-run]"))) await click(child);
    if (clicks >= limit) break;
  }
  return clicks;
}
"""

# The page's own links, forms and field names, for the tour to follow and fill.
PAGE_FACTS_JS = """
() => {
  const fields = (form) => Array.from(form.elements)
    .filter((el) => el.name && el.name !== "csrfmiddlewaretoken")
    .map((el) => ({ name: el.name, file: el.type === "file" }));
  return {
    links: Array.from(document.querySelectorAll("a[href]")).map((a) => {
      try { return new URL(a.getAttribute("href"), location.href).href; } catch (e) { return ""; }
    }).filter((href) => href.startsWith(location.origin)),
    names: Array.from(document.querySelectorAll("form [name]")).map((el) => el.name)
      .filter((name) => name !== "csrfmiddlewaretoken"),
    posts: Array.from(document.querySelectorAll("form[method=post], form[method=POST]"))
      .map((form) => ({ action: form.action, fields: fields(form) })),
  };
}
"""

# Fetches each request (GET, or a POST of form data with the CSRF token) and scans the answer
# as the browser parses it, without running it: HTML pages, the *_html fragments of JSON
# answers (the live endpoint's), and SVG documents.
FETCH_SCAN_JS = """
async (requests) => {
  const findings = [];
  const failures = [];
  const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  const inert = (html) => {
    const holder = document.implementation.createHTMLDocument("").createElement("template");
    holder.innerHTML = html;
    return holder.content;
  };
  for (const request of requests) {
    const init = { credentials: "same-origin", method: request.method };
    if (request.method === "POST") {
      const body = new FormData();
      for (const [name, value] of request.fields) body.append(name, value);
      for (const [name, filename, content] of request.files) {
        body.append(name, new File([content], filename, { type: "application/octet-stream" }));
      }
      body.append("csrfmiddlewaretoken", csrf);
      init.body = body;
      init.headers = { "X-CSRFToken": csrf };
    }
    const response = await fetch(request.url, init);
    const type = response.headers.get("content-type") || "";
    const text = await response.text();
    const where = `${request.method} ${request.url}`;
    if (response.status >= 500) failures.push(`${where}: ${response.status}`);
    const roots = [];
    if (type.includes("svg")) roots.push(new DOMParser().parseFromString(text, "image/svg+xml"));
    else if (type.includes("html")) roots.push(new DOMParser().parseFromString(text, "text/html"));
    else if (type.includes("json")) {
      try {
        const data = JSON.parse(text);
        for (const [key, value] of Object.entries(data || {})) {
          if (key.endsWith("_html") && typeof value === "string") roots.push(inert(value));
        }
      } catch (e) { /* not an object of fragments */ }
    }
    for (const root of roots) {
      for (const finding of window.__xssScan(root)) findings.push(`${where}: ${finding}`);
    }
  }
  return { findings, failures };
}
"""

# What a path answers: the status, the content type, and whether it is a download.
PROBE_JS = """
async (path) => {
  const response = await fetch(path, { credentials: "same-origin" });
  const body = await response.text();
  return {
    status: response.status,
    type: (response.headers.get("content-type") || "") + (body ? "" : " (empty)"),
    download: (response.headers.get("content-disposition") || "").includes("attachment"),
  };
}
"""
