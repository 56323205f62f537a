"""Reads for simulations. What they hand to pages and the JSON API that came from a run (the last
input and mock responses, the parameters sent with a task token) is masked with the workspace's
redaction rules; the task token itself is not a payload."""

from __future__ import annotations

import json
from typing import Any

from apps.accounts.redactors import workspace_redactor
from apps.executions.models import Execution
from apps.simulations.jsontext import json_pretty
from apps.simulations.models import Simulation
from apps.simulations.pace import INSTANT, REAL
from stepscope.engine.callbacks import waiting_tasks
from stepscope.history.redaction import Redactor

SCHEDULED = ("TaskScheduled", "ActivityScheduled")


def simulation_get(*, pk: int) -> Simulation | None:
    return Simulation.objects.select_related("execution").filter(pk=pk).first()


def simulation_of_execution(*, execution: Execution) -> Simulation | None:
    """The simulation that runs this execution (None for an imported or pulled one)."""
    if execution.source != Execution.Source.SIMULATION:
        return None
    return Simulation.objects.filter(execution=execution).first()


def simulation_last_of_definition(*, definition_id: int) -> Simulation | None:
    """The latest simulation of any version of the definition."""
    return (
        Simulation.objects.select_related("execution")
        .filter(execution__definition_version__definition_id=definition_id)
        .order_by("-created_at", "-pk")
        .first()
    )


def simulation_input(*, simulation: Simulation) -> Any:
    """The execution input the simulation started with."""
    identity = simulation.snapshot.get("execution") or {}
    return (identity.get("Execution") or {}).get("Input", {})


def simulation_start_defaults(*, definition_id: int) -> dict[str, str]:
    """What the "New execution" form starts with: the last simulation's settings of this
    definition (its input, mock configuration, test case, task durations, Lambda folder and
    pace). The input and the mock responses are masked with the workspace's redaction rules."""
    last = simulation_last_of_definition(definition_id=definition_id)
    if last is None:
        return {"input": "{}", "pace_mode": INSTANT, "scale": "60"}
    redactor = workspace_redactor(workspace_id=last.execution.workspace_id)
    mode = last.pace if last.pace in (INSTANT, REAL) else "scaled"
    mocks = None if last.mock_config is None else redactor.redact_value(last.mock_config)
    return {
        "input": json_pretty(redactor.redact_value(simulation_input(simulation=last))),
        "mock_config": "" if mocks is None else json_pretty(mocks),
        "test_case": last.test_case,
        "durations": "" if last.durations is None else json_pretty(last.durations),
        "lambdas_dir": last.lambdas_dir,
        "pace_mode": mode,
        "scale": last.pace if mode == "scaled" else "60",
    }


def _sent(simulation: Simulation, state: str, token: str, redactor: Redactor) -> tuple[str, str]:
    """The parameters (pretty JSON text, masked with `redactor`) and the resource of the
    TaskScheduled (or ActivityScheduled) event that carried this token: of the state's scheduled
    events, the last one whose parameters hold the token (Map iterations share a state), else
    its last one."""
    events = list(
        simulation.execution.events.filter(type__in=SCHEDULED, state_name=state)
        .order_by("-event_id")
        .values_list("data", flat=True)[:1000]
    )
    carrying = [event for event in events if token and token in json.dumps(event)]
    event = (carrying or events or [{}])[0]
    details = event.get("taskScheduledEventDetails") or event.get("activityScheduledEventDetails")
    details = details or {}
    text = details.get("parameters", details.get("input"))
    resource = ":".join(str(details[k]) for k in ("resourceType", "resource") if k in details)
    if not isinstance(text, str):
        return "", resource
    text = redactor.redact_json_text(text)
    try:
        return json_pretty(json.loads(text)), resource
    except (ValueError, RecursionError):
        return text, resource


def simulation_parked_task(*, simulation: Simulation) -> dict[str, Any] | None:
    """The task waiting for a callback, as the page and the JSON API show it, or None:
    {taskToken, stateName, kind, resource, parameters (JSON text), heartbeatSeconds,
    heartbeatAt, timeoutAt, deadline} (times on the execution's clock). Inside concurrent
    iterations or branches several may wait: this is the first, the others are alsoWaiting."""
    tasks = simulation_parked_tasks(simulation=simulation)
    if not tasks:
        return None
    return {**tasks[0], "alsoWaiting": tasks[1:]}


def simulation_parked_tasks(
    *, simulation: Simulation, redactor: Redactor | None = None
) -> list[dict[str, Any]]:
    """Every task waiting for a callback (not yet answered), the first one reached first; their
    parameters masked with `redactor` (by default, the workspace's redaction rules)."""
    waiting = [task for task in waiting_tasks(simulation.snapshot) if "answer" not in task]
    if not waiting:
        return []
    if redactor is None:
        redactor = workspace_redactor(workspace_id=simulation.execution.workspace_id)
    return [_parked(simulation, task, redactor) for task in waiting]


def _parked(simulation: Simulation, waiting: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    state = str(waiting.get("state", ""))
    token = str(waiting.get("token") or "")
    parameters, resource = _sent(simulation, state, token, redactor)
    details = waiting.get("details") or {}
    if not resource:
        resource = ":".join(str(details[k]) for k in ("resourceType", "resource") if k in details)
    return {
        "taskToken": waiting.get("token"),
        "stateName": state,
        "kind": waiting.get("kind"),
        "resource": resource,
        "parameters": parameters,
        "heartbeatSeconds": waiting.get("heartbeatSeconds"),
        "heartbeatAt": waiting.get("heartbeatAt"),
        "timeoutAt": waiting.get("timeoutAt"),
        "deadline": waiting.get("deadline"),
    }
