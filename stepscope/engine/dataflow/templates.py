"""Payload templates: Parameters, ResultSelector, ItemSelector and friends. A key ending in `.$`
takes its value from a path, the context object or an intrinsic function."""

from __future__ import annotations

from typing import Any

from stepscope.engine.dataflow.intrinsics import evaluate_intrinsic
from stepscope.engine.dataflow.scope import Scope, select_for_field

__all__ = ["render_template"]


def render_template(template: Any, data: Any, scope: Scope) -> Any:
    if isinstance(template, dict):
        rendered: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(".$") and isinstance(value, str):
                rendered[key[:-2]] = _dynamic(key, value, data, scope)
            else:
                rendered[key] = render_template(value, data, scope)
        return rendered
    if isinstance(template, list):
        return [render_template(item, data, scope) for item in template]
    return template


def _dynamic(key: str, expression: str, data: Any, scope: Scope) -> Any:
    if expression.startswith("States."):
        return evaluate_intrinsic(
            expression, lambda path: select_for_field(path, data, scope, key), _RngOf(scope)
        )
    return select_for_field(expression, data, scope, key)


class _RngOf:
    """The scope's random source, read only when an intrinsic draws from it (States.UUID,
    States.MathRandom): reading `scope.rng` up front would build a DeferredScope for nothing."""

    __slots__ = ("_scope",)

    def __init__(self, scope: Scope) -> None:
        self._scope = scope

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scope.rng, name)
