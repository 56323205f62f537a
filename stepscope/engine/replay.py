"""Callbacks inside Parallel branches and Map iterations.

Branches run within one step, so a branch cannot hold its place in the snapshot. When a task
inside one waits for a callback, the whole top-level state stops (`ParkedInBranch`) and the
snapshot keeps where that state was entered: the random source, the invocation counters, the
clock, the history thread, the variables and the next event id. When the answer arrives (or the
task's deadline passes) the state is run again from there. The engine is deterministic, so the
replay writes the same events up to the callback (they are not published twice), then the
task ends with its answer at the time it arrived, and the state goes on.

Callbacks in branches are therefore answered one at a time, in the order the branches run.
Local Lambda handlers in the replayed part run again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from stepscope.engine.clock import format_iso, parse_iso
from stepscope.engine.recorder import Thread
from stepscope.engine.runtime import Branch, Frame, Run, Suspend

__all__ = [
    "ANSWER_DELAY",
    "entry_point",
    "parked_in_branch",
    "replay_position",
    "resume_deadline",
]

# A callback answered in a branch is taken this long after the step starts: strictly after every
# event already published, so a replay with the answer never reorders them.
ANSWER_DELAY = timedelta(milliseconds=1)

Enter = Callable[[Run, Frame, Branch, dict[str, Any], dict[str, Any] | None], Any]


def entry_point(run: Run, frame: Frame) -> dict[str, Any]:
    """What a replay of the state about to be entered starts from (plain JSON)."""
    return {
        "rng": run.rng_state(),
        "invocations": dict(run.counters),
        "now": format_iso(run.clock.now),
        "thread": {"source": frame.thread.source, "last": frame.thread.last},
        "variables": dict(frame.variables),
        "nextEventId": run.recorder.next_id,
    }


def parked_in_branch(
    run: Run,
    entry: dict[str, Any],
    waiting: dict[str, Any],
    replay: dict[str, Any] | None,
    wake: datetime | None = None,
    all_waiting: list[dict[str, Any]] | None = None,
) -> Suspend:
    """Stop the top-level state: it waits for `waiting`'s callback, and for those of the other
    iterations or branches that reached one (`all_waiting`), until any of them is answered, a
    deadline passes, or just after `wake`, when other iterations or branches go on."""
    answers = dict(replay["answers"]) if replay is not None else {}
    heartbeats = dict(replay.get("heartbeats") or {}) if replay is not None else {}
    workers = dict(replay.get("workers") or {}) if replay is not None else {}
    # Events up to here are published; a replay that stopped earlier still published them all.
    published = max(run.recorder.next_id, int(replay["published"]) if replay is not None else 0)
    others = [w for w in all_waiting or [] if w.get("token") != waiting.get("token")]
    resume: dict[str, Any] = {
        "kind": "task",
        "waiting": waiting,
        "others": others,
        "replay": {
            "entry": entry,
            "answers": answers,
            "heartbeats": heartbeats,
            "workers": workers,
            "published": published,
            # strictly after it: an answer then can never tie with what runs at it
            "wake": None if wake is None else format_iso(wake + ANSWER_DELAY),
        },
    }
    return Suspend(resume_deadline(resume), resume)


def resume_deadline(resume: dict[str, Any]) -> datetime | None:
    """When a stopped state is taken up again without an answer: the first deadline of the
    tasks that wait, or its wake."""
    moments = [
        parse_iso(each["deadline"])
        for each in [resume["waiting"], *resume.get("others", [])]
        if each.get("deadline")
    ]
    wake = resume["replay"].get("wake")
    if wake:
        moments.append(parse_iso(wake))
    return min(moments) if moments else None


def replay_position(
    run: Run,
    frame: Frame,
    branch: Branch,
    position: dict[str, Any],
    saved: dict[str, Any],
    enter: Enter,
) -> Any:
    """Run the stopped state again from its entry, with every answer that has arrived."""
    replay = dict(saved["replay"])
    answers = dict(replay["answers"])
    answered_at = format_iso(run.clock.now + ANSWER_DELAY)  # after all that was published
    for waiting in [saved["waiting"], *saved.get("others", [])]:
        if "answer" in waiting:
            answers[str(waiting["token"])] = {
                **waiting["answer"],
                "at": answered_at,
                "worker": waiting.get("worker"),
            }
    replay["answers"] = answers
    published = int(replay["published"])
    first_new = len(run.recorder.events)
    run.answers, run.step_now = answers, run.clock.now
    run.heartbeats = dict(replay.get("heartbeats") or {})
    run.workers = dict(replay.get("workers") or {})
    _rewind(run, frame, replay["entry"])
    del position["suspended"]
    try:
        return enter(run, frame, branch, position, replay)
    finally:
        replayed = run.recorder.events[first_new:]
        run.recorder.events[first_new:] = [e for e in replayed if e["id"] >= published]


def _rewind(run: Run, frame: Frame, entry: dict[str, Any]) -> None:
    run.restore_rng(entry["rng"])
    run.counters.clear()
    run.counters.update(entry["invocations"])
    run.clock.now = parse_iso(entry["now"])
    run.recorder.next_id = int(entry["nextEventId"])
    frame.thread = Thread(**entry["thread"])
    frame.variables.clear()
    frame.variables.update(entry["variables"])
