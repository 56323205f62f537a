"""Search 200,000 executions (about 4 million events) on PostgreSQL: p50 and p95 of a search, of
the executions list page's server time, and of the bare index query (the floor).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/search.py [--executions 200000] [--events 20] [--repeat 25]

It creates (or, with --reuse, keeps) its own database, `stepscope_bench` by default (--database),
on the server DATABASE_URL names; never the one DATABASE_URL names itself. Rows are generated and
loaded with COPY: executions (a tenth in a workspace the bench user is not in), their events,
their search documents (built by stepscope.search.document, as an import builds them) and values;
the GIN indexes are built after the load, then ANALYZE. Asserts nothing.

For each kind of query (a selective value at a path, a selective free word, a common error, the
/failures/ link `state:"..." error:"..."` with its state machine, a common word of the cause):

- `floor`: the bare index query: the ids the GIN (or B-tree) index gives for the term, nothing
  else (no visibility, no join, no order, no count);
- `search`: `selectors.execution_list(q=...)` evaluated as the page does: its count and its first
  page of 50, newest first, scoped to the user's workspaces;
- `page`: the server time of GET /executions/?q=... for a signed-in member (Django's test client,
  in process: the whole view, template included, no network).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MACHINES = ("orders", "payments", "shipping", "refunds", "approvals")
STATES = ("Validate", "Reserve", "ChargePayment", "Ship", "Notify")
ERRORS = ("States.Timeout", "PaymentDeclined", "States.TaskFailed", "UnknownSku")
CAUSES = (
    "The card was declined by the issuer",
    "Task timed out after 30.00 seconds",
    "Lambda.Unknown: the function returned an unhandled error",
    "Sku not found in the catalogue",
)
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def database_url(name: str) -> tuple[str, str]:
    """(the server's maintenance URL, the bench database's URL)."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1/x")
    if name == "test" or name.startswith("test_"):
        sys.exit("Choose another --database: test databases belong to the test runs.")
    parts = urlsplit(given)
    return given, urlunsplit(parts._replace(path="/" + name))


