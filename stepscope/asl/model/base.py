"""Building blocks shared by every state: JSON aliases, Retry/Catch rules, the base state classes
and the blocks of states (a machine, a Parallel branch, a Map item processor).

Conventions for every field read from ASL:
- a field that is absent, or present with a value of the wrong JSON type, is ``None`` (the raw
  value is still in ``raw`` for the validator to complain about);
- a field given as JSON ``null`` is also ``None``; use ``State.is_null(field)`` where the
  difference matters (``ResultPath: null`` discards the result, ``InputPath: null`` gives ``{}``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

JsonPointer = str
StatePath = tuple[str | int, ...]
QueryLanguage = Literal["JSONPath", "JSONata"]
QUERY_LANGUAGES: tuple[QueryLanguage, ...] = ("JSONPath", "JSONata")
# A number, or (in JSONata states) a string holding a `{% ... %}` expression.
NumberOrExpr = int | float | str


@dataclass(frozen=True, kw_only=True)
class Retrier:
    """One element of a state's ``Retry`` array."""

    pointer: JsonPointer
    raw: Mapping[str, object]
    error_equals: tuple[str, ...]
    interval_seconds: int | float | None = None
    max_attempts: int | None = None
    backoff_rate: int | float | None = None
    max_delay_seconds: int | float | None = None
    jitter_strategy: str | None = None
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class Catcher:
    """One element of a state's ``Catch`` array."""

    pointer: JsonPointer
    raw: Mapping[str, object]
    error_equals: tuple[str, ...]
    next: str | None = None
    result_path: str | None = None
    output: object = None
    assign: Mapping[str, object] | None = None
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class State:
    """Fields every state has. Concrete classes live in ``states.py``.

    ``type`` is the ASL ``Type`` (``"Task"``, ...); it is ``"Unknown"`` for an ``UnknownState``.
    ``pointer`` is the state's JSON pointer in the definition, such as
    ``/States/Fan/Branches/0/States/A``.
    ``path`` identifies the state uniquely from the root, even when nested names repeat:
    ``("Fan", 0, "A")`` for state ``A`` in branch 0 of Parallel ``Fan``; ``("Items", "A")`` for
    state ``A`` in the item processor of Map ``Items``.
    ``raw`` is the state's JSON object exactly as given (read-only).
    ``query_language`` is what the state declares; ``effective_query_language`` is what applies.
    """

    name: str
    type: str
    pointer: JsonPointer
    path: StatePath
    raw: Mapping[str, object]
    comment: str | None = None
    query_language: str | None = None
    effective_query_language: QueryLanguage = "JSONPath"
    input_path: str | None = None
    output_path: str | None = None
    output: object = None
    assign: Mapping[str, object] | None = None

    def has(self, field: str) -> bool:
        """Whether the ASL field is present in the state's JSON (whatever its value)."""
        return field in self.raw

    def is_null(self, field: str) -> bool:
        """Whether the ASL field is present with the JSON value ``null``."""
        return field in self.raw and self.raw[field] is None

    @property
    def is_jsonata(self) -> bool:
        return self.effective_query_language == "JSONata"

    def blocks(self) -> tuple[StatesBlock, ...]:
        """Nested blocks of states: Parallel branches, a Map's item processor; empty otherwise."""
        return ()

    def transitions(self) -> tuple[str, ...]:
        """Every state name this state can go to (Next, Choice targets, Default, Catch Next)."""
        return ()


@dataclass(frozen=True, kw_only=True)
class FlowState(State):
    """A state that goes on with ``Next`` or ends with ``End`` (Pass, Task, Wait, Parallel, Map)."""

    next: str | None = None
    end: bool = False

    def transitions(self) -> tuple[str, ...]:
        return (self.next,) if self.next is not None else ()


@dataclass(frozen=True, kw_only=True)
class ExecutingState(FlowState):
    """A state that does work and can fail: Task, Parallel and Map."""

    parameters: object = None
    arguments: object = None
    result_selector: object = None
    result_path: str | None = None
    retry: tuple[Retrier, ...] = ()
    catch: tuple[Catcher, ...] = ()

    def transitions(self) -> tuple[str, ...]:
        targets = list(super().transitions())
        targets.extend(c.next for c in self.catch if c.next is not None)
        return tuple(targets)


@dataclass(frozen=True, kw_only=True)
class StatesBlock:
    """A ``StartAt`` + ``States`` block: the machine itself, a Parallel branch or a Map processor.

    ``states`` keeps the definition's order. ``path`` is the path of the enclosing state plus the
    branch index for Parallel branches (``()`` for the machine).
    """

    pointer: JsonPointer
    path: StatePath
    raw: Mapping[str, object]
    start_at: str | None = None
    comment: str | None = None
    query_language: str | None = None
    states: tuple[State, ...] = ()

    def state(self, name: str) -> State | None:
        """The state called ``name`` directly in this block, or None."""
        for candidate in self.states:
            if candidate.name == name:
                return candidate
        return None

    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    def walk(self, parents: tuple[State, ...] = ()) -> Iterator[tuple[State, tuple[State, ...]]]:
        """Every state in this block at any depth, with its chain of enclosing states."""
        for state in self.states:
            yield state, parents
            for block in state.blocks():
                yield from block.walk(parents + (state,))


@dataclass(frozen=True, kw_only=True)
class Branch(StatesBlock):
    """One of a Parallel state's ``Branches``; ``index`` is its position."""

    index: int = 0


@dataclass(frozen=True, kw_only=True)
class ItemProcessor(StatesBlock):
    """A Map state's ``ItemProcessor`` (or legacy ``Iterator``, then ``legacy`` is True)."""

    mode: str | None = None
    execution_type: str | None = None
    processor_config: Mapping[str, object] | None = None
    legacy: bool = False

    @property
    def is_distributed(self) -> bool:
        return self.mode == "DISTRIBUTED"
