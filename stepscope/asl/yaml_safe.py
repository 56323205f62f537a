"""One safe YAML loader for definitions and templates.

PyYAML's SafeLoader builds only plain data. On top of it this loader:
- keeps timestamps as text (a Wait state's ``Timestamp`` must reach the validator as a string);
- bounds nesting depth and refuses aliases that contain themselves;
- bounds how many values aliases may add in all ("billion laughs"), counting each alias as the
  size of its target, before anything is constructed.

Errors are PyYAML errors carrying a mark; ``yaml_problem`` turns any of them into a message with a
1-based line and column, for the callers' own error type.
"""

from __future__ import annotations

from typing import cast

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_YAML_DEPTH = 200
"""Deepest nesting accepted, like JSON definitions (a 1 MiB definition never needs more)."""

MAX_ALIAS_EXPANSION = 500_000
"""How many values YAML aliases may add in all, counting each alias as the size of its target."""

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class YamlTooDeepError(yaml.composer.ComposerError):
    """The document nests deeper than MAX_YAML_DEPTH."""


class BoundedSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with timestamps as text and bounded depth and aliases."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._alias_budget = MAX_ALIAS_EXPANSION
        self._sizes: dict[int, int] = {}
        self._open_anchors: list[str | None] = []

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self._charge_alias(self.peek_event())  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)

    def compose_sequence_node(self, anchor: str | None) -> SequenceNode:  # type: ignore[override]
        self._enter(anchor)
        try:
            return super().compose_sequence_node(anchor)  # type: ignore[arg-type]
        finally:
            self._open_anchors.pop()

    def compose_mapping_node(self, anchor: str | None) -> MappingNode:  # type: ignore[override]
        self._enter(anchor)
        try:
            return super().compose_mapping_node(anchor)  # type: ignore[arg-type]
        finally:
            self._open_anchors.pop()

    def _enter(self, anchor: str | None) -> None:
        if len(self._open_anchors) >= MAX_YAML_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise YamlTooDeepError(
                None, None, f"nesting is deeper than {MAX_YAML_DEPTH} levels", mark
            )
        self._open_anchors.append(anchor)

    def _charge_alias(self, event: yaml.Event) -> None:
        mark = cast(yaml.Mark, event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor in self._open_anchors:
            raise yaml.composer.ComposerError(
                None, None, f"alias *{anchor} refers to a value that contains it", mark
            )
        target = self.anchors.get(anchor)
        if target is None:
            return  # PyYAML itself reports the undefined alias
        self._alias_budget -= self._size(target)
        if self._alias_budget < 0:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases expand to more than {MAX_ALIAS_EXPANSION} values (an alias bomb?)",
                mark,
            )

    def _size(self, node: Node) -> int:
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(self._size(item) for item in node.value)
        elif isinstance(node, MappingNode):
            size += sum(self._size(key) + self._size(value) for key, value in node.value)
        self._sizes[id(node)] = size
        return size


def yaml_problem(error: yaml.YAMLError, text: str) -> tuple[str, int | None, int | None]:
    """What a PyYAML error says, and its 1-based line and column when known."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if mark is None:
            return problem, None, None
        return problem, mark.line + 1, mark.column + 1
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _line_and_column(text, error.position)
        return f"character {_code_point(error.character)} is not allowed in YAML", line, column
    return str(error), None, None


def _code_point(character: object) -> str:
    number = ord(character) if isinstance(character, str) else character
    return f"U+{number:04X}" if isinstance(number, int) else repr(character)


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1
