"""Clear, specific messages for what goes wrong talking to AWS: end to end through "test
connection" (the stub endpoint answers AWS's JSON errors; nothing reaches AWS), and each mapping."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from apps.aws.clients import SourceSettings
from apps.aws.errors import explain, iam_action
from apps.aws.services import SyncRequest, aws_connection_test, aws_sync
from tests.apps.aws.conftest import CLOSED_PORT_URL
from tests.apps.aws.scripted import REGION, script_account
from tests.apps.aws.stub import error
from tests.workspaces import team

pytestmark = pytest.mark.django_db


def check(url: str, region: str = REGION, **options: Any) -> Any:
    (result,) = aws_connection_test(
        source=SourceSettings(regions=(region,), endpoint_url=url, **options)
    )
    return result


def test_a_working_connection_says_what_can_be_read(stub):
    script_account(stub)
    result = check(stub.url)
    assert result.ok
    assert result.message == (
        f"Connected to Step Functions in {REGION} at {stub.url}: "
        "state machines, executions and histories can be read."
    )


def test_no_credentials_in_the_environment(stub, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    script_account(stub)
    result = check(stub.url)
    assert (result.ok, result.code) == (False, "NoCredentialsError")
    assert result.message.startswith("No AWS credentials were found.")
    assert "AWS_ACCESS_KEY_ID" in result.message and "--profile" in result.message
    summary = aws_sync(
        request=SyncRequest(
            workspace=team(), source=SourceSettings((REGION,), endpoint_url=stub.url)
        )
    )
    assert summary.failures == [f"{REGION}: {result.message}"]
    assert stub.calls == []  # nothing unsigned was sent


def test_an_unknown_profile(stub):
    result = check(stub.url, profile_name="ghost")
    assert (result.ok, result.code) == (False, "ProfileNotFound")
    assert "ghost" in result.message and "~/.aws/config" in result.message


@pytest.mark.parametrize("denied", ["ListStateMachines", "ListExecutions", "GetExecutionHistory"])
def test_access_denied_names_the_missing_iam_action(stub, denied):
    script_account(stub)
    reason = (
        f"User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: states:{denied}"
    )
    stub.on(denied, lambda body: error("AccessDeniedException", reason))
    result = check(stub.url)
    assert (result.ok, result.code) == (False, "AccessDeniedException")
    assert result.message.startswith(
        f"Access denied: the credentials may not call states:{denied} in {REGION}."
    )
    assert f"Allow states:{denied} in the IAM policy" in result.message


def test_an_expired_token(stub):
    stub.on(
        "ListStateMachines",
        lambda body: error(
            "ExpiredTokenException", "The security token included in the request is expired"
        ),
    )
    result = check(stub.url)
    assert (result.ok, result.code) == (False, "ExpiredTokenException")
    assert result.message.startswith("The AWS credentials have expired (ExpiredTokenException).")
    assert "aws sso login" in result.message


def test_credentials_not_recognised_in_the_region(stub):
    stub.on(
        "ListStateMachines",
        lambda body: error(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        ),
    )
    result = check(stub.url, region="ap-east-1")
    assert result.code == "UnrecognizedClientException"
    assert "did not recognise the credentials in ap-east-1" in result.message
    assert "opt-in region must be enabled" in result.message


def test_a_region_that_cannot_be_reached(quick_retries):
    result = check(CLOSED_PORT_URL, region="eu-nowhere-1")
    assert (result.ok, result.code) == (False, "EndpointConnectionError")
    assert result.message.startswith(f"Could not connect to {CLOSED_PORT_URL}.")
    assert "'eu-nowhere-1'" in result.message


def test_a_region_name_that_is_not_one(stub):
    result = check(stub.url, region="us east 1")
    assert (result.ok, result.code) == (False, "InvalidRegionError")
    assert result.message == "'us east 1' is not a region name; regions look like us-east-1."


def test_throttling_in_the_connection_test(stub, quick_retries):
    stub.on("ListStateMachines", lambda body: error("ThrottlingException", "Rate exceeded"))
    result = check(stub.url, max_attempts=3)
    assert (result.ok, result.code) == (False, "ThrottlingException")
    assert "throttled ListStateMachines in us-east-1" in result.message
    assert "after 3 attempts" in result.message
    assert len(stub.calls) == 3


def client_error(code: str, operation: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def test_explain_each_kind():
    assert iam_action("AssumeRole") == "sts:AssumeRole"
    assert iam_action("DescribeExecution") == "states:DescribeExecution"
    denied = explain(client_error("AccessDenied", "AssumeRole"), region=REGION)
    assert "may not call sts:AssumeRole" in str(denied) and denied.code == "AccessDenied"
    expired = explain(client_error("ExpiredToken", "ListExecutions"), region=REGION)
    assert str(expired).startswith("The AWS credentials have expired (ExpiredToken).")
    other = explain(
        client_error("StateMachineDoesNotExist", "DescribeStateMachine", "gone"), region=REGION
    )
    assert (
        str(other)
        == f"DescribeStateMachine failed in {REGION}: StateMachineDoesNotExist. AWS said: gone"
    )
    missing = explain(NoCredentialsError(), region=REGION)
    assert missing.code == "NoCredentialsError"
    unreachable = explain(EndpointConnectionError(endpoint_url="https://x"), region="xx-1")
    assert str(unreachable).startswith("Could not connect to the Step Functions endpoint of xx-1.")
    assert explain(denied, region=REGION) is denied
