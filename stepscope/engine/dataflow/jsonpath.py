"""A JSONPath evaluator for the paths ASL accepts (Jayway's dialect, as AWS uses it).

Supported: `$`, `.name`, `['name']`, `[n]` (negative too), `[*]`, `.*`, `..name`, `[a:b:c]`,
`[n,m]`, `['a','b']`, `[?(@.x op value)]` with `&&`/`||`, and `.length()`.
A path is *definite* when it names one value (no wildcards, slices, unions, filters or `..`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JsonPathError", "NoResultsError", "Path", "compile_path", "format_path"]


class JsonPathError(ValueError):
    """The path text is not a JSONPath this evaluator understands."""


class NoResultsError(LookupError):
    """A definite path found nothing."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"No results for path: {path.canonical()}")
        self.path = path


@dataclass(frozen=True)
class Segment:
    kind: str  # name | index | wildcard | slice | union | filter | deep | length
    value: Any = None


@dataclass(frozen=True)
class Path:
    text: str
    segments: tuple[Segment, ...]
    # Derived from the segments once, at compile time (a compiled path is cached and reused).
    definite: bool = field(init=False, repr=False, compare=False)
    # For a path of names and indexes only (`$`, `$.a.b`, `$.a[0]`): the steps to walk.
    _walk: tuple[tuple[bool, Any], ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kinds = [s.kind for s in self.segments]
        object.__setattr__(self, "definite", all(k in ("name", "index", "length") for k in kinds))
        walk = None
        if all(k in ("name", "index") for k in kinds):
            walk = tuple((s.kind == "name", s.value) for s in self.segments)
        object.__setattr__(self, "_walk", walk)

    def canonical(self) -> str:
        """The path the way Jayway prints it in errors, e.g. `$['a'][0]`."""
        parts = ["$"]
        for segment in self.segments:
            if segment.kind == "name":
                parts.append(f"['{segment.value}']")
            elif segment.kind == "index":
                parts.append(f"[{segment.value}]")
            else:
                parts.append("[*]" if segment.kind == "wildcard" else f"[{segment.kind}]")
        return "".join(parts)

    def find(self, data: Any) -> list[Any]:
        """Every match, in document order."""
        nodes = [data]
        for segment in self.segments:
            nodes = [found for node in nodes for found in _apply(segment, node)]
        return nodes

    def evaluate(self, data: Any) -> Any:
        """The value at a definite path (NoResultsError if absent), or the list of matches."""
        if self._walk is not None:  # the common case, without building lists of matches
            node = data
            for is_name, key in self._walk:
                if is_name:
                    if not (isinstance(node, dict) and key in node):
                        raise NoResultsError(self)
                elif not (isinstance(node, list) and -len(node) <= key < len(node)):
                    raise NoResultsError(self)
                node = node[key]
            return node
        matches = self.find(data)
        if self.definite:
            if not matches:
                raise NoResultsError(self)
            return matches[0]
        return matches


_CACHE: dict[str, Path] = {}
_NAME = re.compile(r"[^.\[\]()\s]+")


def compile_path(text: str) -> Path:
    cached = _CACHE.get(text)
    if cached is not None:
        return cached
    if not isinstance(text, str) or not text.startswith("$"):
        raise JsonPathError(f"a path must start with '$': {text!r}")
    path = Path(text, tuple(_parse(text, 1)))
    if len(_CACHE) < 4096:
        _CACHE[text] = path
    return path


def _parse(text: str, pos: int) -> list[Segment]:
    segments: list[Segment] = []
    while pos < len(text):
        char = text[pos]
        if text.startswith("..", pos):
            name, pos = _read_name(text, pos + 2)
            segments.append(Segment("deep", name))
        elif char == ".":
            if text.startswith(".length()", pos) and pos + 9 == len(text):
                segments.append(Segment("length"))
                pos += 9
                continue
            name, pos = _read_name(text, pos + 1)
            segments.append(Segment("wildcard") if name == "*" else Segment("name", name))
        elif char == "[":
            end = _closing_bracket(text, pos)
            segments.append(_bracket(text[pos + 1 : end].strip(), text))
            pos = end + 1
        else:
            raise JsonPathError(f"unexpected {char!r} at position {pos} in {text!r}")
    return segments


def _read_name(text: str, pos: int) -> tuple[str, int]:
    if text.startswith("*", pos):
        return "*", pos + 1
    match = _NAME.match(text, pos)
    if not match:
        raise JsonPathError(f"a name is missing at position {pos} in {text!r}")
    return match.group(0), match.end()


def _closing_bracket(text: str, start: int) -> int:
    depth, quote = 0, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
    raise JsonPathError(f"unclosed '[' in {text!r}")


def _bracket(inner: str, text: str) -> Segment:
    if inner == "*":
        return Segment("wildcard")
    if inner.startswith("?"):
        return Segment("filter", _parse_filter(inner[1:].strip(), text))
    parts = _split_top(inner, ",")
    if len(parts) > 1:
        return Segment("union", tuple(_bracket(p.strip(), text) for p in parts))
    if inner[:1] in "'\"" and inner[-1:] == inner[:1] and len(inner) >= 2:
        return Segment("name", inner[1:-1])
    if ":" in inner:
        bounds = [int(b) if b.strip() else None for b in inner.split(":")]
        return Segment("slice", tuple(bounds + [None] * (3 - len(bounds))))
    try:
        return Segment("index", int(inner))
    except ValueError:
        raise JsonPathError(f"cannot read [{inner}] in {text!r}") from None


def _split_top(text: str, separator: str) -> list[str]:
    parts, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def _apply(segment: Segment, node: Any) -> list[Any]:
    kind = segment.kind
    if kind == "name":
        if isinstance(node, dict) and segment.value in node:
            return [node[segment.value]]
        return []
    if kind == "index":
        if isinstance(node, list) and -len(node) <= segment.value < len(node):
            return [node[segment.value]]
        return []
    if kind == "wildcard":
        return _children(node)
    if kind == "slice":
        return node[slice(*segment.value)] if isinstance(node, list) else []
    if kind == "union":
        return [found for part in segment.value for found in _apply(part, node)]
    if kind == "filter":
        return [child for child in _children(node) if segment.value(child)]
    if kind == "deep":
        return _deep(node, segment.value)
    if kind == "length":
        return [len(node)] if isinstance(node, (list, str, dict)) else []
    raise JsonPathError(f"unknown segment {kind}")


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, list):
        return list(node)
    return []


