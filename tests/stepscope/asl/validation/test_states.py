"""Task, Wait, Fail, Parallel and Pass specifics."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stepscope.asl.validation.helpers import (
    INVOKE,
    LAMBDA,
    assert_fails_at,
    assert_ok,
    error_codes,
    single,
)


def task(**fields: Any) -> dict[str, Any]:
    return single({"Type": "Task", "Resource": INVOKE, "End": True, **fields})


@pytest.mark.parametrize(
    "resource",
    [
        INVOKE,
        LAMBDA,
        LAMBDA + ":$LATEST",
        "arn:aws:states:::aws-sdk:s3:listBuckets",
        "arn:aws:states:us-east-1:123456789012:activity:Work",
        "arn:aws-cn:states:::sqs:sendMessage.waitForTaskToken",
    ],
)
def test_resource_arns(resource: str) -> None:
    assert_ok(task(Resource=resource))


@pytest.mark.parametrize("resource", ["foo:bar", "arn:x", "xxx", "${lambdaArn}", "module:hello"])
def test_resources_that_are_not_arns(resource: str) -> None:
    assert_fails_at(task(Resource=resource), "/States/S/Resource", "INVALID_RESOURCE")


@pytest.mark.parametrize("resource", [1, None, {"Ref": "Fn"}, {"Fn::GetAtt": ["F", "Arn"]}])
def test_resource_must_be_a_string(resource: Any) -> None:
    assert_fails_at(task(Resource=resource), "/States/S/Resource")


def test_resource_is_required() -> None:
    assert_fails_at(single({"Type": "Task", "End": True}), "/States/S")


def test_timeouts_and_heartbeats() -> None:
    assert_ok(task(TimeoutSeconds=60, HeartbeatSeconds=10))
    assert_ok(task(TimeoutSecondsPath="$.t", HeartbeatSecondsPath="$.h"))
    assert_fails_at(task(TimeoutSeconds=0), "/States/S/TimeoutSeconds")
    assert_fails_at(task(TimeoutSeconds=1.5), "/States/S/TimeoutSeconds")
    assert_fails_at(task(TimeoutSeconds=10, HeartbeatSeconds=10), "/States/S/HeartbeatSeconds")
    assert_fails_at(task(TimeoutSeconds=1, TimeoutSecondsPath="$.t"), "/States/S")
    assert_fails_at(task(HeartbeatSeconds=1, HeartbeatSecondsPath="$.h"), "/States/S")
    assert_fails_at(task(TimeoutSecondsPath="t"), "/States/S/TimeoutSecondsPath")


def wait(**fields: Any) -> dict[str, Any]:
    return single({"Type": "Wait", "End": True, **fields})


def test_wait_needs_exactly_one_time_field() -> None:
    assert_ok(wait(Seconds=0))
    assert_ok(wait(Timestamp="2026-01-01T00:00:00Z"))
    assert_ok(wait(SecondsPath="$.s"))
    assert_ok(wait(TimestampPath="$.t"))
    assert_fails_at(wait(), "/States/S")
    assert_fails_at(wait(Seconds=5, Timestamp="2026-01-01T00:00:00Z"), "/States/S")
    assert_fails_at(wait(Seconds=-1), "/States/S/Seconds")
    assert_fails_at(wait(Timestamp=1), "/States/S/Timestamp")
    assert_fails_at(wait(Timestamp="2026-13-01T00:00:00Z"), "/States/S/Timestamp")
    assert_fails_at(wait(SecondsPath=None), "/States/S/SecondsPath")


def test_wait_in_jsonata() -> None:
    assert_ok(single({"Type": "Wait", "Seconds": "{% $s %}", "End": True}, QueryLanguage="JSONata"))
    jsonpath_field = {"Type": "Wait", "SecondsPath": "$.s", "End": True}
    assert_fails_at(single(jsonpath_field, QueryLanguage="JSONata"), "/States/S")


def test_fail_fields() -> None:
    assert_ok(single({"Type": "Fail", "Error": "E", "Cause": "C"}))
    assert_fails_at(single({"Type": "Fail", "Error": 42}), "/States/S/Error")
    assert_fails_at(single({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}), "/States/S")
    assert_fails_at(single({"Type": "Fail", "Cause": "C", "CausePath": "$.c"}), "/States/S")
    assert_fails_at(single({"Type": "Fail", "ErrorPath": "x"}), "/States/S/ErrorPath")
    assert_fails_at(single({"Type": "Fail", "Output": {}}, QueryLanguage="JSONata"), "/States/S")


def parallel(branches: Any, **fields: Any) -> dict[str, Any]:
    return single({"Type": "Parallel", "Branches": branches, "End": True, **fields})


def test_parallel_branches() -> None:
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
    assert_ok(parallel([branch], ResultPath="$.r", ResultSelector={"a.$": "$[0]"}))
    assert_fails_at(parallel([]), "/States/S/Branches")
    assert_fails_at(parallel({}), "/States/S/Branches")
    assert_fails_at(parallel([1]), "/States/S/Branches/0")
    assert_fails_at(single({"Type": "Parallel", "End": True}), "/States/S")
    assert "MISSING_END_STATE" in error_codes(
        parallel([{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "B"}}}])
    )
