"""Typed single-field checks: timestamps, integers in range, booleans and paths."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stepscope.asl.validation.context import Context
from stepscope.asl.validation.typed import expect_bool, expect_int, expect_path, is_timestamp


@pytest.mark.parametrize(
    "value",
    [
        "2016-03-14T01:59:00Z",
        "2016-03-14T01:59:00.123Z",
        "2016-03-14T01:59:00+05:30",
        "2016-12-31T23:59:60Z",
        "2024-02-29T00:00:00Z",
    ],
)
def test_rfc3339_timestamps(value: str) -> None:
    assert is_timestamp(value)


@pytest.mark.parametrize(
    "value",
    [
        "2016-03-14t01:59:00z",
        "2016-03-14 01:59:00Z",
        "2016-03-14T01:59:00",
        "2016-03-14T01:59:00+0530",
        "2016-02-30T10:00:00Z",
        "2016-03-14T25:00:00Z",
        "2016-13-01T00:00:00Z",
        1458000000,
        None,
    ],
)
def test_not_timestamps(value: object) -> None:
    assert not is_timestamp(value)


def _errors(check: Callable[[Context], None]) -> list[tuple[str, str]]:
    context = Context()
    check(context)
    return [(d.location, d.message) for d in context.diagnostics]


def test_expect_int_bounds_and_types() -> None:
    owner = {"low": 0, "high": 10, "flag": True, "float": 1.0, "ok": 5, "expr": "{% 1 %}"}
    assert _errors(lambda c: expect_int(c, owner, "ok", "", low=1, below=10)) == []
    assert _errors(lambda c: expect_int(c, owner, "low", "", low=1))[0][0] == "/low"
    assert _errors(lambda c: expect_int(c, owner, "high", "", below=10))[0][0] == "/high"
    assert "integer" in _errors(lambda c: expect_int(c, owner, "flag", ""))[0][1]
    assert "integer" in _errors(lambda c: expect_int(c, owner, "float", ""))[0][1]
    assert _errors(lambda c: expect_int(c, owner, "float", "", number=True)) == []
    assert _errors(lambda c: expect_int(c, owner, "expr", "", jsonata=True)) == []
    assert _errors(lambda c: expect_int(c, owner, "expr", "")) != []
    assert _errors(lambda c: expect_int(c, owner, "absent", "")) == []


def test_expect_bool_and_path() -> None:
    owner = {"b": "true", "p": "$.a[*]", "n": None}
    assert _errors(lambda c: expect_bool(c, owner, "b", "/S"))[0][0] == "/S/b"
    assert _errors(lambda c: expect_path(c, owner, "p", "", reference=False)) == []
    assert _errors(lambda c: expect_path(c, owner, "p", "", reference=True)) != []
    assert _errors(lambda c: expect_path(c, owner, "n", "", reference=True, nullable=True)) == []
    assert _errors(lambda c: expect_path(c, owner, "n", "", reference=True)) != []