def _deep(node: Any, name: str) -> list[Any]:
    found: list[Any] = []
    if isinstance(node, dict):
        if name == "*":
            found.extend(node.values())
        elif name in node:
            found.append(node[name])
    elif isinstance(node, list) and name == "*":
        found.extend(node)
    for child in _children(node):
        found.extend(_deep(child, name))
    return found


_COMPARISON = re.compile(r"^(@[^<>=!]*?)\s*(==|!=|<=|>=|<|>)\s*(.+)$")


def _parse_filter(expression: str, text: str) -> Any:
    if expression.startswith("(") and expression.endswith(")"):
        expression = expression[1:-1].strip()
    alternatives = [p.strip() for p in expression.split("||")]
    if len(alternatives) > 1:
        tests = [_parse_filter(p, text) for p in alternatives]
        return lambda item: any(t(item) for t in tests)
    conjuncts = [p.strip() for p in expression.split("&&")]
    if len(conjuncts) > 1:
        tests = [_parse_filter(p, text) for p in conjuncts]
        return lambda item: all(t(item) for t in tests)
    match = _COMPARISON.match(expression)
    if match is None:
        if not expression.startswith("@"):
            raise JsonPathError(f"cannot read the filter ({expression}) in {text!r}")
        getter = _relative(expression, text)
        return lambda item: bool(getter(item))
    getter = _relative(match.group(1).strip(), text)
    operator, literal = match.group(2), _literal(match.group(3).strip(), text)
    return lambda item: _compare(getter(item), operator, literal)


def _relative(expression: str, text: str) -> Any:
    path = compile_path("$" + expression[1:])

    def get(item: Any) -> list[Any]:
        return path.find(item)

    return get


def _literal(text: str, path_text: str) -> Any:
    if text[:1] == "'" and text[-1:] == "'":
        return text[1:-1]
    try:
        return json.loads(text)
    except ValueError:
        raise JsonPathError(f"cannot read the value {text} in {path_text!r}") from None


def _compare(found: list[Any], operator: str, literal: Any) -> bool:
    if not found:
        return False
    value = found[0]
    numeric = (int, float)
    if isinstance(value, bool) or isinstance(literal, bool):
        comparable = type(value) is type(literal)
    else:
        comparable = type(value) is type(literal) or (
            isinstance(value, numeric) and isinstance(literal, numeric)
        )
    if operator == "==":
        return comparable and value == literal
    if operator == "!=":
        return not (comparable and value == literal)
    if not comparable or isinstance(value, (dict, list)) or value is None:
        return False
    return bool(
        {
            "<": value < literal,
            "<=": value <= literal,
            ">": value > literal,
            ">=": value >= literal,
        }[operator]
    )


def format_path(path: Path) -> str:
    return path.canonical()
