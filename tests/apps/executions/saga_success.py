"""A succeeded run of the demo order-saga machine (the committed demos hold only a failed one):
the demo's events up to ChargePayment's TaskStarted, then the charge succeeds, the Parallel
FanOutNotifications sends its e-mail and publishes its event, and OrderCompleted succeeds."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from stepscope.history.synthetic import HistoryWriter, json_text

HISTORIES = Path(__file__).resolve().parents[3] / "fixtures" / "histories"
DECLINED = "order-saga-payment-declined"
MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:order-saga"
CHARGE_STARTED = 15  # the demo's TaskStarted of ChargePayment


def declined_documents() -> list[tuple[str, str]]:
    return [
        (f"{name}.json", (HISTORIES / f"{name}.json").read_text(encoding="utf-8"))
        for name in (DECLINED, f"{DECLINED}.describe")
    ]


def _task(writer: HistoryWriter, name: str, state: object, output: object, **kw: Any) -> int:
    writer.advance(0.01)
    writer.state_entered("Task", name, state, **kw)
    scheduled = {
        "resourceType": "lambda",
        "resource": "invoke",
        "region": "us-east-1",
        "parameters": json_text({"FunctionName": name}),
    }
    writer.add("TaskScheduled", "taskScheduledEventDetails", scheduled)
    started = {"resourceType": "lambda", "resource": "invoke"}
    writer.add("TaskStarted", "taskStartedEventDetails", started)
    writer.advance(0.2)
    done = {"resourceType": "lambda", "resource": "invoke", "output": json_text(output)}
    writer.add("TaskSucceeded", "taskSucceededEventDetails", done)
    writer.advance(0.01)
    return writer.state_exited("Task", name, state)


def paid_events(*, payment_id: str = "pay-7731", start_shift: float = 3600) -> list[dict[str, Any]]:
    demo = json.loads((HISTORIES / f"{DECLINED}.json").read_text(encoding="utf-8"))["events"]
    shift = timedelta(seconds=start_shift)  # later than the demo: the latest success
    writer = HistoryWriter(datetime.fromisoformat(demo[0]["timestamp"]) + shift)
    for event in demo[:CHARGE_STARTED]:
        at = datetime.fromisoformat(event["timestamp"]) + shift
        writer.events.append({**event, "timestamp": at.isoformat(timespec="microseconds")})
        writer.at = at
    state = json.loads(demo[12]["stateEnteredEventDetails"]["input"])
    writer.advance(1.1)
    result = {"Payload": {"paymentId": payment_id}}
    writer.add(
        "TaskSucceeded",
        "taskSucceededEventDetails",
        {"resourceType": "lambda", "resource": "invoke", "output": json_text(result)},
    )
    state = {**state, "payment": {"paymentId": payment_id}}
    writer.advance(0.02)
    writer.state_exited("Task", "ChargePayment", state)
    writer.advance(0.01)
    writer.state_entered("Parallel", "FanOutNotifications", state)
    started = writer.add("ParallelStateStarted")
    _task(writer, "SendConfirmationEmail", state, {"sent": True}, previous=started)
    published = _task(writer, "PublishOrderPlaced", state, {"MessageId": "m-1"}, previous=started)
    writer.add("ParallelStateSucceeded", previous=published)
    writer.state_exited("Parallel", "FanOutNotifications", state)
    writer.advance(0.01)
    writer.state_entered("Succeed", "OrderCompleted", state)
    writer.state_exited("Succeed", "OrderCompleted", state)
    writer.add(
        "ExecutionSucceeded",
        "executionSucceededEventDetails",
        {"output": json_text(state), "outputDetails": {"truncated": False}},
    )
    return writer.events


def paid_documents(name: str = "order-saga-paid", **kwargs: Any) -> list[tuple[str, str]]:
    events = paid_events(**kwargs)
    describe = {
        "executionArn": MACHINE_ARN.replace(":stateMachine:", ":execution:") + f":{name}",
        "stateMachineArn": MACHINE_ARN,
        "name": name,
        "status": "SUCCEEDED",
        "startDate": events[0]["timestamp"],
        "stopDate": events[-1]["timestamp"],
        "input": events[0]["executionStartedEventDetails"]["input"],
    }
    return [
        (f"{name}.json", json.dumps({"events": events}, indent=1)),
        (f"{name}.describe.json", json.dumps(describe, indent=1)),
    ]
