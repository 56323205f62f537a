"""Execution histories: AWS history events and the projection the debugger shows.

Public API (pure; the web app and the CLI use it)::

    project(events) -> Projection          # the whole history at once
    Projector().feed(event); .projection()  # the same, event by event, for live streaming
    parse_lambda_cause(cause) -> LambdaError | None
    reconstruct_definition(projection) -> dict   # ASL-shaped, when no definition is known
    STATUS_STYLES, EXECUTION_STATUS_STYLES, status_css()   # the one status colour map
"""

from __future__ import annotations

from stepscope.history.events import HistoryEvent, details_of, event_time
from stepscope.history.projection import (
    Attempt,
    ExecutionSummary,
    LambdaError,
    Projection,
    Projector,
    StateRun,
    parse_lambda_cause,
    project,
)
from stepscope.history.reconstruct import RECONSTRUCTED_COMMENT, reconstruct_definition
from stepscope.history.status import (
    EXECUTION_STATUS_STYLES,
    RUN_STATUSES,
    STATUS_STYLES,
    ExecutionStatus,
    RunStatus,
    StatusStyle,
    status_css,
)

__all__ = [
    "EXECUTION_STATUS_STYLES",
    "RECONSTRUCTED_COMMENT",
    "RUN_STATUSES",
    "STATUS_STYLES",
    "Attempt",
    "ExecutionStatus",
    "ExecutionSummary",
    "HistoryEvent",
    "LambdaError",
    "Projection",
    "Projector",
    "RunStatus",
    "StateRun",
    "StatusStyle",
    "details_of",
    "event_time",
    "parse_lambda_cause",
    "project",
    "reconstruct_definition",
    "status_css",
]
