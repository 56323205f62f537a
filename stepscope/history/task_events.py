"""The event types of one task attempt (Task, legacy Lambda and Activity events)."""

from __future__ import annotations

from typing import Any

from stepscope.history.events import text_field

ATTEMPT_SCHEDULED = frozenset({"TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled"})
ATTEMPT_STARTED = frozenset({"TaskStarted", "LambdaFunctionStarted", "ActivityStarted"})
ATTEMPT_SUCCEEDED = frozenset({"TaskSucceeded", "LambdaFunctionSucceeded", "ActivitySucceeded"})
ATTEMPT_FAILED = frozenset(
    {
        "TaskFailed",
        "TaskStartFailed",
        "TaskSubmitFailed",
        "LambdaFunctionFailed",
        "LambdaFunctionStartFailed",
        "LambdaFunctionScheduleFailed",
        "ActivityFailed",
        "ActivityScheduleFailed",
    }
)
ATTEMPT_TIMED_OUT = frozenset({"TaskTimedOut", "LambdaFunctionTimedOut", "ActivityTimedOut"})


def scheduled_resource(details: dict[str, Any]) -> str | None:
    """The resource a scheduling event names, as the Task state's Resource ARN where possible.

    TaskScheduled splits ``arn:aws:states:::lambda:invoke`` into resourceType "lambda" and resource
    "invoke"; Lambda and Activity events give the function or activity ARN itself.
    """
    resource = text_field(details, "resource")
    resource_type = text_field(details, "resourceType")
    if resource and resource_type and not resource.startswith("arn:"):
        return f"arn:aws:states:::{resource_type}:{resource}"
    return resource
