"""Masking an execution's payloads with its workspace's redaction rules, outside the projection:
the events and describe output of an import (stored masked when the workspace asks for it), the
describe output an export holds, and event rows read for a page.

Everything a page shows of the projection is masked in `selectors.execution_projection`, which
projects masked events; this module covers what is read around it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from apps.accounts.models import Workspace
from apps.accounts.redactors import workspace_import_redactor
from apps.executions.models import HistoryEvent
from stepscope.history.importing import ExecutionDescription, ImportedHistory
from stepscope.history.redaction import Redactor

# The payload fields of describe-execution output (`error` is a name, not a payload).
DESCRIPTION_PAYLOADS = ("input", "output", "cause")


def redact_imported(imported: ImportedHistory, *, workspace: Workspace) -> ImportedHistory:
    """The history as it is to be stored: its events and describe output masked when the
    workspace stores values already masked (`redact_at_import`), else as read."""
    redactor = workspace_import_redactor(workspace_id=workspace.pk)
    if not redactor:
        return imported
    return replace(
        imported,
        events=tuple(redactor.redact_events(imported.events)),
        description=description_redacted(imported.description, redactor),
    )


def description_redacted(
    description: ExecutionDescription | None, redactor: Redactor
) -> ExecutionDescription | None:
    """The describe output with its input, output and cause masked."""
    if description is None or not redactor:
        return description
    changes: dict[str, Any] = {}
    for field in DESCRIPTION_PAYLOADS:
        value = getattr(description, field)
        if isinstance(value, str):
            changes[field] = redactor.redact_json_text(value)
    return replace(description, **changes)


def event_rows_redacted(events: Iterable[HistoryEvent], redactor: Redactor) -> list[HistoryEvent]:
    """The events read for a page, each with its data masked in memory (for showing only: these
    rows are never saved)."""
    rows = list(events)
    if redactor:
        for event in rows:
            event.data = redactor.redact_event(event.data)
    return rows
