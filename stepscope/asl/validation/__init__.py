"""Validate a state machine definition the way AWS's ValidateStateMachineDefinition does.

`validate_text` never raises: text that cannot be parsed gives one INVALID_JSON_DESCRIPTION
diagnostic with its line and column. Each rule area lives in its own module of this package.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from stepscope.asl.diagnostics import (
    INVALID_JSON_DESCRIPTION,
    MISSING_DESCRIPTION,
    SCHEMA_VALIDATION_FAILED,
    TOO_DEEPLY_NESTED,
    Diagnostic,
    ValidationResult,
)
from stepscope.asl.source import (
    NestingTooDeepError,
    SourceDocument,
    SourceError,
    parse_source,
)
from stepscope.asl.validation.context import Context
from stepscope.asl.validation.machine import NOT_AN_OBJECT, validate_root

__all__ = ["validate_data", "validate_document", "validate_text"]


def validate_text(text: str) -> ValidationResult:
    """Parse and validate `text`; never raises."""
    if not isinstance(text, str) or not text:
        return ValidationResult(
            (Diagnostic("ERROR", MISSING_DESCRIPTION, "The definition is empty", ""),)
        )
    if not text.strip(" \t\r\n\ufeff"):
        return ValidationResult((Diagnostic("ERROR", SCHEMA_VALIDATION_FAILED, NOT_AN_OBJECT, ""),))
    try:
        document = parse_source(text)
    except SourceError as problem:
        code = (
            TOO_DEEPLY_NESTED
            if isinstance(problem, NestingTooDeepError)
            else INVALID_JSON_DESCRIPTION
        )
        return ValidationResult(
            (
                Diagnostic(
                    "ERROR",
                    code,
                    problem.message,
                    "",
                    problem.line,
                    problem.column,
                ),
            )
        )
    except Exception as problem:  # noqa: BLE001 - any parser failure is a diagnostic, not a crash
        return ValidationResult(
            (Diagnostic("ERROR", INVALID_JSON_DESCRIPTION, f"cannot read: {problem}", ""),)
        )
    return validate_document(document)


def validate_document(document: SourceDocument) -> ValidationResult:
    """Validate a parsed document, giving each diagnostic the line and column of its location."""
    context = _run_rules(document.data, document.duplicate_keys)
    located = []
    for diagnostic, focus in zip(context.diagnostics, context.focus, strict=True):
        where = document.position(focus)
        if where is not None:
            diagnostic = dataclasses.replace(diagnostic, line=where.line, column=where.column)
        located.append(diagnostic)
    return ValidationResult(tuple(located))


def validate_data(data: Any) -> ValidationResult:
    """Validate already-parsed data (no positions)."""
    return ValidationResult(tuple(_run_rules(data, ()).diagnostics))


def _run_rules(data: Any, duplicate_keys: tuple[str, ...]) -> Context:
    """Run every rule; a fault in a rule becomes a diagnostic instead of an exception."""
    context = Context()
    try:
        validate_root(context, data, duplicate_keys)
    except RecursionError:
        context.error("The definition is nested too deeply to validate", "", TOO_DEEPLY_NESTED)
    except Exception as problem:  # noqa: BLE001 - validation must never crash its caller
        context.error(f"The validator could not check this definition: {problem!r}", "")
    return context
