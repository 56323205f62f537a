"""Map's run-time limits: MaxConcurrency(Path) and ToleratedFailureCount/Percentage(Path),
checked with AWS's wording."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from stepscope.engine.dataflow.scope import select
from stepscope.engine.errors import RuntimeFailure
from stepscope.engine.recorder import json_text
from stepscope.engine.states.common import StateRun

__all__ = ["check_max_concurrency", "number_field", "tolerance", "tolerated_failures"]


def _shown(value: Any) -> str:
    return f'"{value if isinstance(value, str) else json_text(value)}"'


def _number(current: StateRun, field: str, effective: Any, kind: str) -> Any:
    return number_field(current, current.state, field, effective, kind)


def number_field(
    current: StateRun, fields: dict[str, Any], field: str, effective: Any, kind: str
) -> Any:
    """The value of `field` in `fields` (fixed, JSONata or from `fieldPath`), or None when
    absent."""
    if field in fields:
        value = fields[field]
        return current.evaluate(value, field) if current.jsonata else value
    path = fields.get(field + "Path")
    if not isinstance(path, str):
        return None
    value = _as_number(select(path, effective, current.scope()))
    valid = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "integer":
        valid = valid and float(value).is_integer()
    if not valid:
        raise RuntimeFailure(
            f"The {field}Path field refers to value {_shown(value)} which is not a valid "
            f"{kind}: {path}"
        )
    return value


def _as_number(value: Any) -> Any:
    """Numbers written as text ("1") count as numbers, as AWS reads them."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value


def check_max_concurrency(current: StateRun, effective: Any) -> int:
    value = _number(current, "MaxConcurrency", effective, "integer")
    if value is None:
        return 0
    if int(value) < 0:
        raise RuntimeFailure("MaxConcurrency cannot be negative.")
    return int(value)


def tolerated_failures(current: StateRun, effective: Any, total: int) -> int | None:
    """How many iterations may fail, or None when no tolerance is set."""
    return tolerance(current, effective)(total)


def tolerance(current: StateRun, effective: Any) -> Callable[[int], int | None]:
    """Check the tolerated-failure fields now; the returned function gives, for a number of
    items (known only once a distributed Map has read them), how many may fail."""
    count = _number(current, "ToleratedFailureCount", effective, "integer")
    percentage = _number(current, "ToleratedFailurePercentage", effective, "float")
    if count is not None and int(count) < 0:
        raise RuntimeFailure("ToleratedFailureCount cannot be negative.")
    if percentage is not None and not 0 <= float(percentage) <= 100:
        raise RuntimeFailure("ToleratedFailurePercentage must be between 0 and 100.")

    def tolerated(total: int) -> int | None:
        limits = []
        if count is not None:
            limits.append(int(count))
        if percentage is not None:
            limits.append(math.floor(total * float(percentage) / 100))
        return max(limits) if limits else None

    return tolerated
