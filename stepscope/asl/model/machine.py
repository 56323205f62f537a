"""The whole state machine: the root block plus machine-level fields and look-ups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from stepscope.asl.model.base import Catcher, QueryLanguage, State, StatePath, StatesBlock
from stepscope.asl.model.rules import ChoiceRule


@dataclass(frozen=True, kw_only=True)
class StateMachine(StatesBlock):
    """A parsed definition. ``query_language`` is what the definition declares;
    ``effective_query_language`` is the machine default every state inherits (JSONPath unless the
    definition says JSONata)."""

    effective_query_language: QueryLanguage = "JSONPath"
    version: str | None = None
    timeout_seconds: int | float | None = None

    def walk(self, parents: tuple[State, ...] = ()) -> Iterator[tuple[State, tuple[State, ...]]]:
        """Every state at any depth, parents before children, in definition order, each with the
        chain of enclosing Parallel/Map states (outermost first)."""
        return super().walk(parents)

    def all_states(self) -> tuple[State, ...]:
        return tuple(state for state, _ in self.walk())

    def assigned_variables(self) -> tuple[str, ...]:
        """Every variable name assigned anywhere (state, Catch and Choice rule ``Assign``), in
        first-seen order."""
        names: dict[str, None] = {}
        for state, _ in self.walk():
            for assign in _assign_blocks(state):
                names.update(dict.fromkeys(assign))
        return tuple(names)

    @cached_property
    def _by_pointer(self) -> Mapping[str, State]:
        return {state.pointer: state for state in self.all_states()}

    @cached_property
    def _by_path(self) -> Mapping[StatePath, State]:
        return {state.path: state for state in self.all_states()}

    def state_at(self, pointer: str) -> State | None:
        """The state whose JSON pointer is ``pointer``, e.g. ``/States/Fan/Branches/0/States/A``."""
        return self._by_pointer.get(pointer)

    def state_by_path(self, path: StatePath) -> State | None:
        return self._by_path.get(tuple(path))

    def state_containing(self, pointer: str) -> State | None:
        """The innermost state whose JSON covers ``pointer``: maps a diagnostic's location (such as
        ``/States/A/Retry/0/MaxAttempts``) to the state it is about."""
        candidate = pointer
        while candidate:
            found = self._by_pointer.get(candidate)
            if found is not None:
                return found
            candidate = candidate.rpartition("/")[0]
        return None


def _assign_blocks(state: State) -> Iterator[Mapping[str, object]]:
    if state.assign is not None:
        yield state.assign
    for catcher in getattr(state, "catch", ()):
        if isinstance(catcher, Catcher) and catcher.assign is not None:
            yield catcher.assign
    for rule in getattr(state, "choices", ()):
        if isinstance(rule, ChoiceRule) and rule.assign is not None:
            yield rule.assign
