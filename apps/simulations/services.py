"""Writes for simulations: start one, step it (the Celery task's work), and act on it from
outside (SendTaskSuccess/Failure/Heartbeat, StopExecution).

A step claims the simulation (only if the version it was queued for is still current and no other
worker holds it), steps the engine outside any transaction, then saves the events and the snapshot
in one transaction and publishes the events on commit. A duplicate or stale delivery does nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.audit import audit_record
from apps.definitions.models import DefinitionVersion
from apps.definitions.selectors import version_data
from apps.executions.models import Execution
from apps.simulations.models import Simulation
from apps.simulations.pace import INSTANT, PaceError, pace_parse
from apps.simulations.recording import simulation_record
from apps.simulations.resolvers import ResolverError, simulation_resolvers
from apps.simulations.scheduling import step_queue
from apps.simulations.stepping import StepBatch, run_steps, step_now
from stepscope.engine import StepResult, start
from stepscope.engine.callbacks import (
    CallbackError,
    send_task_failure,
    send_task_heartbeat,
    send_task_success,
    stop_execution,
    waiting_tasks,
)
from stepscope.engine.clock import format_iso, parse_iso
from stepscope.engine.errors import PAYLOAD_LIMIT_BYTES
from stepscope.engine.execution import DEFAULTS, ExecutionContext
from stepscope.engine.stepper import Snapshot

logger = logging.getLogger(__name__)

# A worker killed mid-step frees its claim when the lease runs out (by default it outlives the
# task's hard time limit; see SIMULATION_CLAIM_LEASE_SECONDS); the sweeper then re-queues the step.
CLAIM_LEASE = timedelta(seconds=settings.SIMULATION_CLAIM_LEASE_SECONDS)
BUSY_RETRY_SECONDS = 1.0
NAME_MAX_LENGTH = 80  # AWS's limit for an execution name
TOKEN_SHOWN = 12  # characters of a task token kept in the audit log


class SimulationError(ValueError):
    """The simulation cannot be started or changed; the message says why, fit for the user."""


class SimulationNotFound(SimulationError):
    pass


class SimulationCallbackError(SimulationError):
    """The engine refused a callback or a stop: AWS's error code (`code`) and why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StepOutcome:
    steps: int  # engine steps taken (0: the delivery did nothing)
    events_added: int
    status: str  # the execution's status after this delivery
    countdown: float | None  # seconds until the next step was queued; None: none was
    reason: str = ""  # why nothing was done, if so


def _definition(version: DefinitionVersion) -> dict[str, Any]:
    if version.result != DefinitionVersion.Result.OK:
        errors = [item for item in version.diagnostics if item.get("severity") == "ERROR"]
        listed = "; ".join(
            f"{item['code']} at {item.get('location') or '/'}: {item['message']}"
            for item in errors[:3]
        )
        raise SimulationError(f"{version} is not a valid definition: {listed}")
    data = version_data(version=version)
    if not isinstance(data, dict):
        raise SimulationError(f"{version} is not a state machine definition")
    return data


