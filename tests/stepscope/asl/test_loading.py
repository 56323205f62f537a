"""The definition-loading facade: stepscope/asl/loading.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from stepscope.asl.loading import (
    MAX_DEFINITION_BYTES,
    DefinitionTooLarge,
    TemplateChoiceRequired,
    load_definition,
    to_json,
    to_yaml,
)
from stepscope.asl.source import SourceError

VALID: dict[str, Any] = {
    "Comment": "Two states",
    "StartAt": "Hello",
    "States": {
        "Hello": {"Type": "Pass", "Result": "hi", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:charge"


def task_machine(resource: str) -> dict[str, Any]:
    return {
        "StartAt": "Charge",
        "States": {"Charge": {"Type": "Task", "Resource": resource, "End": True}},
    }


def machine_resource(definition: object, kind: str = "AWS::StepFunctions::StateMachine") -> Any:
    return {"Type": kind, "Properties": {"Definition": definition}}


# ------------------------------------------------------------------------ plain definitions


def test_a_json_definition_keeps_its_text_and_validates() -> None:
    text = json.dumps(VALID)
    loaded = load_definition(text)
    assert loaded.text == text
    assert loaded.format == "json"
    assert loaded.origin == "definition"
    assert loaded.logical_id is None
    assert loaded.data == VALID
    assert loaded.validation.errors == ()
    assert loaded.machine.state_names() == ("Hello", "Done")


def test_a_yaml_definition() -> None:
    text = yaml.safe_dump(VALID, sort_keys=False)
    loaded = load_definition(text)
    assert loaded.text == text
    assert loaded.format == "yaml"
    assert loaded.data == VALID


def test_an_invalid_definition_still_loads_with_its_diagnostics() -> None:
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
    loaded = load_definition(json.dumps(broken, indent=2))
    assert not loaded.validation.ok
    assert any(d.location.startswith("/States/A") for d in loaded.validation.errors)
    assert loaded.machine.state_names() == ("A",)


def test_choose_is_ignored_for_a_plain_definition() -> None:
    assert load_definition(json.dumps(VALID), choose="Anything").origin == "definition"


@pytest.mark.parametrize(
    ("text", "line"),
    [('{\n  "StartAt": "A",\n  "States": {\n}', 4), ("StartAt: [A\nStates: {}\n", 2)],
)
def test_unparseable_text_raises_source_error_with_position(text: str, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        load_definition(text)
    assert caught.value.line == line
    assert caught.value.column is not None


def test_empty_text_is_a_source_error() -> None:
    with pytest.raises(SourceError):
        load_definition("   \n")


def test_a_top_level_that_is_not_an_object_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        load_definition("[1, 2, 3]")


def test_text_over_one_mebibyte_is_refused() -> None:
    padding = "x" * MAX_DEFINITION_BYTES
    text = json.dumps({**VALID, "Comment": padding})
    with pytest.raises(DefinitionTooLarge) as caught:
        load_definition(text)
    assert "1 MiB" in str(caught.value)
    assert f"{len(text.encode()):,}" in str(caught.value)


def test_size_counts_bytes_not_characters() -> None:
    # 600,000 two-byte characters: under the limit in characters, over it in UTF-8 bytes.
    text = json.dumps({**VALID, "Comment": "é" * 600_000}, ensure_ascii=False)
    assert len(text) < MAX_DEFINITION_BYTES
    with pytest.raises(DefinitionTooLarge):
        load_definition(text)


# --------------------------------------------------------------------------------- templates


def test_a_json_cloudformation_template() -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Orders": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionString": json.dumps(task_machine("${ChargeArn}")),
                    "DefinitionSubstitutions": {"ChargeArn": LAMBDA_ARN},
                },
            }
        },
    }
    loaded = load_definition(json.dumps(template))
    assert loaded.origin == "cloudformation"
    assert loaded.logical_id == "Orders"
    assert loaded.format == "json"
    assert loaded.data == task_machine(LAMBDA_ARN)
    assert loaded.text == json.dumps(task_machine(LAMBDA_ARN), indent=2) + "\n"
    assert loaded.validation.errors == ()


def test_a_yaml_sam_template_with_short_form_tags() -> None:
    text = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Charge:
    Type: AWS::Serverless::Function
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions:
        ChargeArn: !GetAtt Charge.Arn
      Definition:
        StartAt: Charge
        States:
          Charge:
            Type: Task
            Resource: ${ChargeArn}
            End: true
"""
    loaded = load_definition(text)
    assert loaded.origin == "sam"
    assert loaded.logical_id == "Orders"
    assert loaded.format == "json"
    assert loaded.data == task_machine("${Charge.Arn}")
    # An unresolved resource is not an ARN, as AWS would say of the undeployed template.
    assert not loaded.validation.ok
    diagnostic = loaded.validation.errors[0]
    assert diagnostic.location.startswith("/States/Charge")
    assert diagnostic.line is not None  # positions refer to the extracted JSON text


