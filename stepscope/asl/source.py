"""Parse definition text (JSON, else YAML) into data plus the source position of every member.

JSON is read by a small iterative scanner so that every object key and array item gets its
line and column, duplicate object keys are noticed (the standard library keeps the last one
silently), and nesting depth is bounded without ever recursing. Text that does not look like
JSON is read as YAML with the bounded safe loader of stepscope.asl.yaml_safe (timestamps stay
text; depth and alias expansion are bounded).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from stepscope.asl.yaml_safe import BoundedSafeLoader, YamlTooDeepError, yaml_problem

MAX_DEPTH = 200
"""Deepest nesting of objects and arrays accepted (a 1 MiB definition never needs more)."""

MAX_INTEGER_DIGITS = 1000


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


class SourceError(ValueError):
    """The text is not a JSON or YAML document; says what is wrong and where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self._describe())

    def _describe(self) -> str:
        if self.line is None:
            return self.message
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"


class NestingTooDeepError(SourceError):
    """Objects and arrays nest deeper than MAX_DEPTH."""


def _too_deep(line: int | None = None, column: int | None = None) -> NestingTooDeepError:
    return NestingTooDeepError(f"nesting is deeper than {MAX_DEPTH} levels", line, column)


@dataclass(frozen=True)
class SourceDocument:
    text: str
    data: Any
    format: Literal["json", "yaml"]
    positions: Mapping[str, Position] = field(default_factory=dict)
    duplicate_keys: tuple[str, ...] = ()

    def position(self, pointer: str) -> Position | None:
        """Where `pointer` starts, else where its nearest known ancestor starts."""
        current = pointer
        while True:
            found = self.positions.get(current)
            if found is not None:
                return found
            if not current:
                return None
            current = current.rsplit("/", 1)[0] if "/" in current else ""


