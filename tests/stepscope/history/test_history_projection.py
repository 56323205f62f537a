"""The projection on hand-built histories: retries, catches, timeouts, aborts, waits, live runs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepscope.history.projection import Projector, project

LAMBDA_CAUSE = json.dumps(
    {
        "errorMessage": "processor down",
        "errorType": "PaymentProcessorUnavailable",
        "stackTrace": ['  File "/var/task/app.py", line 9, in handler\n    raise Down()\n'],
    }
)


def _payment_history(history: Any, failures: int, *, succeed_after: bool) -> Any:
    history.start({"order": 1002})
    history.pass_state("ValidateOrder", prev=0)
    last = history.enter("Task", "ProcessPayment")
    for attempt in range(failures):
        last = history.add(
            "TaskScheduled",
            last,
            after=2.0**attempt,
            parameters="{}",
            resource="invoke",
            resourceType="lambda",
        )
        last = history.add("TaskStarted", last)
        last = history.add(
            "TaskFailed", last, error="PaymentProcessorUnavailable", cause=LAMBDA_CAUSE
        )
    if succeed_after:
        last = history.task_attempt(last, after=8.0)
        last = history.exit("Task", "ProcessPayment", last, {"paid": True})
        history.add("ExecutionSucceeded", last, output='{"paid":true}')
    else:
        history.add(
            "ExecutionFailed", last, error="PaymentProcessorUnavailable", cause=LAMBDA_CAUSE
        )
    return history


def test_three_failures_then_success_is_retried_with_backoff(history: Any) -> None:
    projection = project(_payment_history(history, 3, succeed_after=True).events)
    run = projection.run("ProcessPayment")
    assert run is not None
    assert run.status == "retried"
    assert [a.status for a in run.attempts] == ["failed", "failed", "failed", "succeeded"]
    assert [a.number for a in run.attempts] == [1, 2, 3, 4]
    assert [a.backoff_seconds for a in run.attempts] == [None, 2.0, 4.0, 8.0]
    assert run.task_result == '{"ok":true}'
    assert run.resource == "arn:aws:states:::lambda:invoke"
    assert projection.execution.status == "SUCCEEDED"
    assert projection.failed_run_key is None
    assert projection.node_statuses["ProcessPayment"] == "retried"
    assert projection.node_statuses["ValidateOrder"] == "succeeded"


def test_four_failures_end_the_execution_at_the_failed_state(history: Any) -> None:
    projection = project(_payment_history(history, 4, succeed_after=False).events)
    assert projection.execution.status == "FAILED"
    assert projection.execution.error == "PaymentProcessorUnavailable"
    assert projection.failed_run_key == "ProcessPayment"
    run = projection.run("ProcessPayment")
    assert run is not None and run.status == "failed"
    assert len(run.attempts) == 4
    assert all(attempt.status == "failed" for attempt in run.attempts)
    assert run.error == "PaymentProcessorUnavailable"
    assert run.cause == LAMBDA_CAUSE
    assert run.input == "{}"
    assert run.exited_event_id is None
    assert projection.node_statuses == {"ValidateOrder": "succeeded", "ProcessPayment": "failed"}


def test_caught_failure_runs_the_compensation_path(history: Any) -> None:
    history.start()
    charge = history.enter("Task", "Charge", prev=0)
    failed = history.task_attempt(charge, error="PaymentDeclined")
    exited = history.exit("Task", "Charge", failed, {"Error": "PaymentDeclined"})
    refunded = history.pass_state("Refund", exited)
    history.add("ExecutionSucceeded", refunded, output="{}")
    projection = project(history.events)
    assert projection.run("Charge").status == "caught"  # type: ignore[union-attr]
    assert projection.run("Charge").error == "PaymentDeclined"  # type: ignore[union-attr]
    assert projection.run("Refund").status == "succeeded"  # type: ignore[union-attr]
    assert projection.failed_run_key is None
    assert projection.node_statuses["Charge"] == "caught"


def test_catcher_entered_without_an_exited_event_still_counts_as_caught(history: Any) -> None:
    history.start()
    charge = history.enter("Task", "Charge", prev=0)
    failed = history.task_attempt(charge, error="PaymentDeclined")
    history.pass_state("Refund", failed)
    projection = project(history.events)
    assert projection.run("Charge").status == "caught"  # type: ignore[union-attr]
    assert projection.execution.status == "RUNNING"


def test_failure_in_the_compensation_path_is_the_failed_state(history: Any) -> None:
    history.start()
    charge = history.enter("Task", "Charge", prev=0)
    failed = history.task_attempt(charge, error="PaymentDeclined")
    exited = history.exit("Task", "Charge", failed)
    refund = history.enter("Task", "Refund", exited)
    refund_failed = history.task_attempt(refund, error="RefundFailed")
    history.add("ExecutionFailed", refund_failed, error="RefundFailed", cause="no")
    projection = project(history.events)
    assert projection.failed_run_key == "Refund"
    assert projection.run("Charge").status == "caught"  # type: ignore[union-attr]


def test_task_timeout_is_states_timeout(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "SlowCall", prev=0)
    scheduled = history.add(
        "TaskScheduled", entered, parameters="{}", resource="invoke", resourceType="lambda"
    )
    started = history.add("TaskStarted", scheduled)
    timed_out = history.add(
        "TaskTimedOut", started, after=300, resource="invoke", resourceType="lambda"
    )
    history.add("ExecutionFailed", timed_out, error="States.Timeout")
    projection = project(history.events)
    run = projection.run("SlowCall")
    assert run is not None
    assert run.status == "failed"
    assert run.error == "States.Timeout"
    assert run.attempts[0].status == "timed-out"
    assert projection.failed_run_key == "SlowCall"
    assert projection.execution.status == "FAILED"


def test_execution_timeout_aborts_the_open_state(history: Any) -> None:
    history.start()
    entered = history.enter("Wait", "Pause", prev=0)
    history.add("ExecutionTimedOut", entered, error="States.Timeout")
    projection = project(history.events)
    assert projection.execution.status == "TIMED_OUT"
    assert projection.run("Pause").status == "aborted"  # type: ignore[union-attr]
    assert projection.failed_run_key is None


def test_aborted_execution_aborts_the_waiting_state(history: Any) -> None:
    history.start()
    history.enter("Wait", "Pause", prev=0)
    history.add("ExecutionAborted", prev=0)
    projection = project(history.events)
    assert projection.execution.status == "ABORTED"
    run = projection.run("Pause")
    assert run is not None and run.status == "aborted"
    assert projection.node_statuses["Pause"] == "aborted"


def test_wait_state_succeeds_with_timing(history: Any) -> None:
    history.start()
    entered = history.enter("Wait", "Pause", prev=0)
    exited = history.add("WaitStateExited", entered, after=10, name="Pause", output="{}")
    history.add("ExecutionSucceeded", exited, output="{}")
    projection = project(history.events)
    run = projection.run("Pause")
    assert run is not None and run.status == "succeeded"
    assert run.started_at is not None and run.ended_at is not None
    assert (run.ended_at - run.started_at).total_seconds() == 10
    assert run.event_ids == (2, 3)


def test_truncated_history_is_in_progress(history: Any) -> None:
    history.start({"a": 1})
    history.pass_state("First", prev=0)
    entered = history.enter("Task", "Work")
    history.add(
        "TaskScheduled", entered, parameters='{"x":1}', resource="invoke", resourceType="lambda"
    )
    projection = project(history.events)
    assert projection.execution.status == "RUNNING"
    assert projection.execution.stopped_at is None
    assert projection.execution.duration_seconds is None
    run = projection.run("Work")
    assert run is not None
    assert run.status == "in-progress"
    assert run.parameters == '{"x":1}'
    assert run.attempts[0].status == "in-progress"
    assert run.ended_at is None
    assert projection.node_statuses["Work"] == "in-progress"


def test_failed_attempt_waiting_for_a_retry_is_still_in_progress(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "Work", prev=0)
    history.task_attempt(entered, error="Flaky")
    projection = project(history.events)
    assert projection.run("Work").status == "in-progress"  # type: ignore[union-attr]


def test_execution_summary(history: Any) -> None:
    history.start({"order": 7})
    last = history.pass_state("Only", prev=0)
    history.add("ExecutionSucceeded", last, after=3, output='{"done":true}')
    summary = project(history.events).execution
    assert summary.status == "SUCCEEDED"
    assert summary.input == '{"order": 7}'
    assert summary.output == '{"done":true}'
    assert summary.duration_seconds == 5.0
    assert summary.transitions == 1
    assert summary.event_count == 4
    assert summary.error is None


def test_evaluation_failure_without_a_predecessor_fails_the_named_state(history: Any) -> None:
    history.start()
    history.enter("Pass", "Shape", prev=0)
    failed = history.add(
        "EvaluationFailed", prev=0, error="States.QueryEvaluationError", cause="bad", state="Shape"
    )
    history.add("ExecutionFailed", failed, error="States.QueryEvaluationError", cause="bad")
    projection = project(history.events)
    assert projection.failed_run_key == "Shape"
    assert projection.run("Shape").error == "States.QueryEvaluationError"  # type: ignore[union-attr]


def test_state_failing_only_on_execution_failed_gets_its_error(history: Any) -> None:
    history.start()
    entered = history.enter("Wait", "Pause", prev=0)
    history.add("ExecutionFailed", entered, error="States.Runtime", cause="negative seconds")
    projection = project(history.events)
    run = projection.run("Pause")
    assert projection.failed_run_key == "Pause"
    assert run is not None and run.status == "failed" and run.error == "States.Runtime"


def test_fail_state_takes_the_execution_error(history: Any) -> None:
    history.start()
    entered = history.enter("Fail", "Reject", prev=0)
    history.add("ExecutionFailed", entered, error="OrderRejected", cause="too big")
    projection = project(history.events)
    run = projection.run("Reject")
    assert run is not None
    assert (run.status, run.error, run.cause) == ("failed", "OrderRejected", "too big")


def test_repeated_entries_get_numbered_keys(history: Any) -> None:
    history.start()
    last = 0
    for _ in range(3):
        last = history.pass_state("Loop", last)
    projection = project(history.events)
    assert [run.key for run in projection.runs] == ["Loop", "Loop#2", "Loop#3"]
    assert len(projection.runs_of("Loop")) == 3
    assert projection.execution.transitions == 3


def test_keys_are_url_safe_for_any_state_name(history: Any) -> None:
    history.start()
    history.pass_state("Pay / Refund #1 ü", prev=0)
    run = project(history.events).runs[0]
    assert run.name == "Pay / Refund #1 ü"
    assert run.key == "Pay%20%2F%20Refund%20%231%20%C3%BC"


def test_payloads_given_as_objects_become_json_text(history: Any) -> None:
    history.start()
    history.add("PassStateEntered", prev=0, name="P", input={"a": [1, 2]})
    history.add("PassStateExited", name="P", output={"b": None})
    run = project(history.events).runs[0]
    assert (run.input, run.output) == ('{"a":[1,2]}', '{"b":null}')


def test_legacy_lambda_events_make_attempts(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "Legacy", prev=0)
    arn = "arn:aws:lambda:us-east-1:1:function:f"
    scheduled = history.add("LambdaFunctionScheduled", entered, input="{}", resource=arn)
    started = history.add("LambdaFunctionStarted", scheduled)
    done = history.add("LambdaFunctionSucceeded", started, output='{"r":1}')
    history.exit("Task", "Legacy", done)
    run = project(history.events).runs[0]
    assert (run.status, run.resource, run.task_result) == ("succeeded", arn, '{"r":1}')
    assert [attempt.status for attempt in run.attempts] == ["succeeded"]


def test_projector_matches_project_event_by_event(history: Any) -> None:
    events = _payment_history(history, 3, succeed_after=True).events
    projector = Projector()
    for count, event in enumerate(events, start=1):
        projector.feed(event)
        assert projector.projection() == project(events[:count])


def test_redriven_execution_keeps_the_first_failure(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "Work", prev=0)
    failed = history.task_attempt(entered, error="Down")
    ended = history.add("ExecutionFailed", failed, error="Down")
    redriven = history.add("ExecutionRedriven", ended, redriveCount=1)
    again = history.enter("Task", "Work", redriven)
    ok = history.task_attempt(again)
    out = history.exit("Task", "Work", ok)
    history.add("ExecutionSucceeded", out, output="{}")
    projection = project(history.events)
    assert projection.execution.status == "SUCCEEDED"
    assert [(run.key, run.status) for run in projection.runs] == [
        ("Work", "failed"),
        ("Work#2", "succeeded"),
    ]
    assert projection.failed_run_key is None


@pytest.mark.parametrize(
    ("scheduled", "outcome", "attempt_status"),
    [
        ("TaskScheduled", "TaskStartFailed", "failed"),
        ("TaskScheduled", "TaskSubmitFailed", "failed"),
        ("ActivityScheduled", "ActivityFailed", "failed"),
        ("ActivityScheduled", "ActivityTimedOut", "timed-out"),
        ("LambdaFunctionScheduled", "LambdaFunctionTimedOut", "timed-out"),
        (None, "LambdaFunctionScheduleFailed", "failed"),
        (None, "ActivityScheduleFailed", "failed"),
    ],
)
def test_every_kind_of_attempt_failure(
    history: Any, scheduled: str | None, outcome: str, attempt_status: str
) -> None:
    history.start()
    last = history.enter("Task", "Work", prev=0)
    if scheduled is not None:
        last = history.add(scheduled, last, resource="arn:aws:states:r:1:activity:a")
    error = "States.Timeout" if attempt_status == "timed-out" else "Boom"
    failed = history.add(outcome, last, error=error, cause="why")
    history.add("ExecutionFailed", failed, error=error, cause="why")
    projection = project(history.events)
    run = projection.run("Work")
    assert run is not None
    assert [(a.status, a.error, a.cause) for a in run.attempts] == [(attempt_status, error, "why")]
    assert (run.status, run.error) == ("failed", error)
    assert projection.failed_run_key == "Work"


def test_aborted_parallel_and_its_branches(history: Any) -> None:
    history.start()
    entered = history.enter("Parallel", "Both", prev=0)
    started = history.add("ParallelStateStarted", entered)
    history.enter("Wait", "Slow", started)
    task = history.enter("Task", "Call", started)
    history.add("TaskScheduled", task, parameters="{}", resource="invoke", resourceType="lambda")
    aborted = history.add("ExecutionAborted", prev=0)
    history.add("ParallelStateAborted", aborted)
    projection = project(history.events)
    assert projection.execution.status == "ABORTED"
    assert {run.key: run.status for run in projection.runs} == {
        "Both": "aborted",
        "Both/b0/Slow": "aborted",
        "Both/b1/Call": "aborted",
    }
    assert projection.run("Both/b1/Call").attempts[0].status == "aborted"  # type: ignore[union-attr]
    assert projection.run("Both").event_ids == (2, 3, 8)  # type: ignore[union-attr]


def test_choice_and_succeed_states(history: Any) -> None:
    history.start()
    entered = history.enter("Choice", "Route", prev=0)
    exited = history.exit("Choice", "Route", entered)
    done = history.enter("Succeed", "Done", exited)
    out = history.exit("Succeed", "Done", done)
    history.add("ExecutionSucceeded", out)
    projection = project(history.events)
    assert [(run.state_type, run.status) for run in projection.runs] == [
        ("Choice", "succeeded"),
        ("Succeed", "succeeded"),
    ]


def test_caught_failures_leading_to_the_failure_are_listed(history: Any) -> None:
    history.start()
    charge = history.enter("Task", "Charge", prev=0)
    declined = history.task_attempt(charge, error="PaymentDeclined")
    charge_out = history.exit("Task", "Charge", declined)
    release = history.enter("Task", "Release", charge_out)
    release_failed = history.task_attempt(release, error="Gone")
    release_out = history.exit("Task", "Release", release_failed)
    fail = history.enter("Fail", "FailOrder", release_out)
    history.add("ExecutionFailed", fail, error="OrderFailed", cause="declined")
    projection = project(history.events)
    assert projection.failed_run_key == "FailOrder"
    assert projection.caught_before_failure == ("Charge", "Release")
