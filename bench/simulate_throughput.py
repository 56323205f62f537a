"""Interpreter throughput: `stepscope simulate --batch` against moto's Step Functions interpreter.

    .venv/bin/python bench/simulate_throughput.py [--repeat 3] [--quick]

Runs three workloads, in the same run and on the same definitions and inputs:
  loop      a Pass/Choice loop: a counter incremented by States.MathAdd until it reaches 1,000
            (2,002 state transitions)
  map       an inline Map over 300 items, two Pass states per iteration (601 transitions)
  parallel  a Parallel of 10 branches of 30 Pass states each (301 transitions)
through
  cli       a warm `stepscope simulate --batch` process fed one JSON Lines request per run: the
            time from writing the request to reading back and parsing the answer line, so it
            pays for the whole GetExecutionHistory event list as JSON text (the headline)
  inproc    `answer_request(request)` in this process: the engine and the event list, no JSON
  moto      moto's interpreter (mock_aws with execute_state_machine): start_execution, poll
            describe_execution until it is no longer RUNNING, then every page of
            get_execution_history; all in-process, no network
and prints transitions per second (a transition is one `*StateEntered` event, counted the same way
on both sides), best and median of the repetitions, and the ratio ours/moto (above 1: ours is
faster). It checks that both runs SUCCEEDED with the same number of state-entered events.

Then it measures peak memory (tracemalloc) of one in-process run per workload, and of the loop at
1x, 2x and 4x its size, in bytes per history event: a flat figure means memory grows linearly
with the history. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stepscope.commands.simulate import answer_request  # noqa: E402

# moto must never look for real credentials or call out: fake ones, and no metadata service.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_EC2_METADATA_DISABLED="true",
)
REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/stepscope-bench"
# A describe_execution call costs moto a few milliseconds of the interpreter's GIL, so polling
# too often slows moto down; polling too rarely rounds its time up. Poll every 1/50 of the time
# elapsed so far (5 ms to 100 ms): at most 2% of rounding up and a few per cent of overhead.
POLL_FRACTION, POLL_MIN, POLL_MAX = 1 / 50, 0.005, 0.1


@dataclass
class Workload:
    name: str
    definition: dict[str, Any]
    input: Any
    transitions: int  # expected state-entered events


def loop_workload(limit: int) -> Workload:
    definition = {
        "Comment": "A counter incremented until it reaches the limit",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Parameters": {"count": 0}, "Next": "Increment"},
            "Increment": {
                "Type": "Pass",
                "Parameters": {"count.$": "States.MathAdd($.count, 1)"},
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.count", "NumericLessThan": limit, "Next": "Increment"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    return Workload(f"loop-{limit}", definition, {}, 2 * limit + 2)


def map_workload(items: int) -> Workload:
    processor = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Shape",
        "States": {
            "Shape": {"Type": "Pass", "Parameters": {"value.$": "$"}, "Next": "Tag"},
            "Tag": {"Type": "Pass", "Result": "done", "ResultPath": "$.tag", "End": True},
        },
    }
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor, "End": True}
        },
    }
    return Workload(f"map-{items}", definition, {"items": list(range(items))}, 1 + 2 * items)


def parallel_workload(branches: int, length: int) -> Workload:
    def branch(number: int) -> dict[str, Any]:
        names = [f"B{number}S{index}" for index in range(length)]
        states: dict[str, Any] = {}
        for index, name in enumerate(names):
            state: dict[str, Any] = {"Type": "Pass", "Result": {"branch": number, "step": index}}
            if index + 1 < length:
                state["Next"] = names[index + 1]
            else:
                state["End"] = True
            states[name] = state
        return {"StartAt": names[0], "States": states}

    definition = {
        "StartAt": "Fork",
        "States": {
            "Fork": {
                "Type": "Parallel",
                "Branches": [branch(b) for b in range(branches)],
                "End": True,
            }
        },
    }
    return Workload(f"parallel-{branches}x{length}", definition, {"run": 1}, 1 + branches * length)


@dataclass
class Outcome:
    seconds: float
    status: str
    entered: int
    events: int


@dataclass
class Series:
    outcomes: list[Outcome] = field(default_factory=list)

    def rates(self) -> list[float]:
        return [o.entered / o.seconds for o in self.outcomes]

    def median_rate(self) -> float:
        return statistics.median(self.rates())


def count_entered(events: list[dict[str, Any]]) -> int:
    return sum(1 for event in events if str(event["type"]).endswith("StateEntered"))


def request_for(workload: Workload) -> dict[str, Any]:
    return {"id": workload.name, "definition": workload.definition, "input": workload.input}


class BatchProcess:
    """A warm `stepscope simulate --batch` process, one request line in, one answer line out."""

    def __init__(self) -> None:
        binary = Path(sys.executable).parent / "stepscope"
        if not binary.exists():
            binary = ROOT / ".venv" / "bin" / "stepscope"
        self.process = subprocess.Popen(
            [str(binary), "simulate", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def run(self, workload: Workload) -> Outcome:
        assert self.process.stdin is not None and self.process.stdout is not None
        line = json.dumps(request_for(workload)) + "\n"
        started = time.perf_counter()
        self.process.stdin.write(line)
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        seconds = time.perf_counter() - started
        events = answer.get("events") or []
        return Outcome(seconds, str(answer.get("status")), count_entered(events), len(events))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def run_inproc(workload: Workload) -> Outcome:
    request = request_for(workload)
    started = time.perf_counter()
    answer = answer_request(request)
    seconds = time.perf_counter() - started
    events = answer.get("events") or []
    return Outcome(seconds, str(answer.get("status")), count_entered(events), len(events))


class MotoPeer:
    """moto's Step Functions interpreter, inside one mock_aws() for the whole run."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.machines: dict[str, str] = {}
        self.counter = 0

    def run(self, workload: Workload) -> Outcome:
        arn = self.machines.get(workload.name)
        if arn is None:
            created = self.client.create_state_machine(
                name=workload.name,
                definition=json.dumps(workload.definition),
                roleArn=ROLE_ARN,
            )
            arn = self.machines[workload.name] = created["stateMachineArn"]
        self.counter += 1
        started = time.perf_counter()
        execution = self.client.start_execution(
            stateMachineArn=arn, name=f"run-{self.counter}", input=json.dumps(workload.input)
        )["executionArn"]
        while True:
            status = self.client.describe_execution(executionArn=execution)["status"]
            if status != "RUNNING":
                break
            elapsed = time.perf_counter() - started
            time.sleep(min(POLL_MAX, max(POLL_MIN, elapsed * POLL_FRACTION)))
        events: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {}
        while True:
            page = self.client.get_execution_history(
                executionArn=execution, maxResults=1000, **arguments
            )
            events.extend(page["events"])
            if not page.get("nextToken"):
                break
            arguments = {"nextToken": page["nextToken"]}
        seconds = time.perf_counter() - started
        return Outcome(seconds, status, count_entered(events), len(events))


