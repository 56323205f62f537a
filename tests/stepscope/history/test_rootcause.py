"""Root cause: where a failed, timed-out or aborted execution's failure started."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stepscope.history.projection import project
from stepscope.history.rootcause import RootCause, root_cause

DEMOS = Path(__file__).resolve().parents[3] / "fixtures" / "histories"


def _demo(name: str) -> RootCause | None:
    events = json.loads((DEMOS / f"{name}.json").read_text(encoding="utf-8"))["events"]
    return root_cause(project(events))


def _cause_of(history: Any) -> RootCause:
    cause = root_cause(project(history.events))
    assert cause is not None
    return cause


def test_saga_blames_the_caught_charge_not_the_fail_state() -> None:
    cause = _demo("order-saga-payment-declined")
    assert cause is not None
    assert (cause.state_name, cause.run_key, cause.error) == (
        "ChargePayment",
        "ChargePayment",
        "PaymentDeclined",
    )
    assert cause.caught
    assert cause.path == ("ReleaseReservation", "FailOrder")
    assert "insufficient funds" in cause.cause
    assert cause.sentence == (
        "ChargePayment failed with PaymentDeclined; caught, then compensated by "
        "ReleaseReservation, then FailOrder"
    )


def test_map_blames_the_first_failed_iteration_and_counts_the_aborted_one() -> None:
    cause = _demo("order-lines-2-failed")
    assert cause is not None
    assert (cause.state_name, cause.run_key, cause.error) == (
        "CheckStock",
        "ProcessOrderLines/i6/CheckStock",
        "UnknownSku",
    )
    assert not cause.caught
    assert cause.path == ("ProcessOrderLines",)
    assert "iteration 6 of ProcessOrderLines (2 iterations failed)" in cause.sentence


def test_other_demos() -> None:
    assert _demo("order-1001-succeeded") is None
    retried = _demo("order-1002-payment-failed")
    assert retried is not None
    assert retried.sentence == (
        "ProcessPayment failed with PaymentProcessorUnavailable after 4 attempts"
    )
    timed_out = _demo("approval-timed-out")
    assert timed_out is not None
    assert (timed_out.state_name, timed_out.error) == ("RequestApproval", "States.Timeout")
    assert timed_out.sentence == (
        "RequestApproval timed out (States.Timeout); caught, then ApprovalTimedOut"
    )


def test_catch_then_compensation_then_fail(history: Any) -> None:
    history.start()
    charge = history.enter("Task", "ChargePayment", prev=0)
    failed = history.task_attempt(charge, error="PaymentDeclined")
    out = history.exit("Task", "ChargePayment", failed)
    refund = history.enter("Task", "RefundPayment", out)
    ok = history.task_attempt(refund)
    refunded = history.exit("Task", "RefundPayment", ok)
    fail = history.enter("Fail", "OrderFailed", refunded)
    history.add("ExecutionFailed", fail, error="OrderFailed", cause="no payment")
    cause = _cause_of(history)
    assert (cause.state_name, cause.error, cause.cause) == (
        "ChargePayment",
        "PaymentDeclined",
        "PaymentDeclined happened",
    )
    assert cause.path == ("RefundPayment", "OrderFailed")
    assert cause.sentence == (
        "ChargePayment failed with PaymentDeclined; caught, then compensated by RefundPayment, "
        "then OrderFailed"
    )


def test_compensation_that_fails_itself(history: Any) -> None:
    history.start()
    charge = history.enter("Task", "ChargePayment", prev=0)
    failed = history.task_attempt(charge, error="PaymentDeclined")
    out = history.exit("Task", "ChargePayment", failed)
    refund = history.enter("Task", "RefundPayment", out)
    refund_failed = history.task_attempt(refund, error="RefundRefused")
    history.add("ExecutionFailed", refund_failed, error="RefundRefused", cause="x")
    cause = _cause_of(history)
    assert cause.state_name == "ChargePayment"
    assert cause.sentence == (
        "ChargePayment failed with PaymentDeclined; caught, then RefundPayment, which failed "
        "with RefundRefused"
    )


def test_retries_that_ran_out_give_the_last_attempts_error(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "Charge", prev=0)
    first = history.task_attempt(entered, error="Throttled")
    second = history.task_attempt(first, error="Throttled", after=2)
    last = history.task_attempt(second, error="Unavailable", after=4)
    history.add("ExecutionFailed", last, error="Unavailable", cause="down")
    cause = _cause_of(history)
    assert (cause.state_name, cause.error, cause.caught, cause.path) == (
        "Charge",
        "Unavailable",
        False,
        (),
    )
    assert cause.sentence == "Charge failed with Unavailable after 3 attempts"


def test_parallel_branch_failure(history: Any) -> None:
    history.start()
    entered = history.enter("Parallel", "Both", prev=0)
    started = history.add("ParallelStateStarted", entered)
    a = history.enter("Task", "A", started)
    b = history.enter("Wait", "B", started)
    failed = history.task_attempt(a, error="Boom")
    history.add("WaitStateAborted", failed)
    parallel_failed = history.add("ParallelStateFailed", failed)
    history.add("ExecutionFailed", parallel_failed, error="Boom", cause="x")
    assert b
    cause = _cause_of(history)
    assert (cause.state_name, cause.run_key, cause.error) == ("A", "Both/b0/A", "Boom")
    assert cause.sentence == "A failed with Boom in branch 1 of Both; then Both failed"


def test_caught_parallel_then_fail_state(history: Any) -> None:
    history.start()
    entered = history.enter("Parallel", "Both", prev=0)
    started = history.add("ParallelStateStarted", entered)
    a = history.enter("Task", "A", started)
    failed = history.task_attempt(a, error="Boom")
    parallel_failed = history.add("ParallelStateFailed", failed)
    out = history.exit("Parallel", "Both", parallel_failed)
    fail = history.enter("Fail", "Failed", out)
    history.add("ExecutionFailed", fail, error="Failed", cause="")
    cause = _cause_of(history)
    assert (cause.state_name, cause.run_key, cause.error, cause.caught) == (
        "A",
        "Both/b0/A",
        "Boom",
        True,
    )
    assert cause.path == ("Failed",)
    assert cause.sentence == "A failed with Boom in branch 1 of Both; caught, then Failed"


def test_map_run_failure(history: Any) -> None:
    history.start()
    entered = history.enter("Map", "Big", prev=0)
    started = history.add("MapStateStarted", entered, length=1000)
    map_run = history.add("MapRunStarted", started, mapRunArn="arn:aws:states:r:1:mapRun:m/x")
    run_failed = history.add(
        "MapRunFailed", map_run, error="States.ExceedToleratedFailureThreshold", cause="too many"
    )
    map_failed = history.add("MapStateFailed", run_failed)
    history.add("ExecutionFailed", map_failed, error="States.ExceedToleratedFailureThreshold")
    cause = _cause_of(history)
    assert (cause.state_name, cause.error) == ("Big", "States.ExceedToleratedFailureThreshold")
    assert cause.sentence == "Big failed with States.ExceedToleratedFailureThreshold"


def test_plain_fail_state(history: Any) -> None:
    history.start()
    choice = history.enter("Choice", "IsValid", prev=0)
    out = history.exit("Choice", "IsValid", choice)
    fail = history.enter("Fail", "OrderFailed", out)
    history.add("ExecutionFailed", fail, error="InvalidOrder", cause="no lines")
    cause = _cause_of(history)
    assert (cause.state_name, cause.error, cause.cause, cause.caught) == (
        "OrderFailed",
        "InvalidOrder",
        "no lines",
        False,
    )
    assert cause.sentence == "OrderFailed failed with InvalidOrder"


def test_execution_timeout_while_waiting(history: Any) -> None:
    history.start()
    history.pass_state("Prepare", prev=0)
    wait = history.enter("Wait", "WaitForApproval")
    history.add("ExecutionTimedOut", wait, after=3600, error="States.Timeout", cause="")
    cause = _cause_of(history)
    assert (cause.state_name, cause.error) == ("WaitForApproval", "States.Timeout")
    assert cause.sentence == (
        "The execution timed out (States.Timeout) while WaitForApproval was running"
    )


def test_task_timeout_uncaught_in_a_timed_out_execution_names_the_task(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "Approve", prev=0)
    scheduled = history.add("TaskScheduled", entered, resource="invoke", resourceType="lambda")
    started = history.add("TaskStarted", scheduled, resource="invoke", resourceType="lambda")
    timed_out = history.add("TaskTimedOut", started, error="States.Timeout", cause="")
    history.add("ExecutionFailed", timed_out, error="States.Timeout", cause="")
    cause = _cause_of(history)
    assert cause.sentence == "Approve timed out (States.Timeout)"


def test_abort_while_a_task_ran(history: Any) -> None:
    history.start()
    entered = history.enter("Task", "Ship", prev=0)
    scheduled = history.add("TaskScheduled", entered, resource="invoke", resourceType="lambda")
    history.add("TaskStarted", scheduled, resource="invoke", resourceType="lambda")
    history.add("ExecutionAborted", error="Cancelled", cause="by the operator")
    cause = _cause_of(history)
    assert (cause.state_name, cause.error) == ("Ship", "Cancelled")
    assert cause.sentence == "The execution was aborted (Cancelled) while Ship was running"


def test_abort_after_a_failed_iteration_blames_the_failure(history: Any) -> None:
    history.start()
    entered = history.enter("Map", "Lines", prev=0)
    started = history.add("MapStateStarted", entered, length=2)
    first = history.add("MapIterationStarted", started, index=0, name="Lines")
    second = history.add("MapIterationStarted", started, index=1, name="Lines")
    slow = history.enter("Task", "Check", first)
    history.add("TaskScheduled", slow, resource="invoke", resourceType="lambda")
    bad = history.enter("Task", "Check", second)
    history.task_attempt(bad, error="UnknownSku")
    history.add("ExecutionAborted")
    cause = _cause_of(history)
    assert (cause.run_key, cause.error) == ("Lines/i1/Check", "UnknownSku")
    assert cause.sentence.startswith("Check failed with UnknownSku in iteration 1 of Lines")
    assert cause.sentence.endswith("; the execution was aborted")


def test_failed_before_any_state(history: Any) -> None:
    history.start()
    history.add("ExecutionFailed", error="States.Runtime", cause="bad input")
    cause = _cause_of(history)
    assert (cause.state_name, cause.run_key, cause.error) == ("", "", "States.Runtime")
    assert cause.sentence == "The execution failed with States.Runtime before any state ran"


def test_succeeded_and_running_have_none(history: Any) -> None:
    history.start()
    history.pass_state("Only", prev=0)
    assert root_cause(project(history.events)) is None
    history.add("ExecutionSucceeded", output="{}")
    assert root_cause(project(history.events)) is None
