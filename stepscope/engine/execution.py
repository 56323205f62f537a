"""Execution identity: ARNs and the static part of the context object, from a run's context."""

from __future__ import annotations

import uuid
from typing import Any, TypedDict

__all__ = ["ExecutionContext", "execution_object"]


class ExecutionContext(TypedDict, total=False):
    account: str
    region: str
    stateMachineName: str
    executionName: str
    roleArn: str
    startTime: str


DEFAULTS: ExecutionContext = {
    "account": "123456789012",
    "region": "us-east-1",
    "stateMachineName": "stepscope-local",
    "executionName": "local-execution",
    "roleArn": "arn:aws:iam::123456789012:role/stepscope-local",
    "startTime": "2025-01-01T12:00:00Z",
}


def execution_object(
    context: ExecutionContext, machine_type: str, value: Any, start_time: str, seed: int
) -> dict[str, Any]:
    """`{"Execution": ..., "StateMachine": ...}` of the context object."""
    merged: dict[str, Any] = {**DEFAULTS, **context}
    region, account = merged["region"], merged["account"]
    machine, name = merged["stateMachineName"], merged["executionName"]
    machine_arn = f"arn:aws:states:{region}:{account}:stateMachine:{machine}"
    if machine_type == "EXPRESS":
        suffix = uuid.UUID(int=seed & ((1 << 128) - 1) | 1, version=4)
        execution_arn = f"arn:aws:states:{region}:{account}:express:{machine}:{name}:{suffix}"
    else:
        execution_arn = f"arn:aws:states:{region}:{account}:execution:{machine}:{name}"
    return {
        "Execution": {
            "Id": execution_arn,
            "Input": value,
            "StartTime": start_time,
            "Name": name,
            "RoleArn": merged["roleArn"],
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": machine_arn, "Name": machine},
        "account": account,
        "region": region,
    }