@contextmanager
def moto_peer() -> Iterator[MotoPeer]:
    import boto3
    from moto import mock_aws
    from moto.core.config import default_user_config

    default_user_config["stepfunctions"] = {"execute_state_machine": True}
    with mock_aws():
        yield MotoPeer(boto3.client("stepfunctions", region_name=REGION))


def traced_peak(work: Callable[[], dict[str, Any]]) -> tuple[int, int]:
    """Peak traced bytes of one call, and the number of events it produced."""
    tracemalloc.start()
    answer = work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, len(answer.get("events") or [])


def check(workload: Workload, label: str, outcome: Outcome, reference: Outcome | None) -> None:
    if outcome.status != "SUCCEEDED":
        print(f"WARNING: {workload.name}: {label} ended {outcome.status}")
    if reference is not None and outcome.entered != reference.entered:
        print(
            f"WARNING: {workload.name}: {label} entered {outcome.entered} states, "
            f"moto {reference.entered}"
        )
    elif outcome.entered != workload.transitions:
        print(
            f"WARNING: {workload.name}: {label} entered {outcome.entered} states, "
            f"expected {workload.transitions}"
        )


def settle() -> None:
    """Collect garbage, then keep what survives (moto's stored executions, earlier answers) out of
    later collections, so that neither in-process side pays for the other's heap."""
    gc.collect()
    gc.freeze()


