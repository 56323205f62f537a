"""Parsing definition text: JSON and YAML, positions, duplicate keys and hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.asl.source import (
    MAX_DEPTH,
    NestingTooDeepError,
    Position,
    SourceError,
    parse_source,
)

DEFINITION = """{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "B"},
    "B": {
      "Type": "Succeed"
    }
  }
}"""


def test_json_gives_data_and_format() -> None:
    document = parse_source(DEFINITION)
    assert document.format == "json"
    assert document.data["States"]["A"] == {"Type": "Pass", "Next": "B"}
    assert document.duplicate_keys == ()


def test_json_positions_point_at_keys_and_items() -> None:
    document = parse_source(DEFINITION)
    assert document.positions[""] == Position(1, 1)
    assert document.positions["/StartAt"] == Position(2, 3)
    assert document.positions["/States/A"] == Position(4, 5)
    assert document.positions["/States/A/Next"] == Position(4, 27)
    assert document.positions["/States/B/Type"] == Position(6, 7)
    items = parse_source('{"a": [10,\n  20]}')
    assert items.positions["/a/0"] == Position(1, 8)
    assert items.positions["/a/1"] == Position(2, 3)


def test_position_falls_back_to_the_nearest_ancestor() -> None:
    document = parse_source(DEFINITION)
    assert document.position("/States/A/Nowhere/deeper") == Position(4, 5)
    assert document.position("/Missing") == Position(1, 1)


def test_pointer_tokens_are_escaped() -> None:
    document = parse_source('{"a/b": {"c~d": 1}}')
    assert "/a~1b/c~0d" in document.positions


def test_duplicate_keys_are_reported_and_last_value_wins() -> None:
    document = parse_source('{"States": {"Add": {"Type": "Pass"}, "Add": {"Type": "Fail"}}}')
    assert document.duplicate_keys == ("/States/Add",)
    assert document.data["States"]["Add"] == {"Type": "Fail"}
    assert document.positions["/States/Add"] == Position(1, 38)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "Expecting ',' delimiter"),
        ('{"a" 1}', 1, 6, "Expecting ':' delimiter"),
        ("{'a': 1}", 1, 2, "property name enclosed in double quotes"),
        ('{"a": tru}', 1, 7, "Expecting value"),
        ('{"a": 1} x', 1, 10, "Extra data"),
        ('{"a": "unterminated}', 1, 7, "Unterminated string"),
        ('{"a": NaN}', 1, 7, "Expecting value"),
        ('{"a": [1, 2,]}', 1, 13, "Expecting value"),
    ],
)
def test_json_errors_say_what_and_where(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_source(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in caught.value.message
    assert str(caught.value).startswith(f"line {line}, column {column}: ")


@pytest.mark.parametrize("text", ["", "   \n\t ", "\ufeff"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(SourceError, match="empty"):
        parse_source(text)


def test_yaml_is_parsed_with_positions() -> None:
    text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n"
    document = parse_source(text)
    assert document.format == "yaml"
    assert document.data["States"]["A"] == {"Type": "Pass", "End": True}
    assert document.positions["/States/A/Type"] == Position(4, 5)
    assert document.positions["/StartAt"] == Position(1, 1)


def test_yaml_duplicate_keys_are_reported() -> None:
    document = parse_source("States:\n  A: {Type: Pass}\n  A: {Type: Fail}\n")
    assert document.duplicate_keys == ("/States/A",)


def test_yaml_custom_tags_are_refused() -> None:
    with pytest.raises(SourceError, match="constructor") as caught:
        parse_source("StartAt: !!python/object/apply:os.system ['true']\n")
    assert caught.value.line == 1


def test_yaml_syntax_errors_have_a_position() -> None:
    with pytest.raises(SourceError) as caught:
        parse_source("StartAt: A\nStates: [1, 2\n")
    assert caught.value.line is not None and caught.value.column is not None


def test_broken_json_is_not_rescued_by_yaml() -> None:
    # A trailing comma is fine in YAML flow style, but text that starts like JSON is JSON.
    with pytest.raises(SourceError, match="Expecting"):
        parse_source('{"StartAt": "A",}')


def test_alias_bomb_is_refused() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    with pytest.raises(SourceError, match="alias"):
        parse_source("\n".join(lines))


def test_a_few_aliases_are_fine() -> None:
    document = parse_source("base: &base {Type: Pass}\ncopy: *base\n")
    assert document.data["copy"] == {"Type": "Pass"}


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000, "- " * 100_000 + "x"])
def test_deep_nesting_is_refused_without_recursion_error(text: str) -> None:
    with pytest.raises(SourceError, match="deeper than"):
        parse_source(text)


def test_nesting_at_the_limit_is_accepted() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_source(text).data is not None


def test_huge_strings_and_numbers() -> None:
    big = "x" * 2_000_000
    assert parse_source(f'{{"a": "{big}"}}').data["a"] == big
    with pytest.raises(SourceError, match="digits"):
        parse_source('{"a": ' + "9" * 5000 + "}")
    with pytest.raises(SourceError):
        parse_source("a: " + "9" * 5000)


@pytest.mark.parametrize("text", ["\x00\x01\x02", "\ud800", "\xff\xfe{", "{\x00}", "%YAML 9"])
def test_binary_junk_gives_a_source_error(text: str) -> None:
    try:
        parse_source(text)
    except SourceError as problem:
        assert problem.message


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_gives_a_source_error(text: str) -> None:
    try:
        document = parse_source(text)
    except SourceError as problem:
        assert problem.message
    else:
        assert document.format in ("json", "yaml")


def test_deep_nesting_error_is_its_own_kind() -> None:
    with pytest.raises(NestingTooDeepError) as caught:
        parse_source("[" * (MAX_DEPTH + 1))
    assert (caught.value.line, caught.value.column) == (1, MAX_DEPTH + 1)
