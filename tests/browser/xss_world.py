"""The hostile world test_xss.py visits: every place a user (or AWS, or a Lambda) can put text,
filled with the payloads of xss_payloads.py, through the same services the pages use.

- definitions: every payload as a state name (one large, invalid definition, drawn anyway, whose
  diagnostics quote the names) and as a definition name and top-level Comment;
- a valid machine named by a payload, whose states are all payloads: Choice rules comparing with
  payloads, a Map whose iterations fail with payload errors caught by payload ErrorEquals, a
  Parallel, a Task retried and caught, a Fail with a payload Error and Cause; simulated with a
  mock configuration whose Throws carry payloads (a Lambda-style cause with a stack trace), and an
  input whose keys and values are payloads;
- callback simulations: one left waiting (the live panel shows its payload parameters), one
  answered with a payload error and cause, one stopped with a payload error and cause;
- imported executions named by every payload, from files named by payloads, with skipped events
  whose reasons quote payloads;
- AWS sources named by payloads, with a failed pull whose error and summary are payloads;
- redaction rules made of payloads (those the rule syntax reads).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

from apps.accounts.models import Workspace
from apps.aws.follow_models import AwsSyncRun
from apps.aws.services import aws_source_save
from apps.definitions.services import definition_import
from apps.executions.models import Execution
from apps.executions.services import execution_import
from apps.simulations import services as simulations
from apps.simulations.models import Simulation
from stepscope.engine.api import run_to_completion
from tests.browser.xss_payloads import PAYLOADS, Payload

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:hostile"
CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/hostile"
NAME_LIMIT = 200  # definition, execution and AWS source names


@dataclass
class World:
    definitions: list[int] = field(default_factory=list)  # the ones worth a visit
    executions: list[int] = field(default_factory=list)
    simulations: list[int] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)
    waiting_execution: int = 0  # RUNNING, parked on a callback
    waiting_simulation: int = 0
    simulation_definition: int = 0
    workspace_name: str = ""
    import_jobs: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def storable(text: str) -> str:
    """The payload as the web would take it into a name or a message: forms refuse U+0000
    (PostgreSQL cannot store it in text); JSON payloads keep it (tests/config covers it)."""
    return text.replace("\x00", "")


def _names(payloads: tuple[Payload, ...] = PAYLOADS) -> list[str]:
    """The payloads that fit in a state name (80 characters, no control characters)."""
    return [payload.text for payload in payloads if payload.short]


def _short() -> Any:
    return cycle(_names())


def every_name_definition() -> dict[str, Any]:
    """Every payload as a state name, in one chain, each with another payload as its Comment."""
    texts = [payload.text for payload in PAYLOADS]
    states: dict[str, Any] = {}
    for index, text in enumerate(texts):
        state: dict[str, Any] = {"Type": "Pass", "Comment": texts[-1 - index]}
        if index + 1 < len(texts):
            state["Next"] = texts[index + 1]
        else:
            state["End"] = True
        states[text] = state
    return {"Comment": texts[0], "StartAt": texts[0], "States": states}


def hostile_machine(names: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A valid machine whose every name and literal is a payload; and the errors its mocked
    tasks throw ({"map": error, "task": error})."""
    n = [next(names) for _ in range(14)]
    map_error, task_error = n[12], n[13]
    states: dict[str, Any] = {
        n[0]: {
            "Type": "Pass",
            "Comment": n[1],
            "Parameters": {n[2]: n[3], "input.$": "$"},
            "ResultPath": "$.passed",
            "Next": n[1],
        },
        n[1]: {
            "Type": "Choice",
            "Comment": n[0],
            "Choices": [
                {"Variable": "$.kind", "StringEquals": n[4], "Next": n[7]},
                {"Variable": "$.kind", "StringEquals": n[6], "Next": n[7]},
                {
                    "And": [{"Variable": "$.kind", "IsPresent": True}],
                    "Comment": n[8],
                    "Next": n[2],
                },
            ],
            "Default": n[2],
        },
        n[2]: {
            "Type": "Map",
            "Comment": n[3],
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "StartAt": n[9],
                "States": {
                    n[9]: {
                        "Type": "Task",
                        "Resource": LAMBDA,
                        "Comment": n[10],
                        "Retry": [{"ErrorEquals": [n[11]], "MaxAttempts": 1}],
                        "Catch": [{"ErrorEquals": [map_error], "Next": n[10]}],
                        "End": True,
                    },
                    n[10]: {"Type": "Pass", "Comment": n[9], "End": True},
                },
            },
            "ResultPath": "$.mapped",
            "Next": n[7],
        },
        n[7]: {
            "Type": "Parallel",
            "Comment": n[6],
            "Branches": [
                {"StartAt": n[5], "States": {n[5]: {"Type": "Pass", "Result": n[4], "End": True}}},
                {"StartAt": n[6], "States": {n[6]: {"Type": "Wait", "Seconds": 1, "End": True}}},
            ],
            "ResultPath": "$.parallel",
            "Next": n[8],
        },
        n[8]: {
            "Type": "Task",
            "Resource": LAMBDA,
            "Comment": n[11],
            "Retry": [{"ErrorEquals": [task_error], "MaxAttempts": 2, "IntervalSeconds": 1}],
            "Catch": [{"ErrorEquals": [task_error], "ResultPath": "$.error", "Next": n[12]}],
            "Next": n[13],
        },
        n[12]: {"Type": "Fail", "Comment": n[13], "Error": n[12], "Cause": n[13]},
        n[13]: {"Type": "Succeed", "Comment": n[12]},
    }
    return {"Comment": n[0], "StartAt": n[0], "States": states}, {
        "map": map_error,
        "task": task_error,
        "map_state": n[9],
        "task_state": n[8],
    }


