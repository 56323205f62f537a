"""Map's ItemBatcher: groups a distributed Map's items so each child execution gets
{"Items": [...], "BatchInput": ...}, limited by MaxItemsPerBatch(Path) and
MaxInputBytesPerBatch(Path) (at most 256 KiB)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stepscope.engine.dataflow.templates import render_template
from stepscope.engine.errors import PAYLOAD_LIMIT_BYTES, RuntimeFailure
from stepscope.engine.recorder import json_text
from stepscope.engine.states.common import StateRun
from stepscope.engine.states.map_limits import number_field

__all__ = ["Batcher", "batch_items", "prepare_batcher"]


@dataclass
class Batcher:
    max_items: int | None
    max_bytes: int
    batch_input: Any
    has_batch_input: bool


def prepare_batcher(current: StateRun, effective: Any) -> Batcher | None:
    """Evaluate the ItemBatcher's limits and BatchInput, or None when the Map has none."""
    fields = current.state.get("ItemBatcher")
    if not isinstance(fields, dict):
        return None
    max_items = _positive(current, fields, "MaxItemsPerBatch", effective)
    max_bytes = _positive(current, fields, "MaxInputBytesPerBatch", effective)
    batch_input: Any = None
    has_batch_input = "BatchInput" in fields
    if has_batch_input:
        if current.jsonata:
            batch_input = current.evaluate(fields["BatchInput"], "ItemBatcher.BatchInput")
        else:
            batch_input = render_template(fields["BatchInput"], effective, current.scope())
    limit = PAYLOAD_LIMIT_BYTES if max_bytes is None else min(max_bytes, PAYLOAD_LIMIT_BYTES)
    return Batcher(max_items, limit, batch_input, has_batch_input)


def _positive(current: StateRun, fields: dict[str, Any], field: str, effective: Any) -> int | None:
    value = number_field(current, fields, field, effective, "integer")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise RuntimeFailure(f"The {field} field must be a positive integer, but was {value!r}")
    if int(value) <= 0:
        raise RuntimeFailure(f"The {field} field must be a positive integer, but was {value!r}")
    return int(value)


def _batch(batcher: Batcher, items: list[Any]) -> dict[str, Any]:
    batch: dict[str, Any] = {}
    if batcher.has_batch_input:
        batch["BatchInput"] = batcher.batch_input
    batch["Items"] = items
    return batch


def _size(value: Any) -> int:
    return len(json_text(value).encode("utf-8"))


def batch_items(batcher: Batcher, items: list[Any]) -> list[tuple[dict[str, Any], int]]:
    """The child inputs, each with the number of items it holds. A batch takes items in order
    until the next one would pass MaxItemsPerBatch or make its input larger than
    MaxInputBytesPerBatch."""
    batches: list[tuple[dict[str, Any], int]] = []
    current: list[Any] = []
    empty = _size(_batch(batcher, []))
    used = empty
    for item in items:
        # Each further item adds its own JSON text and a comma.
        cost = _size(item) + (1 if current else 0)
        full = batcher.max_items is not None and len(current) >= batcher.max_items
        if current and (full or used + cost > batcher.max_bytes):
            batches.append((_batch(batcher, current), len(current)))
            current, used, cost = [], empty, _size(item)
        if used + cost > batcher.max_bytes:
            raise RuntimeFailure(
                f"An item of {_size(item)} bytes does not fit in a batch of at most "
                f"{batcher.max_bytes} bytes (MaxInputBytesPerBatch)"
            )
        current.append(item)
        used += cost
    if current:
        batches.append((_batch(batcher, current), len(current)))
    return batches
