"""What a state's rules need to know: where it is, its data, and its query language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from stepscope.asl.validation.context import Context, Registry, child
from stepscope.asl.validation.values import JSONATA

MachineValidator = Callable[["MachineWalker", Mapping[str, Any], str, frozenset[str]], None]


@dataclass
class MachineWalker:
    """Carries the walk through nested state machines (Parallel branches, Map processors)."""

    context: Context
    registry: Registry
    top_language: str
    validate_machine: MachineValidator

    def sub_machine(
        self, machine: Mapping[str, Any], pointer: str, extra: frozenset[str] = frozenset()
    ) -> None:
        self.validate_machine(self, machine, pointer, extra)


@dataclass(frozen=True)
class StateScope:
    walker: MachineWalker
    name: str
    state: Mapping[str, Any]
    pointer: str
    language: str

    @property
    def context(self) -> Context:
        return self.walker.context

    @property
    def jsonata(self) -> bool:
        return self.language == JSONATA

    def at(self, *tokens: object) -> str:
        return child(self.pointer, *tokens)

    def error(self, message: str, *tokens: object) -> None:
        self.context.error(message, self.at(*tokens))
