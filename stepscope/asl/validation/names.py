"""State names and Map labels: length, characters, and uniqueness across the whole machine."""

from __future__ import annotations

import re

from stepscope.asl.diagnostics import (
    DUPLICATE_LABEL_NAME,
    DUPLICATE_STATE_NAME,
    INVALID_LABEL_NAME,
    INVALID_STATE_NAME,
)
from stepscope.asl.validation.context import Context, Registry

MAX_STATE_NAME = 80
MAX_LABEL = 40
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f]")
_LABEL_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]")


def check_state_name(context: Context, registry: Registry, name: str, pointer: str) -> None:
    if not name:
        context.error("A state name may not be empty", pointer, INVALID_STATE_NAME)
    elif len(name) > MAX_STATE_NAME:
        context.error(
            f"State name '{name[:20]}...' is {len(name)} characters long; the limit is "
            f"{MAX_STATE_NAME}",
            pointer,
            INVALID_STATE_NAME,
        )
    elif _CONTROL.search(name):
        context.error(
            f"State name {name!r} contains a control character", pointer, INVALID_STATE_NAME
        )
    first = registry.state_names.get(name)
    if first is None:
        registry.state_names[name] = pointer
    else:
        context.error(
            f"Duplicate State name: {name} (also defined at {first})",
            pointer,
            DUPLICATE_STATE_NAME,
        )


def check_label(context: Context, registry: Registry, label: object, pointer: str) -> None:
    if not isinstance(label, str):
        context.error("'Label' must be a string", pointer, INVALID_LABEL_NAME)
        return
    if not label:
        context.error("'Label' may not be empty", pointer, INVALID_LABEL_NAME)
    elif len(label) > MAX_LABEL:
        context.error(
            f"Label '{label}' is {len(label)} characters long; the limit is {MAX_LABEL}",
            pointer,
            INVALID_LABEL_NAME,
        )
    elif _LABEL_FORBIDDEN.search(label):
        context.error(
            f"Label {label!r} may not contain whitespace, brackets, wildcards, control "
            'characters or any of " # % \\ ^ | ~ ` $ & , ; : /',
            pointer,
            INVALID_LABEL_NAME,
        )
    first = registry.labels.get(label)
    if first is None:
        registry.labels[label] = pointer
    else:
        context.error(
            f"Duplicate Label: {label} (also used at {first})", pointer, DUPLICATE_LABEL_NAME
        )
