"""JSON text the user typed: a lone surrogate escape ("\\ud800") parses in Python but is no
character, so it is refused where it is, like any other JSON error (found by the fuzz corpus:
it used to reach the services and fail there with a UnicodeEncodeError, a 500)."""

from __future__ import annotations

import pytest

from apps.simulations.jsontext import JsonTextError, json_parse


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"a": "\\ud800"}', 1, 8),
        ('"\\uDFFF"', 1, 2),
        ('{\n  "ok": 1,\n  "\\ud83d": 2}', 3, 4),
        ('[1, {"b": ["x", "\\udc00y"]}]', 1, 18),
    ],
)
def test_a_lone_surrogate_is_refused_with_where_it_is(text: str, line: int, column: int) -> None:
    with pytest.raises(JsonTextError) as refused:
        json_parse(text)
    assert "half of a UTF-16 surrogate pair" in refused.value.message
    assert (refused.value.line, refused.value.column) == (line, column)


def test_a_surrogate_pair_and_an_escaped_backslash_are_text() -> None:
    assert json_parse('"\\ud83d\\ude00"') == "\U0001f600"
    assert json_parse('{"a": "\\\\ud800"}') == {"a": "\\ud800"}
