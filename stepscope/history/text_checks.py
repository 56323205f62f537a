"""Text that cannot be stored or shown safely: unpaired surrogates and NUL characters."""

from __future__ import annotations

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: object) -> str | None:
    """Why `text` cannot be kept as it is, or None when it can."""
    if not isinstance(text, str):
        return None
    match = _UNSTORABLE.search(text)
    if match is None:
        return None
    if match.group(0) == "\x00":
        return "it contains a NUL character (\\u0000), which cannot be stored"
    return f"it contains an unpaired surrogate (\\u{ord(match.group(0)):04x}), which is not Unicode"
