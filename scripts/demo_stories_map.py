"""The demo executions of the order-lines (Map) and approval machines.

order-lines: an inline Map over 10 order lines, at most 5 at a time. The definition tolerates no
failure (inline Maps have no ToleratedFailure settings), so when CheckStock fails for line 6 the
Map fails at once: AWS records MapIterationFailed for that iteration and aborts every iteration
still running (MapIterationAborted, TaskStateAborted), then MapStateFailed and ExecutionFailed.
Line 8's CheckStock failed in the same instant; its TaskFailed is in the history, but its
iteration is recorded as aborted, as AWS does when several iterations fail together.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from demo_aws_shapes import (
    execution_started,
    lambda_arn,
    lambda_cause,
    lambda_invoke_result,
    service_task,
    sqs_send_result,
    task_failed,
    task_scheduled,
    task_started,
    task_succeeded,
    task_token,
)
from demo_stories import Run, with_member

from stepscope.history.synthetic import HistoryWriter, json_text

MAP = "ProcessOrderLines"
Step = tuple[float, Callable[[HistoryWriter, int], int], str | None]  # delay, emit, state type now


@dataclass
class Iteration:
    index: int
    steps: list[Step]
    last_id: int = 0
    source_id: int = 0  # the last event the next one of this thread points back to
    state_type: str | None = None
    failed: tuple[str, str] | None = None  # error, cause
    done: bool = False
    align_failure_to: int | None = None  # fail 3 ms after this iteration's failure


SKUS = ["A-1", "B-7", "C-3", "A-9", "D-2", "E-5", "Z-404", "F-8", "Z-405", "G-1"]
OUT_OF_STOCK = {2}
UNKNOWN = {6, 8}
UNKNOWN_SKU_FRAMES = [
    ("/var/task/handler.py", 19, "handler", "item = catalogue.lookup(event['sku'])"),
    (
        "/var/task/catalogue.py",
        54,
        "lookup",
        "raise UnknownSku(f'SKU {sku} is not in the catalogue')",
    ),
]


def _check_stock_steps(item: Iteration, state: dict[str, Any], duration: float) -> list[Step]:
    line = state["line"]
    payload = {"sku": line["sku"], "quantity": line["quantity"]}
    params = {"FunctionName": lambda_arn("check-stock"), "Payload": payload}
    in_stock = item.index not in OUT_OF_STOCK
    after_check = with_member(state, "stock", {"inStock": in_stock})

    def enter(w: HistoryWriter, prev: int) -> int:
        return w.state_entered("Task", "CheckStock", state, previous=prev)

    def schedule(w: HistoryWriter, prev: int) -> int:
        return task_scheduled(
            w, resource_type="lambda", resource="invoke", parameters=params, timeout=20,
            previous=prev,
        )  # fmt: skip

    def start(w: HistoryWriter, prev: int) -> int:
        return task_started(w, "lambda", "invoke", prev)

    def finish(w: HistoryWriter, prev: int) -> int:
        if item.index in UNKNOWN:
            message = f"SKU {line['sku']} is not in the catalogue"
            cause = lambda_cause("UnknownSku", message, f"lines/{item.index}", UNKNOWN_SKU_FRAMES)
            item.failed = ("UnknownSku", cause)
            return task_failed(w, "lambda", "invoke", "UnknownSku", cause, prev)
        reply = {"sku": line["sku"], "inStock": in_stock, "available": 40 if in_stock else 0}
        result = lambda_invoke_result(w.at, f"lines/{item.index}/check", reply)
        return task_succeeded(w, "lambda", "invoke", result, prev)

    def exit_(w: HistoryWriter, prev: int) -> int:
        return w.state_exited("Task", "CheckStock", after_check, previous=prev)

    def choice_in(w: HistoryWriter, prev: int) -> int:
        return w.state_entered("Choice", "IsInStock", after_check, previous=prev)

    def choice_out(w: HistoryWriter, prev: int) -> int:
        return w.state_exited("Choice", "IsInStock", after_check, previous=prev)

    def finish_and_choose(w: HistoryWriter, prev: int) -> int:
        prev = finish(w, prev)
        if item.failed:
            return prev
        return _chain(w, prev, (0.004, exit_), (0.003, choice_in), (0.001, choice_out))

    # What runs without waiting runs at once; a task waits to be dispatched (its TaskStarted
    # comes after whatever else is due) and then for as long as it runs.
    return [
        (0.0, lambda w, prev: _chain(w, prev, (0.0, enter), (0.005, schedule)), "Task"),
        (0.0, start, "Task"),
        (duration, finish_and_choose, "CheckStock.finish"),
    ]


def _chain(
    w: HistoryWriter, prev: int, *parts: tuple[float, Callable[[HistoryWriter, int], int]]
) -> int:
    """Events that follow one another without waiting, a few milliseconds apart."""
    for gap, emit in parts:
        w.advance(gap)
        prev = emit(w, prev)
    return prev


def _fulfil_steps(item: Iteration, state: dict[str, Any], duration: float) -> list[Step]:
    picked = item.index not in OUT_OF_STOCK
    name = "PickLine" if picked else "BackorderLine"
    if picked:
        resource_type, resource = "lambda", "invoke"
        params: dict[str, Any] = {"FunctionName": lambda_arn("pick-line"), "Payload": state}
    else:
        resource_type, resource = "sqs", "sendMessage"
        queue = "https://sqs.us-east-1.amazonaws.com/123456789012/backorders"
        params = {"QueueUrl": queue, "MessageBody": state}
    output: dict[str, Any] = {}

    def enter(w: HistoryWriter, prev: int) -> int:
        return w.state_entered("Task", name, state, previous=prev)

    def schedule(w: HistoryWriter, prev: int) -> int:
        timeout = 20 if picked else None
        return task_scheduled(
            w, resource_type=resource_type, resource=resource, parameters=params,
            timeout=timeout, previous=prev,
        )  # fmt: skip

    def start(w: HistoryWriter, prev: int) -> int:
        return task_started(w, resource_type, resource, prev)

    def finish(w: HistoryWriter, prev: int) -> int:
        seed = f"lines/{item.index}/{name}"
        if picked:
            pick_id = f"pick-{3100 + item.index}"
            result = lambda_invoke_result(w.at, seed, {"pickId": pick_id, "bin": f"R{item.index}"})
            output.update({"status": "PICKED", "pickId": pick_id})
        else:
            result = sqs_send_result(w.at, seed, state)
            output.update({"status": "BACKORDERED", "messageId": result["MessageId"]})
        return task_succeeded(w, resource_type, resource, result, prev)

    def exit_(w: HistoryWriter, prev: int) -> int:
        return w.state_exited("Task", name, output, previous=prev)

    def iteration_done(w: HistoryWriter, prev: int) -> int:
        item.done = True
        item.source_id = prev
        details = {"name": MAP, "index": item.index}
        return w.add(
            "MapIterationSucceeded", "mapIterationSucceededEventDetails", details, previous=prev
        )

    return [
        (0.0, lambda w, prev: _chain(w, prev, (0.003, enter), (0.005, schedule)), "Task"),
        (0.0, start, "Task"),
        (
            duration,
            lambda w, prev: _chain(w, prev, (0.0, finish), (0.004, exit_), (0.002, iteration_done)),
            None,
        ),
    ]


def _iteration(index: int, order_id: str, line: dict[str, Any]) -> Iteration:
    item = Iteration(index, [])
    state = {"orderId": order_id, "line": line, "lineNumber": index}
    checked = with_member(state, "stock", {"inStock": index not in OUT_OF_STOCK})
    check_time = 2.4 if index in UNKNOWN else 0.35 + 0.07 * ((index * 7) % 5)
    item.align_failure_to = 6 if index == 8 else None
    check = _check_stock_steps(item, state, check_time)
    fulfil = _fulfil_steps(item, checked, 0.52 + 0.09 * ((index * 3) % 4))
    (delay, checked_stock, label), (_, fulfil_first, _) = check[-1], fulfil[0]

    def checked_then_fulfil(w: HistoryWriter, prev: int) -> int:
        prev = checked_stock(w, prev)
        return prev if item.failed else _chain(w, prev, (0.0, fulfil_first))

    item.steps = [*check[:-1], (delay, checked_then_fulfil, label), *fulfil[1:]]
    return item


@dataclass
class _MapRun:
    """Runs the iterations on a shared clock, at most `concurrency` at once, in time order."""

    writer: HistoryWriter
    origin: datetime
    items: list[Iteration]
    concurrency: int
    queue: list[tuple[float, int, int]] = field(default_factory=list)  # time, order, index
    next_index: int = 0
    running: list[int] = field(default_factory=list)
    failure_times: dict[int, float] = field(default_factory=dict)
    order: int = 0

    def at(self, offset: float) -> None:
        """Move the clock to `offset`, never back: events are stamped in id order."""
        self.writer.at = max(self.writer.at, self.origin + timedelta(seconds=offset))

    def start_next(self, offset: float, previous: int) -> None:
        item = self.items[self.next_index]
        self.next_index += 1
        self.at(offset)
        details = {"name": MAP, "index": item.index}
        item.last_id = self.writer.add(
            "MapIterationStarted", "mapIterationStartedEventDetails", details, previous=previous
        )
        self.running.append(item.index)
        self.push(offset, item)

    def push(self, offset: float, item: Iteration) -> None:
        delay, _, label = item.steps[0]
        when = offset + delay
        if label == "CheckStock.finish":
            if item.index in UNKNOWN and item.align_failure_to is None:
                self.failure_times[item.index] = when
            aligned = self.failure_times.get(item.align_failure_to or -1)
            if aligned is not None and aligned > offset:
                when = aligned + 0.003
        self.order += 1
        heapq.heappush(self.queue, (when, self.order, item.index))

    def step(self) -> tuple[float, Iteration]:
        """Run the earliest pending step of any iteration."""
        offset, _, index = heapq.heappop(self.queue)
        item = self.items[index]
        _, emit, label = item.steps.pop(0)
        self.at(offset)
        item.last_id = emit(self.writer, item.last_id)
        item.state_type = None if label is None else label.split(".")[0]
        if item.state_type == "CheckStock":
            item.state_type = "Task"
        ended = (self.writer.at - self.origin).total_seconds()  # what waits next waits from here
        if item.done:
            self.running.remove(index)
            if self.next_index < len(self.items):
                self.start_next(ended + 0.002, item.source_id)
        elif not item.failed:
            self.push(ended, item)
        return offset, item

    def run(self) -> Iteration | None:
        """Run to the end, or to the first failure (and what happens within 15 ms of it, the
        moment the Map takes to act on it)."""
        while self.queue:
            offset, item = self.step()
            if item.failed:
                while self.queue and self.queue[0][0] <= offset + 0.015:
                    self.step()
                return item
        return None


def _abort_iterations(run: _MapRun, failed: Iteration, cause_id: int) -> None:
    """AWS's record of a failed inline Map: the failed iteration, then every other one aborted."""
    w = run.writer
    w.advance(0.012)
    details = {"name": MAP, "index": failed.index}
    w.add("MapIterationFailed", "mapIterationFailedEventDetails", details, previous=cause_id)
    w.add("TaskStateAborted", previous=cause_id)
    for index in sorted(run.running):
        item = run.items[index]
        if item is failed:
            continue
        details = {"name": MAP, "index": index}
        w.add("MapIterationAborted", "mapIterationAbortedEventDetails", details, previous=cause_id)
        if item.state_type == "Task":
            w.add("TaskStateAborted", previous=cause_id)


