"""Event-to-browser latency of the live stream, against a floor: a bare Redis pub/sub round trip.

    .venv/bin/python bench/live_latency.py [--events 1000] [--gap-ms 20]
    .venv/bin/python bench/live_latency.py --quick        # 200 events

Starts its own daphne (the Redis channel layer, REDIS_URL or redis://127.0.0.1:6379/0) against a
throwaway PostgreSQL database (created and dropped on 127.0.0.1:5432, or BENCH_POSTGRES_URL), signs
a viewer in, and connects one websocket client to /ws/executions/<id>/ of a RUNNING execution.
Then, one event at a time, `--gap-ms` apart, it saves the event in a transaction and publishes it
on commit through `execution_events_publish`, as a simulation step does, and times its arrival at
the client. The floor sends the same message text with redis-py's `publish` to one redis-py
subscriber. The client and the floor's subscriber share one asyncio loop in a child process;
ours and the floor alternate in blocks so that both see the same machine load. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _live_clients import ClientProcess  # noqa: E402
from _live_stack import LiveStack, latencies, live_stack, machine_note, pace, percentile  # noqa: E402

WARM_UP = 20  # messages each way before timing: connection pools, first queries


def run_ours(
    stack: LiveStack,
    clients: ClientProcess,
    count: int,
    gap: float,
    warm_loop: asyncio.AbstractEventLoop | None = None,
) -> dict[str, list[float]]:
    published: dict[int, float] = {}
    saved: dict[int, float] = {}
    last = 0
    for _ in pace(count, gap):
        last, saving, publishing = stack.save_and_publish(1, warm_loop)
        saved[last], published[last] = saving, publishing
    got = clients.call("collect", "ws", target=last, timeout=10)
    return {
        "publish": latencies(got["receipts"], published),
        "save": latencies(got["receipts"], saved),
    }


def run_floor(
    stack: LiveStack,
    clients: ClientProcess,
    publisher: Any,
    channel: str,
    first: int,
    count: int,
    gap: float,
) -> list[float]:
    """The same message text as the consumer sends for each event, through bare pub/sub."""
    import time

    sent: dict[int, float] = {}
    for index in pace(count, gap):
        event = dict(stack.events[(first + index) % len(stack.events)], id=first + index)
        text = json.dumps(
            {
                "type": "events",
                "execution_id": stack.execution_id,
                "events": [event],
                "last_event_id": event["id"],
                "status": "RUNNING",
                "event_count": event["id"],
            }
        )
        sent[event["id"]] = time.monotonic()
        publisher.publish(channel, text)
    got = clients.call("collect", "floor", target=first + count - 1, timeout=10)
    return latencies(got["receipts"], sent)


def row(label: str, values: list[float], expected: int) -> str:
    ms = [value * 1000 for value in values]
    return (
        f"| {label:26} | {len(ms):5}/{expected:<5} | {percentile(ms, 50):7.2f} | "
        f"{percentile(ms, 90):7.2f} | {percentile(ms, 99):7.2f} | {max(ms):8.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="timed events each way")
    parser.add_argument("--gap-ms", type=float, default=20.0, help="between two sends")
    parser.add_argument("--block", type=int, default=100, help="events per alternation")
    parser.add_argument("--quick", action="store_true", help="200 events")
    args = parser.parse_args()
    count = 200 if args.quick else args.events
    gap = args.gap_ms / 1000

    import redis

    with live_stack(2 * (count + WARM_UP)) as stack:
        clients = ClientProcess()
        try:
            measure(stack, clients, redis.Redis.from_url(stack.redis_url), count, gap, args.block)
        finally:
            clients.stop()


def measure(
    stack: LiveStack, clients: ClientProcess, publisher: Any, count: int, gap: float, block: int
) -> None:
    opened = clients.call("open", "ws", **stack.viewer_spec, count=1, after=stack.saved, timeout=10)
    channel = f"stepscope-bench-floor-{secrets.token_hex(6)}"
    floor_opened = clients.call(
        "open", "floor", redis_url=stack.redis_url, channel=channel, count=1, timeout=10
    )
    if opened["ok"] != 1 or floor_opened["ok"] != 1:
        raise SystemExit(f"could not connect: websocket {opened}, floor {floor_opened}")
    print(
        f"daphne on port {stack.port}, execution {stack.execution_id}; {count} events each way, "
        f"one every {gap * 1000:g} ms, alternating in blocks of {block}; {machine_note()}"
    )
    warm_loop = asyncio.new_event_loop()
    try:
        results = alternate(stack, clients, publisher, channel, count, gap, block, warm_loop)
    finally:
        warm_loop.close()
    report(results, count, statistics.median(stack.publish_seconds) * 1000)
    print(f"machine at the end: {machine_note()}")


def alternate(
    stack: LiveStack,
    clients: ClientProcess,
    publisher: Any,
    channel: str,
    count: int,
    gap: float,
    block: int,
    warm_loop: asyncio.AbstractEventLoop,
) -> dict[str, list[float]]:
    """Blocks of ours, the warm-loop diagnostic and the floor, in turn, after a warm-up of each."""
    run_ours(stack, clients, WARM_UP, gap)
    run_ours(stack, clients, WARM_UP, gap, warm_loop)
    run_floor(stack, clients, publisher, channel, 1, WARM_UP, gap)
    results: dict[str, list[float]] = {"publish": [], "save": [], "warm": [], "floor": []}
    done = 0
    while done < count:
        size = min(block, count - done)
        for key, values in run_ours(stack, clients, size, gap).items():
            results[key].extend(values)
        results["warm"].extend(run_ours(stack, clients, size, gap, warm_loop)["publish"])
        results["floor"].extend(
            run_floor(stack, clients, publisher, channel, 1000 + done, size, gap)
        )
        done += size
    return results


def report(results: dict[str, list[float]], count: int, publish_ms: float) -> None:
    floor = results["floor"]
    print()
    print("| path                       | received    | p50 ms  | p90 ms  | p99 ms  | max ms   |")
    print("|----------------------------|-------------|--------:|--------:|--------:|---------:|")
    print(row("floor: redis-py pub/sub", floor, count))
    print(row("ours: publish -> browser", results["publish"], count))
    print(row("ours: save -> browser", results["save"], count))
    print(row("warm group_send -> browser", results["warm"], count))
    print()
    for label, key in (
        ("publish -> browser", "publish"),
        ("save -> browser", "save"),
        ("warm group_send", "warm"),
    ):
        values = results[key]
        print(
            f"ratio {label} / floor: "
            f"p50 {percentile(values, 50) / percentile(floor, 50):.1f}x, "
            f"p99 {percentile(values, 99) / percentile(floor, 99):.1f}x"
        )
    print(f"time inside execution_events_publish (median): {publish_ms:.2f} ms")
    if any(len(values) < count for values in results.values()):
        print("WARNING: some events never arrived (see the received column)")


if __name__ == "__main__":
    main()
