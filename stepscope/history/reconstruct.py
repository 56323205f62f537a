"""A definition drawn from the history alone, for executions whose definition is unknown.

Only what the events show is used: each state's type, the transitions observed between states run
one after the other in the same frame, which of those followed a caught error, the retries seen,
and the Parallel branches and Map iterations the states ran in. The result is an ASL-shaped dict
that the ASL model builder and the graph renderer take like any definition; its Comment says it
was reconstructed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stepscope.history.projection_types import Projection, StateRun

RECONSTRUCTED_COMMENT = "Reconstructed from the execution history"
PLACEHOLDER_NAME = "Item processor (not in this history)"
_MOVED_ON = ("succeeded", "retried", "caught")  # statuses after which a next state can follow

# A scope is where a state lives: the root (None, None), a Parallel's branch (name, n) or a Map's
# item processor (name, None).
Scope = tuple[str | None, int | None]


@dataclass
class _Observed:
    state_type: str
    first: StateRun
    scope: Scope
    next_names: list[str] = field(default_factory=list)
    catches: dict[str, list[str]] = field(default_factory=dict)  # target -> errors
    retried_errors: list[str] = field(default_factory=list)
    max_attempts: int = 0


def reconstruct_definition(projection: Projection) -> dict[str, object]:
    """An ASL-shaped definition of the states this execution shows."""
    by_key = {run.key: run for run in projection.runs}
    observed: dict[str, _Observed] = {}
    starts: dict[Scope, str] = {}
    for run in projection.runs:
        scope = _scope_of(run, by_key)
        if run.name not in observed:
            observed[run.name] = _Observed(run.state_type, run, scope)
            starts.setdefault(scope, run.name)
        _note_attempts(observed[run.name], run)
    _note_transitions(projection, observed)
    definition = _block((None, None), observed, starts)
    definition["Comment"] = RECONSTRUCTED_COMMENT
    return definition


def _scope_of(run: StateRun, by_key: dict[str, StateRun]) -> Scope:
    parent = by_key.get(run.parent_key) if run.parent_key is not None else None
    if parent is None:
        return (None, None)
    return (parent.name, run.branch if parent.state_type == "Parallel" else None)


def _note_attempts(seen: _Observed, run: StateRun) -> None:
    seen.max_attempts = max(seen.max_attempts, len(run.attempts))
    for attempt in run.attempts[:-1]:
        if attempt.error and attempt.error not in seen.retried_errors:
            seen.retried_errors.append(attempt.error)


def _note_transitions(projection: Projection, observed: dict[str, _Observed]) -> None:
    """Record ``A -> B`` when B was the next state entered in the same frame after A."""
    last_in_frame: dict[tuple[str | None, int | None, int | None], StateRun] = {}
    for run in projection.runs:
        frame = (run.parent_key, run.iteration, run.branch)
        previous = last_in_frame.get(frame)
        last_in_frame[frame] = run
        if previous is None or previous.status not in _MOVED_ON:
            continue
        seen = observed[previous.name]
        if previous.status == "caught":
            errors = seen.catches.setdefault(run.name, [])
            error = previous.error or "States.ALL"
            if error not in errors:
                errors.append(error)
        elif run.name not in seen.next_names:
            seen.next_names.append(run.name)


def _block(
    scope: Scope, observed: dict[str, _Observed], starts: dict[Scope, str]
) -> dict[str, object]:
    states = {
        name: _state(name, seen, observed, starts)
        for name, seen in observed.items()
        if seen.scope == scope
    }
    return {"StartAt": starts.get(scope, ""), "States": states}


def _state(
    name: str, seen: _Observed, observed: dict[str, _Observed], starts: dict[Scope, str]
) -> dict[str, object]:
    state: dict[str, object] = {"Type": seen.state_type}
    run = seen.first
    if seen.state_type == "Task":
        state["Resource"] = run.resource or "arn:aws:states:::unknown"
    elif seen.state_type == "Wait":
        state["Seconds"] = _observed_seconds(run)
    elif seen.state_type == "Fail":
        state.update(
            {key: value for key, value in (("Error", run.error), ("Cause", run.cause)) if value}
        )
    elif seen.state_type == "Parallel":
        branches = sorted(
            {scope[1] for scope in starts if scope[0] == name and scope[1] is not None}
        )
        state["Branches"] = [_block((name, branch), observed, starts) for branch in branches]
    elif seen.state_type == "Map":
        state["ItemProcessor"] = _item_processor(name, observed, starts)
    _add_transitions(state, seen)
    return state


def _item_processor(
    name: str, observed: dict[str, _Observed], starts: dict[Scope, str]
) -> dict[str, object]:
    block = _block((name, None), observed, starts)
    if block["States"]:
        return {"ProcessorConfig": {"Mode": "INLINE"}, **block}
    # A distributed Map runs its items in child executions, whose events are not in this history.
    placeholder = {
        "Type": "Pass",
        "Comment": "The states run for each item are not in this execution's history.",
        "End": True,
    }
    distributed = ":mapRun:" in (observed[name].first.resource or "")
    config: dict[str, str] = {"Mode": "DISTRIBUTED" if distributed else "INLINE"}
    if distributed:
        config["ExecutionType"] = "STANDARD"
    return {
        "ProcessorConfig": config,
        "StartAt": PLACEHOLDER_NAME,
        "States": {PLACEHOLDER_NAME: placeholder},
    }


def _add_transitions(state: dict[str, object], seen: _Observed) -> None:
    kind = seen.state_type
    if kind == "Choice":
        state["Choices"] = [
            {"Variable": "$", "IsPresent": True, "Next": target} for target in seen.next_names
        ]
    elif kind not in ("Succeed", "Fail"):
        if seen.next_names:
            state["Next"] = seen.next_names[0]
        else:
            state["End"] = True
    if seen.max_attempts > 1 and kind in ("Task", "Parallel", "Map"):
        state["Retry"] = [
            {
                "ErrorEquals": seen.retried_errors or ["States.ALL"],
                "MaxAttempts": seen.max_attempts - 1,
            }
        ]
    if seen.catches and kind in ("Task", "Parallel", "Map"):
        state["Catch"] = [
            {"ErrorEquals": errors, "Next": target} for target, errors in seen.catches.items()
        ]


def _observed_seconds(run: StateRun) -> int:
    if run.started_at is None or run.ended_at is None:
        return 0
    return max(0, round((run.ended_at - run.started_at).total_seconds()))
