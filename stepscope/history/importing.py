"""Read execution histories from the files people have: CLI output, describe output, our bundle.

`read_history` takes (file name, text) pairs. Each text may hold one `get-execution-history` page,
several pages back to back, a bare event list, `--reverse-order` output, `describe-execution` JSON,
`describe-state-machine-for-execution` JSON, an ASL definition, or our own bundle. Documents are
recognised by shape and merged; events are sorted by id, exact duplicates dropped silently, and
every event that cannot be kept is reported with where it was and why. `write_bundle` writes the
bundle that `read_history` reads back losslessly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC

from stepscope.history.description import (
    ExecutionDescription,
    description_document,
    state_machine_name_from_arn,
)
from stepscope.history.event_checks import MAX_EVENTS, MAX_PAYLOAD_BYTES
from stepscope.history.events import HistoryEvent
from stepscope.history.import_collector import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    HistoryFormatError,
    ImportedHistory,
    SkippedEvent,
)
from stepscope.history.import_shapes import read_documents

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "MAX_EVENTS",
    "MAX_PAYLOAD_BYTES",
    "ExecutionDescription",
    "HistoryFormatError",
    "ImportedHistory",
    "SkippedEvent",
    "read_history",
    "state_machine_name_from_arn",
    "write_bundle",
]


def read_history(documents: Sequence[tuple[str, str]]) -> ImportedHistory:
    """Merge every document of every (name, text) pair into one history.

    Raises HistoryFormatError (with the file, line and column) when nothing usable is found:
    no text is JSON, or no event in any of them is sound.
    """
    return read_documents(documents)


def _aware(description: ExecutionDescription | None) -> ExecutionDescription | None:
    """Naive dates are taken as UTC, so that they read back equal."""
    if description is None:
        return None
    start, stop = description.start_date, description.stop_date
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if stop is not None and stop.tzinfo is None:
        stop = stop.replace(tzinfo=UTC)
    if (start, stop) == (description.start_date, description.stop_date):
        return description
    return replace(description, start_date=start, stop_date=stop)


def write_bundle(
    *,
    events: Sequence[HistoryEvent],
    description: ExecutionDescription | None,
    definition: str | None,
    state_machine_name: str | None,
) -> str:
    """Our bundle: definition, describe-execution fields and every event, as one JSON document."""
    described = _aware(description)
    bundle = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "stateMachineName": state_machine_name,
        "definition": definition,
        "execution": None if described is None else description_document(described),
        "events": list(events),
    }
    return json.dumps(bundle, indent=1, ensure_ascii=True) + "\n"
