"""Errors raised while a state runs, named and worded the way AWS Step Functions names them."""

from __future__ import annotations

import json
from typing import Any

RUNTIME = "States.Runtime"
TASK_FAILED = "States.TaskFailed"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
BRANCH_FAILED = "States.BranchFailed"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
ALL = "States.ALL"

PAYLOAD_LIMIT_BYTES = 256 * 1024


class StatesError(Exception):
    """A failure that Retry and Catch can see: an error name and a cause (either may be None)."""

    def __init__(self, error: str | None, cause: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause

    def error_output(self) -> dict[str, Any]:
        """The object a Catch hands on: {"Error", "Cause"}, absent parts left out."""
        output: dict[str, Any] = {}
        if self.error is not None:
            output["Error"] = self.error
        if self.cause is not None:
            output["Cause"] = self.cause
        return output


class RuntimeFailure(StatesError):
    """States.Runtime (or another States.* error) raised by the interpreter, cause text pending the
    state name and entered event id, which `located` adds."""

    def __init__(self, message: str, error: str = RUNTIME) -> None:
        super().__init__(error, message)
        self.message = message


def located(failure: RuntimeFailure, state_name: str, entered_event_id: int) -> StatesError:
    """AWS's wording: "An error occurred while executing the state 'X' (entered at the event id #N).
    <message>"."""
    cause = (
        f"An error occurred while executing the state '{state_name}' "
        f"(entered at the event id #{entered_event_id}). {failure.message}"
    )
    return StatesError(failure.error, cause)


def quote_json(value: Any) -> str:
    """JSON text the way AWS quotes inputs in causes (compact)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def error_matches(names: list[str], error: str | None) -> bool:
    """Does a Retrier/Catcher ErrorEquals list match this error? States.ALL matches every error
    but States.Runtime; States.TaskFailed every task error but timeouts and size limits."""
    if error is None:
        return ALL in names
    if error in names:
        return True
    if ALL in names:
        return error != RUNTIME
    return TASK_FAILED in names and error not in (RUNTIME, TIMEOUT, DATA_LIMIT_EXCEEDED)