def _json_text(value: Any, what: str) -> str:
    """`value` as the JSON text it will be stored as (NaN and Infinity refused)."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as problem:
        raise SimulationError(f"the {what} not JSON: {problem}") from None


def _checked_input(value: Any) -> Any:
    text = _json_text(value, "input is")
    if len(text.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
        raise SimulationError("the input is larger than 256 KiB, AWS's limit")
    return json.loads(text)


def _checked_durations(value: Any) -> Any:
    """The durations table as it will be stored."""
    return None if value is None else json.loads(_json_text(value, "task durations are"))


def simulation_start(
    *,
    definition_version: DefinitionVersion,
    execution_input: Any,
    name: str = "",
    pace: str = INSTANT,
    mock_config: Any = None,
    test_case: str | None = None,
    lambdas_dir: str | None = None,
    durations: Any = None,
    user: Any = None,
) -> Simulation:
    """Create the execution and its simulation, and queue the first step on commit.

    `durations`: simulated task durations (see stepscope/engine/resolvers/durations.py), as
    JSON: {state name: seconds, or {invocation or range: seconds}}; None: tasks take no time.

    Raises SimulationError (an invalid definition, input, pace, Lambda folder, mock test case
    or durations table).
    """
    definition = _definition(definition_version)
    value = _checked_input(execution_input)
    durations = _checked_durations(durations)
    try:
        pace = pace_parse(pace)
        machine = definition_version.definition.name
        simulation_resolvers(  # refuse a bad folder, test case or durations now, not in the worker
            lambdas_dir=lambdas_dir or "",
            mock_config=mock_config,
            test_case=test_case or "",
            state_machine=machine,
            durations=durations,
            definition=definition,
        )
    except (PaceError, ResolverError) as problem:
        raise SimulationError(str(problem)) from None
    key = uuid.uuid4()
    name = "".join((name or "").split())[:NAME_MAX_LENGTH] or f"simulation-{key.hex[:12]}"
    now = timezone.now()
    context: ExecutionContext = {
        "stateMachineName": machine,
        "executionName": name,
        "roleArn": DEFAULTS["roleArn"],
        "startTime": format_iso(now),
    }
    snapshot = start(definition, value, context=context, seed=random.getrandbits(63))
    identity = snapshot["execution"]
    with transaction.atomic():
        execution = Execution.objects.create(
            workspace_id=definition_version.definition.workspace_id,
            name=name,
            execution_arn=identity["Execution"]["Id"],
            fingerprint=hashlib.sha256(f"simulation:{key}".encode()).hexdigest(),
            state_machine_name=machine[:200],
            state_machine_arn=identity["StateMachine"]["Id"],
            definition_version=definition_version,
            status="RUNNING",
            source=Execution.Source.SIMULATION,
            imported_by=user if getattr(user, "is_authenticated", False) else None,
        )
        simulation = Simulation.objects.create(
            execution=execution,
            snapshot=snapshot,
            pace=pace,
            mock_config=mock_config,
            test_case=test_case or "",
            lambdas_dir=lambdas_dir or "",
            durations=durations,
            clock_origin=now,
            due_at=now,
        )
        audit_record(
            action="simulation.start",
            workspace=definition_version.definition.workspace,
            actor=user,
            target=name,
            detail={"definition": machine, "version": definition_version.number, "pace": pace},
        )
        simulation_id, version = simulation.pk, simulation.version
        transaction.on_commit(lambda: step_queue(simulation_id=simulation_id, version=version))
    return simulation


def _claim(simulation_id: int, version: int | None) -> Simulation | StepOutcome:
    """Take the simulation for this worker, or say why not (and retry later when it is busy)."""
    now = timezone.now()
    token = uuid.uuid4().hex
    rows = Simulation.objects.filter(pk=simulation_id)
    if version is not None:
        rows = rows.filter(version=version)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    if rows.filter(free).update(claim=token, claimed_until=now + CLAIM_LEASE):
        simulation = Simulation.objects.select_related("execution").get(pk=simulation_id)
        if simulation.snapshot.get("status") == "RUNNING":
            return simulation
        _release(simulation)
        return StepOutcome(0, 0, simulation.execution.status, None, "the execution has ended")
    current = Simulation.objects.filter(pk=simulation_id).select_related("execution").first()
    if current is None:
        return StepOutcome(0, 0, "", None, "no such simulation")
    status = current.execution.status
    if version is not None and current.version != version:
        return StepOutcome(0, 0, status, None, "already stepped (a duplicate or stale delivery)")
    # Another worker is stepping it: look again soon (a dead worker's claim runs out).
    until = current.claimed_until or now  # or freed just now
    wait = min(BUSY_RETRY_SECONDS, max(0.0, (until - now).total_seconds()))
    step_queue(simulation_id=simulation_id, version=current.version, countdown=wait)
    return StepOutcome(0, 0, status, wait, "another worker is stepping it")


def _release(simulation: Simulation) -> None:
    Simulation.objects.filter(pk=simulation.pk, claim=simulation.claim).update(
        claim="", claimed_until=None
    )


def simulation_step(*, simulation_id: int, version: int | None = None) -> StepOutcome:
    """Step the simulation as far as is due now (see apps/simulations/stepping.py); save and
    publish; queue the next step. `version`: the version this step was queued for."""
    claimed = _claim(simulation_id, version)
    if isinstance(claimed, StepOutcome):
        return claimed
    simulation = claimed
    try:
        resolvers = simulation_resolvers(
            lambdas_dir=simulation.lambdas_dir,
            mock_config=simulation.mock_config,
            test_case=simulation.test_case,
            state_machine=simulation.execution.state_machine_name,
            durations=simulation.durations,
        )
        batch = run_steps(simulation, resolvers, save=_save_step)
    except Exception as problem:  # the simulator's own failure: keep it, free the claim
        logger.exception("simulation %s could not be stepped", simulation_id)
        Simulation.objects.filter(pk=simulation.pk).update(problem=repr(problem)[:2000])
        _release(simulation)
        return StepOutcome(0, 0, simulation.execution.status, None, f"simulator error: {problem}")
    return _outcome(simulation, batch)


def _outcome(simulation: Simulation, batch: StepBatch) -> StepOutcome:
    if batch.lost:
        _release(simulation)
        reason = "changed meanwhile (a callback or a stop); its own step is queued"
        status = simulation.execution.status
        return StepOutcome(batch.steps, batch.saved_events, status, None, reason)
    return StepOutcome(
        batch.steps, batch.saved_events, simulation.execution.status, batch.countdown
    )


def _save_step(
    simulation: Simulation,
    result: StepResult,
    events: list[dict[str, Any]],
    countdown: float | None,
    final: bool,
) -> bool:
    """Save a step's events and snapshot if the simulation is still this worker's and unchanged."""
    with transaction.atomic():
        current = (
            Simulation.objects.select_for_update()
            .select_related("execution")
            .filter(pk=simulation.pk)
            .first()
        )
        if current is None or current.version != simulation.version:
            return False
        if current.claim != simulation.claim:
            return False
        simulation_record(
            simulation=current,
            snapshot=result.snapshot,
            events=events,
            wake_at=None if result.wake_at is None else parse_iso(result.wake_at),
            countdown=countdown if final else None,
            release_claim=final,
        )
    simulation.version = current.version
    simulation.execution = current.execution
    return True


Change = Callable[[Simulation, Snapshot], "Snapshot | StepResult"]


@dataclass(frozen=True)
class _Audited:
    """What the audit log keeps of a callback or a stop: never the output or the cause."""

    action: str
    actor: Any
    token: str | None = None
    error: str | None = None

    def detail(self, snapshot: Snapshot) -> dict[str, Any]:
        detail: dict[str, Any] = {}
        if self.token is not None:
            waiting = (w for w in waiting_tasks(snapshot) if w.get("token") == self.token)
            detail["state"] = str(next((w.get("state", "") for w in waiting), ""))
            shown = self.token[:TOKEN_SHOWN]
            detail["token"] = shown + ("…" if len(self.token) > TOKEN_SHOWN else "")
        if self.error:
            detail["error"] = self.error[:256]
        return detail


def _apply(simulation_id: int, change: Change, audited: _Audited) -> Simulation:
    """Apply a callback or a stop to the saved snapshot, save it, record it in the audit log,
    and queue a step."""
    with transaction.atomic():
        simulation = (
            Simulation.objects.select_for_update()
            .select_related("execution__workspace")
            .filter(pk=simulation_id)
            .first()
        )
        if simulation is None:
            raise SimulationNotFound(f"there is no simulation {simulation_id}")
        detail = audited.detail(simulation.snapshot)
        try:
            changed = change(simulation, simulation.snapshot)
        except CallbackError as problem:
            raise SimulationCallbackError(problem.code, problem.message) from None
        if isinstance(changed, StepResult):  # a stop: the execution has ended
            snapshot, events, countdown = changed.snapshot, changed.events, None
        else:  # a callback: the next step records what it did
            snapshot, events, countdown = changed, [], 0.0
        simulation_record(
            simulation=simulation,
            snapshot=snapshot,
            events=events,
            wake_at=None,
            countdown=countdown,
            release_claim=False,  # a step in flight keeps its claim; its save will be refused
        )
        audit_record(
            action=audited.action,
            workspace=simulation.execution.workspace,
            actor=audited.actor,
            target=simulation.execution.name,
            detail=detail,
        )
    return simulation


def simulation_send_task_success(
    *, simulation_id: int, token: str, output: Any, actor: Any = None
) -> Simulation:
    """SendTaskSuccess: `output` is JSON text (as AWS takes it) or an already parsed value.
    `actor`: who sent it, for the audit log (None: the operator's command line)."""
    return _apply(
        simulation_id,
        lambda _, snapshot: send_task_success(snapshot, token, output),
        _Audited("simulation.send_task_success", actor, token=token),
    )


def simulation_send_task_failure(
    *,
    simulation_id: int,
    token: str,
    error: str | None = None,
    cause: str | None = None,
    actor: Any = None,
) -> Simulation:
    return _apply(
        simulation_id,
        lambda _, snapshot: send_task_failure(snapshot, token, error, cause),
        _Audited("simulation.send_task_failure", actor, token=token, error=error),
    )


def simulation_send_task_heartbeat(
    *, simulation_id: int, token: str, actor: Any = None
) -> Simulation:
    return _apply(
        simulation_id,
        lambda simulation, snapshot: send_task_heartbeat(
            snapshot, token, now=step_now(simulation, snapshot, None)
        ),
        _Audited("simulation.send_task_heartbeat", actor, token=token),
    )


def simulation_stop(
    *, simulation_id: int, error: str | None = None, cause: str | None = None, actor: Any = None
) -> Simulation:
    """StopExecution: ExecutionAborted, and the execution is ABORTED."""
    return _apply(
        simulation_id,
        lambda simulation, snapshot: stop_execution(
            snapshot, error, cause, now=step_now(simulation, snapshot, None)
        ),
        _Audited("simulation.stop", actor, error=error),
    )
