"""Write execution histories in AWS's GetExecutionHistory format from code.

`HistoryWriter` numbers events from 1, chains `previousEventId` as AWS does (each event points to
the event that caused it: the previous one on a straight path, the iteration's or branch's own last
event inside a Map or Parallel), and stamps ISO-8601 times with an offset on a clock the caller
advances. Payloads are JSON text. The demo histories in fixtures/histories and the 25,000-event
history used by tests and benchmarks are written with it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

HistoryEvent = dict[str, Any]


def json_text(value: object) -> str:
    """A payload as AWS writes it: compact JSON text."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class HistoryWriter:
    """Appends events in AWS's shape; `at` is the clock, moved forward with `advance`."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the start time needs a UTC offset")
        self.at = start
        self.events: list[HistoryEvent] = []

    @property
    def last_id(self) -> int:
        return len(self.events)

    def advance(self, seconds: float) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at

    def add(
        self,
        event_type: str,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
        *,
        previous: int | None = None,
    ) -> int:
        """Append one event; `previous` defaults to the event before it. Returns the new id."""
        event: HistoryEvent = {
            "timestamp": self.at.isoformat(timespec="microseconds"),
            "type": event_type,
            "id": self.last_id + 1,
            "previousEventId": self.last_id if previous is None else previous,
        }
        if details_key is not None:
            event[details_key] = details if details is not None else {}
        self.events.append(event)
        return self.last_id

    def state_entered(self, state_type: str, name: str, state_input: object, **kw: Any) -> int:
        details = {"name": name, "input": json_text(state_input), "inputDetails": _untruncated()}
        return self.add(f"{state_type}StateEntered", "stateEnteredEventDetails", details, **kw)

    def state_exited(self, state_type: str, name: str, state_output: object, **kw: Any) -> int:
        details = {"name": name, "output": json_text(state_output), "outputDetails": _untruncated()}
        return self.add(f"{state_type}StateExited", "stateExitedEventDetails", details, **kw)

    def page(self) -> dict[str, Any]:
        """The document `aws stepfunctions get-execution-history` prints."""
        return {"events": list(self.events)}


def _untruncated() -> dict[str, bool]:
    return {"truncated": False}


# ------------------------------------------------------------------------ the 25,000-event history

LARGE_MACHINE_NAME = "bulk-charges"
LARGE_START = datetime(2024, 5, 5, 2, 0, 0, 250000, tzinfo=UTC)
_MAP = "ChargeEach"
_CONCURRENCY = 10
_OVERHEAD = 6  # ExecutionStarted, MapStateEntered/Started/Succeeded/Exited, ExecutionSucceeded
_CHARGE_PATH = 11  # events of an iteration that charges; one that skips has 8
_SKIP_PATH = 8

LARGE_DEFINITION: dict[str, Any] = {
    "Comment": "Charges every invoice of a billing run: an inline Map whose iterations prepare "
    "the invoice (Pass), skip zero amounts (Choice, Succeed) and charge the rest (Task).",
    "StartAt": _MAP,
    "States": {
        _MAP: {
            "Type": "Map",
            "ItemsPath": "$.invoices",
            "MaxConcurrency": _CONCURRENCY,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Prepare",
                "States": {
                    "Prepare": {
                        "Type": "Pass",
                        "Parameters": {"invoiceId.$": "$.id", "amount.$": "$.amount"},
                        "Next": "HasAmount",
                    },
                    "HasAmount": {
                        "Type": "Choice",
                        "Choices": [
                            {"Variable": "$.amount", "NumericGreaterThan": 0, "Next": "Charge"}
                        ],
                        "Default": "NothingToCharge",
                    },
                    "Charge": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {
                            "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:charge",
                            "Payload.$": "$",
                        },
                        "ResultSelector": {"chargeId.$": "$.Payload.chargeId"},
                        "End": True,
                    },
                    "NothingToCharge": {"Type": "Succeed"},
                },
            },
            "End": True,
        }
    },
}


def _path_counts(event_count: int) -> tuple[int, int]:
    """How many iterations charge (11 events each) and skip (8 each) to total `event_count`."""
    body = event_count - _OVERHEAD
    about_a_tenth = body // (_CHARGE_PATH * 10)
    for skips in (*range(about_a_tenth, about_a_tenth + _CHARGE_PATH), *range(_CHARGE_PATH)):
        rest = body - skips * _SKIP_PATH
        if rest >= 0 and rest % _CHARGE_PATH == 0 and rest + skips > 0:
            return rest // _CHARGE_PATH, skips
    raise ValueError(f"cannot build a history of exactly {event_count} events this way")


def _invoices(charges: int, skips: int) -> list[dict[str, Any]]:
    """`skips` invoices of amount 0, spread evenly through the run; the others are charged."""
    total = charges + skips
    zero = {(n * total) // skips for n in range(skips)} if skips else set()
    return [
        {"id": f"inv-{n:06d}", "amount": 0 if n in zero else 10 + (n * 37) % 990}
        for n in range(total)
    ]


def _iteration_steps(writer: HistoryWriter, index: int, item: dict[str, Any]) -> list[Any]:
    """Callables that each append one event of this iteration, given the iteration's last id."""
    prepared = {"invoiceId": item["id"], "amount": item["amount"]}
    w = writer

    def named(kind: str, name: str, payload: object, entered: bool) -> Any:
        if entered:
            return lambda prev: w.state_entered(kind, name, payload, previous=prev)
        return lambda prev: w.state_exited(kind, name, payload, previous=prev)

    steps = [
        named("Pass", "Prepare", item, True),
        named("Pass", "Prepare", prepared, False),
        named("Choice", "HasAmount", prepared, True),
        named("Choice", "HasAmount", prepared, False),
    ]
    if item["amount"] == 0:
        steps += [
            named("Succeed", "NothingToCharge", prepared, True),
            named("Succeed", "NothingToCharge", prepared, False),
        ]
    else:
        charge = {"chargeId": f"ch-{index:06d}"}
        steps += [named("Task", "Charge", prepared, True), *_charge_events(w, prepared, charge)]
        steps.append(named("Task", "Charge", charge, False))
    steps.append(
        lambda prev: w.add(
            "MapIterationSucceeded",
            "mapIterationSucceededEventDetails",
            {"name": _MAP, "index": index},
            previous=prev,
        )
    )
    return steps


