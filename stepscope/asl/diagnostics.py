"""Validation diagnostics in the shape AWS's ValidateStateMachineDefinition reports them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

Severity = Literal["ERROR", "WARNING"]

# AWS's diagnostic codes.
INVALID_JSON_DESCRIPTION = "INVALID_JSON_DESCRIPTION"
MISSING_DESCRIPTION = "MISSING_DESCRIPTION"
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
INVALID_RESOURCE = "INVALID_RESOURCE"
MISSING_END_STATE = "MISSING_END_STATE"
DUPLICATE_STATE_NAME = "DUPLICATE_STATE_NAME"
INVALID_STATE_NAME = "INVALID_STATE_NAME"
DUPLICATE_LABEL_NAME = "DUPLICATE_LABEL_NAME"
INVALID_LABEL_NAME = "INVALID_LABEL_NAME"
MISSING_TRANSITION_TARGET = "MISSING_TRANSITION_TARGET"
TOO_DEEPLY_NESTED = "TOO_DEEPLY_NESTED"
UNSUPPORTED_JSONATA_EXPRESSION = "UNSUPPORTED_JSONATA_EXPRESSION"
NO_DOLLAR = "NO_DOLLAR"
NO_PATH = "NO_PATH"
PASS_RESULT_IS_STATIC = "PASS_RESULT_IS_STATIC"


class DiagnosticJSON(TypedDict):
    severity: Severity
    code: str
    message: str
    location: str
    line: NotRequired[int]
    column: NotRequired[int]


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: str  # a JSON pointer into the definition, "" when there is none
    line: int | None = None
    column: int | None = None

    def to_json(self) -> DiagnosticJSON:
        shaped: DiagnosticJSON = {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "location": self.location,
        }
        if self.line is not None:
            shaped["line"] = self.line
        if self.column is not None:
            shaped["column"] = self.column
        return shaped


@dataclass(frozen=True)
class ValidationResult:
    diagnostics: tuple[Diagnostic, ...]

    @property
    def result(self) -> Literal["OK", "FAIL"]:
        return "OK" if self.ok else "FAIL"

    @property
    def ok(self) -> bool:
        return not any(d.severity == "ERROR" for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "ERROR")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "WARNING")


def error(code: str, message: str, location: str = "") -> Diagnostic:
    return Diagnostic("ERROR", code, message, location)


def warning(code: str, message: str, location: str = "") -> Diagnostic:
    return Diagnostic("WARNING", code, message, location)
