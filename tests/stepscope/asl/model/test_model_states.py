"""Building the typed model: every state type and its fields (stepscope/asl/build_model.py)."""

from __future__ import annotations

from typing import Any

import pytest

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.model import (
    ChoiceState,
    FailState,
    MapState,
    ParallelState,
    PassState,
    State,
    StateMachine,
    SucceedState,
    TaskState,
    WaitState,
)


def machine_of(states: dict[str, Any], **top: Any) -> StateMachine:
    return build_state_machine({"StartAt": next(iter(states)), "States": states, **top})


def only(states: dict[str, Any], **top: Any) -> State:
    return machine_of(states, **top).states[0]


def test_machine_level_fields() -> None:
    machine = build_state_machine(
        {
            "Comment": "orders",
            "StartAt": "A",
            "Version": "1.0",
            "TimeoutSeconds": 300,
            "QueryLanguage": "JSONata",
            "States": {"A": {"Type": "Succeed"}},
        }
    )
    assert machine.comment == "orders"
    assert machine.start_at == "A"
    assert machine.version == "1.0"
    assert machine.timeout_seconds == 300
    assert machine.query_language == "JSONata"
    assert machine.effective_query_language == "JSONata"
    assert machine.pointer == ""
    assert machine.path == ()


def test_common_fields_of_every_state() -> None:
    raw = {
        "Type": "Pass",
        "Comment": "hello",
        "InputPath": "$.in",
        "OutputPath": "$.out",
        "Assign": {"total": 3},
        "Next": "B",
    }
    state = only({"A": raw, "B": {"Type": "Succeed"}})
    assert isinstance(state, PassState)
    assert (state.name, state.type, state.pointer, state.path) == ("A", "Pass", "/States/A", ("A",))
    assert state.comment == "hello"
    assert state.input_path == "$.in"
    assert state.output_path == "$.out"
    assert state.assign == {"total": 3}
    assert state.next == "B" and state.end is False
    assert dict(state.raw) == raw


def test_raw_is_read_only_and_detached_from_the_input() -> None:
    data = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    machine = build_state_machine(data)
    data["States"]["A"]["Type"] = "Task"  # type: ignore[index]
    state = machine.states[0]
    assert state.raw["Type"] == "Pass"
    with pytest.raises(TypeError):
        state.raw["Type"] = "Wait"  # type: ignore[index]


def test_pass_fields_and_explicit_nulls() -> None:
    state = only(
        {
            "A": {
                "Type": "Pass",
                "Result": {"x": 1},
                "ResultPath": None,
                "Parameters": {"a.$": "$.b"},
                "End": True,
            }
        }
    )
    assert isinstance(state, PassState)
    assert state.result == {"x": 1}
    assert state.parameters == {"a.$": "$.b"}
    assert state.result_path is None
    assert state.is_null("ResultPath") and not state.is_null("InputPath")
    assert state.has("Result") and not state.has("InputPath")
    assert state.end is True


