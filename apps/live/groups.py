"""Channel group names: the one place they are made (DESIGN.md, "Realtime")."""

from __future__ import annotations


def execution_group(execution_id: int) -> str:
    """The group an execution's new events are published to (and its viewers listen on)."""
    return f"execution.{int(execution_id)}"