def order_lines_failed(start: datetime) -> Run:
    lines = [{"sku": sku, "quantity": 1 + (n * 5) % 4} for n, sku in enumerate(SKUS)]
    order = {"order": {"orderId": "o-3001", "lines": lines}}
    writer = HistoryWriter(start)
    execution_started(writer, order, "StepFunctions-order-lines-role-2c5d8e71")
    writer.advance(0.013)
    writer.state_entered("Map", MAP, order, previous=0)
    writer.advance(0.011)
    map_started = writer.add(
        "MapStateStarted", "mapStateStartedEventDetails", {"length": len(lines)}
    )
    items = [_iteration(n, "o-3001", line) for n, line in enumerate(lines)]
    run = _MapRun(writer, writer.at, items, concurrency=5)
    for _ in range(run.concurrency):
        run.start_next(0.002, map_started)
    failed = run.run()
    assert failed is not None and failed.failed is not None
    error, cause = failed.failed
    cause_id = failed.last_id
    _abort_iterations(run, failed, cause_id)
    writer.advance(0.004)
    map_failed = writer.add("MapStateFailed", previous=cause_id)
    writer.advance(0.009)
    writer.add(
        "ExecutionFailed",
        "executionFailedEventDetails",
        {"error": error, "cause": cause},
        previous=map_failed,
    )
    return Run(
        "order-lines",
        "order-lines-2-failed",
        writer,
        start,
        order,
        "FAILED",
        error=error,
        cause=cause,
    )


