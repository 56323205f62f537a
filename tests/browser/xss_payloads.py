"""Hostile text for the cross-site scripting test (test_xss.py): every payload, if it ever ran,
would call the page's sentinel `__xss(id)` (or `alert(id)`), so the test can tell which one ran.

Each payload names the context it was written to break out of. `test_xss.py` proves the corpus is
live ammunition: it drops each payload unescaped into its own context on a blank page and checks
that the sentinel fires there (or, for the ones that need a click or an old browser, that the
markup scan sees the injected element). Stepscope's pages must then never let any of them run.

Contexts:
    html      raw inside an element's text (a name, an error, a cause)
    attr      inside a double-quoted attribute value (data-state="…", value="…")
    attr1     inside a single-quoted attribute value
    url       as a link's href, then clicked
    js        inside a double-quoted string in a <script>
    js_half   inside a double-quoted string whose quotes are escaped but not its backslashes
    js1       inside a single-quoted string in a <script>
    js1_half  inside a single-quoted string whose quotes are escaped but not its backslashes
    jstpl     inside a JavaScript template literal
    django    rendered as a Django template (text taken for a template)
    dot       inside a double-quoted Graphviz label of a hand-built DOT file, drawn as SVG
    dot_half  the same, with the label's quotes escaped but not its backslashes
    decoded   read back as text and written again as HTML (entities decoded twice)
    nfkc      after Unicode NFKC normalisation, raw in HTML
    markup    raw in HTML it makes an element that runs only on a click, a hover or in an old
              browser; the markup scan must still find it
"""

from __future__ import annotations

import html
import subprocess
import unicodedata
from dataclasses import dataclass

CONTEXTS = (
    "html",
    "attr",
    "attr1",
    "url",
    "js",
    "js_half",
    "js1",
    "js1_half",
    "jstpl",
    "django",
    "dot",
    "dot_half",
    "decoded",
    "nfkc",
    "markup",
)


@dataclass(frozen=True)
class Payload:
    id: int
    context: str
    text: str

    @property
    def short(self) -> bool:
        """Whether it can be a state name: at most 80 characters, no control characters."""
        return len(self.text) <= 80 and not any(
            ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in self.text
        )


