"""The small lines drawn under a state's name, and the extra text for its tooltip."""

from __future__ import annotations

from stepscope.asl.model import (
    ExecutingState,
    FailState,
    MapState,
    NumberOrExpr,
    State,
    TaskState,
    UnknownState,
    WaitState,
)
from stepscope.graph.labels import retry_line, retry_tooltip, short_resource, shorten

DETAIL_WIDTH = 40


def detail_lines(state: State) -> tuple[list[str], list[str]]:
    """``(lines under the name, tooltip lines)``: the type (with resource or wait time), then
    what matters when debugging: timeouts, Map mode and limits, the Fail error, Retry."""
    lines = [_type_line(state)]
    tooltip: list[str] = []
    if isinstance(state, TaskState):
        lines.extend(_task_lines(state))
    elif isinstance(state, MapState):
        lines.extend(_map_lines(state))
    elif isinstance(state, FailState) and state.error:
        lines.append(shorten(state.error, DETAIL_WIDTH))
    if isinstance(state, ExecutingState) and state.retry:
        lines.append(retry_line(state.retry) or "")
        tooltip.append(retry_tooltip(state.retry))
    return lines, tooltip


def _type_line(state: State) -> str:
    if isinstance(state, UnknownState):
        return f"Unknown type {state.declared_type!r}" if state.declared_type else "No Type"
    if isinstance(state, TaskState):
        resource = short_resource(state.resource)
        return f"Task · {shorten(resource, DETAIL_WIDTH)}" if resource else "Task"
    if isinstance(state, WaitState):
        return f"Wait · {_wait_text(state)}"
    return state.type


def _task_lines(state: TaskState) -> list[str]:
    parts = []
    timeout = _amount(state.timeout_seconds, state.timeout_seconds_path)
    if timeout:
        parts.append(f"timeout {timeout}")
    heartbeat = _amount(state.heartbeat_seconds, state.heartbeat_seconds_path)
    if heartbeat:
        parts.append(f"heartbeat {heartbeat}")
    return [shorten(", ".join(parts), DETAIL_WIDTH)] if parts else []


def _map_lines(state: MapState) -> list[str]:
    lines = []
    if state.is_distributed:
        lines.append("DISTRIBUTED")
    limits = []
    concurrency = _amount(state.max_concurrency, state.max_concurrency_path, unit="")
    if concurrency:
        limits.append(f"max concurrency {concurrency}")
    count = _amount(state.tolerated_failure_count, state.tolerated_failure_count_path, unit="")
    if count:
        limits.append(f"tolerates {count} failures")
    percentage = _amount(
        state.tolerated_failure_percentage, state.tolerated_failure_percentage_path, unit="%"
    )
    if percentage:
        limits.append(f"tolerates {percentage} failures")
    lines.extend(shorten(limit, DETAIL_WIDTH) for limit in limits)
    if state.label:
        lines.append(shorten(f"label {state.label}", DETAIL_WIDTH))
    return lines


def _wait_text(state: WaitState) -> str:
    amount = _amount(state.seconds, state.seconds_path)
    text = amount or state.timestamp or state.timestamp_path or "?"
    return shorten(text, DETAIL_WIDTH)


def _amount(value: NumberOrExpr | None, path: str | None, unit: str = "s") -> str | None:
    """``60s`` for a number, the expression or path as written otherwise, None when unset."""
    if value is not None and not isinstance(value, str):
        return f"{value}{unit}"
    return value or path
