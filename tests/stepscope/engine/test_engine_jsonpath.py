from __future__ import annotations

import pytest

from stepscope.engine.dataflow.jsonpath import JsonPathError, NoResultsError, compile_path

DATA = {
    "a": {"b": [1, 2, 3], "c": {"d": "x"}},
    "items": [{"n": 1, "k": "a"}, {"n": 5, "k": "b"}, {"n": 9, "k": "c"}],
    "odd key": 7,
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", DATA),
        ("$.a.c.d", "x"),
        ("$['odd key']", 7),
        ("$.a.b[1]", 2),
        ("$.a.b[-1]", 3),
        ("$.a.b[*]", [1, 2, 3]),
        ("$.a.b[0:2]", [1, 2]),
        ("$.a.b[0,2]", [1, 3]),
        ("$.items[?(@.n > 2)].k", ["b", "c"]),
        ("$.items[?(@.k == 'a' || @.n == 9)].n", [1, 9]),
        ("$..d", ["x"]),
        ("$.a.b.length()", 3),
    ],
)
def test_paths_select_what_jayway_selects(path: str, expected: object) -> None:
    assert compile_path(path).evaluate(DATA) == expected


def test_definite_missing_path_names_the_canonical_path() -> None:
    with pytest.raises(NoResultsError, match=r"No results for path: \$\['a'\]\['zz'\]"):
        compile_path("$.a.zz").evaluate(DATA)


def test_indefinite_missing_path_is_an_empty_list() -> None:
    assert compile_path("$.nothing[*]").evaluate(DATA) == []


@pytest.mark.parametrize("bad", ["a.b", "$.a[", "$.a[?(@.x ~ 1)]"])
def test_bad_paths_are_reported_not_crashed(bad: str) -> None:
    with pytest.raises(JsonPathError):
        compile_path(bad).evaluate(DATA)


def test_result_path_writes_one_place_even_when_two_fields_came_from_the_same_value() -> None:
    from stepscope.engine import run_to_completion

    definition = {
        "StartAt": "Copy",
        "States": {
            "Copy": {
                "Type": "Pass",
                "Parameters": {"a.$": "$.x", "b.$": "$.x"},
                "Next": "Add",
            },
            "Add": {"Type": "Pass", "Result": 1, "ResultPath": "$.a.y", "End": True},
        },
    }
    completed = run_to_completion(definition, {"x": {"k": 0}})
    assert completed.output == {"a": {"k": 0, "y": 1}, "b": {"k": 0}}
