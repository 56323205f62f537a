"""JSONPath syntax for Paths and ReferencePaths, as Step Functions reads them.

A Path may use every JSONPath feature (wildcards, filters, slices, deep scan, functions). A
ReferencePath identifies one node only: `$` followed by `.name`, `['name']` or `[index]`.
Both may start at the input (`$`), the context object (`$$`) or, where allowed, a variable
(`$name`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOT_NAME = re.compile(r"[^.\[\]\s]+")
_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_INDEX = re.compile(r"\s*-?\d+\s*")
_SLICE = re.compile(r"\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(:\s*(-?\d+)?\s*)?")
_INDEX_LIST = re.compile(r"\s*-?\d+\s*(,\s*-?\d+\s*)+")
_QUOTED = re.compile(r"\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*")


@dataclass(frozen=True)
class PathRoot:
    kind: str  # "input", "context" or "variable"
    name: str  # the variable's name, "" otherwise
    rest: str  # the text after the root


def split_root(path: str) -> PathRoot | None:
    """The root of `path`, or None when it does not start with `$`."""
    if path.startswith("$$"):
        return PathRoot("context", "", path[2:])
    variable = _VARIABLE.match(path)
    if variable:
        return PathRoot("variable", variable.group(1), path[variable.end() :])
    if path.startswith("$"):
        return PathRoot("input", "", path[1:])
    return None


def path_problem(
    path: str, *, reference: bool, context: bool = True, variables: bool = True
) -> str | None:
    """Why `path` is not a valid (reference) path, or None when it is."""
    root = split_root(path)
    if root is None:
        return "must start with '$'"
    if root.kind == "context" and not context:
        return "may not refer to the context object ($$)"
    if root.kind == "variable" and not variables:
        return "may not refer to a variable"
    scanner = _SegmentScanner(root.rest, reference)
    return scanner.problem()


def is_path(path: str) -> bool:
    return path_problem(path, reference=False) is None


def is_reference_path(path: str) -> bool:
    return path_problem(path, reference=True) is None


class _SegmentScanner:
    def __init__(self, text: str, reference: bool) -> None:
        self.text = text
        self.index = 0
        self.reference = reference

    def problem(self) -> str | None:
        while self.index < len(self.text):
            char = self.text[self.index]
            if char == ".":
                found = self.dot_segment()
            elif char == "[":
                found = self.bracket_segment()
            else:
                found = f"unexpected {char!r} at offset {self.index + 1}"
            if found:
                return found
        return None

    def dot_segment(self) -> str | None:
        self.index += 1
        if self.text.startswith(".", self.index):
            if self.reference:
                return "may not use '..' (deep scan) in a reference path"
            self.index += 1
            if self.text.startswith("[", self.index):
                return None
        if self.text.startswith("*", self.index):
            if self.reference:
                return "may not use '*' in a reference path"
            self.index += 1
            return None
        match = _DOT_NAME.match(self.text, self.index)
        if not match:
            return "expects a field name after '.'"
        name = match.group(0)
        if name.endswith("()") or "(" in name:
            return self.function_segment(match.group(0), match.end())
        if any(c in name for c in "()'\"") or name.startswith("$"):
            return f"has an invalid field name {name!r}"
        self.index = match.end()
        return None

    def function_segment(self, name: str, end: int) -> str | None:
        if self.reference:
            return "may not call functions in a reference path"
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\(\)", name):
            return f"has an invalid field name {name!r}"
        self.index = end
        return None

    def bracket_segment(self) -> str | None:
        close = self.matching_bracket(self.index)
        if close is None:
            return "has an unclosed '['"
        content = self.text[self.index + 1 : close]
        self.index = close + 1
        if _QUOTED.fullmatch(content) or _quoted_list(content):
            return (
                None
                if (self.reference is False or _QUOTED.fullmatch(content))
                else ("may select only one field in a reference path")
            )
        if _INDEX.fullmatch(content):
            return None
        if self.reference:
            return f"may not use [{content}] in a reference path"
        if content.strip() == "*" or _SLICE.fullmatch(content) or _INDEX_LIST.fullmatch(content):
            return None
        stripped = content.strip()
        if stripped.startswith("?(") and stripped.endswith(")") and len(stripped) > 3:
            return None
        if stripped.startswith("(") and stripped.endswith(")") and len(stripped) > 2:
            return None
        return f"has an invalid subscript [{content}]"

    def matching_bracket(self, start: int) -> int | None:
        depth = 0
        quote = ""
        index = start
        while index < len(self.text):
            char = self.text[index]
            if quote:
                if char == "\\":
                    index += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    return index
            index += 1
        return None


def _quoted_list(content: str) -> bool:
    parts = re.findall(r"\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*(,|$)", content)
    rebuilt = re.sub(r"\s*('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\s*(,|$)", "", content)
    return len(parts) > 1 and not rebuilt
