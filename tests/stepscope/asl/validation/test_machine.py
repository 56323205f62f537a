"""Top-level structure, sub-machines, duplicate keys and line/column filling."""

from __future__ import annotations

import pytest

from stepscope.asl.validation import validate_data, validate_text
from tests.stepscope.asl.validation.helpers import (
    assert_fails_at,
    assert_field_refused,
    assert_ok,
    error_codes,
    errors,
    machine,
    single,
)

PASS_END = {"Type": "Pass", "End": True}


def test_minimal_machine_is_ok() -> None:
    assert_ok(single(PASS_END))


def test_empty_definition_is_missing_description() -> None:
    assert error_codes(None) == {"MISSING_DESCRIPTION"}
    assert {d.code for d in validate_text("").errors} == {"MISSING_DESCRIPTION"}


def test_whitespace_only_text_is_not_a_json_object() -> None:
    # AWS answers SCHEMA_VALIDATION_FAILED "Definition must be a valid JSON object" for " ".
    (problem,) = validate_text(" \n\t").errors
    assert problem.code == "SCHEMA_VALIDATION_FAILED"
    assert problem.message == "Definition must be a valid JSON object"


@pytest.mark.parametrize("data", [[], "text", 3, True, ""])
def test_definition_must_be_an_object(data: object) -> None:
    assert error_codes(data) == {"SCHEMA_VALIDATION_FAILED"}


def test_missing_start_at_and_states() -> None:
    (problem,) = validate_data({}).errors
    assert (problem.code, problem.location) == ("SCHEMA_VALIDATION_FAILED", "")
    assert problem.message == "These fields are required: [States, StartAt]"
    assert ("SCHEMA_VALIDATION_FAILED", "") in errors({"Comment": "x"})
    messages = [d.message for d in validate_data({"States": {"S": PASS_END}}).errors]
    assert "These fields are required: [StartAt]" in messages


def test_start_at_must_name_a_state() -> None:
    assert_fails_at(machine({"S": PASS_END}, start="Nope"), "/StartAt", "MISSING_TRANSITION_TARGET")


def test_unknown_top_level_field() -> None:
    assert_field_refused(single(PASS_END, Foo=1), "", "Foo")


def test_top_level_fields() -> None:
    assert_ok(single(PASS_END, Comment="c", Version="1.0", TimeoutSeconds=30))
    assert_fails_at(single(PASS_END, Version="2.0"), "/Version")
    assert_fails_at(single(PASS_END, TimeoutSeconds=1.2), "/TimeoutSeconds")
    assert_fails_at(single(PASS_END, TimeoutSeconds=0), "/TimeoutSeconds")
    assert_fails_at(single(PASS_END, TimeoutSeconds=99999999), "/TimeoutSeconds")


def test_query_language_must_be_known() -> None:
    assert_fails_at(single(PASS_END, QueryLanguage="XPath"), "/QueryLanguage")


def test_empty_states() -> None:
    assert_fails_at({"StartAt": "A", "States": {}}, "/States")


def test_state_must_be_an_object_with_a_known_type() -> None:
    assert_fails_at(single("nope"), "/States/S")
    assert_fails_at(single({"End": True}), "/States/S")
    assert_fails_at(single({"Type": "?", "End": True}), "/States/S/Type")


def test_duplicate_json_key_for_a_state_is_duplicate_state_name() -> None:
    text = (
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true},\n'
        ' "A": {"Type": "Succeed"}}}'
    )
    result = validate_text(text)
    found = [d for d in result.errors if d.code == "DUPLICATE_STATE_NAME"]
    assert found and found[0].location == "/States/A"
    assert (found[0].line, found[0].column) == (2, 2)


def test_duplicate_json_key_elsewhere_is_schema_error() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "End": true}}}'
    result = validate_text(text)
    assert [(d.code, d.location) for d in result.errors] == [
        ("SCHEMA_VALIDATION_FAILED", "/States/A/End")
    ]


def test_validate_text_fills_line_and_column() -> None:
    text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass"}\n  }\n}'
    result = validate_text(text)
    assert result.result == "FAIL"
    located = result.errors[0]
    assert located.location == "/States/A"
    assert (located.line, located.column) == (4, 5)


def test_unparseable_text_is_invalid_json_description_with_position() -> None:
    result = validate_text('{\n  "StartAt": "A"\n  "States": {}\n}')
    (problem,) = result.diagnostics
    assert problem.code == "INVALID_JSON_DESCRIPTION"
    assert (problem.line, problem.column) == (3, 3)


def test_yaml_definitions_validate_with_positions() -> None:
    result = validate_text(
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Bogus: 1\n    End: true\n"
    )
    (problem,) = result.errors
    # Located like AWS (at the state), positioned at the offending field.
    assert problem.location == "/States/A"
    assert "'Bogus'" in problem.message
    assert (problem.line, problem.column) == (5, 5)


def test_sub_machine_fields() -> None:
    branch = {"StartAt": "B", "States": {"B": PASS_END}, "Extra": 1}
    definition = single({"Type": "Parallel", "Branches": [branch], "End": True})
    assert_field_refused(definition, "/States/S/Branches/0", "Extra")


def test_deep_nesting_of_parallel_states_is_too_deeply_nested() -> None:
    inner: dict[str, object] = {"StartAt": "L", "States": {"L": PASS_END}}
    for level in range(45):
        inner = {
            "StartAt": f"P{level}",
            "States": {f"P{level}": {"Type": "Parallel", "Branches": [inner], "End": True}},
        }
    assert "TOO_DEEPLY_NESTED" in error_codes(inner)


def test_text_nested_too_deeply() -> None:
    (problem,) = validate_text('{"a":' * 300 + "1" + "}" * 300).errors
    assert problem.code == "TOO_DEEPLY_NESTED"
    assert problem.line == 1
