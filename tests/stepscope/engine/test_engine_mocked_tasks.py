"""Mocked responses drive any Task: service integrations, Lambda (both forms), activities and
callbacks, with invocation numbers counted across retries and Map iterations."""

from __future__ import annotations

from typing import Any

from stepscope.engine import run_to_completion
from stepscope.engine.resolvers.mock_config import MockConfig


def mocks(states: dict[str, str], responses: dict[str, Any]) -> dict[str, Any]:
    config = MockConfig.parse(
        {
            "StateMachines": {"M": {"TestCases": {"T": states}}},
            "MockedResponses": responses,
        }
    )
    return {"mocks": config.test_case("M", "T")}


def task(resource: str, **fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, **fields}


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def test_a_mocked_service_integration_records_aws_task_events() -> None:
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": task(
                "arn:aws:states:::dynamodb:putItem",
                Parameters={"TableName": "t", "Item": {"id": {"S.$": "$.id"}}},
                ResultPath="$.put",
                End=True,
            )
        },
    }
    resolvers = mocks({"Put": "Ok"}, {"Ok": {"0": {"Return": {"ConsumedCapacity": 1}}}})
    completed = run_to_completion(definition, {"id": "7"}, resolvers=resolvers)
    assert completed.status == "SUCCEEDED"
    assert completed.output == {"id": "7", "put": {"ConsumedCapacity": 1}}
    assert types(completed.events)[2:5] == ["TaskScheduled", "TaskStarted", "TaskSucceeded"]
    scheduled = completed.events[2]["taskScheduledEventDetails"]
    assert scheduled["resourceType"] == "dynamodb" and scheduled["resource"] == "putItem"
    assert scheduled["parameters"] == '{"TableName":"t","Item":{"id":{"S":"7"}}}'


def test_aws_sdk_integrations_keep_their_service_in_the_resource_type() -> None:
    definition = {
        "StartAt": "Get",
        "States": {"Get": task("arn:aws:states:::aws-sdk:s3:getObject", End=True)},
    }
    completed = run_to_completion(
        definition, {}, resolvers=mocks({"Get": "R"}, {"R": {"0": {"Return": {"Body": "x"}}}})
    )
    details = completed.events[2]["taskScheduledEventDetails"]
    assert (details["resourceType"], details["resource"]) == ("aws-sdk:s3", "getObject")


def test_throws_are_retried_with_the_next_invocation_and_then_succeed() -> None:
    definition = {
        "StartAt": "Pay",
        "States": {
            "Pay": task(
                "arn:aws:states:::lambda:invoke",
                Parameters={"FunctionName": "pay"},
                Retry=[{"ErrorEquals": ["Lambda.ServiceException"], "MaxAttempts": 3}],
                OutputPath="$.Payload",
                End=True,
            )
        },
    }
    responses = {
        "Flaky": {
            "0-1": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "try later"}},
            "2": {"Return": {"StatusCode": 200, "Payload": {"paid": True}}},
        }
    }
    completed = run_to_completion(definition, {}, resolvers=mocks({"Pay": "Flaky"}, responses))
    assert completed.status == "SUCCEEDED" and completed.output == {"paid": True}
    assert types(completed.events).count("TaskFailed") == 2
    failed = next(e for e in completed.events if e["type"] == "TaskFailed")
    assert failed["taskFailedEventDetails"] == {
        "error": "Lambda.ServiceException",
        "cause": "try later",
        "resource": "invoke",
        "resourceType": "lambda",
    }


def test_a_mocked_legacy_lambda_arn_records_lambda_function_events() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:check"
    definition = {"StartAt": "Check", "States": {"Check": task(arn, End=True)}}
    completed = run_to_completion(
        definition, {}, resolvers=mocks({"Check": "No"}, {"No": {"0": {"Throw": {"Error": "Bad"}}}})
    )
    assert completed.status == "FAILED" and completed.error == "Bad"
    assert "LambdaFunctionFailed" in types(completed.events)


def test_a_mocked_callback_answers_without_parking() -> None:
    definition = {
        "StartAt": "Ask",
        "States": {
            "Ask": task(
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                Parameters={"MessageBody": {"t.$": "$$.Task.Token"}},
                End=True,
            )
        },
    }
    resolvers = mocks({"Ask": "Yes"}, {"Yes": {"0": {"Return": {"approved": True}}}})
    completed = run_to_completion(definition, {}, resolvers=resolvers)
    assert completed.status == "SUCCEEDED" and completed.output == {"approved": True}
    assert completed.waiting is None


def test_a_mocked_activity_starts_and_succeeds() -> None:
    arn = "arn:aws:states:us-east-1:123456789012:activity:review"
    definition = {"StartAt": "Review", "States": {"Review": task(arn, End=True)}}
    resolvers = mocks({"Review": "Done"}, {"Done": {"0": {"Return": "ok"}}})
    completed = run_to_completion(definition, {"doc": 1}, resolvers=resolvers)
    assert types(completed.events)[2:5] == [
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
    ]
    assert completed.output == "ok"


def test_invocations_count_across_map_iterations() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "StartAt": "Look",
                    "States": {"Look": task("arn:aws:states:::sns:publish", End=True)},
                },
                "End": True,
            }
        },
    }
    responses = {"Seq": {"0": {"Return": "first"}, "1-2": {"Return": "later"}}}
    completed = run_to_completion(
        definition, [1, 2, 3], resolvers=mocks({"Look": "Seq"}, responses)
    )
    assert completed.output == ["first", "later", "later"]


def test_an_unmocked_service_without_a_local_stand_in_says_how_to_mock_it() -> None:
    definition = {
        "StartAt": "Put",
        "States": {"Put": task("arn:aws:states:::dynamodb:putItem", End=True)},
    }
    completed = run_to_completion(definition, {})
    assert completed.status == "FAILED" and completed.error == "States.Runtime"
    assert "--mock-config" in (completed.cause or "")
    assert "'Put'" in (completed.cause or "")
