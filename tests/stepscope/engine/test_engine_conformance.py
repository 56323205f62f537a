"""The shared conformance corpus: real AWS execution histories, replayed by `stepscope simulate
--batch` and compared event by event by the corpus's own runner.

Fails only on failing cases missing from conformance_known_failures.txt (one id per line, each
with a `# reason`), and reports listed cases that now pass so the list can shrink.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
RUNNER = SHARED / "conformance" / "run.py"
KNOWN_FAILURES = Path(__file__).with_name("conformance_known_failures.txt")


def read_known_failures(path: Path) -> dict[str, str]:
    """`case-id  # reason` lines -> {case id: reason}; every entry must give a reason."""
    known: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        case_id, hash_mark, reason = line.partition("#")
        assert hash_mark and reason.strip(), f"{path.name}:{number}: give a '# reason'"
        known[case_id.strip()] = reason.strip()
    return known


def test_known_failures_file_is_well_formed() -> None:
    known = read_known_failures(KNOWN_FAILURES)
    assert all(case_id.startswith("v2.") for case_id in known)


@pytest.mark.skipif(not RUNNER.is_file(), reason=f"no conformance corpus at {RUNNER.parent}")
def test_conformance_corpus_matches_aws_histories(
    conformance_summary: list[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    command = f"{shlex.quote(sys.executable)} -m stepscope.cli simulate --batch"
    completed = subprocess.run(
        # sqs runs too: an unmocked SendMessage goes to the engine's local SQS stand-in.
        [
            sys.executable,
            str(RUNNER),
            "--cmd",
            command,
            "--needs",
            "none,lambda,sqs",
            "--json-report",
            str(report),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    summary = lines[-1] if lines else "(no output)"
    conformance_summary.append(summary)
    assert report.is_file(), completed.stdout[-4000:] + completed.stderr[-2000:]
    cases = json.loads(report.read_text(encoding="utf-8"))["cases"]
    failed = {case["id"] for case in cases if case["result"] == "fail"}
    passed = {case["id"] for case in cases if case["result"] == "pass"}
    known = read_known_failures(KNOWN_FAILURES)
    now_passing = sorted(passed & set(known))
    if now_passing:
        conformance_summary.append(
            f"{len(now_passing)} known failures now pass; remove them from "
            f"{KNOWN_FAILURES.name}: " + ", ".join(now_passing)
        )
    unexpected = sorted(failed - set(known))
    details = [
        line for line in lines if line.startswith("FAIL ") and line.split()[1][:-1] in unexpected
    ]
    assert not unexpected, "new conformance failures:\n" + "\n".join(details or unexpected)
    assert summary.endswith("skipped") and " passed, " in summary
