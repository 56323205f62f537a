"""Import, project and open a 25,000-event history, against a floor: json.loads plus a bulk insert.

    .venv/bin/python bench/history_import.py [--events 25000] [--repeat 3]

Runs against a throwaway SQLite database in a temporary folder (so it never touches your data),
or against DATABASE_URL with --use-database-url. Prints best and median wall time and the peak
memory (tracemalloc) of each step, and the ratio of ours to the floor. Asserts nothing.

- `floor`: `json.loads` of the same text plus `bulk_create` of the same rows, the least any
  importer must do;
- `import`: `execution_import`: read and check the text, project it, store every event in bulk;
- `project`: `execution_projection`: read the stored events back and project them (cache cleared);
- `page`: the server time of GET /executions/<id>/ for a signed-in user (cache cleared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(use_database_url: bool) -> None:
    if not use_database_url:
        os.environ.pop("DATABASE_URL", None)
        os.environ["STEPSCOPE_VAR_DIR"] = tempfile.mkdtemp(prefix="stepscope-bench-")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def measure(work: Callable[[], Any], *, traced: bool) -> tuple[float, int, Any]:
    """Wall seconds, peak traced bytes (0 unless traced), and the result of one call.

    Tracing allocations slows Python down several times, so timed runs are not traced: the first
    repetition measures memory and its time is not reported.
    """
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    return elapsed, peak, result


def _bench_workspace() -> Any:
    from apps.accounts.models import Workspace

    return Workspace.objects.get_or_create(name="bench")[0]


def floor_import(text: str) -> int:
    """The least an importer does: parse the text and insert one row per event, in bulk."""
    from apps.executions.models import Execution, HistoryEvent

    document = json.loads(text)
    execution = Execution.objects.create(
        workspace=_bench_workspace(),
        name="floor",
        fingerprint=f"floor-{time.perf_counter_ns()}",
        status="SUCCEEDED",
    )
    rows = [
        HistoryEvent(
            execution=execution,
            event_id=event["id"],
            previous_event_id=event.get("previousEventId"),
            type=event["type"],
            data=event,
        )
        for event in document["events"]
    ]
    HistoryEvent.objects.bulk_create(rows, batch_size=2000)
    return execution.pk


def ours_import(text: str) -> int:
    from apps.executions.models import Execution
    from apps.executions.services import execution_import

    Execution.objects.filter(name__startswith="billing-run").delete()  # so it is a fresh import
    result = execution_import(workspace=_bench_workspace(), documents=[("bench.json", text)])
    return int(result.execution.pk)


def ours_project(pk: int) -> int:
    from apps.executions.models import Execution
    from apps.executions.selectors import clear_projections, execution_projection

    clear_projections()
    return len(execution_projection(execution=Execution.objects.get(pk=pk)).runs)


def ours_page(client: Any, pk: int) -> int:
    from apps.executions.selectors import clear_projections

    clear_projections()
    response = client.get(f"/executions/{pk}/")
    if response.status_code != 200:
        raise SystemExit(f"the execution page answered {response.status_code}")
    return len(response.content)


def report(label: str, runs: list[tuple[float, int]]) -> float:
    times = sorted(seconds for seconds, peak in runs if not peak)
    peak = max(peak for _, peak in runs)
    median = statistics.median(times)
    print(
        f"{label:8} best {times[0] * 1000:9.1f} ms   median {median * 1000:9.1f} ms"
        f"   peak {peak / 2**20:7.1f} MiB"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--use-database-url", action="store_true")
    args = parser.parse_args()
    setup_django(args.use_database_url)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from apps.accounts.models import Membership
    from stepscope.history.synthetic import large_history_bundle

    text = large_history_bundle(args.events)
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    Membership.objects.create(workspace=_bench_workspace(), user=user, role="viewer")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    print(
        f"history: {args.events} events, {len(text) / 2**20:.1f} MiB of JSON; "
        f"repetitions: {args.repeat}"
    )

    floor, imports, projections, pages = [], [], [], []
    for repetition in range(args.repeat + 1):  # interleaved: both see the same machine load
        traced = repetition == 0
        seconds, peak, _ = measure(lambda: floor_import(text), traced=traced)
        floor.append((seconds, peak))
        seconds, peak, pk = measure(lambda: ours_import(text), traced=traced)
        imports.append((seconds, peak))
        seconds, peak, _ = measure(lambda pk=pk: ours_project(pk), traced=traced)
        projections.append((seconds, peak))
        seconds, peak, _ = measure(lambda pk=pk: ours_page(client, pk), traced=traced)
        pages.append((seconds, peak))

    floor_median = report("floor", floor)
    import_median = report("import", imports)
    report("project", projections)
    report("page", pages)
    print(f"ratio import/floor (median): {import_median / floor_median:.2f}x")
    peaks = {
        label: max(p for _, p in runs) for label, runs in (("floor", floor), ("import", imports))
    }
    print(f"ratio import/floor (peak memory): {peaks['import'] / peaks['floor']:.2f}x")


if __name__ == "__main__":
    main()