def lambda_cause(texts: Any) -> str:
    """A Lambda-style cause (errorMessage, errorType, stackTrace) made of payloads."""
    return json.dumps(
        {
            "errorMessage": next(texts),
            "errorType": next(texts),
            "stackTrace": [f'  File "/var/task/{next(texts)}", line 1, in h\n' for _ in range(3)],
            "requestId": next(texts),
        }
    )


def hostile_input(texts: Any) -> dict[str, Any]:
    return {
        "kind": next(texts),
        "items": [next(texts) for _ in range(3)],
        **{next(texts): next(texts) for _ in range(10)},
        "nested": {next(texts): [next(texts), {next(texts): next(texts)}]},
    }


def callback_machine(names: Any) -> dict[str, Any]:
    waiter, after = next(names), next(names)
    return {
        "Comment": next(names),
        "StartAt": waiter,
        "States": {
            waiter: {
                "Type": "Task",
                "Resource": CALLBACK,
                "Comment": next(names),
                "Parameters": {
                    "QueueUrl": QUEUE,
                    "MessageBody": {next(names): next(names), "token.$": "$$.Task.Token"},
                },
                "Next": after,
            },
            after: {"Type": "Pass", "Comment": next(names), "End": True},
        },
    }


def _settled(execution_id: int, timeout: float = 60.0) -> Execution:
    """The execution once its in-process steps have ended it."""
    deadline = time.monotonic() + timeout
    while True:
        execution = Execution.objects.get(pk=execution_id)
        if execution.status != "RUNNING" or time.monotonic() > deadline:
            return execution
        time.sleep(0.05)


def _parked_token(simulation_id: int) -> str:
    from apps.simulations.selectors import simulation_parked_task

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        simulation = Simulation.objects.select_related("execution").get(pk=simulation_id)
        task = simulation_parked_task(simulation=simulation)
        if task:
            return str(task["taskToken"])
        time.sleep(0.05)
    raise AssertionError("the callback simulation never parked")


def _simulate(version: Any, **kwargs: Any) -> Simulation:
    return simulations.simulation_start(definition_version=version, pace="instant", **kwargs)


