"""How many concurrent websocket viewers one daphne process serves while an execution streams.

    .venv/bin/python bench/live_viewers.py [--levels 10,50,100,200,400,800,1600] [--seconds 5]
    .venv/bin/python bench/live_viewers.py --quick        # 10, 50, 100 viewers, 2 s each

Starts its own daphne (the Redis channel layer) against a throwaway PostgreSQL database, as
bench/live_latency.py does. At each level it connects that many viewers to one RUNNING execution
(each sends `subscribe` and waits for `caught_up`), then saves and publishes `--batch` events at a
time, `--rate` times a second, for `--seconds` (a simulation's steps, through the product's own
publish path), and waits up to `--drain` seconds for every viewer to have the last event. Per
level it reports how many viewers connected, how many got every event exactly once and in order,
the p50 and p99 delivery latency (publish call to arrival, over every event of every viewer), and
the CPU used by daphne and by the viewers' process. The floor does the same work with bare Redis
pub/sub: as many redis-py subscribers on one channel, sent the same message text at the same rate.
It stops after the first level that is not served fully (a viewer not connected, an event missing,
or a p99 above `--max-p99-ms`) and prints the largest level that was. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _live_clients import ClientProcess, Receipts  # noqa: E402
from _live_stack import (
    LiveStack,
    cpu_seconds,
    latencies,
    live_stack,
    machine_note,
    pace,
    percentile,
)  # noqa: E402

WARM_UP = 5  # messages published before the first level: the publisher's first connections


@dataclass(frozen=True)
class Plan:
    rate: float  # messages a second
    batch: int  # events a message
    seconds: float
    drain: float
    max_p99: float

    @property
    def messages(self) -> int:
        return max(1, round(self.rate * self.seconds))


@dataclass(frozen=True)
class Level:
    viewers: int
    connected: int
    complete: int
    problems: str  # what the incomplete viewers lacked, briefly
    p50: float
    p99: float
    daphne_cpu: float  # share of one core while streaming
    clients_cpu: float
    floor_p50: float
    floor_p99: float
    connect_seconds: float
    achieved_rate: float

    def served(self, plan: Plan) -> bool:
        return self.connected == self.viewers == self.complete and self.p99 <= plan.max_p99


def completeness(receipts: Receipts, expected: list[int]) -> tuple[int, str]:
    """How many viewers received exactly `expected` (every event once, in order), and a summary
    of what went wrong for the others."""
    complete, missing, duplicated, disordered = 0, 0, 0, 0
    for ids, _ in receipts:
        if ids == expected:
            complete += 1
            continue
        missing += len(set(expected) - set(ids))
        duplicated += len(ids) - len(set(ids))
        disordered += int(ids != sorted(ids))
    if complete == len(receipts):
        return complete, ""
    return complete, (
        f"not received by the end of the drain {missing}, duplicated {duplicated}, "
        f"out of order in {disordered} viewers"
    )


def stream_ours(stack: LiveStack, plan: Plan) -> tuple[dict[int, float], int, float]:
    sent: dict[int, float] = {}
    first = stack.saved + 1
    last = 0
    starts: list[float] = []
    for _ in pace(plan.messages, 1 / plan.rate):
        starts.append(time.monotonic())
        last, _saving, publishing = stack.save_and_publish(plan.batch)
        for event_id in range(last - plan.batch + 1, last + 1):
            sent[event_id] = publishing
    span = starts[-1] - starts[0]
    rate = (len(starts) - 1) / span if span > 0 else 0.0  # messages begun a second
    assert first == min(sent)
    return sent, last, rate


def stream_floor(stack: LiveStack, plan: Plan, publisher: Any, channel: str) -> dict[int, float]:
    """The same message text as ours, with ids 1, 2, ..., through bare pub/sub at the same rate."""
    sent: dict[int, float] = {}
    for index in pace(plan.messages, 1 / plan.rate):
        events = [
            dict(
                stack.events[(index * plan.batch + k) % len(stack.events)],
                id=index * plan.batch + k + 1,
            )
            for k in range(plan.batch)
        ]
        last = events[-1]["id"]
        text = json.dumps(
            {
                "type": "events",
                "execution_id": stack.execution_id,
                "events": events,
                "last_event_id": last,
                "status": "RUNNING",
                "event_count": last,
            }
        )
        stamp = time.monotonic()
        publisher.publish(channel, text)
        for event in events:
            sent[event["id"]] = stamp
    return sent


def run_level(
    stack: LiveStack, clients: ClientProcess, publisher: Any, viewers: int, plan: Plan
) -> Level:
    after = stack.saved
    opened = clients.call("open", "ws", **stack.viewer_spec, count=viewers, after=after, timeout=30)
    cpu = (cpu_seconds(stack.daphne_pid), cpu_seconds(clients.pid), time.monotonic())
    sent, last, rate = stream_ours(stack, plan)
    got = clients.call("collect", "ws", target=last, timeout=plan.drain)
    wall = time.monotonic() - cpu[2]
    daphne_cpu = (cpu_seconds(stack.daphne_pid) - cpu[0]) / wall
    clients_cpu = (cpu_seconds(clients.pid) - cpu[1]) / wall
    clients.call("close", "ws")
    complete, problems = completeness(got["receipts"], list(range(after + 1, last + 1)))
    if opened["failed"]:
        problems = f"{opened['failed']} not connected ({opened['errors']}); {problems}"
    ours = latencies(got["receipts"], sent)

    channel = f"stepscope-bench-floor-{secrets.token_hex(6)}"
    clients.call(
        "open", "floor", redis_url=stack.redis_url, channel=channel, count=viewers, timeout=30
    )
    floor_sent = stream_floor(stack, plan, publisher, channel)
    floor_got = clients.call("collect", "floor", target=max(floor_sent), timeout=plan.drain)
    clients.call("close", "floor")
    floor = latencies(floor_got["receipts"], floor_sent)
    return Level(
        viewers=viewers,
        connected=opened["ok"],
        complete=complete,
        problems=problems,
        p50=percentile(ours, 50),
        p99=percentile(ours, 99),
        daphne_cpu=daphne_cpu,
        clients_cpu=clients_cpu,
        floor_p50=percentile(floor, 50),
        floor_p99=percentile(floor, 99),
        connect_seconds=opened["seconds"],
        achieved_rate=rate,
    )


HEADER = (
    "| viewers | connected | complete | p50 ms | p99 ms | floor p50 | floor p99 | p99/floor "
    "| daphne CPU | viewers CPU | connect s | sent/s |"
)


def print_level(level: Level) -> None:
    print(
        f"| {level.viewers:7} | {level.connected:9} | {level.complete:8} "
        f"| {level.p50 * 1000:6.1f} | {level.p99 * 1000:6.1f} "
        f"| {level.floor_p50 * 1000:9.1f} | {level.floor_p99 * 1000:9.1f} "
        f"| {level.p99 / level.floor_p99:8.1f}x "
        f"| {level.daphne_cpu:10.0%} | {level.clients_cpu:11.0%} "
        f"| {level.connect_seconds:9.1f} | {level.achieved_rate:6.1f} |",
        flush=True,
    )
    if level.problems:
        print(f"|         | {level.problems}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="10,50,100,200,400,800,1600")
    parser.add_argument("--rate", type=float, default=10.0, help="messages (steps) a second")
    parser.add_argument("--batch", type=int, default=3, help="events a message")
    parser.add_argument("--seconds", type=float, default=5.0, help="streaming time per level")
    parser.add_argument("--drain", type=float, default=10.0, help="seconds to wait for stragglers")
    parser.add_argument("--max-p99-ms", type=float, default=1000.0)
    parser.add_argument("--quick", action="store_true", help="10, 50 and 100 viewers, 2 s each")
    args = parser.parse_args()
    levels = [10, 50, 100] if args.quick else [int(text) for text in args.levels.split(",")]
    seconds = 2.0 if args.quick else args.seconds
    plan = Plan(args.rate, args.batch, seconds, args.drain, args.max_p99_ms / 1000)
    events = (plan.messages * len(levels) + WARM_UP) * plan.batch

    import redis

    with live_stack(events) as stack:
        clients = ClientProcess()
        try:
            ramp(stack, clients, redis.Redis.from_url(stack.redis_url), levels, plan)
        finally:
            clients.stop()


def ramp(
    stack: LiveStack, clients: ClientProcess, publisher: Any, levels: list[int], plan: Plan
) -> None:
    print(
        f"daphne on port {stack.port}; {plan.batch} events a message, {plan.rate:g} messages/s "
        f"for {plan.seconds:g} s a level; served fully = every viewer connected and got every "
        f"event once, in order, with p99 <= {plan.max_p99 * 1000:g} ms; {machine_note()}\n"
    )
    for _ in pace(WARM_UP, 1 / plan.rate):
        stack.save_and_publish(plan.batch)
    print(HEADER)
    print("|" + "|".join("-" * (len(cell)) for cell in HEADER.split("|")[1:-1]) + "|")
    best = 0
    for viewers in levels:
        level = run_level(stack, clients, publisher, viewers, plan)
        print_level(level)
        if not level.served(plan):
            break
        best = viewers
    print(f"\nlargest level served fully: {best} viewers" if best else "\nno level served fully")
    print(f"machine at the end: {machine_note()}")


if __name__ == "__main__":
    main()
