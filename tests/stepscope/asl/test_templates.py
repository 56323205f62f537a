"""Definitions embedded in CloudFormation and SAM templates: stepscope/asl/templates.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscope.asl.source import SourceError
from stepscope.asl.templates import (
    EmbeddedMachine,
    find_state_machines,
    is_template,
    load_template_text,
)

SIMPLE = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def only_machine(template: object) -> EmbeddedMachine:
    machines = find_state_machines(template)
    assert len(machines) == 1
    return machines[0]


def definition_of(template: object) -> Any:
    machine = only_machine(template)
    assert machine.error is None, machine.error
    assert isinstance(machine.definition, dict)
    return machine.definition


def cfn(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        **extra,
        "Resources": {
            "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": properties}
        },
    }


# ----------------------------------------------------------------------------- is_template


def test_a_template_is_recognised_by_its_resources() -> None:
    assert is_template({"Resources": {}})
    assert is_template({"AWSTemplateFormatVersion": "2010-09-09"})
    assert is_template({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}})


def test_a_bare_definition_or_other_data_is_not_a_template() -> None:
    assert not is_template(SIMPLE)
    assert not is_template({"StartAt": "A", "States": {}, "Resources": {}})
    assert not is_template(["Resources"])
    assert not is_template("Resources")
    assert not is_template({"Resources": "not a mapping"})


# ------------------------------------------------------------------- AWS::StepFunctions


def test_definition_object_is_extracted() -> None:
    assert definition_of(cfn({"Definition": SIMPLE})) == SIMPLE


def test_definition_string_is_parsed() -> None:
    assert definition_of(cfn({"DefinitionString": json.dumps(SIMPLE)})) == SIMPLE


def test_definition_substitutions_replace_placeholders_in_strings_and_keys() -> None:
    definition = {
        "StartAt": "${First}",
        "States": {
            "${First}": {
                "Type": "Task",
                "Resource": "${FunctionArn}",
                "Comment": "keeps ${Unknown} and uses ${Stage}",
                "End": True,
            }
        },
    }
    substitutions = {
        "First": "Charge",
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:charge",
        "Stage": "prod",
    }
    result = definition_of(
        cfn({"Definition": definition, "DefinitionSubstitutions": substitutions})
    )
    assert result["StartAt"] == "Charge"
    state = result["States"]["Charge"]
    assert state["Resource"] == "arn:aws:lambda:us-east-1:123456789012:function:charge"
    assert state["Comment"] == "keeps ${Unknown} and uses prod"
    assert state["End"] is True


def test_substitutions_apply_to_the_definition_string_text_before_parsing() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": ${Delay}, "End": true}}}'
    result = definition_of(
        cfn({"DefinitionString": text, "DefinitionSubstitutions": {"Delay": 30}})
    )
    assert result["States"]["A"]["Seconds"] == 30


def test_unresolvable_intrinsics_stay_visible_as_placeholders() -> None:
    substitutions = {
        "Arn": {"Fn::GetAtt": ["ChargeFunction", "Arn"]},
        "Topic": {"Ref": "AlertsTopic"},
        "Imported": {"Fn::ImportValue": "shared-queue-url"},
    }
    definition = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "${Arn}",
                "Parameters": {"TopicArn": "${Topic}", "QueueUrl": "${Imported}"},
                "End": True,
            }
        },
    }
    result = definition_of(
        cfn({"Definition": definition, "DefinitionSubstitutions": substitutions})
    )
    state = result["States"]["A"]
    assert state["Resource"] == "${ChargeFunction.Arn}"
    assert state["Parameters"]["TopicArn"] == "${AlertsTopic}"
    assert "Fn::ImportValue" in state["Parameters"]["QueueUrl"]


def test_intrinsics_inside_a_definition_object_become_text() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": {"Fn::GetAtt": ["Worker", "Arn"]}, "End": True}
        },
    }
    result = definition_of(cfn({"Definition": definition}))
    assert result["States"]["A"]["Resource"] == "${Worker.Arn}"


def test_fn_sub_string_resolves_parameter_defaults_and_keeps_pseudo_parameters() -> None:
    text = (
        '{"StartAt": "A", "States": {"A": {"Type": "Task", "End": true, '
        '"Resource": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}", '
        '"Comment": "${!NotAVariable}"}}}'
    )
    parameters = {"Name": {"Type": "String", "Default": "charge-card"}}
    result = definition_of(cfn({"DefinitionString": {"Fn::Sub": text}}, Parameters=parameters))
    state = result["States"]["A"]
    assert (
        state["Resource"] == "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:charge-card"
    )
    assert state["Comment"] == "${NotAVariable}"


def test_fn_sub_list_form_uses_its_variables() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${Fn}", "End": true}}}'
    variables = {"Fn": {"Fn::Join": [":", ["arn", "aws", "lambda", "us-east-1", "1", "x"]]}}
    result = definition_of(cfn({"DefinitionString": {"Fn::Sub": [text, variables]}}))
    assert result["States"]["A"]["Resource"] == "arn:aws:lambda:us-east-1:1:x"


def test_fn_join_definition_string() -> None:
    parts = ['{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "', {"Ref": "Stage"}]
    parts.append('", "End": true}}}')
    template = cfn(
        {"DefinitionString": {"Fn::Join": ["", parts]}},
        Parameters={"Stage": {"Type": "String"}},
    )
    result = definition_of(template)
    assert result["States"]["A"]["Result"] == "${Stage}"


def test_fn_find_in_map_resolves_from_mappings() -> None:
    mappings = {"Env": {"prod": {"Arn": "arn:aws:lambda:us-east-1:123456789012:function:f"}}}
    definition = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": {"Fn::FindInMap": ["Env", "prod", "Arn"]},
                "End": True,
            }
        },
    }
    result = definition_of(cfn({"Definition": definition}, Mappings=mappings))
    assert result["States"]["A"]["Resource"] == "arn:aws:lambda:us-east-1:123456789012:function:f"


# ------------------------------------------------------------------------- bad shapes


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"DefinitionString": '{"StartAt": '}, "not valid JSON"),
        ({"DefinitionString": "[1, 2]"}, "must hold a JSON object"),
        ({"Definition": ["a list"]}, "must be a mapping"),
        ({"Definition": SIMPLE, "DefinitionSubstitutions": ["x"]}, "DefinitionSubstitutions"),
        ({"RoleArn": "arn:aws:iam::123456789012:role/x"}, "no Definition or DefinitionString"),
        ({"DefinitionString": {"Fn::Sub": 42}}, "Fn::Sub takes a string"),
        ({"DefinitionString": {"Fn::Join": "x"}}, "Fn::Join takes a list"),
        (
            {"DefinitionS3Location": {"Bucket": "defs", "Key": "orders.json"}},
            "s3://defs/orders.json",
        ),
        ({"Definition": {"StartAt": "A", "States": {"A": {"X": float("nan")}}}}, "nan"),
    ],
)
def test_bad_machines_explain_themselves(properties: dict[str, Any], expected: str) -> None:
    machine = only_machine(cfn(properties))
    assert machine.definition is None
    assert machine.error is not None
    assert expected in machine.error
    assert "Machine" in machine.error


def test_a_resource_without_properties_is_explained() -> None:
    template = {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine"}}}
    machine = only_machine(template)
    assert machine.definition is None
    assert machine.error == "Resource 'M' has no Properties mapping."


def test_other_resources_and_odd_entries_are_skipped() -> None:
    template = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "Weird": "not a resource",
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"Definition": SIMPLE},
            },
        }
    }
    assert [m.logical_id for m in find_state_machines(template)] == ["Machine"]
    assert find_state_machines(SIMPLE) == []
    assert find_state_machines("text") == []


def test_a_deeply_nested_definition_is_an_error_not_a_crash() -> None:
    deep: Any = "bottom"
    for _ in range(5000):
        deep = {"x": deep}
    machine = only_machine(cfn({"Definition": {"StartAt": "A", "States": {"A": deep}}}))
    assert machine.definition is None
    assert machine.error is not None and "nested too deeply" in machine.error


# --------------------------------------------------------------------------------- SAM


def test_sam_definition_with_substitutions() -> None:
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Orders": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {
                    "Definition": {
                        "StartAt": "A",
                        "States": {"A": {"Type": "Task", "Resource": "${Fn}", "End": True}},
                    },
                    "DefinitionSubstitutions": {"Fn": "arn:aws:lambda:us-east-1:1:function:f"},
                },
            }
        },
    }
    machine = only_machine(template)
    assert machine.resource_type == "AWS::Serverless::StateMachine"
    assert machine.logical_id == "Orders"
    assert isinstance(machine.definition, dict)
    assert machine.definition["States"]["A"]["Resource"] == "arn:aws:lambda:us-east-1:1:function:f"


def test_sam_definition_uri_is_explained() -> None:
    template = {
        "Resources": {
            "Orders": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {"DefinitionUri": "statemachine/orders.asl.json"},
            }
        }
    }
    machine = only_machine(template)
    assert machine.definition is None
    assert machine.error is not None
    assert "DefinitionUri" in machine.error
    assert "statemachine/orders.asl.json" in machine.error
    assert "Import that file directly" in machine.error


def test_several_machines_keep_template_order() -> None:
    template = {
        "Resources": {
            "Second": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {"Definition": SIMPLE},
            },
            "First": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"Definition": SIMPLE},
            },
        }
    }
    assert [m.logical_id for m in find_state_machines(template)] == ["Second", "First"]


# ------------------------------------------------------------------------ YAML templates

YAML_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: prod
Resources:
  ChargeFunction:
    Type: AWS::Serverless::Function
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions:
        ChargeArn: !GetAtt ChargeFunction.Arn
        Stage: !Ref Stage
        Bucket: !Sub "orders-${AWS::Region}-${Stage}"
      Definition:
        StartAt: Charge
        States:
          Charge:
            Type: Task
            Resource: ${ChargeArn}
            Comment: "stage ${Stage}, bucket ${Bucket}"
            Next: Later
          Later:
            Type: Wait
            Timestamp: 2016-03-14T01:59:00Z
            End: true
"""


