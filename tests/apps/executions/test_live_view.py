"""GET /executions/<id>/live/: the live state execution_live.js applies to a running page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from apps.definitions.services import definition_import
from apps.executions.services import execution_import
from stepscope.history.synthetic import HistoryWriter, json_text
from tests.apps.executions.histories import HOSTILE_NAME, page
from tests.workspaces import team

pytestmark = pytest.mark.django_db

DEFINITION = json.dumps(
    {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Next": "Pause",
            },
            "Pause": {"Type": "Wait", "Seconds": 60, "Next": HOSTILE_NAME},
            HOSTILE_NAME: {"Type": "Pass", "Next": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }
)


def running_events(*, finish: bool = False) -> list[dict[str, Any]]:
    """Prepare (a Task) succeeds, then the Wait is entered and not exited: still RUNNING."""
    writer = HistoryWriter(datetime(2026, 11, 3, 8, 0, 0, tzinfo=UTC))
    writer.add(
        "ExecutionStarted",
        "executionStartedEventDetails",
        {"input": json_text({"n": 1}), "inputDetails": {"truncated": False}, "roleArn": "r"},
        previous=0,
    )
    writer.state_entered("Task", "Prepare", {"n": 1})
    writer.add(
        "TaskScheduled",
        "taskScheduledEventDetails",
        {"resourceType": "lambda", "resource": "invoke", "region": "us-east-1", "parameters": "{}"},
    )
    writer.add(
        "TaskStarted", "taskStartedEventDetails", {"resourceType": "lambda", "resource": "invoke"}
    )
    writer.add(
        "TaskSucceeded",
        "taskSucceededEventDetails",
        {"resourceType": "lambda", "resource": "invoke", "output": json_text({"ok": True})},
    )
    writer.state_exited("Task", "Prepare", {"n": 1})
    writer.state_entered("Wait", "Pause", {"n": 1})
    if finish:
        writer.advance(60)
        writer.state_exited("Wait", "Pause", {"n": 1})
        writer.state_entered("Pass", HOSTILE_NAME, {"n": 1})
        writer.state_exited("Pass", HOSTILE_NAME, {"n": 1})
        writer.add(
            "ExecutionSucceeded",
            "executionSucceededEventDetails",
            {"output": json_text({"n": 1}), "outputDetails": {"truncated": False}},
        )
    return writer.events


@pytest.fixture
def running(db: Any) -> Any:
    definition_import(workspace=team(), text=DEFINITION, name="pausing")
    result = execution_import(
        workspace=team(),
        documents=[("h.json", page(running_events()))],
        definition="pausing",
        name="run-1",
    )
    return result.execution


def live(client: Any, execution: Any, query: str = "") -> Any:
    return client.get(f"/executions/{execution.pk}/live/{query}", HTTP_ACCEPT="application/json")


def test_signed_out_fetch_gets_403_json(client, running):
    response = live(client, running, "?after=0")
    assert response.status_code == 403
    assert response.json()["error"] == "signed_out"


def test_signed_out_browser_is_sent_to_sign_in(client, running):
    response = client.get(f"/executions/{running.pk}/live/?after=0")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_running_history_statuses_progress_and_summary(signed_in, running):
    state = live(signed_in, running, "?after=0").json()
    assert state["status"] == "RUNNING" and state["running"] is True
    assert state["nodes"]["Prepare"] == "succeeded"
    assert state["nodes"]["Pause"] == "in-progress"  # a Wait that is waiting
    assert state["nodes"].get(HOSTILE_NAME, "not-run") == "not-run"
    assert state["last_event_id"] == len(running_events()) == state["event_count"]
    assert state["progress"]["total"] == 4 and state["progress"]["done"] == 1
    assert "1 running" in state["progress"]["text"]
    assert 'role="progressbar"' in state["summary_html"]
    assert 'aria-valuenow="1"' in state["summary_html"]
    assert "execution-status-RUNNING" in state["badge_html"]
    assert state["failure_html"] is None and state["io_html"] is None
    assert state["event_rows_html"] is None and state["table_rows_html"] is None


def test_after_filters_event_rows(signed_in, running):
    rows = live(signed_in, running, "?after=5&view=events").json()["event_rows_html"]
    assert 'data-event-id="5"' not in rows
    assert 'data-event-id="6"' in rows and 'data-event-id="7"' in rows
    assert rows.count("<tr ") == len(running_events()) - 5
    assert live(signed_in, running, "?after=5&view=events").json()["rows_through"] == 7
    none = live(signed_in, running, "?after=7&view=events").json()["event_rows_html"]
    assert none == ""


def test_event_rows_follow_the_view_filters(signed_in, running):
    rows = live(signed_in, running, "?after=0&view=events&state_name=Pause").json()
    assert rows["event_rows_html"].count("<tr ") == 1


def test_table_rows_and_selected_step(signed_in, running):
    state = live(signed_in, running, "?after=0&view=table&state=Pause").json()
    assert 'data-run-key="Pause"' in state["table_rows_html"]
    assert "run-row selected" in state["table_rows_html"]
    assert 'id="step" data-run-key="Pause"' in state["step_html"]
    assert 'data-status="in-progress"' in state["step_html"]


def test_step_of_a_state_that_had_not_run(signed_in, running):
    before = live(signed_in, running, "?name=" + "Nowhere").json()
    assert before["step_html"] is None
    state = live(signed_in, running, "?name=Prepare").json()
    assert 'data-state-name="Prepare"' in state["step_html"]


def test_ended_execution_brings_output_and_escaped_banner(signed_in, running):
    execution_import(
        workspace=team(),
        documents=[("h.json", page(running_events(finish=True)))],
        definition="pausing",
    )
    state = live(signed_in, running, "?after=7&view=events").json()
    assert state["status"] == "SUCCEEDED" and state["running"] is False
    assert state["nodes"]["Pause"] == "succeeded"
    assert state["nodes"][HOSTILE_NAME] == "succeeded"
    html = [value for key, value in state.items() if key.endswith("_html") and value]
    assert all("<script>" not in text for text in html)  # names are data: escaped in HTML
    assert "&lt;script&gt;" in state["event_rows_html"]
    assert state["failure_html"] == ""  # succeeded: no banner
    assert "Execution output" in state["io_html"]
    assert state["progress"]["percent"] == 100


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "99999999999999"])
def test_bad_after_is_a_clear_400(signed_in, running, after):
    response = live(signed_in, running, f"?after={after}")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_after"
    assert "after" in response.json()["message"]


def test_unknown_execution_is_404_json(signed_in):
    response = signed_in.get("/executions/999/live/?after=0", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_running_page_carries_the_live_hooks(signed_in, running):
    html = signed_in.get(f"/executions/{running.pk}/").content.decode()
    assert f'data-ws-path="/ws/executions/{running.pk}/"' in html
    assert f'data-live-url="/executions/{running.pk}/live/"' in html
    assert f'data-last-event-id="{len(running_events())}"' in html
    assert "js/execution_live.js" in html and 'role="progressbar"' in html


def test_ended_page_has_no_live_hooks(signed_in, running):
    execution_import(
        workspace=team(),
        documents=[("h.json", page(running_events(finish=True)))],
        definition="pausing",
    )
    html = signed_in.get(f"/executions/{running.pk}/").content.decode()
    assert "data-ws-path" not in html and "execution_live.js" not in html
