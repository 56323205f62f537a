"""Benchmark: import, project and open a 25,000-event history, against a floor on the same rows.

Run it from the repository root:  .venv/bin/python bench/execution_import.py [--events 25000]

In one run, on the same generated history (stepscope.history.synthetic.generate_large_history),
in a fresh SQLite database:
  floor    json.loads of the text, then one executemany INSERT of the same rows
           (execution, id, previous id, type, timestamp, event JSON): the least any import can do
  import   apps.executions.services.execution_import: read and check every event, project them,
           tie to a definition or reconstruct, bulk_create with ignore_conflicts
  reimport the same import again (adds nothing)
  project  stepscope.history.projection.project over the stored events
  page     server time of the execution page (cold: projection and graph layout; warm), of the
           event view's first and last pages, and of a deep link to event 24,999
Times come from plain runs; peak Python memory (tracemalloc) from a second run of the floor and
the import. import/floor is printed as a ratio. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(label: str, work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"{label:<30} {elapsed * 1000:9.0f} ms")
    return elapsed, result


def peak_memory(label: str, work: Callable[[], Any]) -> Any:
    """A second, slower run under tracemalloc, for the peak of Python allocations only."""
    tracemalloc.start()
    result = work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<30} peak {peak / 1_048_576:7.1f} MiB")
    return result


def floor_insert(text: str, execution_id: int) -> None:
    """json.loads plus one bulk INSERT of the same rows, with no checks and no projection."""
    from django.db import connection, transaction

    from stepscope.history.events import event_time

    events = json.loads(text)["events"]
    rows = [
        (
            execution_id,
            event["id"],
            event.get("previousEventId"),
            event["type"],
            (event_time(event) or "").__str__(),
            "",
            "",
            json.dumps(event),
        )
        for event in events
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO executions_historyevent (execution_id, event_id, previous_event_id, "
            "type, timestamp, state_name, run_key, data) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=25_000)
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="stepscope-bench-")
    os.environ["STEPSCOPE_VAR_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = ""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from apps.executions.models import Execution
    from apps.executions.selectors import clear_projections, execution_projection
    from apps.executions.services import execution_import
    from stepscope.history.synthetic import generate_large_history

    call_command("migrate", verbosity=0)
    text = json.dumps(generate_large_history(event_count=args.events))
    print(f"history: {args.events} events, {len(text) / 1_048_576:.1f} MiB of JSON\n")

    documents = [("large.json", text)]

    def floor_run() -> None:
        holder = Execution.objects.create(name="floor", fingerprint="floor", status="SUCCEEDED")
        floor_insert(text, holder.pk)
        holder.delete()

    floor, _ = timed("floor (json.loads + insert)", floor_run)
    ours, result = timed("import", lambda: execution_import(documents=documents))
    result.execution.delete()
    print()
    peak_memory("floor (json.loads + insert)", floor_run)
    result = peak_memory("import", lambda: execution_import(documents=documents))
    print()
    timed("reimport (adds nothing)", lambda: execution_import(documents=documents))
    execution = result.execution
    timed("project stored events", lambda: execution_projection(execution=execution))
    clear_projections()  # the first page view below projects again, as after a restart

    user = get_user_model().objects.create_user(username="bench", password="bench-pass-123")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    base = f"/executions/{execution.pk}/"
    pages = [
        ("page: graph (cold)", base),
        ("page: graph (warm)", base),
        ("page: events, first page", base + "?view=events"),
        ("page: events, last page", base + f"?view=events&page={args.events // 100}"),
        ("page: deep link to event", base + f"?event={args.events - 1}"),
        ("page: table view", base + "?view=table"),
    ]
    for label, url in pages:
        _, response = timed(label, lambda url=url: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
    print(f"\nimport/floor: {ours / floor:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