def test_yaml_short_form_tags_map_to_long_forms() -> None:
    data = load_template_text("a: !Ref Thing\nb: !GetAtt Fn.Arn\nc: !Join [':', [x, y]]\n")
    assert data == {
        "a": {"Ref": "Thing"},
        "b": {"Fn::GetAtt": ["Fn", "Arn"]},
        "c": {"Fn::Join": [":", ["x", "y"]]},
    }
    assert load_template_text("s: !Sub [x, {A: 1}]") == {"s": {"Fn::Sub": ["x", {"A": 1}]}}
    assert load_template_text("t: !Transform {Name: X}") == {"t": {"Fn::Transform": {"Name": "X"}}}


def test_yaml_sam_template_end_to_end() -> None:
    data = load_template_text(YAML_TEMPLATE)
    assert is_template(data)
    definition = definition_of(data)
    charge = definition["States"]["Charge"]
    assert charge["Resource"] == "${ChargeFunction.Arn}"
    assert charge["Comment"] == "stage prod, bucket orders-${AWS::Region}-prod"
    # YAML timestamps stay text, as the definition needs them.
    assert definition["States"]["Later"]["Timestamp"] == "2016-03-14T01:59:00Z"


@pytest.mark.parametrize(
    ("text", "expected", "line"),
    [
        ("a: !Foo x\n", "!Foo", 1),
        ("a: 1\nb: !!python/object/apply:os.system [echo]\n", "python/object", 2),
        ("a: 1\nb: [\n", "expected", 3),
        ("a: &x [1, *x]\n", "contains it", 1),
        ("a: 1\nb: c\x0bd\n", "U+000B", 2),
        ("a: " + "[" * 300 + "]" * 300 + "\n", "deeper than", 1),
    ],
)
def test_bad_or_hostile_yaml_is_a_source_error_with_position(
    text: str, expected: str, line: int
) -> None:
    with pytest.raises(SourceError) as caught:
        load_template_text(text)
    assert expected in caught.value.message
    assert caught.value.line == line
    assert caught.value.column is not None


