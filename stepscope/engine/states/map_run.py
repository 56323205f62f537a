"""Distributed Map: the items run as child executions of a Map Run. The parent history records
only MapRunStarted and MapRunSucceeded/Failed, as AWS does. Within the Map Run the items are read
(ItemReader), selected (ItemSelector), batched (ItemBatcher), run, and their results written
(ResultWriter)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stepscope.engine.errors import RuntimeFailure, StatesError
from stepscope.engine.fibers import FiberPool
from stepscope.engine.recorder import Recorder, Thread
from stepscope.engine.runtime import Branch, Frame, ParkedInBranch, Run, StateFailure
from stepscope.engine.states.common import StateRun
from stepscope.engine.states.map_batches import Batcher, batch_items
from stepscope.engine.states.map_results import ChildExecution, WriterRequest, results

__all__ = ["EXCEEDED", "THRESHOLD_CAUSE", "MapRunPlan", "run_map_run"]

EXCEEDED = "States.ExceedToleratedFailureThreshold"
THRESHOLD_CAUSE = "The specified tolerated failure threshold was exceeded"
# Without MaxConcurrency a Map Run runs up to 10,000 child executions at once (AWS's docs).
DISTRIBUTED_LIMIT = 10_000


@dataclass
class MapRunPlan:
    """What a Map Run does: where its items come from and how they are prepared and written."""

    load: Callable[[], list[Any]]
    select_value: Callable[[int, Any], Any]
    tolerance: Callable[[int], int | None]
    batcher: Batcher | None = None
    writer: WriterRequest | None = None
    max_concurrency: int = 0  # 0: AWS's default for a Map Run


def map_run_arn(current: StateRun) -> str:
    execution = current.run.execution
    machine = execution["StateMachine"]["Name"]
    label = current.state.get("Label") or str(uuid.UUID(int=current.run.rng.getrandbits(128)))
    run_id = uuid.UUID(int=current.run.rng.getrandbits(128), version=4)
    return (
        f"arn:aws:states:{execution['region']}:{execution['account']}:mapRun:"
        f"{machine}/{label}:{run_id}"
    )


def run_map_run(current: StateRun, processor: Branch, plan: MapRunPlan) -> Any:
    """Run the Map Run and give the Map's result: the children's outputs, or what the
    ResultWriter made of them."""
    arn = map_run_arn(current)
    current.event("MapRunStarted", "mapRunStartedEventDetails", {"mapRunArn": arn})
    try:
        result = _run(current, processor, plan, arn)
    except RuntimeFailure:
        raise
    except StatesError as error:
        details = {"error": error.error, "cause": error.cause}
        current.event(
            "MapRunFailed",
            "mapRunFailedEventDetails",
            {key: value for key, value in details.items() if value is not None},
        )
        raise
    current.event("MapRunSucceeded")
    return result


def _child_inputs(plan: MapRunPlan) -> list[tuple[Any, int]]:
    """Each child's input with the number of items it carries."""
    selected = [plan.select_value(index, item) for index, item in enumerate(plan.load())]
    if plan.batcher is None:
        return [(value, 1) for value in selected]
    return list(batch_items(plan.batcher, selected))


def _run(current: StateRun, processor: Branch, plan: MapRunPlan, arn: str) -> Any:
    inputs = _child_inputs(plan)
    tolerated = plan.tolerance(sum(count for _, count in inputs))
    children = _run_children(current, processor, plan, [value for value, _ in inputs])
    failed_items = sum(
        count
        for child, (_, count) in zip(children, inputs, strict=True)
        if child.status != "SUCCEEDED"
    )
    if plan.writer is not None:
        result = results(current, plan.writer, children, arn)
    else:
        result = [child.output for child in children]
    if failed_items > (tolerated or 0):
        raise StatesError(EXCEEDED, THRESHOLD_CAUSE)
    return result


def _run_children(
    current: StateRun, processor: Branch, plan: MapRunPlan, values: list[Any]
) -> list[ChildExecution]:
    """The child executions, at most MaxConcurrency at once, each in its own fiber (children
    that never wait run one after another), in item order."""
    from stepscope.engine.branches import may_wait

    limit = min(plan.max_concurrency or DISTRIBUTED_LIMIT, DISTRIBUTED_LIMIT)
    named = plan.writer is not None
    children: list[ChildExecution | None] = [None] * len(values)
    pool: FiberPool[int] = FiberPool(current.run.clock, direct=not may_wait(processor.states))

    def start(index: int) -> None:
        pool.spawn(index, lambda: _run_child(current, processor, values[index], named))

    waiting = iter(range(len(values)))
    try:  # however the Map Run ends, no fiber of it is left behind
        for index in waiting:
            start(index)
            if index + 1 == limit:
                break
        waits = False
        while pool:
            # Once a callback waits, this raises it when only work due later is left.
            finished = pool.next_finished()
            if isinstance(finished.error, ParkedInBranch):
                waits = True  # this child waits for its answer; the others go on
                continue
            if finished.error is not None:
                raise finished.error
            children[finished.key] = finished.value
            following = next(waiting, None)
            if following is not None:
                start(following)
        if waits:  # the whole state stops until the answer comes (or its wake)
            raise current.run.clock.waiting
    finally:
        pool.abandon()
    return [child for child in children if child is not None]


def _run_child(current: StateRun, processor: Branch, value: Any, named: bool) -> ChildExecution:
    from stepscope.engine.branches import run_branch

    run = _child_run(current.run)
    # Child execution names are only drawn when a ResultWriter reports them.
    name = str(uuid.UUID(int=run.rng.getrandbits(128), version=4)) if named else ""
    frame = Frame(Thread(), variables=dict(current.frame.variables))
    started = run.clock.now
    try:
        output = run_branch(run, frame, processor, value)
    except StateFailure as failure:
        error = failure.error
        return ChildExecution(
            name, value, "FAILED", started, run.clock.now, error=error.error, cause=error.cause
        )
    return ChildExecution(name, value, "SUCCEEDED", started, run.clock.now, output=output)


def _child_run(parent: Run) -> Run:
    """A child execution: same clock, randomness and resolvers, and (when the state is replayed)
    the callbacks' answers; its own (unrecorded) history."""
    child = Run(
        definition=parent.definition,
        execution=parent.execution,
        clock=parent.clock,
        recorder=Recorder(),
        rng=parent.rng,
        resolvers=parent.resolvers,
    )
    child.answers, child.step_now = parent.answers, parent.step_now
    child.heartbeats, child.workers = parent.heartbeats, parent.workers
    return child