def escape_pointer_token(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def parse_source(text: str) -> SourceDocument:
    """Parse `text` as JSON, or as YAML when it does not start like JSON. Raises SourceError."""
    if not isinstance(text, str):
        raise SourceError("the definition must be text")
    stripped = text.lstrip(" \t\r\n\ufeff")
    if not stripped:
        raise SourceError("the definition is empty")
    if stripped[0] in '{["':
        return _JsonScanner(text).parse()
    try:
        return _JsonScanner(text).parse()
    except SourceError:
        return _parse_yaml(text)


# --------------------------------------------------------------------------------------- JSON

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


class _Frame:
    __slots__ = ("container", "pointer", "key", "seen", "expect_item")

    def __init__(self, container: dict[str, Any] | list[Any], pointer: str) -> None:
        self.container = container
        self.pointer = pointer
        self.key: str | None = None
        self.seen: set[str] = set()
        self.expect_item = True


class _JsonScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.positions: dict[str, Position] = {}
        self.duplicates: list[str] = []
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def position_at(self, index: int) -> Position:
        line = bisect.bisect_right(self._line_starts, index)
        return Position(line, index - self._line_starts[line - 1] + 1)

    def fail(self, message: str, index: int | None = None) -> SourceError:
        where = self.position_at(self.index if index is None else index)
        return SourceError(message, where.line, where.column)

    def skip_whitespace(self) -> None:
        match = _WHITESPACE.match(self.text, self.index)
        self.index = match.end() if match else self.index
        if self.index == 0 and self.text.startswith("\ufeff"):
            self.index = 1
            self.skip_whitespace()

    def peek(self) -> str:
        return self.text[self.index] if self.index < len(self.text) else ""

    def parse(self) -> SourceDocument:
        self.skip_whitespace()
        self.positions[""] = self.position_at(self.index)
        data = self.parse_value("")
        self.skip_whitespace()
        if self.index < len(self.text):
            raise self.fail("Extra data after the JSON document")
        return SourceDocument(self.text, data, "json", self.positions, tuple(self.duplicates))

    def parse_value(self, pointer: str) -> Any:
        """Parse one value; containers are filled by an explicit stack, never by recursion."""
        stack: list[_Frame] = []
        value, opened = self.scalar_or_open(pointer, 0)
        if not opened:
            return value
        stack.append(opened)
        while True:
            frame = stack[-1]
            finished, child = self.step(frame, len(stack))
            if child is not None:
                stack.append(child)
                continue
            if not finished:
                continue
            stack.pop()
            if not stack:
                return frame.container
            self.attach(stack[-1], frame.container)

    def scalar_or_open(self, pointer: str, depth: int) -> tuple[Any, _Frame | None]:
        char = self.peek()
        if char and char in "{[":
            if depth >= MAX_DEPTH:
                where = self.position_at(self.index)
                raise _too_deep(where.line, where.column)
            self.index += 1
            return None, _Frame({} if char == "{" else [], pointer)
        return self.parse_scalar(), None

    def parse_scalar(self) -> Any:
        char = self.peek()
        if char == '"':
            return self.parse_string()
        match = _NUMBER.match(self.text, self.index)
        if match:
            self.index = match.end()
            if match.group(1) or match.group(2):
                number = float(match.group(0))
                if number in (float("inf"), float("-inf")):
                    raise self.fail("Number out of range", match.start())
                return number
            if len(match.group(0)) > MAX_INTEGER_DIGITS:
                raise self.fail("Number has too many digits", match.start())
            return int(match.group(0))
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, self.index):
                self.index += len(word)
                return literal
        raise self.fail("Expecting value")

    def parse_string(self) -> str:
        start = self.index
        try:
            value, end = json.decoder.scanstring(self.text, start + 1, True)  # type: ignore[attr-defined]
        except json.JSONDecodeError as error:
            raise self.fail(error.msg, error.pos) from None
        self.index = end
        return str(value)

    def attach(self, frame: _Frame, value: Any) -> None:
        if isinstance(frame.container, dict):
            assert frame.key is not None
            frame.container[frame.key] = value
        else:
            frame.container.append(value)

    def step(self, frame: _Frame, depth: int) -> tuple[bool, _Frame | None]:
        """Advance inside `frame`: returns (container closed, child container opened)."""
        self.skip_whitespace()
        is_object = isinstance(frame.container, dict)
        closer = "}" if is_object else "]"
        char = self.peek()
        if not frame.expect_item:
            if char == closer:
                self.index += 1
                return True, None
            if char != ",":
                raise self.fail("Expecting ',' delimiter")
            self.index += 1
            self.skip_whitespace()
            char = self.peek()
        elif char == closer and not frame.container:
            self.index += 1
            return True, None
        frame.expect_item = False
        if is_object:
            child_pointer = self.read_key(frame)
        else:
            child_pointer = f"{frame.pointer}/{len(frame.container)}"
            self.positions[child_pointer] = self.position_at(self.index)
        value, child = self.scalar_or_open(child_pointer, depth)
        if child is None:
            self.attach(frame, value)
        return False, child

    def read_key(self, frame: _Frame) -> str:
        if self.peek() != '"':
            raise self.fail("Expecting property name enclosed in double quotes")
        key_start = self.index
        key = self.parse_string()
        pointer = f"{frame.pointer}/{escape_pointer_token(key)}"
        if key in frame.seen:
            self.duplicates.append(pointer)
        frame.seen.add(key)
        self.positions[pointer] = self.position_at(key_start)
        frame.key = key
        self.skip_whitespace()
        if self.peek() != ":":
            raise self.fail("Expecting ':' delimiter")
        self.index += 1
        self.skip_whitespace()
        return pointer


# --------------------------------------------------------------------------------------- YAML


def _parse_yaml(text: str) -> SourceDocument:
    try:
        loader = BoundedSafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise SourceError("the definition is empty")
            positions: dict[str, Position] = {}
            duplicates: list[str] = []
            _collect_yaml_positions(node, positions, duplicates)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlTooDeepError as error:
        _, line, column = yaml_problem(error, text)
        raise _too_deep(line, column) from None
    except yaml.YAMLError as error:
        problem, line, column = yaml_problem(error, text)
        raise SourceError(f"not valid JSON or YAML: {problem}", line, column) from None
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, OverflowError, TypeError) as error:
        if isinstance(error, SourceError):
            raise
        raise SourceError(f"not valid YAML: {error}") from None
    return SourceDocument(text, data, "yaml", positions, tuple(duplicates))


def _mark_position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _collect_yaml_positions(
    root: Node, positions: dict[str, Position], duplicates: list[str]
) -> None:
    positions[""] = _mark_position(root)
    pending: list[tuple[Node, str]] = [(root, "")]
    visited: set[int] = set()
    while pending:
        node, pointer = pending.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{pointer}/{index}"
                positions.setdefault(child, _mark_position(item))
                pending.append((item, child))
        elif isinstance(node, MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else "?"
                child = f"{pointer}/{escape_pointer_token(key)}"
                if key in seen:
                    duplicates.append(child)
                seen.add(key)
                positions[child] = _mark_position(key_node)
                pending.append((value_node, child))