# `{x}` becomes the sentinel call `__xss(<id>)` and `{n}` the id alone.
_CORPUS: tuple[tuple[str, str], ...] = (
    # -- Plain HTML: tags and event handlers that run as soon as they are parsed or inserted.
    ("html", "<script>{x}</script>"),
    ("html", "<SCRIPT>{x}</SCRIPT>"),
    ("html", "<script >{x}</script >"),
    ("html", "<script>alert({n})</script>"),
    ("html", "<img src=x onerror={x}>"),
    ("html", '<img src="x" onerror="{x}">'),
    ("html", "<img src=x onerror='{x}'>"),
    ("html", "<IMG SRC=x OnErRoR={x}>"),
    ("html", '<img/src="x"/onerror={x}>'),
    ("html", "<img src=x onerror\t=\t{x}>"),
    ("html", "<img src=x onerror=alert({n})>"),
    ("html", "<img src=x:y onerror=window.__xss({n})>"),
    ("html", "<img src onerror={x}>"),
    ("html", "<svg onload={x}>"),
    ("html", "<svg/onload={x}>"),
    ("html", "<svg><script>{x}</script></svg>"),
    ("html", "<svg><animate onbegin={x} attributeName=x dur=1s>"),
    ("html", "<svg><set onbegin={x} attributeName=x to=1>"),
    ("html", "<svg><image href=x onerror={x}></svg>"),
    ("html", "<math><mi xlink:href=x><img src=x onerror={x}></mi></math>"),
    ("html", "<body onload={x}>"),
    ("html", "<iframe src=javascript:parent.{x}></iframe>"),
    ("html", '<iframe srcdoc="<script>parent.{x}</script>"></iframe>'),
    ("html", "<iframe onload={x}></iframe>"),
    ("html", "<details open ontoggle={x}>"),
    ("html", "<details/open/ontoggle={x}>"),
    ("html", "<video><source onerror={x}></video>"),
    ("html", "<video src=x onerror={x}></video>"),
    ("html", "<audio src=x onerror={x}>"),
    ("html", "<input autofocus onfocus={x}>"),
    ("html", "<select autofocus onfocus={x}></select>"),
    ("html", "<textarea autofocus onfocus={x}></textarea>"),
    ("markup", "<marquee onstart={x}>x</marquee>"),
    ("markup", "<object data=javascript:parent.{x}></object>"),
    ("html", "<style onload={x}></style>"),
    ("html", "<link rel=stylesheet href=x onerror={x}>"),
    ("html", "<input type=image src=x onerror={x}>"),
    (
        "html",
        "<div style=animation-name:x onanimationstart={x}></div><style>@keyframes x{}</style>",
    ),
    ("html", "<image src=x onerror={x}>"),
    ("html", "<table background=x><td><img src=x onerror={x}>"),
    ("html", "<p>ok</p><!--><img src=x onerror={x}>-->"),
    ("html", "<![CDATA[><img src=x onerror={x}>]]>"),
    ("html", '<noscript><p title="</noscript><img src=x onerror={x}>">'),
    ("html", "<title><img src=x onerror={x}></title><img src=x onerror={x}>"),
    ("html", "<xmp></xmp><img src=x onerror={x}>"),
    ("html", "<textarea></textarea><img src=x onerror={x}>"),
    ("html", "</textarea><img src=x onerror={x}>"),
    ("html", "</title><img src=x onerror={x}>"),
    ("html", "</style><img src=x onerror={x}>"),
    ("html", "</pre><img src=x onerror={x}>"),
    ("html", "</script><script>{x}</script>"),
    ("html", "</ScRiPt><sCrIpT>{x}</sCrIpT>"),
    ("html", "</script><img src=x onerror={x}>"),
    ("html", "<scr\x00ipt>x</scr\x00ipt><script>{x}</script>"),
    ("html", "<<img src=x onerror={x}>>"),
    ("html", "<a id=x tabindex=1 onfocus={x} autofocus>x</a>"),
    ("html", "<form><input name=parentNode><img src=x onerror={x}></form>"),
    ("html", r"<img src=x onerror=eval('\x5f\x5fxss({n})')>"),
    ("html", "<img src=x onerror=top['__xss']({n})>"),
    ("html", "<img src=x onerror=[{n}].map(__xss)>"),
    ("html", "<img src=x onerror=__xss`{n}`>"),
    ("html", "<svg><a><rect width=9 height=9 /><animate attributeName=href to=x onbegin={x} />"),
    ("html", "\u202e<img src=x onerror={x}>\u202c"),
    ("html", "\u200b<img src=x onerror={x}>\u200b"),
    ("html", "\ufeff<img src=x onerror={x}>"),
    ("html", "\x00<img src=x onerror={x}>"),
    ("html", "x\x00y<script>{x}</script>"),
    ("html", "\u2028\u2029<img src=x onerror={x}>"),
    ("html", "<img src=x onerror={x}>" + "A" * 300),
    ("html", "A" * 5000 + "<img src=x onerror={x}>"),
    # -- Out of a double-quoted attribute value.
    ("attr", '"><img src=x onerror={x}>'),
    ("attr", '"><script>{x}</script>'),
    ("attr", '"><svg onload={x}>'),
    ("attr", '" autofocus onfocus="{x}'),
    ("attr", '" onfocus="{x}" autofocus="'),
    ("attr", '" autofocus onfocus={x} x="'),
    ("attr", '"/><img src=x onerror={x}>'),
    ("attr", '"><details open ontoggle={x}>'),
    ("attr", '"><iframe src=javascript:parent.{x}>'),
    ("attr", '"><input autofocus onfocus={x}>'),
    ("attr", '" ><img src=x onerror={x} x="'),
    ("attr", "\"'><img src=x onerror={x}>"),
    ("attr", '"]><img src=x onerror={x}>'),
    ("attr", '";}</style><img src=x onerror={x}>'),
    ("attr", '"></a><img src=x onerror={x}>'),
    ("attr", '"></option></select><img src=x onerror={x}>'),
    ("attr", '"></textarea><img src=x onerror={x}>'),
    ("attr", '"></title><img src=x onerror={x}>'),
    ("decoded", "&quot;&gt;<img src=x onerror={x}>"),
    ("attr", '"><svg><script>{x}</script>'),
    # -- Out of a single-quoted attribute value.
    ("attr1", "'><img src=x onerror={x}>"),
    ("attr1", "' autofocus onfocus='{x}"),
    ("attr1", "' autofocus onfocus={x} x='"),
    ("attr1", "'><svg onload={x}>"),
    ("attr1", "'><script>{x}</script>"),
    ("attr1", "'/><details open ontoggle={x}>"),
    # -- As a link.
    ("url", "javascript:{x}"),
    ("url", "JaVaScRiPt:{x}"),
    ("url", " javascript:{x}"),
    ("url", "java\tscript:{x}"),
    ("url", "java\nscript:{x}"),
    ("url", "\x01javascript:{x}"),
    ("url", "javascript:void({x})"),
    ("url", "javascript://%0a{x}"),
    ("url", "javascript:/*--></title></style></textarea></script><svg/onload={x}>*/{x}"),
    ("url", "javascript:window['__x'+'ss']({n})"),
    # -- Out of a JavaScript string, or inside a template literal.
    ("js", '";{x};//'),
    ("js", '"-{x}-"'),
    ("js", '"+{x}+"'),
    ("js", '"||{x}||"'),
    ("js", '";{x};var x="'),
    ("js_half", '\\";{x};//'),
    ("js1", "';{x};//"),
    ("js1", "'-{x}-'"),
    ("js1", "'+{x}+'"),
    ("js1_half", "\\';{x};//"),
    ("jstpl", "${{x}}"),
    ("jstpl", "`;{x};`"),
    ("jstpl", "${[{n}].map(__xss)}"),
    # -- Text taken for a template: safe only if it is never rendered as one.
    ("django", '{% autoescape off %}{{ "<"|add:"img src=x onerror={x}>" }}{% endautoescape %}'),
    ("django", '{% filter lower %}{{ "<"|add:"svg onload={x}>"|safe }}{% endfilter %}'),
    ("django", '{{ "<"|add:"img src=x onerror={x}>"|safe }}'),
    ("django", '{% with t="<"|add:"script>{x}</"|add:"script>" %}{{ t|safe }}{% endwith %}'),
    (
        "django",
        "{% templatetag openvariable %}7*7{% templatetag closevariable %}"
        '{{ "<"|add:"img src=x onerror={x}>"|safe }}',
    ),
    (
        "django",
        '{% autoescape off %}{{ "&lt;img src=x onerror={x}&gt;"|striptags }}'
        '{{ "<"|add:"svg onload={x}>" }}{% endautoescape %}',
    ),
    # -- Out of a Graphviz label: a node that links to script.
    ("dot", 'x"];evil{n}[URL="javascript:{x}" label="click"];y[label="'),
    ("dot", 'x" URL="javascript:{x}" target="_self'),
    ("dot", '"];a{n}[label=<<b>x</b>> URL="javascript:{x}"];b[label="'),
    ("dot", 'x"]; t{n}[label=<<table href="javascript:{x}"><tr><td>x</td></tr></table>>]; //'),
    ("dot", 'x" tooltip="t" href="javascript:{x}'),
    ("dot_half", 'x\\"]; evil{n}[href=<javascript:{x}>]; //'),
    # -- Entities that turn into markup if text is ever read back and written again as HTML.
    ("decoded", "&lt;img src=x onerror={x}&gt;"),
    ("decoded", "&#60;img src=x onerror={x}&#62;"),
    ("decoded", "&#x3c;svg onload={x}&#x3e;"),
    ("decoded", "&lt;script&gt;{x}&lt;/script&gt;"),
    ("decoded", "&LT;img src=x onerror={x}&GT;"),
    ("decoded", "&lt;iframe src=javascript:parent.{x}&gt;"),
    # -- Full-width look-alikes that only become markup after NFKC normalisation.
    ("nfkc", "\uff1cimg src=x onerror={x}\uff1e"),
    ("nfkc", "\uff1csvg onload={x}\uff1e"),
    ("nfkc", "\ufe64script\ufe65{x}\ufe64/script\ufe65"),
    # -- Markup that runs only on a click, a hover, or in an old browser: the scan finds it.
    ("markup", "<a href=javascript:{x}>click me</a>"),
    ("markup", "<a href='jav&#x09;ascript:{x}'>click</a>"),
    ("markup", "<a href='&#106;avascript:{x}'>click</a>"),
    ("markup", "<a href=javascript&colon;{x}>click</a>"),
    ("markup", "<form action=javascript:{x}><button>go</button></form>"),
    ("markup", "<form><button formaction=javascript:{x}>go</button></form>"),
    ("markup", "<div onmouseover={x}>hover</div>"),
    ("markup", "<div onclick={x}>click</div>"),
    ("markup", '<div style="width:expression({x})">x</div>'),
    ("markup", "<div style=\"background:url('javascript:{x}')\">x</div>"),
    ("markup", '<style>*{background:url("javascript:{x}")}</style>'),
    ("markup", "<style>@import 'javascript:{x}';</style>"),
    ("markup", '<meta http-equiv=refresh content="0;url=javascript:{x}">'),
    ("markup", "<base href=javascript:{x}//>"),
    ("markup", '<a href="data:text/html,<script>parent.{x}</script>">x</a>'),
    ("markup", '<iframe src="data:text/html,<script>parent.{x}</script>"></iframe>'),
    ("markup", '<object data="data:text/html,<script>parent.{x}</script>"></object>'),
    ("markup", '<embed src="data:image/svg+xml,<svg onload=parent.{x}>">'),
    ("markup", "<svg><a xlink:href=javascript:{x}><text y=9>click</text></a></svg>"),
    ("markup", "<math href=javascript:{x}>click</math>"),
    ("markup", "<button popovertarget=p>x</button><div popover id=p onbeforetoggle={x}>y</div>"),
    ("markup", "<input onblur={x} autofocus><input autofocus>"),
    ("markup", "<x contenteditable onfocus={x}>x</x>"),
    ("html", '<img src=x onerror="&#95;&#95;xss({n})" style=x:expression({x})>'),
    # -- Polyglots: break out of whatever context they land in.
    ("html", "'\"--></style></script></textarea></title><svg onload={x}>"),
    ("attr", "\"'`><img src=x onerror={x}>${{x}}"),
    ("attr", "\";{x};//'><img src=x onerror={x}>"),
    ("html", "*/</script><script>{x}</script>/*"),
    ("attr", '"><!--<img src="--><img src=x onerror={x}//">'),
    (
        "url",
        "javascript:/*\"/*'/*`/*--></noscript></title></textarea></style><svg onload={x}>*/{x}",
    ),
    ("html", "{{7*7}}${7*7}<%= 7*7 %><img src=x onerror={x}>"),
    ("html", '"];x[label=<<b>x</b>>];y["<img src=x onerror={x}>'),
)


