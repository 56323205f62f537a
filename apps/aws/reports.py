"""What a sync tells its caller as it goes (progress) and at the end (summary)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SyncProgress:
    """One step of a pull, for a progress line: `text`, and `done` of `total` when counted."""

    stage: str  # region | state_machine | listing | history | execution | note
    text: str
    done: int = 0
    total: int = 0


ProgressCallback = Callable[[SyncProgress], None]


def no_progress(progress: SyncProgress) -> None:
    """The default callback: say nothing."""


@dataclass
class SyncSummary:
    """What a sync found and added."""

    regions: list[str] = field(default_factory=list)
    state_machines: int = 0
    versions: int = 0  # published versions seen (ListStateMachineVersions)
    aliases: int = 0
    definitions_added: int = 0  # new definition versions (a text not seen before)
    executions_listed: int = 0
    executions_added: int = 0
    executions_updated: int = 0  # already stored; new events arrived (running, redriven)
    executions_unchanged: int = 0  # already stored and finished: not pulled again
    events_added: int = 0
    resumed: int = 0  # history pulls that carried on from a saved nextToken
    map_runs: int = 0  # Distributed Map runs described (DescribeMapRun)
    child_executions_listed: int = 0  # listed with ListExecutions(mapRunArn)
    express_executions: int = 0  # Express executions found in CloudWatch Logs
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary in words, one line each."""
        lines = [
            f"regions: {', '.join(self.regions) or 'none'}",
            f"state machines: {self.state_machines} ({self.versions} versions, "
            f"{self.aliases} aliases); {self.definitions_added} new definition versions",
            f"executions: {self.executions_listed} listed, {self.executions_added} added, "
            f"{self.executions_updated} updated, {self.executions_unchanged} already up to date",
            f"events added: {self.events_added}"
            + (f" ({self.resumed} pulls resumed)" if self.resumed else ""),
        ]
        if self.map_runs or self.child_executions_listed:
            lines.append(
                f"map runs: {self.map_runs}, {self.child_executions_listed} child executions listed"
            )
        if self.express_executions:
            lines.append(f"express executions from CloudWatch Logs: {self.express_executions}")
        lines.extend(f"note: {note}" for note in self.notes)
        lines.extend(f"failed: {failure}" for failure in self.failures)
        return lines