def create_database(server_url: str, name: str, reuse: bool) -> bool:
    """Create the bench database (dropping an old one unless `reuse`); True when it is new."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists and reuse:
            return False
        if exists:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return True


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _copy(cursor: Any, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _execution(i: int, rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    status = "SUCCEEDED" if roll < 0.8 else "FAILED" if roll < 0.95 else "TIMED_OUT"
    machine = MACHINES[i % len(MACHINES)]
    failed = status != "SUCCEEDED"
    which = rng.randrange(len(ERRORS))
    error = "States.Timeout" if status == "TIMED_OUT" else ERRORS[which] if failed else ""
    state = STATES[2 + which % 3] if failed else ""
    return {
        "i": i,
        "name": f"order-{i}",
        "arn": f"arn:aws:states:eu-west-1:123456789012:execution:{machine}:order-{i}",
        "machine": machine,
        "status": status,
        "started": BASE + timedelta(seconds=i * 13),
        "error": error,
        "state": state,
        "cause": CAUSES[which] if failed else "",
        "input": {
            "orderId": f"o-{i}",
            "customerId": f"c-{rng.randrange(50_000)}",
            "amount": round(rng.uniform(1, 500), 2),
            "items": [{"sku": f"SKU-{rng.randrange(2000)}", "quantity": rng.randrange(1, 5)}],
        },
        "output": None if failed else {"receipt": f"r-{i}", "total": i % 997},
    }


def load(count: int, events: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from apps.accounts.models import Membership, Workspace
    from apps.definitions.models import Definition  # noqa: F401 (tables exist)
    from apps.executions.search import rules_digest
    from stepscope.search.document import search_document

    no_rules = rules_digest(())  # what a workspace without redaction rules indexes under
    bench = Workspace.objects.create(name="bench")
    other = Workspace.objects.create(name="elsewhere")
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    Membership.objects.create(workspace=bench, user=user, role="viewer")
    rng = random.Random(seed)
    rows = [_execution(i, rng) for i in range(1, count + 1)]
    now = datetime.now(UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        _copy(
            raw,
            "executions_execution",
            (
                "id, workspace_id, name, execution_arn, fingerprint, first_event_digest, "
                "state_machine_name, state_machine_arn, reconstructed, reconstructed_svg, "
                "definition_text, status, started_at, stopped_at, event_count, transitions, "
                "error, failed_state, root_cause_state, root_cause_run_key, root_cause_error, "
                "root_cause_text, source, import_log, map_run_arn, created_at, updated_at"
            ).split(", "),
            (
                (
                    r["i"],
                    other.pk if r["i"] % 10 == 0 else bench.pk,
                    r["name"],
                    r["arn"],
                    f"fp-{r['i']}",
                    "",
                    r["machine"],
                    "",
                    False,
                    "",
                    "",
                    r["status"],
                    r["started"],
                    r["started"] + timedelta(seconds=40),
                    events,
                    events // 2,
                    r["error"],
                    r["state"],
                    r["state"],
                    f"{r['state']}#1" if r["state"] else "",
                    r["error"],
                    f"{r['state']} failed with {r['error']}" if r["state"] else "",
                    "import",
                    "[]",
                    "",
                    now,
                    now,
                )
                for r in rows
            ),
        )
        print(f"  executions: {time.perf_counter() - started:.0f} s", flush=True)
        _copy(
            raw,
            "executions_historyevent",
            (
                "execution_id",
                "event_id",
                "previous_event_id",
                "type",
                "timestamp",
                "state_name",
                "run_key",
                "data",
            ),
            _events(rows, events),
        )
        print(f"  events: {time.perf_counter() - started:.0f} s", flush=True)
        documents: list[tuple[int, str, str]] = []
        values: list[tuple[int, str, str]] = []
        for r in rows:
            document = search_document(
                name=r["name"],
                arn=r["arn"],
                errors=[r["error"], r["state"]],
                cause=r["cause"],
                input_text=json.dumps(r["input"]),
                output_text=json.dumps(r["output"]) if r["output"] else None,
            )
            documents.append((r["i"], document.text, document.cause))
            values.extend((r["i"], key, value) for key, value in document.values)
            values.extend((r["i"], "ran", state.casefold()) for state in STATES[:3])
        raw.execute("DROP INDEX IF EXISTS executions_search_text_gin")
        raw.execute("DROP INDEX IF EXISTS executions_search_cause_gin")
        _copy(
            raw,
            "executions_searchdocument",
            ("execution_id", "text", "cause", "rules", "indexed_at"),
            ((pk, text, cause, no_rules, now) for pk, text, cause in documents),
        )
        _copy(raw, "executions_searchvalue", ("execution_id", "key", "value"), iter(values))
        print(f"  search documents: {time.perf_counter() - started:.0f} s", flush=True)
        raw.execute(
            "CREATE INDEX executions_search_text_gin ON executions_searchdocument "
            "USING gin (to_tsvector('simple'::regconfig, text))"
        )
        raw.execute(
            "CREATE INDEX executions_search_cause_gin ON executions_searchdocument "
            "USING gin (to_tsvector('simple'::regconfig, cause))"
        )
        raw.execute(
            "SELECT setval(pg_get_serial_sequence('executions_execution', 'id'), %s)", (count + 1,)
        )
        raw.execute("ANALYZE")
    print(f"  indexes and ANALYZE: {time.perf_counter() - started:.0f} s", flush=True)


def _events(rows: list[dict[str, Any]], events: int) -> Iterator[tuple[Any, ...]]:
    for r in rows:
        text = json.dumps(r["input"])
        for event in range(1, events + 1):
            state = STATES[(event - 2) // 4 % len(STATES)] if event > 1 else ""
            kind = (
                "ExecutionStarted"
                if event == 1
                else ("TaskStateEntered" if event % 2 else "TaskStateExited")
            )
            stamp = r["started"] + timedelta(seconds=event)
            data = {
                "id": event,
                "previousEventId": event - 1,
                "type": kind,
                "timestamp": stamp.isoformat(),
                "stateEnteredEventDetails": {"name": state, "input": text},
            }
            yield (r["i"], event, event - 1, kind, stamp, state, f"{state}#1", json.dumps(data))


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(work: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def kinds(count: int, rng: random.Random) -> dict[str, Callable[[], tuple[str, dict[str, str]]]]:
    return {
        "input.customerId:c-N (selective value)": lambda: (
            f"input.customerId:c-{rng.randrange(50_000)}",
            {},
        ),
        "free word o-N (one execution)": lambda: (f"o-{rng.randrange(1, count + 1)}", {}),
        "error:States.Timeout (common)": lambda: ("error:States.Timeout", {}),
        'state:"ChargePayment" error:"…" + machine': lambda: (
            f'state:"ChargePayment" error:"{rng.choice(ERRORS)}"',
            {"state_machine": rng.choice(MACHINES)},
        ),
        "free word 'declined' (common, 1 in 26)": lambda: ("declined", {}),
    }


def floor_sql(query: str) -> tuple[str, tuple[Any, ...]]:
    """The bare index lookup of a query's first term."""
    from stepscope.search.query import Field, parse_query, words

    term = parse_query(query).terms[0]
    if term.field is Field.TEXT:
        return (
            "SELECT execution_id FROM executions_searchdocument WHERE "
            "to_tsvector('simple'::regconfig, text) @@ phraseto_tsquery('simple'::regconfig, %s)",
            (" ".join(words(term.value)),),
        )
    if term.field in (Field.INPUT, Field.OUTPUT):
        return (
            "SELECT execution_id FROM executions_searchvalue WHERE key = %s AND value = %s",
            (term.path, term.value.casefold()),
        )
    if term.field is Field.ERROR:
        return (
            "SELECT id FROM executions_execution WHERE root_cause_error = %s",
            (term.value,),
        )
    return (
        "SELECT id FROM executions_execution WHERE root_cause_state = %s",
        (term.value,),
    )


