from __future__ import annotations

import random

import pytest

from stepscope.engine.dataflow.intrinsics import evaluate_intrinsic
from stepscope.engine.errors import RuntimeFailure

INPUT = {"n": [1, 2, 2, 3], "s": "a,b,,c", "o": {"k": 1}, "x": 1.5}


def call(text: str) -> object:
    def resolve(path: str) -> object:
        from stepscope.engine.dataflow.jsonpath import compile_path

        return compile_path(path).evaluate(INPUT)

    return evaluate_intrinsic(text, resolve, random.Random(1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("States.Format('{} is {}', 'x', $.o)", "x is {k=1}"),
        ("States.Format('a\\{\\}b {}', 1)", "a{}b 1"),
        ("States.StringToJson('{\"a\": [1]}')", {"a": [1]}),
        ("States.JsonToString($.o)", '{"k":1}'),
        ("States.Array(1, 'two', $.x)", [1, "two", 1.5]),
        ("States.ArrayPartition($.n, 3)", [[1, 2, 2], [3]]),
        ("States.ArrayContains($.n, 3)", True),
        ("States.ArrayRange(1, 9, 4)", [1, 5, 9]),
        ("States.ArrayGetItem($.n, 3)", 3),
        ("States.ArrayLength($.n)", 4),
        ("States.ArrayUnique($.n)", [1, 2, 3]),
        ("States.Base64Encode('hi')", "aGk="),
        ("States.Base64Decode('aGk=')", "hi"),
        ("States.Hash('input data', 'SHA-1')", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("States.JsonMerge($.o, States.StringToJson('{\"j\": 2}'), false)", {"k": 1, "j": 2}),
        ("States.MathAdd($.x, -1)", 1),
        ("States.StringSplit($.s, ',')", ["a", "b", "c"]),
        ("States.ArrayLength(States.StringSplit($.s, ','))", 3),
    ],
)
def test_intrinsics(text: str, expected: object) -> None:
    assert call(text) == expected


def test_uuid_and_math_random_are_seeded() -> None:
    assert call("States.UUID()") == call("States.UUID()")
    value = call("States.MathRandom(1, 10)")
    assert isinstance(value, int) and 1 <= value < 10


@pytest.mark.parametrize(
    "text",
    ["States.Nope(1)", "States.ArrayGetItem($.n, 9)", "States.Format('{}')", "States.Array("],
)
def test_bad_calls_raise_intrinsic_failure(text: str) -> None:
    with pytest.raises(RuntimeFailure) as raised:
        call(text)
    assert raised.value.error == "States.IntrinsicFailure"