def throughput(workloads: list[Workload], repeat: int) -> dict[str, dict[str, Series]]:
    results = {w.name: {"cli": Series(), "inproc": Series(), "moto": Series()} for w in workloads}
    batch = BatchProcess()
    try:
        with moto_peer() as moto:
            for workload in workloads:  # warm both up (imports, caches, machine creation)
                batch.run(workload)
                run_inproc(workload)
                moto.run(workload)
            for _ in range(repeat):  # interleaved: every side sees the same machine load
                for workload in workloads:
                    series = results[workload.name]
                    settle()
                    peer = moto.run(workload)
                    check(workload, "moto", peer, None)
                    series["moto"].outcomes.append(peer)
                    for label, runner in (("cli", batch.run), ("inproc", run_inproc)):
                        settle()
                        ours = runner(workload)
                        check(workload, label, ours, peer)
                        series[label].outcomes.append(ours)
    finally:
        batch.close()
    return results


def print_throughput(workloads: list[Workload], results: dict[str, dict[str, Series]]) -> None:
    print()
    print("transitions per second (median of the repetitions; best in brackets)")
    header = (
        f"{'workload':16} {'trans.':>6} {'events':>6} {'ours cli':>18} {'ours inproc':>18}"
        f" {'moto':>14} {'cli/moto':>9} {'inproc/moto':>11}"
    )
    print(header)
    print("-" * len(header))
    for workload in workloads:
        series = results[workload.name]
        first = series["cli"].outcomes[0]
        cells = []
        for label in ("cli", "inproc", "moto"):
            rates = series[label].rates()
            width = 14 if label == "moto" else 18
            cells.append(f"{statistics.median(rates):>8,.0f} ({max(rates):>7,.0f})".rjust(width))
        cli_ratio = series["cli"].median_rate() / series["moto"].median_rate()
        inproc_ratio = series["inproc"].median_rate() / series["moto"].median_rate()
        print(
            f"{workload.name:16} {first.entered:>6} {first.events:>6} {' '.join(cells)}"
            f" {cli_ratio:>8.1f}x {inproc_ratio:>10.1f}x"
        )
    cli = [
        results[w.name]["cli"].median_rate() / results[w.name]["moto"].median_rate()
        for w in workloads
    ]
    print(f"ratio ours (cli) / moto, geometric mean: {statistics.geometric_mean(cli):.1f}x")


def print_memory(workloads: list[Workload], loop_limit: int) -> None:
    print()
    print("peak memory of one in-process run (tracemalloc)")
    print(f"{'workload':16} {'events':>7} {'peak':>10} {'bytes/event':>12}")
    rows = [*workloads, *(loop_workload(loop_limit * f) for f in (2, 4))]
    for workload in rows:
        request = request_for(workload)
        peak, events = traced_peak(lambda request=request: answer_request(request))
        print(f"{workload.name:16} {events:>7} {peak / 2**20:>7.2f} MiB {peak / events:>12,.0f}")
    print("(the loop at 1x, 2x and 4x: a steady bytes/event means memory grows linearly)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small workloads, one repetition")
    args = parser.parse_args()
    loop_limit, items, length = (100, 30, 5) if args.quick else (1000, 300, 30)
    repeat = 1 if args.quick else args.repeat
    workloads = [loop_workload(loop_limit), map_workload(items), parallel_workload(10, length)]
    print(
        f"workloads: {', '.join(w.name for w in workloads)}; repetitions: {repeat}; "
        f"CPUs: {os.cpu_count()}"
    )
    results = throughput(workloads, repeat)
    print_throughput(workloads, results)
    print_memory(workloads, loop_limit)


if __name__ == "__main__":
    main()
