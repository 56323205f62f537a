"""Where a failed, timed-out or aborted execution's failure started, from its projection alone.

The run that ended an execution is often not where things went wrong: a saga's Fail state ends it
after a Catch took the real error and compensations ran; a Map fails because one iteration's task
did. ``root_cause`` follows the failure back:

- into Map iterations and Parallel branches (the earliest failure inside, an iteration whose task
  failed counting as failed even when the iteration was then aborted);
- through Catch paths: the oldest caught run on the way to the failure (in the failing run's frame
  or an enclosing one) is where it started; the runs after it are the path that led to the end
  (compensations, then the Fail state);
- retries that ran out (the last attempt's error, with the number of attempts);
- a Map Run's failure as its history states it (the child executions are other histories).

Runs of one frame (the root, one branch, one iteration) are sequential, so "before" and "after"
within a frame are decided by the order the runs were entered.
"""

from __future__ import annotations

from dataclasses import dataclass

from stepscope.history.projection_types import Projection, StateRun

_CONTAINERS = ("Map", "Parallel")
_ENDED_BADLY = ("FAILED", "TIMED_OUT", "ABORTED")
_TIMEOUT = "States.Timeout"
_MAX_DEPTH = 64  # nesting of Map/Parallel followed at most (the projection's data, not the ASL's)


@dataclass(frozen=True)
class RootCause:
    state_name: str  # "" when the execution ended before any state ran
    run_key: str  # the run to select on the execution page ("" when none)
    error: str
    cause: str
    caught: bool  # a Catch took the error; `path` is what ran after it
    path: tuple[str, ...]  # the states after it that led to the end, oldest first
    sentence: str


Frame = tuple[str | None, int | None, int | None]


def _frame(run: StateRun) -> Frame:
    return (run.parent_key, run.iteration, run.branch)


def _failure_point(run: StateRun) -> int:
    """The event id at which the run failed (for ordering failures in time)."""
    if run.attempts and run.attempts[-1].ended_event_id is not None:
        return run.attempts[-1].ended_event_id
    return run.exited_event_id or run.entered_event_id


class _Finder:
    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.frames: dict[Frame, list[StateRun]] = {}
        for run in projection.runs:
            self.frames.setdefault(_frame(run), []).append(run)

    def failed_children(self, run: StateRun) -> list[StateRun]:
        return [kid for kid in self.projection.children_of(run.key) if kid.status == "failed"]

    def descend(self, run: StateRun) -> StateRun:
        """The earliest failure inside a failed (or caught) Map or Parallel, at any depth."""
        for _ in range(_MAX_DEPTH):
            if run.state_type not in _CONTAINERS:
                break
            kids = self.failed_children(run)
            if not kids:
                break
            run = min(kids, key=_failure_point)
        return run

    def container(self, run: StateRun) -> StateRun | None:
        return self.projection.run(run.parent_key) if run.parent_key else None

    def oldest_caught_before(self, leaf: StateRun, stop: StateRun | None) -> StateRun | None:
        """The earliest caught run before `leaf` in its frame or an enclosing one (up to `stop`)."""
        found: StateRun | None = None
        anchor: StateRun | None = leaf
        for _ in range(_MAX_DEPTH):
            if anchor is None or anchor is stop:
                break
            for run in self.frames.get(_frame(anchor), []):
                if run.entered_event_id >= anchor.entered_event_id:
                    break
                if run.status == "caught" and (
                    found is None or run.entered_event_id < found.entered_event_id
                ):
                    found = run
            anchor = self.container(anchor)
        return found

    def after(self, run: StateRun) -> list[StateRun]:
        """The runs entered after `run` in its own frame."""
        return [
            other
            for other in self.frames.get(_frame(run), [])
            if other.entered_event_id > run.entered_event_id
        ]


def root_cause(projection: Projection) -> RootCause | None:
    """Where the failure started, or None when the execution did not fail, time out or abort."""
    summary = projection.execution
    if summary.status not in _ENDED_BADLY:
        return None
    finder = _Finder(projection)
    failing = projection.failed_run
    if failing is None:
        failed = [run for run in projection.runs if run.status == "failed"]
        top = [run for run in failed if run.parent_key is None]
        failing = min(top or failed, key=_failure_point) if failed else None
    if failing is None:
        return _stopped(projection)
    leaf = finder.descend(failing)
    caught_run = finder.oldest_caught_before(leaf, None)
    origin = leaf
    if caught_run is not None:
        origin = finder.descend(caught_run)
        inner = finder.oldest_caught_before(origin, caught_run)
        if inner is not None and inner is not caught_run:
            origin = finder.descend(inner)
    return _described(projection, finder, origin, caught_run)


