"""Benchmark: lay out a generated 500-state definition, against bare `dot` on the same DOT.

Run it from the repository root:  .venv/bin/python bench/graph_layout.py [--states 500] [--repeat 5]

It times, in the same run and on the same input:
  model    build_state_machine(data)                  (ASL -> typed model)
  dot-gen  machine_to_dot(machine)                    (typed model -> graph -> DOT text)
  ours     render_svg(machine)                        (the whole pipeline, with SVG post-processing)
  peer     `dot -Tsvg` run directly on the DOT text   (bare Graphviz, no Python around it)
and prints each (best and median of the repetitions) and the ratio ours/peer. It asserts nothing
about time.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepscope.asl.build_model import build_state_machine  # noqa: E402
from stepscope.graph import machine_to_dot, render_svg  # noqa: E402

State = dict[str, Any]


class DefinitionGenerator:
    """A seeded generator of realistic definitions: Tasks with Retry/Catch, Choices, Waits,
    Parallels and Maps nested inside each other."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counter = 0

    def name(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}{self.counter:04d}"

    def block(self, budget: int, depth: int) -> tuple[dict[str, Any], int]:
        """A StartAt/States block with about ``budget`` states; returns it and the states used."""
        states: dict[str, State] = {}
        failure = self.name("HandleFailure")
        states[failure] = {"Type": "Fail", "Error": "Failed", "Cause": "A step failed"}
        entries: list[str] = []
        pending: list[str] = []  # states still waiting for their Next
        used = 1
        while used < budget - 1:
            added, entry, exits = self.segment(budget - used - 1, depth, failure)
            states.update(added)
            used += _count(added)
            for exit_name in pending:
                states[exit_name]["Next"] = entry
            entries.append(entry)
            pending = exits
        done = self.name("Done")
        states[done] = {"Type": "Succeed"}
        for exit_name in pending:
            states[exit_name]["Next"] = done
        if not any(c["Next"] == failure for s in states.values() for c in s.get("Catch", [])):
            del states[failure]
            used -= 1
        return {"StartAt": entries[0] if entries else done, "States": states}, used + 1

    def segment(
        self, budget: int, depth: int, failure: str
    ) -> tuple[dict[str, State], str, list[str]]:
        roll = self.rng.random()
        if depth < 3 and budget > 12 and roll < 0.12:
            return self.parallel(min(budget, self.rng.randint(8, 30)), depth, failure)
        if depth < 3 and budget > 8 and roll < 0.22:
            return self.map_state(min(budget, self.rng.randint(5, 20)), depth, failure)
        if budget > 4 and roll < 0.4:
            return self.choice(failure)
        if roll < 0.5:
            name = self.name("Wait")
            return {name: {"Type": "Wait", "Seconds": self.rng.randint(1, 60)}}, name, [name]
        return self.task(failure)

    def task(self, failure: str) -> tuple[dict[str, State], str, list[str]]:
        name = self.name("Task")
        state: State = {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": name, "Payload.$": "$"},
        }
        if self.rng.random() < 0.6:
            state["Retry"] = [
                {
                    "ErrorEquals": ["States.TaskFailed"],
                    "IntervalSeconds": self.rng.randint(1, 5),
                    "MaxAttempts": self.rng.randint(2, 6),
                    "BackoffRate": 2,
                }
            ]
        if self.rng.random() < 0.5:
            state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": failure}]
        return {name: state}, name, [name]

    def choice(self, failure: str) -> tuple[dict[str, State], str, list[str]]:
        name = self.name("Choose")
        states: dict[str, State] = {}
        rules, exits = [], []
        for index in range(self.rng.randint(2, 3)):
            added, entry, ends = self.task(failure)
            states.update(added)
            exits.extend(ends)
            rules.append(
                {"Variable": f"$.value{index}", "NumericGreaterThan": index * 10, "Next": entry}
            )
        default, entry, ends = self.task(failure)
        states.update(default)
        exits.extend(ends)
        states[name] = {"Type": "Choice", "Choices": rules, "Default": entry}
        return states, name, exits

    def parallel(
        self, budget: int, depth: int, failure: str
    ) -> tuple[dict[str, State], str, list[str]]:
        name = self.name("Parallel")
        count = self.rng.randint(2, 3)
        branches = [self.block(max(3, (budget - 1) // count), depth + 1)[0] for _ in range(count)]
        state: State = {"Type": "Parallel", "Branches": branches}
        state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": failure}]
        return {name: state}, name, [name]

    def map_state(
        self, budget: int, depth: int, failure: str
    ) -> tuple[dict[str, State], str, list[str]]:
        name = self.name("Map")
        processor, _ = self.block(max(3, budget - 1), depth + 1)
        mode = "DISTRIBUTED" if self.rng.random() < 0.3 else "INLINE"
        processor["ProcessorConfig"] = {"Mode": mode}
        if mode == "DISTRIBUTED":
            processor["ProcessorConfig"]["ExecutionType"] = "STANDARD"
        state: State = {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 10,
            "ItemProcessor": processor,
        }
        return {name: state}, name, [name]


def _count(states: dict[str, State]) -> int:
    total = 0
    for state in states.values():
        total += 1
        for branch in state.get("Branches", []):
            total += _count(branch["States"])
        if "ItemProcessor" in state:
            total += _count(state["ItemProcessor"]["States"])
    return total


def generate(states: int, seed: int = 7) -> dict[str, Any]:
    generator = DefinitionGenerator(seed)
    block, _ = generator.block(states, depth=0)
    return {"Comment": f"Generated benchmark machine ({states} states)", **block}


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return times


def bare_dot(dot_binary: str, dot_text: bytes) -> None:
    subprocess.run([dot_binary, "-Tsvg"], input=dot_text, capture_output=True, check=True)


def describe(label: str, times: list[float]) -> str:
    best, median = min(times) * 1000, statistics.median(times) * 1000
    return f"{label:<8} best {best:9.1f} ms   median {median:9.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dot_binary = shutil.which("dot")
    if dot_binary is None:
        print("Graphviz's `dot` is not installed (Debian: sudo apt-get install graphviz)")
        return 2
    data = generate(args.states)
    machine = build_state_machine(data)
    states = machine.all_states()
    kinds = sorted({state.type for state in states})
    print(f"definition: {len(states)} states ({', '.join(kinds)})")
    dot_text = machine_to_dot(machine).encode("utf-8")
    print(f"DOT: {len(dot_text)} bytes; repetitions: {args.repeat}")
    model = timed(lambda: build_state_machine(data), args.repeat)
    dot_gen = timed(lambda: machine_to_dot(machine), args.repeat)
    # Interleave ours and the peer so both see the same machine conditions.
    ours: list[float] = []
    peer: list[float] = []
    for _ in range(args.repeat):
        ours.extend(timed(lambda: render_svg(machine), 1))
        peer.extend(timed(lambda: bare_dot(dot_binary, dot_text), 1))
    for label, times in (("model", model), ("dot-gen", dot_gen), ("ours", ours), ("peer", peer)):
        print(describe(label, times))
    ratio = statistics.median(ours) / statistics.median(peer)
    print(f"ratio ours/peer (median): {ratio:.2f}x  (overhead over bare dot: {ratio - 1:+.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