def _build() -> tuple[Payload, ...]:
    payloads = []
    for number, (context, template) in enumerate(_CORPUS, start=1):
        text = template.replace("{x}", f"__xss({number})").replace("{n}", str(number))
        payloads.append(Payload(number, context, text))
    return tuple(payloads)


PAYLOADS: tuple[Payload, ...] = _build()
assert all(payload.context in CONTEXTS for payload in PAYLOADS)


# ---- Each context, unescaped: where the self-check drops each payload. ----


def _dot_svg(label: str) -> str:
    drawn = subprocess.run(
        ["dot", "-Tsvg"],
        input=f'digraph g {{\n  n [label="{label}"];\n}}\n',
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert drawn.returncode == 0, drawn.stderr
    return drawn.stdout[drawn.stdout.index("<svg") :]


def _escape_quotes(text: str, quote: str) -> str:
    return text.replace(quote, "\\" + quote)


def unescaped_page(payload: Payload) -> str:
    """A page with the payload dropped, unescaped, into the context it was written for."""
    text, context = payload.text, payload.context
    if context in ("html", "markup"):
        return f"<div>{text}</div>"
    if context == "attr":
        return f'<input value="{text}">'
    if context == "attr1":
        return f"<input value='{text}'>"
    if context == "url":
        return f'<a id="xss-link" href="{html.escape(text)}">open</a>'
    if context == "js":
        return f'<script>var shown = "{text}";</script>'
    if context == "js_half":
        return f'<script>var shown = "{_escape_quotes(text, chr(34))}";</script>'
    if context == "js1":
        return f"<script>var shown = '{text}';</script>"
    if context == "js1_half":
        return f"<script>var shown = '{_escape_quotes(text, chr(39))}';</script>"
    if context == "jstpl":
        return f"<script>var shown = `{text}`;</script>"
    if context == "django":
        from django.template import engines

        return str(engines["django"].from_string(text).render({}))
    if context == "dot":
        return f"<div>{_dot_svg(text)}</div>"
    if context == "dot_half":
        return f"<div>{_dot_svg(_escape_quotes(text, chr(34)))}</div>"
    if context == "decoded":
        return f"<div>{html.unescape(text)}</div>"
    if context == "nfkc":
        return f"<div>{unicodedata.normalize('NFKC', text)}</div>"
    raise AssertionError(f"no harness for context {context}")
