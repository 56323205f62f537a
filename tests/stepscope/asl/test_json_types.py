from __future__ import annotations

import pytest

from stepscope.asl.json_types import a_json_type, json_type_name


@pytest.mark.parametrize(
    ("value", "name", "phrase"),
    [
        (None, "null", "null"),
        (True, "boolean", "a boolean"),
        (3, "integer", "an integer"),
        (3.5, "number", "a number"),
        ("s", "string", "a string"),
        ({}, "object", "an object"),
        ([], "array", "an array"),
    ],
)
def test_json_type_names(value, name, phrase):
    assert json_type_name(value) == name
    assert a_json_type(value) == phrase