def _path(finder: _Finder, origin: StateRun, caught_run: StateRun | None) -> list[StateRun]:
    """The runs that carried the failure from `origin` to the end, oldest first."""
    path: list[StateRun] = []
    anchor: StateRun | None = origin
    for _ in range(_MAX_DEPTH):
        if anchor is None:
            break
        if anchor is not origin and (caught_run is None or anchor is not caught_run):
            if anchor.status in ("failed", "caught"):
                path.append(anchor)
        path.extend(finder.after(anchor))
        anchor = finder.container(anchor)
    return path


def _where(finder: _Finder, run: StateRun) -> str:
    """ "in iteration 6 of Lines", "in branch 2 of Both", nested ones joined."""
    places: list[str] = []
    current: StateRun | None = run
    for _ in range(_MAX_DEPTH):
        if current is None:
            break
        owner = finder.container(current)
        if owner is None:
            break
        if current.iteration is not None:
            failed = {kid.iteration for kid in finder.failed_children(owner)}
            also = f" ({len(failed)} iterations failed)" if len(failed) > 1 else ""
            places.append(f"in iteration {current.iteration} of {owner.name}{also}")
        elif current.branch is not None:
            places.append(f"in branch {current.branch + 1} of {owner.name}")
        current = owner
    return (" " + ", ".join(places)) if places else ""


def _happened(run: StateRun, error: str) -> str:
    attempts = len(run.attempts)
    timed_out = bool(run.attempts) and run.attempts[-1].status == "timed-out"
    if timed_out or error == _TIMEOUT:
        head = f"{run.name} timed out ({error or _TIMEOUT})"
    else:
        head = f"{run.name} failed" + (f" with {error}" if error else "")
    return head + (f" after {attempts} attempts" if attempts > 1 else "")


def _described(
    projection: Projection, finder: _Finder, origin: StateRun, caught_run: StateRun | None
) -> RootCause:
    summary = projection.execution
    error = origin.error or ""
    cause = origin.cause or ""
    if not error and origin.state_type == "Fail":
        error, cause = summary.error or "", summary.cause or ""
    sentence = _happened(origin, error) + _where(finder, origin)
    path = _path(finder, origin, caught_run)
    after = [run for run in path if caught_run is None or run is not caught_run]
    if caught_run is not None:
        sentence += "; caught" + _after_catch(after, summary.error)
    elif after:
        sentence += "; then " + ", then ".join(_hop(run) for run in after)
    if summary.status != "FAILED":
        sentence += "; the execution " + (
            "timed out" if summary.status == "TIMED_OUT" else "was aborted"
        )
    return RootCause(
        state_name=origin.name,
        run_key=origin.key,
        error=error,
        cause=cause,
        caught=caught_run is not None,
        path=tuple(run.name for run in after),
        sentence=sentence,
    )


def _hop(run: StateRun) -> str:
    if run.state_type in _CONTAINERS and run.status in ("failed", "caught"):
        return f"{run.name} failed"
    return run.name


def _after_catch(after: list[StateRun], execution_error: str | None) -> str:
    if not after:
        return ""
    *middle, last = after
    text = ""
    if middle:
        text += ", then compensated by " + ", then ".join(_hop(run) for run in middle)
    text += f", then {_hop(last)}"
    if last.state_type not in ("Fail", *_CONTAINERS) and last.status == "failed":
        own = last.error or execution_error
        text += ", which failed" + (f" with {own}" if own else "")
    return text


def _stopped(projection: Projection) -> RootCause:
    """No run failed: the execution timed out, was aborted, or failed before any state ran."""
    summary = projection.execution
    running = [run for run in projection.runs if run.status in ("aborted", "in-progress")]
    last = max(running, key=lambda run: run.entered_event_id) if running else None
    error = summary.error or (_TIMEOUT if summary.status == "TIMED_OUT" else "")
    if summary.status == "TIMED_OUT":
        what = f"The execution timed out ({error})"
    elif summary.status == "ABORTED":
        what = "The execution was aborted" + (f" ({error})" if error else "")
    else:
        what = "The execution failed" + (f" with {error}" if error else "")
    if last is not None:
        what += f" while {last.name} was running"
    elif summary.status == "FAILED":
        what += " before any state ran"
    return RootCause(
        state_name=last.name if last is not None else "",
        run_key=last.key if last is not None else "",
        error=error,
        cause=summary.cause or "",
        caught=False,
        path=(),
        sentence=what,
    )
