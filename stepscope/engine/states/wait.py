"""Wait: holds the run for some seconds or until a time. The deadline is on the run's clock: at
the top level the stepper suspends until it; inside a branch the virtual clock jumps to it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from stepscope.engine.clock import parse_strict_timestamp
from stepscope.engine.dataflow.io import apply_input_path
from stepscope.engine.dataflow.jsonata_eval import QueryFailure
from stepscope.engine.dataflow.scope import Scope, select
from stepscope.engine.errors import RuntimeFailure
from stepscope.engine.fibers import pause_until
from stepscope.engine.runtime import Outcome, Suspend
from stepscope.engine.states.common import StateRun, conclude


def execute(current: StateRun) -> Outcome:
    try:
        scope = current.scope()
        if current.jsonata:
            effective = current.raw_input
            state = _evaluated_fields(current)
        else:
            effective = apply_input_path(current.state, current.raw_input, scope)
            state = current.state
        deadline = _deadline(state, effective, scope, current.run.clock.now)
    except RuntimeFailure as failure:
        raise current.fail(failure) from None
    if current.frame.can_suspend and deadline > current.run.clock.now:
        return Suspend(deadline, {"result": effective})
    pause_until(current.run.clock, deadline)
    return conclude(current, effective)


def resume(current: StateRun, saved: dict[str, Any]) -> Outcome:
    return conclude(current, saved["result"])


def _evaluated_fields(current: StateRun) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("Seconds", "Timestamp"):
        if name in current.state:
            fields[name] = current.evaluate(current.state[name], name)
    seconds = fields.get("Seconds")
    if "Seconds" in fields and (
        isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0
    ):
        raise RuntimeFailure(
            f"The Seconds field must be a non-negative integer, but was {json.dumps(seconds)}"
        )
    if "Timestamp" in fields and parse_strict_timestamp(fields["Timestamp"]) is None:
        raise QueryFailure(
            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
            f"format string: {_shown(fields['Timestamp'])}",
            "Timestamp",
            after_entered=True,
        )
    return fields


def _deadline(state: dict[str, Any], data: Any, scope: Scope, now: datetime) -> datetime:
    if "Seconds" in state:
        return now + timedelta(seconds=int(state["Seconds"]))
    if "Timestamp" in state:
        moment = parse_strict_timestamp(state["Timestamp"])
        if moment is None:
            raise RuntimeFailure(
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                f"format string: {state['Timestamp']}"
            )
        return moment
    if "SecondsPath" in state:
        return now + timedelta(seconds=_seconds_from_path(state["SecondsPath"], data, scope))
    if "TimestampPath" in state:
        path = state["TimestampPath"]
        value = _read(path, data, scope, "TimestampPath")
        moment = parse_strict_timestamp(value)
        if moment is None:
            raise RuntimeFailure(
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset "
                f"date-time format string: {path} == {_shown(value)}"
            )
        return moment
    return now


def _read(path: str, data: Any, scope: Scope, field: str) -> Any:
    try:
        return select(path, data, scope)
    except RuntimeFailure:
        raise RuntimeFailure(
            f"The {field} parameter does not reference an input value: {path}"
        ) from None


def _seconds_from_path(path: str, data: Any, scope: Scope) -> int:
    value = _read(path, data, scope, "SecondsPath")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise RuntimeFailure(
            f"The SecondsPath parameter cannot be parsed as a long value: {path} == {_shown(value)}"
        )
    if value < 0:
        raise RuntimeFailure(
            f"The SecondsPath parameter references a negative value: {path} == {_shown(value)}"
        )
    return int(value)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)
