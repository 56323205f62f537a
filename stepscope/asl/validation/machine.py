"""The top level of a definition and each (sub-)state machine: StartAt, States, and their walk."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepscope.asl.diagnostics import INVALID_JSON_DESCRIPTION, MISSING_DESCRIPTION
from stepscope.asl.validation.context import Context


def validate_root(context: Context, data: Any, duplicate_keys: tuple[str, ...]) -> None:
    """Validate a whole definition."""
    if data is None:
        context.error("The definition is empty", "", MISSING_DESCRIPTION)
        return
    if not isinstance(data, Mapping):
        context.error("The definition must be a JSON object", "", INVALID_JSON_DESCRIPTION)
        return
