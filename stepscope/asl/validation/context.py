"""The walk's shared state: collected diagnostics and helpers to add them."""

from __future__ import annotations

from dataclasses import dataclass, field

from stepscope.asl.diagnostics import SCHEMA_VALIDATION_FAILED, Diagnostic, Severity
from stepscope.asl.source import escape_pointer_token


def child(pointer: str, *tokens: object) -> str:
    """The JSON pointer of `tokens` below `pointer`."""
    return pointer + "".join(f"/{escape_pointer_token(token)}" for token in tokens)


@dataclass
class Context:
    """Collected diagnostics. `focus[i]` is where diagnostic i's line and column come from:
    AWS locates some errors at the enclosing object (an unsupported field at its state), while
    the source position is best taken from the offending member itself."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    jsonata_budget: int = 300_000
    """Characters of JSONata expression text still to be parsed in this definition."""

    def add(
        self, severity: Severity, code: str, message: str, location: str, focus: str | None = None
    ) -> None:
        self.diagnostics.append(Diagnostic(severity, code, message, location))
        self.focus.append(location if focus is None else focus)

    def error(
        self,
        message: str,
        location: str,
        code: str = SCHEMA_VALIDATION_FAILED,
        *,
        focus: str | None = None,
    ) -> None:
        self.add("ERROR", code, message, location, focus)

    def warn(self, code: str, message: str, location: str) -> None:
        self.add("WARNING", code, message, location)


@dataclass
class Registry:
    """Names that must be unique across the whole state machine: states and Map labels."""

    state_names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    depth: int = 0