def test_task_fields() -> None:
    state = only(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": "f"},
                "ResultSelector": {"r.$": "$.Payload"},
                "ResultPath": "$.result",
                "TimeoutSeconds": 60,
                "HeartbeatSecondsPath": "$.hb",
                "TimeoutSecondsPath": "$.t",
                "HeartbeatSeconds": 10,
                "Credentials": {"RoleArn": "arn:aws:iam::1:role/x"},
                "Retry": [
                    {
                        "ErrorEquals": ["States.TaskFailed"],
                        "IntervalSeconds": 2,
                        "MaxAttempts": 3,
                        "BackoffRate": 2.5,
                        "MaxDelaySeconds": 30,
                        "JitterStrategy": "FULL",
                        "Comment": "flaky",
                    }
                ],
                "Catch": [
                    {
                        "ErrorEquals": ["PaymentFailed", "States.ALL"],
                        "Next": "Handle",
                        "ResultPath": "$.error",
                        "Comment": "c",
                    }
                ],
                "End": True,
            },
            "Handle": {"Type": "Fail"},
        }
    )
    assert isinstance(state, TaskState)
    assert state.resource == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    assert state.waits_for_task_token and not state.is_sync
    assert state.parameters == {"FunctionName": "f"}
    assert state.result_selector == {"r.$": "$.Payload"}
    assert state.result_path == "$.result"
    assert (state.timeout_seconds, state.timeout_seconds_path) == (60, "$.t")
    assert (state.heartbeat_seconds, state.heartbeat_seconds_path) == (10, "$.hb")
    assert state.credentials == {"RoleArn": "arn:aws:iam::1:role/x"}
    (retrier,) = state.retry
    assert retrier.error_equals == ("States.TaskFailed",)
    assert retrier.interval_seconds == 2 and retrier.max_attempts == 3
    assert retrier.backoff_rate == 2.5 and retrier.max_delay_seconds == 30
    assert retrier.jitter_strategy == "FULL" and retrier.comment == "flaky"
    assert retrier.pointer == "/States/T/Retry/0"
    (catcher,) = state.catch
    assert catcher.error_equals == ("PaymentFailed", "States.ALL")
    assert catcher.next == "Handle" and catcher.result_path == "$.error"
    assert catcher.pointer == "/States/T/Catch/0"
    assert state.transitions() == ("Handle",)


def test_jsonata_task_fields() -> None:
    state = only(
        {
            "T": {
                "Type": "Task",
                "QueryLanguage": "JSONata",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
                "Output": "{% $states.result.Payload %}",
                "Assign": {"seen": "{% true %}"},
                "TimeoutSeconds": "{% $timeout %}",
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Next": "T",
                        "Output": {"e": "{% $states.errorOutput %}"},
                        "Assign": {"failed": True},
                    }
                ],
                "End": True,
            }
        }
    )
    assert isinstance(state, TaskState)
    assert state.effective_query_language == "JSONata" and state.is_jsonata
    assert state.arguments == {"FunctionName": "f", "Payload": "{% $states.input %}"}
    assert state.output == "{% $states.result.Payload %}"
    assert state.assign == {"seen": "{% true %}"}
    assert state.timeout_seconds == "{% $timeout %}"
    assert state.catch[0].output == {"e": "{% $states.errorOutput %}"}
    assert state.catch[0].assign == {"failed": True}


def test_wait_fields() -> None:
    machine = machine_of(
        {
            "A": {"Type": "Wait", "Seconds": 5, "Next": "B"},
            "B": {"Type": "Wait", "SecondsPath": "$.s", "Next": "C"},
            "C": {"Type": "Wait", "Timestamp": "2026-01-01T00:00:00Z", "Next": "D"},
            "D": {"Type": "Wait", "TimestampPath": "$.t", "End": True},
        }
    )
    a, b, c, d = machine.states
    assert isinstance(a, WaitState) and a.seconds == 5 and a.next == "B"
    assert isinstance(b, WaitState) and b.seconds_path == "$.s"
    assert isinstance(c, WaitState) and c.timestamp == "2026-01-01T00:00:00Z"
    assert isinstance(d, WaitState) and d.timestamp_path == "$.t" and d.end


def test_succeed_and_fail_fields() -> None:
    machine = machine_of(
        {
            "F": {"Type": "Fail", "Error": "Boom", "Cause": "because"},
            "G": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"},
            "S": {"Type": "Succeed", "OutputPath": "$.x"},
        }
    )
    f, g, s = machine.states
    assert isinstance(f, FailState) and (f.error, f.cause) == ("Boom", "because")
    assert isinstance(g, FailState) and (g.error_path, g.cause_path) == ("$.e", "$.c")
    assert isinstance(s, SucceedState) and s.output_path == "$.x"
    assert f.transitions() == () and s.transitions() == ()


def test_choice_state_rules_and_default() -> None:
    state = only(
        {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.n", "NumericGreaterThan": 3, "Next": "A", "Comment": "big"}
                ],
                "Default": "B",
            },
            "A": {"Type": "Succeed"},
            "B": {"Type": "Succeed"},
        }
    )
    assert isinstance(state, ChoiceState)
    assert state.default == "B"
    (rule,) = state.choices
    assert rule.next == "A" and rule.comment == "big"
    assert rule.pointer == "/States/C/Choices/0"
    assert state.transitions() == ("A", "B")


