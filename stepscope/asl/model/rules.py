"""Choice state rules: comparisons, And/Or/Not, and JSONata ``Condition``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The comparison operators of the States Language, each with its `...Path` form where one exists.
_COMPARED = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
_VALUE_OPERATORS = tuple(
    f"{kind}{comparison}" for kind in ("String", "Numeric", "Timestamp") for comparison in _COMPARED
) + ("BooleanEquals",)
PATH_OPERATORS: tuple[str, ...] = tuple(f"{name}Path" for name in _VALUE_OPERATORS)
TYPE_TEST_OPERATORS: tuple[str, ...] = (
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
)
COMPARISON_OPERATORS: tuple[str, ...] = (
    _VALUE_OPERATORS + PATH_OPERATORS + ("StringMatches",) + TYPE_TEST_OPERATORS
)
BOOLEAN_OPERATORS: tuple[str, ...] = ("And", "Or", "Not")


@dataclass(frozen=True, kw_only=True)
class BooleanExpression:
    """Base of every rule expression; ``pointer`` locates it in the definition."""

    pointer: str
    raw: Mapping[str, object]


@dataclass(frozen=True, kw_only=True)
class Comparison(BooleanExpression):
    """``{"Variable": "$.x", "NumericGreaterThan": 3}``; ``value`` is the operator's value as given
    (a path string for the ``...Path`` operators, a boolean for the ``Is...`` tests)."""

    variable: str | None
    operator: str
    value: object

    @property
    def compares_to_path(self) -> bool:
        return self.operator in PATH_OPERATORS


@dataclass(frozen=True, kw_only=True)
class AndExpression(BooleanExpression):
    operands: tuple[BooleanExpression, ...]


@dataclass(frozen=True, kw_only=True)
class OrExpression(BooleanExpression):
    operands: tuple[BooleanExpression, ...]


@dataclass(frozen=True, kw_only=True)
class NotExpression(BooleanExpression):
    operand: BooleanExpression | None


@dataclass(frozen=True, kw_only=True)
class JsonataCondition(BooleanExpression):
    """A JSONata ``Condition``: usually a ``{% ... %}`` string, possibly a literal boolean."""

    condition: object


@dataclass(frozen=True, kw_only=True)
class UnrecognizedExpression(BooleanExpression):
    """A rule with no comparison operator, no And/Or/Not and no Condition (or not an object)."""


@dataclass(frozen=True, kw_only=True)
class ChoiceRule:
    """One element of ``Choices``: its test and where it goes."""

    pointer: str
    raw: Mapping[str, object]
    test: BooleanExpression
    next: str | None = None
    comment: str | None = None
    assign: Mapping[str, object] | None = None
    output: object = None
