"""Small builders for validator tests."""

from __future__ import annotations

from typing import Any

from stepscope.asl.diagnostics import ValidationResult
from stepscope.asl.validation import validate_data


def machine(states: dict[str, Any], start: str | None = None, **top: Any) -> dict[str, Any]:
    """A definition with these states, starting at `start` (the first state by default)."""
    return {"StartAt": start or next(iter(states)), "States": states, **top}


def single(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    """A definition with one state named S."""
    return machine({"S": state}, **top)


def check(definition: Any) -> ValidationResult:
    return validate_data(definition)


def errors(definition: Any) -> set[tuple[str, str]]:
    """(code, location) of every ERROR."""
    return {(d.code, d.location) for d in check(definition).errors}


def error_codes(definition: Any) -> set[str]:
    return {d.code for d in check(definition).errors}


def messages(definition: Any) -> str:
    return "\n".join(d.message for d in check(definition).diagnostics)


def assert_ok(definition: Any) -> None:
    result = check(definition)
    assert result.ok, [d.to_json() for d in result.diagnostics]


def assert_fails_at(definition: Any, location: str, code: str = "SCHEMA_VALIDATION_FAILED") -> None:
    found = errors(definition)
    assert (code, location) in found, found


LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:Process"
INVOKE = "arn:aws:states:::lambda:invoke"


def assert_field_refused(definition: Any, owner: str, field: str) -> None:
    """AWS reports an unsupported (or wrong-language) field at the object holding it."""
    found = [
        d
        for d in check(definition).errors
        if d.location == owner and f"field '{field.lower()}'" in d.message.lower()
    ]
    assert found, [d.to_json() for d in check(definition).diagnostics]