def test_a_yaml_template_without_tags() -> None:
    text = yaml.safe_dump({"Resources": {"M": machine_resource(VALID)}})
    loaded = load_definition(text)
    assert loaded.origin == "cloudformation"
    assert loaded.data == VALID


def test_several_machines_require_a_choice() -> None:
    template = {
        "Resources": {
            "First": machine_resource(VALID),
            "Second": machine_resource(task_machine(LAMBDA_ARN), "AWS::Serverless::StateMachine"),
        }
    }
    text = json.dumps(template)
    with pytest.raises(TemplateChoiceRequired) as caught:
        load_definition(text)
    assert caught.value.choices == ("First", "Second")
    assert "First, Second" in str(caught.value)
    second = load_definition(text, choose="Second")
    assert second.logical_id == "Second"
    assert second.origin == "sam"
    assert second.data == task_machine(LAMBDA_ARN)


def test_choosing_a_machine_the_template_lacks_names_the_ones_it_has() -> None:
    text = json.dumps({"Resources": {"First": machine_resource(VALID)}})
    with pytest.raises(ValueError, match="no state machine called 'Other'; it has: First"):
        load_definition(text, choose="Other")


def test_a_template_without_machines_is_a_clear_error() -> None:
    text = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})
    with pytest.raises(ValueError, match="no state machine"):
        load_definition(text)


def test_a_machine_that_cannot_be_extracted_says_why() -> None:
    template = {
        "Resources": {
            "Orders": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {"DefinitionUri": "statemachine/orders.asl.json"},
            }
        }
    }
    with pytest.raises(ValueError, match="DefinitionUri") as caught:
        load_definition(json.dumps(template))
    assert not isinstance(caught.value, TemplateChoiceRequired)


def test_a_broken_yaml_template_reports_the_template_error() -> None:
    text = "Resources:\n  M:\n    Type: !Ref X\n    Properties: [\n"
    with pytest.raises(SourceError) as caught:
        load_definition(text)
    assert "tag" not in caught.value.message  # the short-form tags are understood
    assert caught.value.line == 5


def test_unknown_tags_are_still_refused() -> None:
    with pytest.raises(SourceError) as caught:
        load_definition("StartAt: !Evil A\nStates: {}\n")
    assert "!Evil" in caught.value.message


# --------------------------------------------------------------------------------- downloads


def test_to_json_is_indented_in_definition_order() -> None:
    text = to_json(VALID)
    assert json.loads(text) == VALID
    assert text.splitlines()[1] == '  "Comment": "Two states",'
    assert list(json.loads(text)) == ["Comment", "StartAt", "States"]


def test_to_json_writes_timestamps_as_text_and_refuses_what_json_cannot_hold() -> None:
    moment = datetime(2016, 3, 14, 1, 59, tzinfo=UTC)
    assert json.loads(to_json({"Timestamp": moment})) == {"Timestamp": "2016-03-14T01:59:00+00:00"}
    with pytest.raises(ValueError, match="JSON"):
        to_json({"x": float("nan")})
    with pytest.raises(ValueError, match="JSON"):
        to_json({"x": {1, 2}})


def test_to_yaml_round_trips_and_stays_readable() -> None:
    shared = {"Type": "Pass", "End": True}
    data = {
        "Comment": "line one\nline two",
        "StartAt": "A",
        "States": {
            "A": shared,
            "B": shared,
            "C": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "End": True},
        },
    }
    text = to_yaml(data)
    assert yaml.safe_load(text) == data
    assert "&" not in text and "*" not in text  # no anchors or aliases
    assert "Comment: |" in text
    assert text.index("StartAt") < text.index("States")
    # The timestamp is quoted, so it reads back as the same string.
    assert isinstance(yaml.safe_load(text)["States"]["C"]["Timestamp"], str)


def test_a_yaml_template_keeps_timestamps_as_written() -> None:
    text = """\
Resources:
  Later:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Wait
        States:
          Wait:
            Type: Wait
            Timestamp: 2016-03-14T01:59:00Z
            End: true
"""
    loaded = load_definition(text)
    assert loaded.data == {
        "StartAt": "Wait",
        "States": {"Wait": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "End": True}},
    }