# ------------------------------------------------------------------------------------- approval


def approval_timed_out(start: datetime) -> Run:
    """Nobody answers: RequestApproval times out after 24 h; Catch routes to ApprovalTimedOut."""
    request = {"requestId": "r-7", "amount": 420, "requestedBy": "ana@example.com"}
    writer = HistoryWriter(start)
    execution_started(writer, request, "StepFunctions-approval-role-7a3e90b2")
    writer.advance(0.014)
    writer.state_entered("Task", "RequestApproval", request, previous=0)
    body = dict(request, taskToken=task_token("approval-timed-out/RequestApproval"))
    queue = "https://sqs.us-east-1.amazonaws.com/123456789012/expense-approvals"
    resource = "sendMessage.waitForTaskToken"
    started = service_task(
        writer,
        resource_type="sqs",
        resource=resource,
        parameters={"QueueUrl": queue, "MessageBody": body},
        timeout=86400,
    )
    writer.advance(0.087)
    sent = sqs_send_result(writer.at, "approval-timed-out/send", body)
    details = {
        "resourceType": "sqs",
        "resource": resource,
        "output": json_text(sent),
        "outputDetails": {"truncated": False},
    }
    writer.add("TaskSubmitted", "taskSubmittedEventDetails", details, previous=started)
    writer.advance(86400 - 0.087)
    timed_out = {"resourceType": "sqs", "resource": resource, "error": "States.Timeout"}
    writer.add("TaskTimedOut", "taskTimedOutEventDetails", timed_out)
    state = with_member(request, "error", {"Error": "States.Timeout", "Cause": ""})
    writer.advance(0.021)
    writer.state_exited("Task", "RequestApproval", state)
    writer.advance(0.013)
    writer.state_entered("Fail", "ApprovalTimedOut", state)
    error, cause = "ApprovalTimedOut", "No approver answered within 24 hours."
    writer.advance(0.010)
    writer.add("ExecutionFailed", "executionFailedEventDetails", {"error": error, "cause": cause})
    return Run(
        "approval", "approval-timed-out", writer, start, request, "FAILED", error=error, cause=cause
    )
