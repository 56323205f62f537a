from __future__ import annotations

import pytest
import yaml

from stepscope.asl.source import NestingTooDeepError, SourceError, parse_source
from stepscope.asl.validation import validate_text
from stepscope.asl.yaml_safe import BoundedSafeLoader, YamlTooDeepError, yaml_problem

WAIT_UNTIL = """\
StartAt: Hold
States:
  Hold:
    Type: Wait
    Timestamp: 2016-03-14T01:59:00Z
    End: true
"""


def load(text: str) -> object:
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def test_timestamps_stay_text():
    assert load("at: 2016-03-14T01:59:00Z\nday: 2024-01-02") == {
        "at": "2016-03-14T01:59:00Z",
        "day": "2024-01-02",
    }


def test_a_yaml_wait_until_timestamp_is_valid():
    document = parse_source(WAIT_UNTIL)
    assert document.data["States"]["Hold"]["Timestamp"] == "2016-03-14T01:59:00Z"
    assert validate_text(WAIT_UNTIL).result == "OK"


def test_alias_bomb_is_refused_with_its_place():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    text = "\n".join(lines)
    with pytest.raises(yaml.YAMLError) as caught:
        load(text)
    problem, line, column = yaml_problem(caught.value, text)
    assert "alias bomb" in problem
    assert line is not None and line > 1 and column is not None
    with pytest.raises(SourceError, match="alias bomb"):
        parse_source(text)


def test_deep_nesting_is_refused_as_too_deep():
    text = "a: " + "[" * 300 + "]" * 300
    with pytest.raises(YamlTooDeepError):
        load(text)
    with pytest.raises(NestingTooDeepError):
        parse_source("x: 1\n" + text)


def test_custom_tags_are_refused():
    with pytest.raises(SourceError) as caught:
        parse_source("StartAt: !!python/object/apply:os.system ['echo hi']\n")
    assert caught.value.line == 1


def test_reader_errors_give_line_and_column():
    text = "a: 1\nb: \x07\n"
    with pytest.raises(yaml.YAMLError) as caught:
        load(text)
    problem, line, column = yaml_problem(caught.value, text)
    assert problem == "character U+0007 is not allowed in YAML"
    assert (line, column) == (2, 4)
