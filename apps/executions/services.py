"""Writes for executions: import a history (merging with what is stored), and load the demos.

The history's events are stored once each (unique per execution and event id), in bulk. What the
lists filter on (status, times, counts) is copied from the projection of the events. A history of
more than AWS's 25,000 events (MAX_EVENTS), in the files or once merged with what is stored, is
refused before anything is written: it cannot be one execution's history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.audit import audit_record
from apps.accounts.models import Workspace
from apps.definitions.services import version_graph_svg
from apps.executions.linking import UnknownDefinitionError, link_definition, missing_states
from apps.executions.models import Execution
from apps.executions.redaction import redact_imported
from apps.executions.search import search_index
from apps.executions.selectors import projection_remember
from apps.executions.storage import canonical, merge, run_of_event, store_events, stored_events
from stepscope.asl.build_model import build_state_machine
from stepscope.graph import Direction, render_svg
from stepscope.history.events import event_id
from stepscope.history.importing import (
    MAX_EVENTS,
    ExecutionDescription,
    HistoryFormatError,
    ImportedHistory,
    SkippedEvent,
    read_history,
)
from stepscope.history.projection import Projection, project
from stepscope.history.reconstruct import reconstruct_definition
from stepscope.history.rootcause import RootCause, root_cause

Document = tuple[str, str]
Progress = Callable[[str, int], None]
"""Told what an import is doing (a line for people) and how many events it found."""
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _find_execution(imported: ImportedHistory, workspace: Workspace) -> Execution | None:
    """The stored execution this history belongs to: by ARN, else by its first event (so a
    history imported without describe output and again with it is still one execution)."""
    arn = imported.description.execution_arn if imported.description else None
    executions = Execution.objects.select_for_update().filter(workspace=workspace)
    if arn:
        found = executions.filter(fingerprint=_digest(arn)).first()
        if found is not None:
            return found
    first = _digest(canonical(imported.events[0]))
    candidates = executions.filter(first_event_digest=first)
    if arn:
        candidates = candidates.filter(execution_arn__in=["", arn])
    return candidates.order_by("id").first()


def _name_for(imported: ImportedHistory, documents: Sequence[Document]) -> str:
    """The name from describe-execution, the ARN, or the first file's name."""
    description = imported.description
    arn = description.execution_arn if description else None
    candidates = [
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


def copy_projection(execution: Execution, projection: Projection) -> RootCause | None:
    """Copy what lists filter and sort on (status, times, counts, the failed state, and where the
    failure started); the root cause, for the search document made once the execution is saved."""
    summary = projection.execution
    execution.status = summary.status
    execution.started_at = summary.started_at
    execution.stopped_at = summary.stopped_at
    execution.event_count = summary.event_count
    execution.transitions = summary.transitions
    execution.error = (summary.error or "")[:512]
    failed = projection.run(projection.failed_run_key) if projection.failed_run_key else None
    execution.failed_state = failed.name[:200] if failed else ""
    cause = root_cause(projection)
    execution.root_cause_state = cause.state_name[:200] if cause else ""
    execution.root_cause_run_key = cause.run_key[:1024] if cause else ""
    execution.root_cause_error = cause.error[:512] if cause else ""
    execution.root_cause_text = cause.sentence if cause else ""
    return cause


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


def _files_text(documents: Sequence[Document]) -> str:
    names = [name for name, _ in documents]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return shown or "the history"


def _past_limit_error(documents: Sequence[Document], found: int) -> ExecutionImportError:
    return ExecutionImportError(
        f"{_files_text(documents)} {'holds' if len(documents) == 1 else 'hold'} {found:,} events, "
        f"more than the {MAX_EVENTS:,} AWS keeps in one execution's history, so this is not one "
        "execution's history (or the file is broken). Nothing was imported: import the pages of "
        "one execution at a time."
    )


def execution_import(
    *,
    workspace: Workspace,
    documents: Sequence[Document],
    definition: str | int | None = None,
    name: str | None = None,
    user: Any = None,
    audited: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a history from (file name, text) documents: pages, describe output, or a bundle.

    Sound events are stored, each once; what was skipped is reported. Raises ExecutionImportError
    (nothing usable, more than AWS's 25,000 events, or an unknown `definition`) without changing
    anything already stored. `audited`: record it in the audit log (imports people ask for, not
    those an AWS pull or follow makes). `progress` is told when the files have been read.
    """
    imported, skipped = _read(documents)
    if imported.past_limit:
        raise _past_limit_error(documents, len(imported.events) + imported.past_limit)
    imported = redact_imported(imported, workspace=workspace)  # masked if the workspace says so
    if not imported.events:
        reasons = "; ".join(f"{s.where}: {s.reason}" for s in imported.skipped[:5])
        raise ExecutionImportError(
            "No usable history events were found" + (f" ({reasons})." if reasons else ".")
        )
    if progress is not None:
        progress(f"Read {len(imported.events):,} events; storing them", len(imported.events))
    skipped.extend(imported.skipped)
    request = _Request(workspace, documents, definition, name, user, audited)
    try:
        return _import_once(imported, skipped, request)
    except IntegrityError:  # another import created the same execution at the same moment
        return _import_once(imported, skipped, request)


@dataclass(frozen=True)
class _Request:
    workspace: Workspace
    documents: Sequence[Document]
    definition: str | int | None
    name: str | None
    user: Any
    audited: bool = False


def _execution_for(
    imported: ImportedHistory, request: _Request, problems: list[str]
) -> tuple[Execution, bool]:
    """The stored execution the history belongs to, or a new one.

    A name given with the import names a new execution only: importing a history that is already
    stored keeps its stored name (adding to a history must not rename it), and `problems` says so.
    """
    execution = _find_execution(imported, request.workspace)
    given = (request.name or "").strip()[:NAME_MAX_LENGTH]
    if execution is not None:
        if given and given != execution.name:
            problems.append(
                f"This history was already stored as \u201c{execution.name}\u201d; it keeps that "
                f"name (the name \u201c{given}\u201d is used only for a new execution)."
            )
        return execution, False
    first = _digest(canonical(imported.events[0]))
    execution = Execution(
        workspace=request.workspace,
        fingerprint=first,
        first_event_digest=first,
        imported_by=_user(request.user),
        name=given or _name_for(imported, request.documents),
    )
    return execution, True


def _set_graph_source(execution: Execution, projection: Projection) -> None:
    """No definition: draw the states the history shows, marked as reconstructed."""
    execution.reconstructed = execution.definition_version is None
    execution.reconstructed_definition = (
        reconstruct_definition(projection) if execution.reconstructed else None
    )
    execution.reconstructed_svg = ""


def _import_once(
    imported: ImportedHistory, skipped: list[SkippedEvent], request: _Request
) -> ImportResult:
    with transaction.atomic():
        problems: list[str] = []
        execution, created = _execution_for(imported, request, problems)
        stored = {} if created else stored_events(execution)
        new, conflicts = merge(stored, imported.events)
        if len(stored) + len(new) > MAX_EVENTS:
            raise ExecutionImportError(
                f"{execution.name} already has {len(stored):,} events; with {len(new):,} new ones "
                f"from {_files_text(request.documents)} it would have more than the "
                f"{MAX_EVENTS:,} AWS keeps in one execution's history. Nothing was imported: "
                "check that these files belong to this execution."
            )
        events = sorted([*stored.values(), *new], key=lambda event: event_id(event) or 0)
        projection = project(events)
        _copy_description(execution, imported)
        cause = copy_projection(execution, projection)
        history_states = {run.name for run in projection.runs}
        note = _relink(execution, request, imported, history_states, problems, created)
        _set_graph_source(execution, projection)
        execution.save()
        search_index(execution=execution, projection=projection, cause=cause)
        store_events(execution, new, run_of_event(projection), had_stored=bool(stored))
        parts = {
            "skipped": (*skipped, *conflicts),
            "notes": (*imported.notes, *problems),
            "missing_states": tuple(missing_states(execution.definition_version, history_states)),
            "definition_note": note,
        }
        entry = _log_entry(
            documents=request.documents, user=request.user, added=len(new), result_parts=parts
        )
        execution.import_log = [*execution.import_log, entry][-20:]
        execution.save(update_fields=["import_log"])
        if request.audited:
            audit_record(
                action="execution.import",
                workspace=request.workspace,
                actor=request.user,
                target=execution.name,
                detail={"added": len(new), "files": entry["files"]},
            )
        # The projection is of exactly what is now stored: keep it for the page that follows.
        transaction.on_commit(
            lambda: projection_remember(execution=execution, projection=projection)
        )
    return ImportResult(execution, created, len(new), **parts)


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _relink(
    execution: Execution,
    request: _Request,
    imported: ImportedHistory,
    history_states: set[str],
    problems: list[str],
    created: bool,
) -> str:
    """Tie the execution to a version, unless it already has one and none was asked for."""
    given, user = request.definition, request.user
    asked = given is not None and str(given).strip() != ""
    if not created and not asked and execution.definition_version_id is not None:
        return f"kept {execution.definition_version}"
    try:
        link = link_definition(
            workspace=request.workspace,
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


def demo_executions_load(
    *, workspace: Workspace, directory: Path = DEMO_DIR, user: Any = None
) -> DemoLoad:
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
            result = execution_import(workspace=workspace, documents=documents, user=user)
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