def run(repeat: int, count: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from apps.executions import selectors
    from stepscope.search.query import parse_query

    user = get_user_model().objects.get(username="bench")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("executions:list")
    rng = random.Random(seed + 1)
    print(f"\n{'query':44} {'':7} {'p50 ms':>8} {'p95 ms':>8} {'matches':>8}")
    for label, make in kinds(count, rng).items():
        queries = [make() for _ in range(repeat)]
        position = iter(range(10**9))
        matches: list[int] = []

        def next_query(
            queries: list[tuple[str, dict[str, str]]] = queries, position: Any = position
        ) -> Any:
            return queries[next(position) % len(queries)]

        def floor() -> int:
            sql, params = floor_sql(next_query()[0])
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return len(cursor.fetchall())

        def search(matches: list[int] = matches) -> None:
            query, filters = next_query()
            executions = selectors.execution_list(
                user=user, q=parse_query(query), state_machine=filters.get("state_machine", "")
            )
            matches.append(executions.count())
            list(executions[:50])

        def page() -> None:
            query, filters = next_query()
            response = client.get(url, {"q": query, **filters})
            assert response.status_code == 200, response.status_code

        for name, work in (("floor", floor), ("search", search), ("page", page)):
            work()  # warm
            samples = timed(work, repeat)
            found = f"{statistics.median(matches):>8.0f}" if name == "search" else ""
            print(
                f"{label:44} {name:7} {percentile(samples, 0.5):8.1f} "
                f"{percentile(samples, 0.95):8.1f} {found}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executions", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=20, help="events per execution")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--database", default="stepscope_bench")
    parser.add_argument("--reuse", action="store_true", help="keep a database loaded before")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    server, url = database_url(args.database)
    started = time.perf_counter()
    fresh = create_database(server, args.database, args.reuse)
    setup_django(url)
    if fresh:
        print(f"Loading {args.executions:,} executions, {args.executions * args.events:,} events")
        load(args.executions, args.events, args.seed)
        print(f"Set up in {time.perf_counter() - started:.0f} s")
    run(args.repeat, args.executions, args.seed)


if __name__ == "__main__":
    main()
