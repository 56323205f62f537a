"""JSONPath Paths and ReferencePaths."""

from __future__ import annotations

import pytest

from stepscope.asl.validation.paths import is_path, is_reference_path, path_problem
from tests.stepscope.asl.validation.helpers import assert_fails_at, assert_ok, single

VALID_REFERENCE_PATHS = ["$", "$.a", "$.a.b[0]", "$['a b']", "$.delivery-partner", "$.books[-2]"]
VALID_PATHS_ONLY = [
    "$..a",
    "$.a[*]",
    "$.a.*",
    "$.a[?(@.x > 1)]",
    "$[(@.length-1)].bar",
    "$.a[0:2]",
    "$.a[1,2]",
    "$.a['x','y']",
    "$.a.length()",
]
INVALID_PATHS = [".guid", "..guid", "()", "$...", "bug$.library", "$$23", "$.", "$.a b", "$[", "x"]


@pytest.mark.parametrize("path", VALID_REFERENCE_PATHS)
def test_reference_paths(path: str) -> None:
    assert is_reference_path(path) and is_path(path)


@pytest.mark.parametrize("path", VALID_PATHS_ONLY)
def test_paths_that_are_not_reference_paths(path: str) -> None:
    assert is_path(path)
    assert not is_reference_path(path)


@pytest.mark.parametrize("path", INVALID_PATHS)
def test_invalid_paths(path: str) -> None:
    assert not is_path(path)


def test_context_and_variable_roots() -> None:
    assert is_path("$$.Execution.Id") and is_path("$$") and is_path("$myVar.field")
    assert path_problem("$$.x", reference=True, context=False) is not None
    assert path_problem("$myVar", reference=True, variables=False) is not None


def test_state_paths() -> None:
    assert_ok(single({"Type": "Pass", "InputPath": None, "OutputPath": "$.a[*]", "End": True}))
    assert_fails_at(
        single({"Type": "Pass", "InputPath": "bug$.x", "End": True}), "/States/S/InputPath"
    )
    assert_fails_at(
        single({"Type": "Pass", "ResultPath": "$.a[*]", "End": True}), "/States/S/ResultPath"
    )
    assert_fails_at(
        single({"Type": "Pass", "ResultPath": "$foo", "End": True}), "/States/S/ResultPath"
    )
    assert_fails_at(
        single({"Type": "Pass", "ResultPath": "$$.x", "End": True}), "/States/S/ResultPath"
    )
    assert_fails_at(single({"Type": "Pass", "OutputPath": 3, "End": True}), "/States/S/OutputPath")
