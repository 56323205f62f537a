"""Random machines of nested Maps and Parallels with callbacks, task durations, retries, catches
and failures, stepped the way the live runner steps them, with the callbacks that wait answered
in any order (several may wait at once): every history has contiguous ids and times that never
go back, a replay never computes anything different for an event already published, the same run
gives the same history, and no fiber is left over."""

from __future__ import annotations

import gc
import random
from datetime import timedelta
from typing import Any

import pytest

from stepscope.engine import start, step
from stepscope.engine.callbacks import send_task_failure, send_task_success, waiting_tasks
from stepscope.engine.clock import format_iso, parse_iso
from stepscope.engine.fibers import _Fiber
from stepscope.engine.recorder import Recorder
from stepscope.engine.resolvers.durations import TaskDurations
from stepscope.engine.resolvers.mock_config import MockConfig

CALLBACK = "arn:aws:states:::sns:publish.waitForTaskToken"
LAMBDA = "arn:aws:states:::lambda:invoke"
SEEDS = range(60)


class Machine:
    """A random definition; `tasks` are the names of its Lambda tasks (mocked, with durations)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0
        self.tasks: list[str] = []
        self.definition = self.states(0)
        self.resolvers = self.task_resolvers()

    def name(self) -> str:
        self.count += 1
        return f"S{self.count}"

    def states(self, depth: int) -> dict[str, Any]:
        names = [self.name() for _ in range(self.rng.randint(1, 3))]
        states: dict[str, Any] = {}
        for position, name in enumerate(names):
            state = self.state(depth, name)
            following = names[position + 1] if position + 1 < len(names) else None
            if "Catch" in state:
                handler = self.name()
                states[handler] = {"Type": "Pass", **({"Next": following} if following else {})}
                if not following:
                    states[handler]["End"] = True
                state["Catch"][0]["Next"] = handler
            if state["Type"] != "Fail":
                state.update({"Next": following} if following else {"End": True})
            states[name] = state
            if state["Type"] == "Fail":
                break
        return {"StartAt": names[0], "States": states}

    def state(self, depth: int, name: str) -> dict[str, Any]:
        rng = self.rng
        kinds = ["task", "task", "callback", "wait", "pass"]
        kinds += ["map", "map", "parallel"] if depth < 3 else []
        kinds += ["fail"] if depth > 0 else []
        kind = rng.choice(kinds)
        if kind == "pass":
            return {"Type": "Pass"}
        if kind == "fail":
            return {"Type": "Fail", "Error": "F", "Cause": "c"}
        if kind == "wait":
            return {"Type": "Wait", "Seconds": rng.choice([0, 1, 7])}
        state: dict[str, Any]
        if kind == "task":
            self.tasks.append(name)
            state = {"Type": "Task", "Resource": LAMBDA, "ResultPath": None}
        elif kind == "callback":
            state = {"Type": "Task", "Resource": CALLBACK, "Parameters": {"t.$": "$$.Task.Token"}}
            state["ResultPath"] = None
        elif kind == "map":
            state = {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"items.$": "$.items"},
                "ItemProcessor": self.states(depth + 1),
                "ResultPath": None,
            }
            if rng.random() < 0.5:
                state["MaxConcurrency"] = rng.choice([1, 2, 3])
            if rng.random() < 0.3:
                state["ToleratedFailureCount"] = 1
        else:
            branches = [self.states(depth + 1) for _ in range(rng.randint(1, 3))]
            state = {"Type": "Parallel", "Branches": branches, "ResultPath": None}
        if kind in ("task", "callback") and rng.random() < 0.4:
            state["TimeoutSeconds"] = rng.choice([1, 2, 100])
        if rng.random() < 0.3:
            retrier = {"ErrorEquals": ["States.ALL"], "IntervalSeconds": rng.choice([0, 1, 3])}
            state["Retry"] = [{**retrier, "MaxAttempts": 1}]
        if rng.random() < 0.3:
            state["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error"}]
        return state

    def task_resolvers(self) -> dict[str, Any]:
        if not self.tasks:
            return {}
        rng = self.rng
        throw = {"Throw": {"Error": "E", "Cause": "x"}}
        mocked = {
            task: {"0": rng.choice([{"Return": 1}, throw]), "1-999": {"Return": 2}}
            for task in self.tasks
        }
        config = {"StateMachines": {"M": {"TestCases": {"T": {t: t for t in mocked}}}}}
        config["MockedResponses"] = mocked
        durations = {
            task: {"0": rng.choice([0, 0.5, 3, 6]), "1-99": rng.choice([0, 0.2, 2])}
            for task in self.tasks
        }
        return {
            "mocks": MockConfig.parse(config).test_case("M", "T"),
            "durations": TaskDurations.parse(durations),
        }


class Recorded:
    """Every event the engine writes, replays included (monkeypatched Recorder.add)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.written: list[dict[str, Any]] = []
        original = Recorder.add

        def add(recorder: Recorder, *args: Any, **kwargs: Any) -> int:
            event_id = original(recorder, *args, **kwargs)
            self.written.append(dict(recorder.events[-1]))
            return event_id

        monkeypatch.setattr(Recorder, "add", add)


def drive(machine: Machine, value: Any, seed: int) -> list[dict[str, Any]]:
    """Step to the end, answering each waiting callback at random (now, or later)."""
    rng = random.Random(seed)
    resolvers = machine.resolvers
    snapshot = start(machine.definition, value)
    published: list[dict[str, Any]] = []
    wake: str | None = None
    for _ in range(3000):
        result = step(snapshot, resolvers=resolvers, now=wake)
        snapshot, wake = result.snapshot, result.wake_at
        published.extend(result.events)
        if snapshot["status"] != "RUNNING":
            return published
        open_tasks = [task for task in waiting_tasks(snapshot) if "answer" not in task]
        if open_tasks:
            waiting = rng.choice(open_tasks)  # any of them, not only the first reached
            later = parse_iso(snapshot["now"]) + timedelta(seconds=rng.choice([0, 1, 50]))
            when = rng.choice([None, format_iso(later)])
            if rng.random() < 0.7:
                snapshot = send_task_success(snapshot, waiting["token"], '"ok"')
            else:
                snapshot = send_task_failure(snapshot, waiting["token"], "No", "n")
            wake = when
        elif wake is None:
            return published
    raise AssertionError("the execution did not end")


@pytest.mark.parametrize("seed", SEEDS)
def test_replays_never_contradict_the_published_history(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    machine = Machine(rng)
    value = {"items": list(range(rng.randint(0, 3)))}
    recorded = Recorded(monkeypatch)
    published = drive(machine, value, seed)
    ids = [event["id"] for event in published]
    assert ids == list(range(1, len(ids) + 1))
    times = [parse_iso(event["timestamp"]) for event in published]
    assert times == sorted(times)
    by_id = {event["id"]: event for event in published}
    contradicted = [e["id"] for e in recorded.written if by_id.get(e["id"], e) != e]
    assert not contradicted, f"replays wrote other events under ids {contradicted[:5]}"
    assert drive(Machine(random.Random(seed)), value, seed) == published
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, _Fiber) and not o.dead]
