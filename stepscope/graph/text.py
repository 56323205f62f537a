"""Escaping any text (state names, rules, errors) for DOT, so it can neither break DOT nor turn
into markup in the SVG that Graphviz writes."""

from __future__ import annotations

import re
import textwrap

# Characters XML 1.0 cannot hold (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TITLE_WIDTH = 28


def xml_safe(text: str) -> str:
    """``text`` with characters that XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def html_escape(text: str) -> str:
    """Text for inside a Graphviz HTML-like label (one line: no newlines in ``text``).

    Entities stop ``<``, ``>``, ``&`` and quotes from being markup (and brackets, which Graphviz's
    label lexer can trip on); backslashes are doubled because
    Graphviz expands ``\\N``, ``\\G`` and the like even inside HTML-like labels.
    """
    escaped = (
        xml_safe(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
        .replace("[", "&#91;")
        .replace("]", "&#93;")
    )
    return escaped.replace("\\", "\\\\")


def quoted(text: str) -> str:
    """A DOT double-quoted string whose value, after Graphviz's escape processing, is ``text``
    (tabs become spaces: XML attribute values would turn them into spaces anyway)."""
    body = xml_safe(text).replace("\\", "\\\\").replace('"', '\\"').replace("\t", " ")
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{body}"'


def display_lines(text: str, width: int = TITLE_WIDTH) -> list[str]:
    """``text`` split at its newlines and wrapped to ``width`` characters for display."""
    lines: list[str] = []
    for line in xml_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        wrapped = textwrap.wrap(
            line,
            width=width,
            break_long_words=True,
            break_on_hyphens=False,
            drop_whitespace=True,
            replace_whitespace=False,
        )
        lines.extend(wrapped or [""])
    return lines
