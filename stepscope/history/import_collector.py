"""Collect the events, description and definition found in imported documents, and report skips."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stepscope.history.description import ExecutionDescription, state_machine_name_from_arn
from stepscope.history.event_checks import MAX_EVENTS, check_event
from stepscope.history.event_types import AWS_EVENT_TYPES
from stepscope.history.events import HistoryEvent

BUNDLE_FORMAT = "stepscope.execution-bundle"
BUNDLE_VERSION = 1
MAX_SKIPPED_LISTED = 1000
"""Skipped events listed one by one; any more are counted in one last entry."""
MAX_GAP_NOTES = 10


@dataclass(frozen=True)
class SkippedEvent:
    event_id: int | None
    where: str  # e.g. "history.json, events[17]"
    reason: str  # e.g. "duplicate id 17 with different content"


@dataclass(frozen=True)
class ImportedHistory:
    events: tuple[HistoryEvent, ...]  # the sound events, ascending id, each once
    description: ExecutionDescription | None
    definition: str | None
    state_machine_name: str | None
    skipped: tuple[SkippedEvent, ...]
    notes: tuple[str, ...]
    past_limit: int = 0  # sound events left out for being past AWS's limit (MAX_EVENTS)


class HistoryFormatError(ValueError):
    """Nothing usable: says what is wrong, in which file, and at which line and column."""

    def __init__(
        self,
        message: str,
        where: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.where = where
        self.line = line
        self.column = column
        super().__init__(self._describe())

    def place(self) -> str:
        """The file, line and column, as far as they are known."""
        parts = [self.where] if self.where else []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def _describe(self) -> str:
        place = self.place()
        return f"{place}: {self.message}" if place else self.message


@dataclass
class Collector:
    """Everything read so far, across documents and files."""

    events: dict[int, HistoryEvent] = field(default_factory=dict)
    origins: dict[int, str] = field(default_factory=dict)
    skipped: list[SkippedEvent] = field(default_factory=list)
    unlisted_skips: int = 0
    notes: list[str] = field(default_factory=list)
    description: ExecutionDescription | None = None
    definition: str | None = None
    named_machine: str | None = None  # from a bundle or describe-state-machine-for-execution
    pages: int = 0
    exact_duplicates: int = 0
    converted_payloads: int = 0
    unknown_types: dict[str, int] = field(default_factory=dict)
    first_error: HistoryFormatError | None = None
    suspicious: bool = True  # the document being read may hold unsound numbers or bad text
    current_file: str = ""
    reversed_files: list[str] = field(default_factory=list)

    def skip(self, event_id: int | None, where: str, reason: str) -> None:
        if len(self.skipped) < MAX_SKIPPED_LISTED:
            self.skipped.append(SkippedEvent(event_id, where, reason))
        else:
            self.unlisted_skips += 1

    def refuse_file_part(self, error: HistoryFormatError) -> None:
        """A whole document (or the rest of a file) could not be read."""
        if self.first_error is None:
            self.first_error = error
        self.skip(None, error.place() or "?", error.message)

    def add_events(self, raw_events: list[Any], where: str) -> None:
        ids: list[int] = []
        for index, raw in enumerate(raw_events):
            self.add_event(raw, f"{where}[{index}]", ids)
        reverse = len(ids) > 1 and ids[0] > ids[-1]
        if reverse and self.current_file not in self.reversed_files:
            self.reversed_files.append(self.current_file)

    def add_event(self, raw: object, where: str, ids: list[int]) -> None:
        checked = check_event(raw, self.suspicious)
        if checked.event is None or checked.event_id is None:
            self.skip(checked.event_id, where, checked.reason or "it is not a sound event")
            return
        event_id, event = checked.event_id, checked.event
        ids.append(event_id)
        known = self.events.get(event_id)
        if known is not None:
            if known == event:
                self.exact_duplicates += 1
            else:
                first = self.origins[event_id]
                self.skip(
                    event_id, where, f"duplicate id {event_id} with different content ({first})"
                )
            return
        self.events[event_id] = event
        self.origins[event_id] = where
        self.converted_payloads += checked.converted_payloads
        if event["type"] not in AWS_EVENT_TYPES:
            self.unknown_types[event["type"]] = self.unknown_types.get(event["type"], 0) + 1

    def finish(self, documents: Sequence[tuple[str, str]]) -> ImportedHistory:
        kept = self._within_limit()
        if not kept:
            raise self._nothing_usable(documents)
        self._note_gaps(kept)
        self._note_counts()
        if self.unlisted_skips:
            self.skipped.append(
                SkippedEvent(None, "…", f"{self.unlisted_skips} more skipped events, not listed")
            )
        events = tuple(self.events[event_id] for event_id in kept)
        return ImportedHistory(
            events=events,
            description=self.description,
            definition=self.definition,
            state_machine_name=self._machine_name(events),
            skipped=tuple(self.skipped),
            notes=tuple(self.notes),
            past_limit=len(self.events) - len(kept),
        )

    def _within_limit(self) -> list[int]:
        ordered = sorted(self.events)
        for event_id in ordered[MAX_EVENTS:]:
            reason = f"it is past AWS's limit of {MAX_EVENTS:,} events in one history"
            self.skip(event_id, self.origins[event_id], reason)
        return ordered[:MAX_EVENTS]

    def _nothing_usable(self, documents: Sequence[tuple[str, str]]) -> HistoryFormatError:
        if self.first_error is not None and not self.skipped[1:]:
            return self.first_error
        where = documents[0][0] if len(documents) == 1 else None
        if self.skipped:
            first = self.skipped[0]
            count = len(self.skipped) + self.unlisted_skips
            return HistoryFormatError(
                f"no event could be imported: {count} skipped; the first, at {first.where}, "
                f"because {first.reason}",
                where,
            )
        return HistoryFormatError("no execution history events were found", where)

    def _note_gaps(self, kept: list[int]) -> None:
        gaps: list[str] = []
        if kept[0] != 1:
            gaps.append(f"events 1–{kept[0] - 1} are missing (the history starts at id {kept[0]})")
        for before, after in zip(kept, kept[1:], strict=False):
            if after != before + 1:
                missing = f"{before + 1}" if after == before + 2 else f"{before + 1}–{after - 1}"
                gaps.append(f"ids jump from {before} to {after}: event {missing} missing")
        self.notes.extend(gaps[:MAX_GAP_NOTES])
        if len(gaps) > MAX_GAP_NOTES:
            self.notes.append(f"and {len(gaps) - MAX_GAP_NOTES} more gaps in the ids")

    def _note_counts(self) -> None:
        for name in self.reversed_files:
            self.notes.append(f"{name}: events were in reverse order")
        if self.pages > 1:
            self.notes.append(f"read {self.pages} pages")
        if self.exact_duplicates:
            self.notes.append(f"dropped {self.exact_duplicates} exact duplicate events")
        if self.converted_payloads:
            self.notes.append(
                f"{self.converted_payloads} events had payloads as JSON values; stored as JSON text"
            )
        for name, count in sorted(self.unknown_types.items()):
            self.notes.append(f"{count} events have type {name}, which AWS does not define (kept)")

    def _machine_name(self, events: tuple[HistoryEvent, ...]) -> str | None:
        if self.named_machine:
            return self.named_machine
        if self.description is not None:
            for arn in (self.description.state_machine_arn, self.description.execution_arn):
                name = state_machine_name_from_arn(arn)
                if name:
                    return name
        started = events[0].get("executionStartedEventDetails") if events else None
        if isinstance(started, dict):
            for key in ("stateMachineVersionArn", "stateMachineAliasArn"):
                name = state_machine_name_from_arn(started.get(key))
                if name:
                    return name
        return None
