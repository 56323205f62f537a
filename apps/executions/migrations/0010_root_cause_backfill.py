"""Compute the root cause of every stored failed, timed-out or aborted execution from its events.

Executions are taken a batch of ids at a time and each one's events are streamed in id order, so
neither all executions nor a 25,000-event history are held in memory at once.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from stepscope.history.projection import Projector
from stepscope.history.rootcause import root_cause

BATCH = 200
ENDED_BADLY = ("FAILED", "TIMED_OUT", "ABORTED")


def backfill(apps: Any, schema_editor: Any) -> None:
    del schema_editor
    execution_model = apps.get_model("executions", "Execution")
    event_model = apps.get_model("executions", "HistoryEvent")
    pending = execution_model.objects.filter(status__in=ENDED_BADLY).order_by("pk")
    last = 0
    while True:
        batch = list(pending.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not batch:
            return
        for pk in batch:
            projector = Projector()
            events = (
                event_model.objects.filter(execution_id=pk)
                .order_by("event_id")
                .values_list("data", flat=True)
            )
            projector.feed_all(events.iterator(chunk_size=2000))
            cause = root_cause(projector.projection())
            if cause is None:
                continue
            execution_model.objects.filter(pk=pk).update(
                root_cause_state=cause.state_name[:200],
                root_cause_run_key=cause.run_key[:1024],
                root_cause_error=cause.error[:512],
                root_cause_text=cause.sentence,
            )
        last = batch[-1]


class Migration(migrations.Migration):
    dependencies = [("executions", "0009_root_cause")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
