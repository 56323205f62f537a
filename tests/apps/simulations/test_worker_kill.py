"""A worker killed with SIGKILL in the middle of a run loses nothing: another worker resumes
from the last saved snapshot (the sweeper in its beat re-queues the step whose countdown message
died with the first worker, once the dead worker's claim has run out), and the history has every
event id once and equals the engine's own run of the same definition.

Needs REDIS_URL and a PostgreSQL DATABASE_URL (skipped otherwise): see
tests/apps/simulations/workers.py for the workers and their settings (a 2 s claim lease, a sweep
every second with a second's grace).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.simulations.models import Simulation
from apps.simulations.resolvers import simulation_resolvers
from apps.simulations.services import simulation_start
from stepscope.engine import run_to_completion
from tests.apps.simulations.machines import stored_events, version_of
from tests.apps.simulations.workers import Workers, requires_redis_and_postgres, wait_for

pytestmark = [requires_redis_and_postgres, pytest.mark.django_db(transaction=True)]

RUN_TIMEOUT = 90.0  # seconds for a run to finish after the kill (usually under 10)
ROUNDS = 12
SLOW_ROUND = 3  # the round whose Lambda the first worker is killed in


def loop(*, with_task: bool = False) -> dict[str, Any]:
    """Count to ROUNDS: Pass, (a Lambda Task,) a 1 s Wait and a Choice per round."""
    after_count = "Work" if with_task else "Pause"
    states: dict[str, Any] = {
        "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Count"},
        "Count": {
            "Type": "Pass",
            "Parameters": {"i.$": "States.MathAdd($.i, 1)"},
            "Next": after_count,
        },
        "Pause": {"Type": "Wait", "Seconds": 1, "Next": "More?"},
        "More?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.i", "NumericLessThan": ROUNDS, "Next": "Count"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
    }
    if with_task:
        states["Work"] = {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
            "Next": "Pause",
        }
    return {"StartAt": "Init", "States": states}


# A Lambda handler that, in the workers only (STEPSCOPE_TEST_MARKERS set), leaves a marker file
# per call, and takes two seconds in round SLOW_ROUND: the test kills the worker inside that step.
SLOW_HANDLER = f"""\
import os
import pathlib
import time


def handler(event, context):
    markers = os.environ.get("STEPSCOPE_TEST_MARKERS")
    if markers:
        pathlib.Path(markers, f"round-{{event['i']}}-pid-{{os.getpid()}}").touch()
        if event["i"] == {SLOW_ROUND}:
            time.sleep(2.0)
    return {{"i": event["i"]}}
"""


def event_count(simulation: Simulation) -> int:
    return Simulation.objects.get(pk=simulation.pk).execution.events.count()


def finished(simulation: Simulation) -> Simulation | None:
    current = Simulation.objects.select_related("execution").get(pk=simulation.pk)
    return current if current.execution.status != "RUNNING" else None


def engine_run(definition: dict[str, Any], simulation: Simulation, resolvers: Any) -> Any:
    identity = simulation.snapshot["execution"]
    context = {
        "stateMachineName": simulation.execution.state_machine_name,
        "executionName": simulation.execution.name,
        "roleArn": identity["Execution"]["RoleArn"],
        "startTime": identity["Execution"]["StartTime"],
    }
    return run_to_completion(definition, {}, context=context, resolvers=resolvers)


def assert_same_history(simulation: Simulation, expected: list[dict[str, Any]]) -> None:
    events = stored_events(simulation)
    ids = [event["id"] for event in events]
    assert ids == list(range(1, len(expected) + 1)), f"lost or doubled events: {ids}"
    assert simulation.execution.events.count() == simulation.execution.event_count == len(ids)

    def shape(history: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(e["id"], e["type"], e.get("previousEventId")) for e in history]

    assert shape(events) == shape(expected)


@pytest.fixture
def workers(transactional_db: None, tmp_path: Path) -> Iterator[Workers]:
    markers = tmp_path / "markers"
    markers.mkdir()
    with Workers(tmp_path, STEPSCOPE_TEST_MARKERS=str(markers)) as started:
        yield started


def test_a_worker_killed_mid_run_loses_nothing(workers: Workers) -> None:
    definition = loop()
    expected = None
    first = workers.start()
    simulation = simulation_start(
        definition_version=version_of(definition), execution_input={}, pace="10"
    )  # a 1 s Wait takes 0.1 s: about 3 s in all
    wait_for("a third of the run", lambda: event_count(simulation) >= 2 * ROUNDS, RUN_TIMEOUT)
    first.kill()
    killed_at = event_count(simulation)
    assert finished(simulation) is None, "the run ended before the worker was killed"

    workers.start()
    done = wait_for("the run to finish on the second worker", lambda: finished(simulation), 90)
    assert done.execution.status == "SUCCEEDED"
    expected = engine_run(definition, done, resolvers=None).events
    assert killed_at < len(expected)
    assert_same_history(done, expected)
    # Beyond types and ids: the same events, but for their times.
    timeless = [{k: v for k, v in e.items() if k != "timestamp"} for e in expected]
    assert [{k: v for k, v in e.items() if k != "timestamp"} for e in stored_events(done)] == (
        timeless
    )


def test_a_worker_killed_inside_a_step_holding_the_claim_loses_nothing(
    workers: Workers, tmp_path: Path
) -> None:
    lambdas = tmp_path / "lambdas"
    (lambdas / "work").mkdir(parents=True)
    (lambdas / "work" / "handler.py").write_text(SLOW_HANDLER)
    markers = tmp_path / "markers"
    definition = loop(with_task=True)
    first = workers.start()
    simulation = simulation_start(
        definition_version=version_of(definition),
        execution_input={},
        pace="10",
        lambdas_dir=str(lambdas),
    )
    wait_for(
        f"the worker to be inside round {SLOW_ROUND}'s Lambda",
        lambda: any(path.name.startswith(f"round-{SLOW_ROUND}-") for path in markers.iterdir()),
        RUN_TIMEOUT,
    )
    first.kill()
    dead = Simulation.objects.select_related("execution").get(pk=simulation.pk)
    assert dead.claim and dead.claimed_until is not None, "killed outside a step"
    assert dead.execution.status == "RUNNING"

    workers.start()
    done = wait_for("the run to finish on the second worker", lambda: finished(simulation), 90)
    assert done.execution.status == "SUCCEEDED" and done.claim == ""
    resolvers = simulation_resolvers(
        lambdas_dir=str(lambdas), mock_config=None, test_case="", state_machine=None
    )
    assert_same_history(done, engine_run(definition, done, resolvers).events)
    # The interrupted round's Lambda ran again on the second worker; its result was saved once.
    results = [
        json.loads(e["lambdaFunctionSucceededEventDetails"]["output"])["i"]
        for e in stored_events(done)
        if e["type"] == "LambdaFunctionSucceeded"
    ]
    assert results == list(range(1, ROUNDS + 1))
    calls = sorted(path.name.split("-pid-")[0] for path in markers.iterdir())
    assert calls == sorted([f"round-{i}" for i in range(1, ROUNDS + 1)] + [f"round-{SLOW_ROUND}"])
