"""Resource ARNs of Task states, Map ItemReaders and ResultWriters."""

from __future__ import annotations

import re
from typing import Any

from stepscope.asl.diagnostics import INVALID_RESOURCE
from stepscope.asl.validation.context import Context
from stepscope.asl.validation.values import show

_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s]+")


def is_resource_arn(value: str) -> bool:
    """`arn:partition:service:region:account:resource`, as Step Functions requires."""
    return _ARN.fullmatch(value) is not None


def check_resource(context: Context, value: Any, pointer: str) -> None:
    if not isinstance(value, str):
        context.error(f"'Resource' must be a string ARN, not {show(value)}", pointer)
        return
    if not is_resource_arn(value):
        context.error(
            f"Value is not a valid resource ARN: {show(value)}", pointer, INVALID_RESOURCE
        )
