"""The failed iterations of a Map run and the failed branches of a Parallel run, grouped by error.

An iteration (or branch) failed when a run inside it failed. A run counts as failed when the
projection says so, and also when its last attempt failed (or timed out) but the run was then
aborted: a Map whose other iteration failed first aborts the iterations still running, and one
whose task had already failed is a failure of its own, not a bystander.

Each failed iteration is represented by the run where its failure happened: the earliest failed
run in the iteration, followed down into nested Maps and Parallels. Groups are ordered by count
(largest first), then by error name; members by iteration or branch number.
"""

from __future__ import annotations

from dataclasses import dataclass

from stepscope.history.projection_types import Projection, StateRun

_CONTAINERS = ("Map", "Parallel")
_FAILED_ATTEMPTS = ("failed", "timed-out")
_TIMEOUT = "States.Timeout"
_MAX_DEPTH = 64  # nesting followed at most


@dataclass(frozen=True)
class FailedMember:
    """One failed iteration or branch, by the run where it failed."""

    run_key: str
    state_name: str
    iteration: int | None
    branch: int | None  # 0-based, as in the projection

    @property
    def label(self) -> str:
        if self.iteration is not None:
            return f"iteration {self.iteration}"
        if self.branch is not None:
            return f"branch {self.branch + 1}"
        return self.state_name


@dataclass(frozen=True)
class FailureGroup:
    error: str  # "" when the history names no error
    members: tuple[FailedMember, ...]

    @property
    def count(self) -> int:
        return len(self.members)


def run_failed(run: StateRun) -> bool:
    """Whether the run failed: its status says so, or it was aborted after its task failed."""
    if run.status == "failed":
        return True
    if run.status == "aborted" and run.attempts:
        return run.attempts[-1].status in _FAILED_ATTEMPTS
    return False


def run_error(run: StateRun) -> str:
    """The run's error name, else its last attempt's ("States.Timeout" for a timed-out one)."""
    if run.error:
        return run.error
    if run.attempts:
        last = run.attempts[-1]
        if last.error:
            return last.error
        if last.status == "timed-out":
            return _TIMEOUT
    return ""


def _failure_point(run: StateRun) -> int:
    if run.attempts and run.attempts[-1].ended_event_id is not None:
        return run.attempts[-1].ended_event_id
    return run.exited_event_id or run.entered_event_id


def _children(projection: Projection) -> dict[str, list[StateRun]]:
    children: dict[str, list[StateRun]] = {}
    for run in projection.runs:
        if run.parent_key is not None:
            children.setdefault(run.parent_key, []).append(run)
    return children


def _leaf(run: StateRun, children: dict[str, list[StateRun]]) -> StateRun:
    """The earliest failure inside a failed Map or Parallel run, at any depth (else the run)."""
    for _ in range(_MAX_DEPTH):
        if run.state_type not in _CONTAINERS:
            break
        failed = [kid for kid in children.get(run.key, []) if run_failed(kid)]
        if not failed:
            break
        run = min(failed, key=_failure_point)
    return run


def failure_groups(projection: Projection, container_key: str) -> tuple[FailureGroup, ...]:
    """The failed iterations or branches of the Map or Parallel run `container_key`, by error.
    Empty for any other run, or when nothing inside failed."""
    container = projection.run(container_key)
    if container is None or container.state_type not in _CONTAINERS:
        return ()
    children = _children(projection)
    frames: dict[tuple[int | None, int | None], list[StateRun]] = {}
    for kid in children.get(container_key, []):
        if run_failed(kid):
            frames.setdefault((kid.iteration, kid.branch), []).append(kid)
    by_error: dict[str, list[FailedMember]] = {}
    for (iteration, branch), failed in frames.items():
        first = min(failed, key=_failure_point)
        leaf = _leaf(first, children)
        error = run_error(leaf) or run_error(first)
        member = FailedMember(leaf.key, leaf.name, iteration, branch)
        by_error.setdefault(error, []).append(member)
    groups = [
        FailureGroup(error, tuple(sorted(members, key=_member_order)))
        for error, members in by_error.items()
    ]
    groups.sort(key=lambda group: (-group.count, group.error))
    return tuple(groups)


def _member_order(member: FailedMember) -> tuple[int, int]:
    return (
        -1 if member.iteration is None else member.iteration,
        -1 if member.branch is None else member.branch,
    )
