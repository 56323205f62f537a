"""What a JSONPath expression can see: the state's data, the context object `$$`, and the run's
seeded random source (for intrinsics)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stepscope.engine.dataflow.jsonpath import JsonPathError, NoResultsError, compile_path
from stepscope.engine.errors import RuntimeFailure, quote_json

__all__ = ["DeferredScope", "Scope", "select", "select_for_field"]


@dataclass
class Scope:
    context: dict[str, Any]
    rng: Any
    variables: dict[str, Any] | None = None


class DeferredScope(Scope):
    """A Scope that is built on first use, by `build` (e.g. a bound `StateRun.scope`).

    Building one copies the execution's context object (its input included), while most paths
    (`$`, `$.count`) read neither the context object nor the variables: a state whose fields
    need no scope never builds it. Once built it behaves exactly as the Scope `build` returns."""

    def __init__(self, build: Callable[[], Scope]) -> None:  # no fields of its own
        self._build: Callable[[], Scope] | None = build
        self._built: Scope | None = None

    def _scope(self) -> Scope:
        if self._built is None:
            assert self._build is not None
            self._built, self._build = self._build(), None
        return self._built

    @property
    def context(self) -> dict[str, Any]:
        return self._scope().context

    @context.setter
    def context(self, value: dict[str, Any]) -> None:
        self._scope().context = value

    @property
    def rng(self) -> Any:
        return self._scope().rng

    @rng.setter
    def rng(self, value: Any) -> None:
        self._scope().rng = value

    @property
    def variables(self) -> dict[str, Any] | None:
        return self._scope().variables

    @variables.setter
    def variables(self, value: dict[str, Any] | None) -> None:
        self._scope().variables = value


def _split_root(path: str, data: Any, scope: Scope) -> tuple[str, Any]:
    if path.startswith("$$"):
        return path[1:], scope.context
    if (
        path.startswith("$")
        and len(path) > 1
        and path[1] not in ".["
        and scope.variables is not None
    ):
        name_end = len(path)
        for index, char in enumerate(path[1:], start=1):
            if char in ".[":
                name_end = index
                break
        name = path[1:name_end]
        if name in scope.variables:
            return "$" + path[name_end:], scope.variables[name]
    return path, data


def select(path: str, data: Any, scope: Scope) -> Any:
    """Apply a Path field (InputPath, OutputPath, ItemsPath...): AWS's "Invalid path" wording."""
    target_path, target = _split_root(path, data, scope)
    try:
        return compile_path(target_path).evaluate(target)
    except NoResultsError as missing:
        raise RuntimeFailure(f"Invalid path '{path}' : {missing}") from None
    except JsonPathError as problem:
        raise RuntimeFailure(f"Invalid path '{path}' : {problem}") from None


def select_for_field(path: str, data: Any, scope: Scope, field: str) -> Any:
    """Apply the path of a `.$` field or an ErrorPath-like field: AWS's "could not be found"."""
    target_path, target = _split_root(path, data, scope)
    try:
        return compile_path(target_path).evaluate(target)
    except (NoResultsError, JsonPathError):
        raise RuntimeFailure(
            f"The JSONPath '{path}' specified for the field '{field}' could not be found "
            f"in the input '{quote_json(target)}'"
        ) from None