def test_parallel_branches_are_sub_machines_with_unique_paths() -> None:
    machine = machine_of(
        {
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Email", "States": {"Email": {"Type": "Pass", "End": True}}},
                    {
                        "StartAt": "Email",
                        "Comment": "second",
                        "States": {"Email": {"Type": "Pass", "End": True}},
                    },
                ],
                "ResultSelector": {"a.$": "$[0]"},
                "End": True,
            }
        }
    )
    fan = machine.states[0]
    assert isinstance(fan, ParallelState)
    first, second = fan.branches
    assert (first.index, second.index) == (0, 1)
    assert first.start_at == "Email" and second.comment == "second"
    assert first.pointer == "/States/Fan/Branches/0"
    emails = [state for state, _ in machine.walk() if state.name == "Email"]
    assert [e.pointer for e in emails] == [
        "/States/Fan/Branches/0/States/Email",
        "/States/Fan/Branches/1/States/Email",
    ]
    assert [e.path for e in emails] == [("Fan", 0, "Email"), ("Fan", 1, "Email")]
    assert fan.result_selector == {"a.$": "$[0]"}


def test_distributed_map_fields() -> None:
    state = only(
        {
            "M": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "P",
                    "States": {"P": {"Type": "Pass", "End": True}},
                },
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                    "Parameters": {"Bucket": "b", "Key": "k"},
                },
                "ItemBatcher": {"MaxItemsPerBatch": 10, "MaxInputBytesPerBatchPath": "$.m"},
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": "out"},
                },
                "ItemSelector": {"item.$": "$$.Map.Item.Value"},
                "ItemsPath": "$.items",
                "Label": "lines",
                "MaxConcurrency": 100,
                "ToleratedFailureCount": 5,
                "ToleratedFailurePercentagePath": "$.pct",
                "End": True,
            }
        }
    )
    assert isinstance(state, MapState)
    assert state.is_distributed
    processor = state.processor
    assert processor is not None and not processor.legacy
    assert (processor.mode, processor.execution_type) == ("DISTRIBUTED", "EXPRESS")
    assert processor.pointer == "/States/M/ItemProcessor"
    assert processor.states[0].path == ("M", "P")
    assert state.item_reader is not None
    assert state.item_reader.resource == "arn:aws:states:::s3:getObject"
    assert state.item_reader.reader_config == {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}
    assert state.item_batcher is not None and state.item_batcher.max_items_per_batch == 10
    assert state.item_batcher.max_input_bytes_per_batch_path == "$.m"
    assert state.result_writer is not None and state.result_writer.parameters == {"Bucket": "out"}
    assert state.item_selector == {"item.$": "$$.Map.Item.Value"}
    assert state.items_path == "$.items" and state.label == "lines"
    assert state.max_concurrency == 100 and state.tolerated_failure_count == 5
    assert state.tolerated_failure_percentage_path == "$.pct"


def test_legacy_iterator_map() -> None:
    state = only(
        {
            "M": {
                "Type": "Map",
                "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                "Parameters": {"x.$": "$$.Map.Item.Value"},
                "MaxConcurrencyPath": "$.c",
                "End": True,
            }
        }
    )
    assert isinstance(state, MapState)
    assert state.processor is not None and state.processor.legacy
    assert state.processor.mode is None and not state.is_distributed
    assert state.processor.pointer == "/States/M/Iterator"
    assert state.parameters == {"x.$": "$$.Map.Item.Value"}
    assert state.max_concurrency_path == "$.c"


def test_jsonata_map_items() -> None:
    state = only(
        {"M": {"Type": "Map", "Items": "{% $states.input.lines %}", "End": True}},
        QueryLanguage="JSONata",
    )
    assert isinstance(state, MapState)
    assert state.items == "{% $states.input.lines %}"
    assert state.processor is None and state.blocks() == ()