def test_alias_bomb_is_refused() -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    with pytest.raises(SourceError) as caught:
        load_template_text("\n".join(lines))
    assert "alias" in caught.value.message


def test_a_few_aliases_are_fine() -> None:
    data = load_template_text("base: &b {Type: Pass}\nA: *b\nB: *b\n")
    assert data == {"base": {"Type": "Pass"}, "A": {"Type": "Pass"}, "B": {"Type": "Pass"}}


_KEYS = st.sampled_from(
    ["Definition", "DefinitionString", "DefinitionSubstitutions", "Fn::Sub", "Fn::Join", "Ref"]
    + ["Fn::GetAtt", "Fn::Select", "Fn::FindInMap", "StartAt", "States", "A"]
) | st.text(max_size=4)
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(["${A}", "${!A}", "${AWS::Region}", "{", "A.B"])
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(properties=_VALUES, parameters=_VALUES)
def test_any_template_shape_gives_a_machine_or_an_explanation(
    properties: object, parameters: object
) -> None:
    template = {
        "Parameters": parameters,
        "Mappings": parameters,
        "Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": properties}},
    }
    (machine,) = find_state_machines(template)
    assert (machine.definition is None) != (machine.error is None)
    if machine.definition is not None:
        json.dumps(machine.definition, allow_nan=False)  # always JSON-ready