def build_world(*, workspace: Workspace, user: Any) -> World:
    world = World(workspace_name=workspace.name)
    texts = cycle(storable(payload.text) for payload in PAYLOADS)
    names = _short()

    every = definition_import(
        workspace=workspace,
        text=json.dumps(every_name_definition()),
        name=f"{next(names)} (every payload)",
        user=user,
    ).version
    world.definitions.append(every.definition_id)

    # Every payload as a definition name (and top-level Comment).
    named = _storable_names()
    for text in named:
        small = {"Comment": text, "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
        version = definition_import(
            workspace=workspace, text=json.dumps(small), name=text, user=user
        ).version
    world.definitions.append(version.definition_id)
    world.counts["definition names"] = len(named)

    # The hostile machine, simulated with mocks that throw payloads.
    machine, errors = hostile_machine(names)
    machine_name = " ".join(f"{next(names)} (machine)".split())
    version = definition_import(
        workspace=workspace, text=json.dumps(machine), name=machine_name, user=user
    ).version
    assert version.result == version.Result.OK, version.diagnostics
    world.definitions.append(version.definition_id)
    world.simulation_definition = version.definition_id
    machine["Comment"] = next(texts)  # a second version, for the version pages
    definition_import(workspace=workspace, text=json.dumps(machine), name=machine_name, user=user)
    mock_config = {
        "StateMachines": {
            machine_name: {
                "TestCases": {
                    "Hostile": {errors["map_state"]: "MapThrow", errors["task_state"]: "TaskThrow"}
                }
            }
        },
        "MockedResponses": {
            "MapThrow": {"0": {"Throw": {"Error": errors["map"], "Cause": next(texts)}}},
            "TaskThrow": {"0": {"Throw": {"Error": errors["task"], "Cause": lambda_cause(texts)}}},
        },
    }
    hostile = _simulate(
        version,
        execution_input=hostile_input(texts),
        mock_config=mock_config,
        test_case="Hostile",
        user=user,
    )
    failed = _settled(hostile.execution_id)
    assert failed.status == "FAILED", failed.status
    world.executions.append(hostile.execution_id)
    world.simulations.append(hostile.pk)

    # Callbacks: one left waiting, one answered with a failure, one stopped.
    callback = definition_import(
        workspace=workspace,
        text=json.dumps(callback_machine(names)),
        name=f"{next(names)} (callback)",
        user=user,
    ).version
    assert callback.result == callback.Result.OK, callback.diagnostics
    world.definitions.append(callback.definition_id)
    started = [
        _simulate(callback, execution_input=hostile_input(texts), user=user) for _ in range(3)
    ]
    tokens = [_parked_token(simulation.pk) for simulation in started]
    simulations.simulation_send_task_failure(
        simulation_id=started[1].pk, token=tokens[1], error=next(texts), cause=next(texts)
    )
    simulations.simulation_stop(simulation_id=started[2].pk, error=next(texts), cause=next(texts))
    for simulation in started:
        world.executions.append(simulation.execution_id)
        world.simulations.append(simulation.pk)
    world.waiting_execution = started[0].execution_id
    world.waiting_simulation = started[0].pk
    for simulation in started[1:]:
        _settled(simulation.execution_id)

    world.executions.extend(_imported_executions(workspace, user, texts))
    world.counts["execution names"] = len(world.executions) - 4

    for text in named:
        source = aws_source_save(workspace=workspace, name=text, regions=["us-east-1"], actor=user)
        world.sources.append(source.pk)
    world.sources = world.sources[:1] + world.sources[-1:]
    AwsSyncRun.objects.create(
        source_id=world.sources[0],
        status=AwsSyncRun.Status.FAILED,
        progress=next(texts),
        summary=[next(texts) for _ in range(5)],
        error=next(texts),
    )
    AwsSyncRun.objects.create(
        source_id=world.sources[0],
        status=AwsSyncRun.Status.DONE,
        summary=[next(texts) for _ in range(5)],
    )
    world.counts["AWS source names"] = len(named)
    world.import_jobs = _import_jobs(workspace, user, texts)
    world.counts["redaction rules"] = _redaction_rules(workspace, user)
    return world


def _redaction_rules(workspace: Workspace, user: Any) -> int:
    """Payloads as redaction rules, as many as the workspace takes and the rule syntax reads."""
    from apps.accounts.services import WorkspaceError, redaction_rule_add

    added = 0
    for payload in PAYLOADS:
        try:
            redaction_rule_add(workspace=workspace, pattern=payload.text, actor=user)
        except WorkspaceError:
            continue
        added += 1
    return added


def _import_jobs(workspace: Workspace, user: Any, texts: Any) -> list[int]:
    """Background imports as their page shows them: one failed with a payload error, one that
    imported an execution, both named by payloads with payload progress lines."""
    from apps.executions.models import ImportJob

    failed = ImportJob.objects.create(
        workspace=workspace,
        requested_by=user,
        status=ImportJob.Status.FAILED,
        name=next(texts)[:200],
        definition=next(texts)[:200],
        progress=next(texts)[:1000],
        error=next(texts),
    )
    done = ImportJob.objects.create(
        workspace=workspace,
        requested_by=user,
        status=ImportJob.Status.DONE,
        name=next(texts)[:200],
        progress=next(texts)[:1000],
        execution=Execution.objects.filter(workspace=workspace).order_by("pk").last(),
    )
    return [failed.pk, done.pk]


def _storable_names() -> list[str]:
    """The payloads that fit in a name (200 characters once spaces are collapsed)."""
    texts = [storable(payload.text) for payload in PAYLOADS]
    return [text for text in texts if len(" ".join(text.split())) <= NAME_LIMIT]


def _history(text: str, index: int) -> str:
    """A short run: a Pass, then a Fail whose error and cause are payloads."""
    definition = {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Next": "Stop"},
            "Stop": {"Type": "Fail", "Error": text[:256], "Cause": text},
        },
    }
    context = {"stateMachineName": "imported-hostile", "executionName": f"hostile-{index}"}
    run = run_to_completion(definition, {"payload": text, "index": index}, context=context)  # type: ignore[arg-type]
    events = list(run.events)
    junk = {"id": len(events) + 1, "type": text, "timestamp": events[-1]["timestamp"]}
    return json.dumps({"events": [*events, junk]})


def _imported_executions(workspace: Workspace, user: Any, texts: Any) -> list[int]:
    ids = []
    named = _storable_names()
    for index, text in enumerate(named):
        filename = f"{next(texts)[:100]}.json"
        result = execution_import(
            workspace=workspace,
            documents=[(filename, _history(text, index))],
            name=text,
            user=user,
        )
        ids.append(result.execution.pk)
    return ids
