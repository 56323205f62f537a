"""History pulls against the stub endpoint: every page, a resume from the saved nextToken after
an interruption, throttling that the adaptive retry rides out, and the redrive fields."""

from __future__ import annotations

from typing import Any

import pytest

from apps.aws.clients import SourceSettings
from apps.aws.models import AwsPull, AwsPullPage
from apps.aws.services import SyncRequest, aws_sync
from apps.executions.models import Execution
from apps.executions.selectors import execution_projection
from tests.apps.aws.scripted import (
    EVENTS,
    EXECUTION,
    PAGE_SIZE,
    REGION,
    history_page,
    script_account,
)
from tests.apps.aws.stub import Answer, StubAws, error
from tests.workspaces import team

pytestmark = pytest.mark.django_db


def sync(stub: StubAws, **options: Any) -> Any:
    source = SourceSettings(regions=(REGION,), endpoint_url=stub.url, max_attempts=5)
    return aws_sync(
        request=SyncRequest(workspace=team(), source=source, history_page_size=PAGE_SIZE, **options)
    )


def history_tokens(stub: StubAws) -> list[str]:
    return [
        body.get("nextToken", "") for action, body in stub.calls if action == "GetExecutionHistory"
    ]


def test_every_history_page_is_pulled_with_the_redrive_fields(stub):
    script_account(stub)
    summary = sync(stub)
    assert summary.failures == [] and summary.executions_added == 1
    assert history_tokens(stub) == ["", "2", "4"]
    calls = [body for action, body in stub.calls if action == "GetExecutionHistory"]
    assert all(body["maxResults"] == PAGE_SIZE and body["includeExecutionData"] for body in calls)
    execution = Execution.objects.get(execution_arn=EXECUTION)
    assert execution.events.count() == len(EVENTS)
    assert (execution.status, execution.failed_state, execution.source) == (
        "FAILED",
        "Charge",
        "aws",
    )
    description = execution.description
    assert description["redrive_count"] == 1
    assert description["redrive_status"] == "NOT_REDRIVABLE"
    assert description["redrive_status_reason"] == "Execution was redriven"
    assert description["redrive_date"].startswith("2024-05-29")
    assert description["status"] == "FAILED" and description["input"]


def test_an_interrupted_pull_resumes_from_the_saved_next_token(stub):
    broken = {"on": True}

    def history(body: dict[str, Any]) -> Answer:
        if broken["on"] and body.get("nextToken") == "2":
            return error("ValidationException", "the connection dropped")  # not retried
        return history_page(body)

    script_account(stub, history)
    summary = sync(stub)
    assert len(summary.failures) == 1 and "the connection dropped" in summary.failures[0]
    pull = AwsPull.objects.get(execution_arn=EXECUTION)
    assert (pull.status, pull.pages, pull.next_token) == ("failed", 1, "2")
    assert AwsPullPage.objects.filter(pull=pull).count() == 1
    assert not Execution.objects.exists()

    broken["on"] = False
    stub.calls.clear()
    summary = sync(stub)
    assert summary.failures == [] and summary.resumed == 1 and summary.executions_added == 1
    assert history_tokens(stub) == ["2", "4"]  # page 1 is not asked for again
    execution = Execution.objects.get(execution_arn=EXECUTION)
    assert [event.event_id for event in execution.events.all()] == [1, 2, 3, 4, 5]
    pull.refresh_from_db()
    assert (pull.status, pull.next_token, pull.execution_id) == ("complete", "", execution.pk)
    assert not AwsPullPage.objects.exists()


def test_throttling_is_retried_and_the_pull_completes(stub, quick_retries):
    throttles = {"left": 3}

    def history(body: dict[str, Any]) -> Answer:
        if throttles["left"]:
            throttles["left"] -= 1
            return error("ThrottlingException", "Rate exceeded")
        return history_page(body)

    script_account(stub, history)
    summary = sync(stub)
    assert summary.failures == [] and summary.executions_added == 1
    assert history_tokens(stub) == ["", "", "", "", "2", "4"]  # three throttled, then each page
    projection = execution_projection(execution=Execution.objects.get())
    assert projection.run(projection.failed_run_key).name == "Charge"


def test_throttling_that_never_stops_is_reported(stub, quick_retries):
    script_account(stub, lambda body: error("ThrottlingException", "Rate exceeded"))
    summary = sync(stub)
    assert len(summary.failures) == 1
    assert "throttled GetExecutionHistory in us-east-1" in summary.failures[0]
    assert "after 5 attempts" in summary.failures[0]
    assert len(history_tokens(stub)) == 5
