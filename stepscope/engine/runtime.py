"""The per-execution runtime that state handlers work with, and the outcomes they return."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stepscope.engine.clock import VirtualClock, format_iso
from stepscope.engine.dataflow.scope import Scope
from stepscope.engine.errors import StatesError
from stepscope.engine.recorder import Recorder, Thread

__all__ = ["Branch", "End", "Frame", "Next", "Outcome", "Park", "ParkedInBranch", "Run", "Suspend"]


@dataclass
class Next:
    state: str
    output: Any


@dataclass
class End:
    output: Any


@dataclass
class Suspend:
    """The state waits until `deadline` (None: until a callback arrives); `resume` is what it
    needs to finish (plain JSON)."""

    deadline: datetime | None
    resume: dict[str, Any]


Outcome = Next | End | Suspend


@dataclass
class Frame:
    """Where a run of states is: its history thread and the context object additions
    (e.g. `$$.Map.Item`)."""

    thread: Thread
    extra_context: dict[str, Any] = field(default_factory=dict)
    can_suspend: bool = False
    variables: dict[str, Any] = field(default_factory=dict)
    state_type: str | None = None  # the type of the state it is running (aborts name it)

    def branch(self) -> Frame:
        """A Parallel branch's or Map iteration's frame: its own thread, a copy of the variables."""
        return Frame(self.thread.child(), dict(self.extra_context), False, dict(self.variables))


@dataclass
class Branch:
    """A state list to run: the machine itself, a Parallel branch or a Map item processor."""

    start_at: str
    states: dict[str, dict[str, Any]]


class Run:
    def __init__(
        self,
        *,
        definition: dict[str, Any],
        execution: dict[str, Any],
        clock: VirtualClock,
        recorder: Recorder,
        rng: random.Random | list[Any],  # a source, or its saved state (restored on first use)
        resolvers: dict[str, Any],
        counters: dict[str, int] | None = None,
    ) -> None:
        self.definition = definition
        self.execution = execution
        self.clock = clock
        self.recorder = recorder
        self._rng = rng if isinstance(rng, random.Random) else None
        self._saved_rng = None if isinstance(rng, random.Random) else rng
        self.resolvers = resolvers
        self.counters = counters if counters is not None else {}
        # Replaying a state whose branch waited: the answers by token, and the step's time.
        self.answers: dict[str, dict[str, Any]] = {}
        self.heartbeats: dict[str, str] = {}  # token -> the heartbeat deadline it was pushed to
        self.workers: dict[str, dict[str, Any]] = {}  # token -> the activity worker that took it
        self.step_now: datetime | None = None

    def invocation(self, state_name: str) -> int:
        """How many times this state called out before (mocked responses are numbered so)."""
        number = self.counters.get(state_name, 0)
        self.counters[state_name] = number + 1
        return number

    @property
    def rng(self) -> random.Random:
        """The seeded random source, restored from the snapshot on first use only."""
        if self._rng is None:
            assert self._saved_rng is not None
            self._rng = rng_from_json(self._saved_rng)
        return self._rng

    def rng_state(self) -> list[Any]:
        """The random source as plain JSON (the saved state as it was, if nothing drew from it)."""
        if self._rng is None:
            assert self._saved_rng is not None
            return self._saved_rng
        return rng_to_json(self._rng)

    def restore_rng(self, saved: list[Any]) -> None:
        """Rewind the random source to a saved state (replaying a state)."""
        self._rng, self._saved_rng = None, saved

    def event(
        self,
        frame: Frame,
        event_type: str,
        details_key: str | None = None,
        details: dict[str, Any] | None = None,
        *,
        becomes_source: bool = True,
    ) -> int:
        return self.recorder.add(
            frame.thread,
            event_type,
            self.clock.tick(),
            details_key,
            details,
            becomes_source=becomes_source,
        )

    def context_object(
        self, frame: Frame, state_name: str, entered_time: datetime
    ) -> dict[str, Any]:
        context: dict[str, Any] = {
            "Execution": copy.deepcopy(self.execution["Execution"]),
            "StateMachine": dict(self.execution["StateMachine"]),
            "State": {"Name": state_name, "EnteredTime": format_iso(entered_time)},
        }
        context.update(frame.extra_context)
        return context

    def scope(self, frame: Frame, state_name: str, entered_time: datetime) -> Scope:
        context = self.context_object(frame, state_name, entered_time)
        return Scope(context, self.rng, frame.variables)


class Park(Exception):  # noqa: N818 - a control-flow signal, not an error
    """A task handed out its token and waits for SendTask{Success,Failure,Heartbeat} (or an
    activity worker). `waiting` is plain JSON: the token, what is waiting and its deadlines."""

    def __init__(self, waiting: dict[str, Any]) -> None:
        super().__init__(str(waiting.get("token")))
        self.waiting = waiting
        # How the task ends once its answer (or its deadline) is known: set by the Task state.
        self.finish: Callable[[dict[str, Any]], Any] | None = None


class ParkedInBranch(Exception):  # noqa: N818 - a control-flow signal, not an error
    """A task inside a Parallel branch or a Map iteration waits for a callback: the whole
    top-level state stops here and is replayed, deterministically, when the answer arrives."""

    def __init__(self, waiting: dict[str, Any]) -> None:
        super().__init__(str(waiting.get("token")))
        self.waiting = waiting
        # When other iterations or branches, stopped with it, would go on (their next moment
        # on the clock): the state is taken up again then, even without an answer.
        self.wake: datetime | None = None


class StateFailure(Exception):
    """A state ended in an error that no Catch handled: its StatesError travels upwards."""

    def __init__(self, error: StatesError) -> None:
        super().__init__(str(error))
        self.error = error
        self.state_type: str | None = None  # the state that failed, set by the branch runner


def rng_to_json(rng: random.Random) -> list[Any]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def rng_from_json(saved: list[Any]) -> random.Random:
    rng = random.Random(0)  # a cheap seed (not os.urandom): setstate replaces the state
    rng.setstate((saved[0], tuple(saved[1]), saved[2]))
    return rng