def _charge_events(w: HistoryWriter, prepared: object, charge: object) -> list[Any]:
    function = "arn:aws:lambda:us-east-1:123456789012:function:charge"
    parameters = json_text({"FunctionName": function, "Payload": prepared})
    resource = {"resourceType": "lambda", "resource": "invoke"}
    scheduled = dict(resource, region="us-east-1", parameters=parameters)
    result: dict[str, Any] = {
        "resourceType": "lambda",
        "resource": "invoke",
        "output": json_text({"Payload": charge, "StatusCode": 200}),
        "outputDetails": _untruncated(),
    }
    return [
        lambda prev: w.add("TaskScheduled", "taskScheduledEventDetails", scheduled, previous=prev),
        lambda prev: w.add("TaskStarted", "taskStartedEventDetails", resource, previous=prev),
        lambda prev: w.add("TaskSucceeded", "taskSucceededEventDetails", result, previous=prev),
    ]


def _run_batch(
    writer: HistoryWriter, batch: list[tuple[int, dict[str, Any]]], start_prev: int
) -> int:
    """Start the batch's iterations and interleave their events round-robin.

    Returns the id of the last state event of the iteration that finished last, which AWS
    gives as previousEventId to the next MapIterationStarted and to MapStateSucceeded.
    """
    last: dict[int, int] = {}
    pending: dict[int, list[Any]] = {}
    for index, item in batch:
        writer.advance(0.001)
        details = {"name": _MAP, "index": index}
        last[index] = writer.add(
            "MapIterationStarted", "mapIterationStartedEventDetails", details, previous=start_prev
        )
        pending[index] = _iteration_steps(writer, index, item)
    finishing = start_prev
    while pending:
        for index in list(pending):
            writer.advance(0.003)
            if len(pending[index]) == 1:
                finishing = last[index]
            last[index] = pending[index].pop(0)(last[index])
            if not pending[index]:
                del pending[index]
    return finishing


def generate_large_history(event_count: int = 25_000) -> dict[str, Any]:
    """A sound history of exactly `event_count` events (AWS's limit by default), deterministic.

    An inline Map over invoices (see LARGE_DEFINITION), ten iterations at a time with their events
    interleaved, so previousEventId chains (not list order) tell iterations apart.
    """
    charges, skips = _path_counts(event_count)
    invoices = _invoices(charges, skips)
    writer = HistoryWriter(LARGE_START)
    execution_input = {"billingRun": "2024-05", "invoices": invoices}
    details = {"input": json_text(execution_input), "inputDetails": _untruncated()}
    details["roleArn"] = "arn:aws:iam::123456789012:role/service-role/bulk-charges-role"
    writer.add("ExecutionStarted", "executionStartedEventDetails", details, previous=0)
    writer.state_entered("Map", _MAP, execution_input, previous=0)
    started = writer.add(
        "MapStateStarted", "mapStateStartedEventDetails", {"length": len(invoices)}
    )
    previous = started
    numbered = list(enumerate(invoices))
    for first in range(0, len(numbered), _CONCURRENCY):
        previous = _run_batch(writer, numbered[first : first + _CONCURRENCY], previous)
    writer.advance(0.004)
    writer.add("MapStateSucceeded", previous=previous)
    output = [
        {"chargeId": f"ch-{n:06d}"} if item["amount"] else {"invoiceId": item["id"], "amount": 0}
        for n, item in enumerate(invoices)
    ]
    writer.state_exited("Map", _MAP, output)
    done = {"output": json_text(output), "outputDetails": _untruncated()}
    writer.add("ExecutionSucceeded", "executionSucceededEventDetails", done)
    return writer.page()


def large_history_bundle(event_count: int = 25_000) -> str:
    """The large history as a Stepscope bundle: definition, describe-execution record, events."""
    from stepscope.history.importing import ExecutionDescription, write_bundle

    page = generate_large_history(event_count)
    events = page["events"]
    name = f"billing-run-{event_count}-events"
    started = events[0]["executionStartedEventDetails"]["input"]
    description = ExecutionDescription(
        execution_arn=f"arn:aws:states:us-east-1:123456789012:execution:{LARGE_MACHINE_NAME}:{name}",
        state_machine_arn=f"arn:aws:states:us-east-1:123456789012:stateMachine:{LARGE_MACHINE_NAME}",
        name=name,
        status="SUCCEEDED",
        start_date=datetime.fromisoformat(events[0]["timestamp"]),
        stop_date=datetime.fromisoformat(events[-1]["timestamp"]),
        input=started,
        output=events[-1]["executionSucceededEventDetails"]["output"],
        error=None,
        cause=None,
    )
    return write_bundle(
        events=events,
        description=description,
        definition=json.dumps(LARGE_DEFINITION, indent=2),
        state_machine_name=LARGE_MACHINE_NAME,
    )
