"""Writes for executions: import a history (merging with what is stored), and load the demos.

The history's events are stored once each (unique per execution and event id), in bulk. What the
lists filter on (status, times, counts) is copied from the projection of the events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.definitions.services import version_graph_svg
from apps.executions.linking import UnknownDefinitionError, link_definition, missing_states
from apps.executions.models import Execution, HistoryEvent
from stepscope.asl.build_model import build_state_machine
from stepscope.graph import Direction, render_svg
from stepscope.history.events import event_id, event_time, event_type, previous_event_id
from stepscope.history.importing import (
    ExecutionDescription,
    HistoryFormatError,
    ImportedHistory,
    SkippedEvent,
    read_history,
)
from stepscope.history.projection import Projection, project
from stepscope.history.reconstruct import reconstruct_definition

Document = tuple[str, str]
BATCH_SIZE = 1000
LOGGED_SKIPS = 200
NAME_MAX_LENGTH = 200
DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "histories"


class ExecutionImportError(ValueError):
    """Nothing could be imported; the message says what is wrong and where."""


@dataclass(frozen=True)
class ImportResult:
    execution: Execution
    created: bool
    added: int
    skipped: tuple[SkippedEvent, ...]
    notes: tuple[str, ...]
    missing_states: tuple[str, ...]
    definition_note: str


def _from_file(error: HistoryFormatError, names: list[str]) -> int | None:
    """The index of the document the error is about, when it names one."""
    where = error.where or ""
    for index, name in enumerate(names):
        if where == name or where.startswith(name + ","):
            return index
    return None


def _read(documents: Sequence[Document]) -> tuple[ImportedHistory, list[SkippedEvent]]:
    """Read every document; a file that is unreadable on its own is skipped, not fatal."""
    remaining = list(documents)
    dropped: list[SkippedEvent] = []
    while remaining:
        try:
            return read_history(remaining), dropped
        except HistoryFormatError as error:
            index = _from_file(error, [name for name, _ in remaining])
            if len(remaining) == 1 or index is None:
                raise ExecutionImportError(str(error)) from None
            name, _ = remaining.pop(index)
            dropped.append(SkippedEvent(None, name, f"file skipped: {error}"))
    raise ExecutionImportError("There was nothing to import: give a history file or paste one.")


def _canonical(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _find_execution(imported: ImportedHistory) -> Execution | None:
    """The stored execution this history belongs to: by ARN, else by its first event (so a
    history imported without describe output and again with it is still one execution)."""
    arn = imported.description.execution_arn if imported.description else None
    executions = Execution.objects.select_for_update()
    if arn:
        found = executions.filter(fingerprint=_digest(arn)).first()
        if found is not None:
            return found
    first = _digest(_canonical(imported.events[0]))
    candidates = executions.filter(first_event_digest=first)
    if arn:
        candidates = candidates.filter(execution_arn__in=["", arn])
    return candidates.order_by("id").first()


def _name_for(name: str | None, imported: ImportedHistory, documents: Sequence[Document]) -> str:
    description = imported.description
    arn = description.execution_arn if description else None
    candidates = [
        name,
        description.name if description else None,
        arn.rsplit(":", 1)[-1] if arn else None,
        *(Path(file).name.split(".")[0] for file, _ in documents if file != "pasted text"),
    ]
    for candidate in candidates:
        cleaned = " ".join((candidate or "").split())
        if cleaned:
            return cleaned[:NAME_MAX_LENGTH]
    return "imported execution"


def _description_json(description: ExecutionDescription | None) -> dict[str, Any] | None:
    if description is None:
        return None
    fields = asdict(description)
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def _merge(
    stored: dict[int, dict[str, Any]], incoming: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[SkippedEvent]]:
    """The incoming events not yet stored; one that differs from its stored twin is skipped."""
    new: list[dict[str, Any]] = []
    conflicts: list[SkippedEvent] = []
    for event in incoming:
        number = event_id(event)
        if number is None:
            continue
        if number not in stored:
            new.append(event)
        elif _canonical(stored[number]) != _canonical(event):
            conflicts.append(
                SkippedEvent(
                    number,
                    f"event {number}",
                    f"differs from event {number} already stored; the stored one is kept",
                )
            )
    return new, conflicts


def _run_of_event(projection: Projection) -> dict[int, tuple[str, str]]:
    owner: dict[int, tuple[str, str]] = {}
    for run in projection.runs:
        for number in run.event_ids:
            owner[number] = (run.name[:200], run.key[:1024])
    return owner


def _event_row(
    execution: Execution, event: dict[str, Any], owner: dict[int, tuple[str, str]]
) -> HistoryEvent:
    number = event_id(event) or 0
    state_name, run_key = owner.get(number, ("", ""))
    return HistoryEvent(
        execution=execution,
        event_id=number,
        previous_event_id=previous_event_id(event),
        type=event_type(event)[:64],
        timestamp=event_time(event),
        state_name=state_name,
        run_key=run_key,
        data=event,
    )


def _store_events(
    execution: Execution,
    new: Sequence[dict[str, Any]],
    owner: dict[int, tuple[str, str]],
    *,
    had_stored: bool,
) -> None:
    """Insert the new events in bulk; re-point stored ones whose run changed with the merge."""
    rows = [_event_row(execution, event, owner) for event in new]
    HistoryEvent.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    if not had_stored or not rows:
        return  # nothing stored before, or nothing new: no stored event can have moved
    new_ids = {row.event_id for row in rows}
    moved = []
    stored = HistoryEvent.objects.filter(execution=execution)
    for row in stored.only("id", "event_id", "state_name", "run_key").iterator(chunk_size=2000):
        if row.event_id in new_ids:
            continue
        state_name, run_key = owner.get(row.event_id, ("", ""))
        if (row.state_name, row.run_key) != (state_name, run_key):
            row.state_name, row.run_key = state_name, run_key
            moved.append(row)
    HistoryEvent.objects.bulk_update(moved, ["state_name", "run_key"], batch_size=BATCH_SIZE)


def _copy_projection(execution: Execution, projection: Projection) -> None:
    summary = projection.execution
    execution.status = summary.status
    execution.started_at = summary.started_at
    execution.stopped_at = summary.stopped_at
    execution.event_count = summary.event_count
    execution.transitions = summary.transitions
    execution.error = (summary.error or "")[:512]
    failed = projection.run(projection.failed_run_key) if projection.failed_run_key else None
    execution.failed_state = failed.name[:200] if failed else ""


def _copy_description(execution: Execution, imported: ImportedHistory) -> None:
    description = imported.description
    if description is not None:
        execution.description = _description_json(description)
        if description.execution_arn and not execution.execution_arn:
            execution.execution_arn = description.execution_arn
            execution.fingerprint = _digest(description.execution_arn)
        execution.state_machine_arn = description.state_machine_arn or execution.state_machine_arn
    if imported.state_machine_name:
        execution.state_machine_name = imported.state_machine_name[:200]
    if imported.definition:
        execution.definition_text = imported.definition


def _log_entry(
    *, documents: Sequence[Document], user: Any, added: int, result_parts: dict[str, Any]
) -> dict[str, Any]:
    skipped = result_parts["skipped"]
    entry = {
        "at": timezone.now().isoformat(),
        "by": user.get_username() if getattr(user, "is_authenticated", False) else "",
        "files": [name for name, _ in documents],
        "added": added,
        "skipped": [asdict(item) for item in skipped[:LOGGED_SKIPS]],
        "skipped_count": len(skipped),
        "notes": list(result_parts["notes"]),
        "missing_states": list(result_parts["missing_states"]),
        "definition": result_parts["definition_note"],
    }
    return entry


def execution_import(
    *,
    documents: Sequence[Document],
    definition: str | int | None = None,
    name: str | None = None,
    user: Any = None,
) -> ImportResult:
    """Import a history from (file name, text) documents: pages, describe output, or a bundle.

    Sound events are stored, each once; what was skipped is reported. Raises ExecutionImportError
    (nothing usable, or an unknown `definition`) without changing anything already stored.
    """
    imported, skipped = _read(documents)
    if not imported.events:
        reasons = "; ".join(f"{s.where}: {s.reason}" for s in imported.skipped[:5])
        raise ExecutionImportError(
            "No usable history events were found" + (f" ({reasons})." if reasons else ".")
        )
    skipped.extend(imported.skipped)
    with transaction.atomic():
        execution = _find_execution(imported)
        created = execution is None
        if execution is None:
            first = _digest(_canonical(imported.events[0]))
            execution = Execution(
                fingerprint=first, first_event_digest=first, imported_by=_user(user)
            )
        execution.name = name.strip()[:NAME_MAX_LENGTH] if name and name.strip() else execution.name
        if not execution.name:
            execution.name = _name_for(name, imported, documents)
        stored = {} if created else dict(execution.events.values_list("event_id", "data"))
        new, conflicts = _merge(stored, imported.events)
        skipped.extend(conflicts)
        events = sorted([*stored.values(), *new], key=lambda event: event_id(event) or 0)
        projection = project(events)
        _copy_description(execution, imported)
        _copy_projection(execution, projection)
        history_states = {run.name for run in projection.runs}
        problems: list[str] = []
        note = _relink(execution, definition, imported, history_states, user, problems, created)
        if execution.definition_version is None:
            execution.reconstructed = True
            execution.reconstructed_definition = reconstruct_definition(projection)
            execution.reconstructed_svg = ""
        else:
            execution.reconstructed = False
            execution.reconstructed_definition = None
            execution.reconstructed_svg = ""
        execution.save()
        _store_events(execution, new, _run_of_event(projection), had_stored=bool(stored))
        lacking = tuple(missing_states(execution.definition_version, history_states))
        notes = (*imported.notes, *problems)
        parts = {
            "skipped": tuple(skipped),
            "notes": notes,
            "missing_states": lacking,
            "definition_note": note,
        }
        entry = _log_entry(documents=documents, user=user, added=len(new), result_parts=parts)
        execution.import_log = [*execution.import_log, entry][-20:]
        execution.save(update_fields=["import_log"])
    return ImportResult(execution, created, len(new), **parts)


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _relink(
    execution: Execution,
    given: str | int | None,
    imported: ImportedHistory,
    history_states: set[str],
    user: Any,
    problems: list[str],
    created: bool,
) -> str:
    """Tie the execution to a version, unless it already has one and none was asked for."""
    asked = given is not None and str(given).strip() != ""
    if not created and not asked and execution.definition_version_id is not None:
        return f"kept {execution.definition_version}"
    try:
        link = link_definition(
            given=given,
            definition_text=imported.definition,
            state_machine_name=execution.state_machine_name or None,
            history_states=history_states,
            user=user,
            problems=problems,
        )
    except UnknownDefinitionError as error:
        raise ExecutionImportError(str(error)) from None
    execution.definition_version = link.version
    return link.how


@dataclass(frozen=True)
class DemoLoad:
    created: int
    unchanged: int
    failed: tuple[str, ...]


def demo_executions_load(*, directory: Path = DEMO_DIR, user: Any = None) -> DemoLoad:
    """Import every demo history in fixtures/histories/ with its `.describe.json`, if any."""
    created = unchanged = 0
    failed: list[str] = []
    for path in sorted(directory.glob("*.json")):
        if path.name.endswith(".describe.json"):
            continue
        documents = [(path.name, path.read_text(encoding="utf-8"))]
        describe = path.with_name(path.name[: -len(".json")] + ".describe.json")
        if describe.exists():
            documents.append((describe.name, describe.read_text(encoding="utf-8")))
        try:
            result = execution_import(documents=documents, user=user)
        except ExecutionImportError as error:
            failed.append(f"{path.name}: {error}")
            continue
        created += result.created
        unchanged += not result.created
    return DemoLoad(created=created, unchanged=unchanged, failed=tuple(failed))


def execution_graph_svg(*, execution: Execution, direction: Direction = "TB") -> str:
    """The drawn graph: the definition version's cached layout, or the reconstructed one's.

    Raises GraphRenderError when Graphviz cannot draw it, ValueError when nothing is drawable.
    """
    version = execution.definition_version
    if version is not None:
        return version_graph_svg(version=version, direction=direction)
    if execution.reconstructed_definition is None:
        raise ValueError("this execution has neither a definition nor a reconstructed one")
    if direction == "TB" and execution.reconstructed_svg:
        return execution.reconstructed_svg
    svg = render_svg(build_state_machine(execution.reconstructed_definition), direction=direction)
    if direction == "TB":
        Execution.objects.filter(pk=execution.pk).update(reconstructed_svg=svg)
    return svg
