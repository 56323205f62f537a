"""The shared validation corpus: AWS's verdicts on ASL definitions, scored by its own runner.

Fails only on cases missing from validation_known_failures.txt; the runner's summary line
(`N passed, M failed, K skipped`) is shown in pytest's terminal summary.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
RUNNER = SHARED / "validation" / "run.py"
KNOWN_FAILURES = Path(__file__).with_name("validation_known_failures.txt")


@pytest.mark.skipif(not RUNNER.is_file(), reason=f"no validation corpus at {RUNNER.parent}")
def test_validation_corpus_matches_aws_verdicts(corpus_summary: list[str]) -> None:
    command = f"{shlex.quote(sys.executable)} -m stepscope.cli validate --batch"
    completed = subprocess.run(
        [
            sys.executable,
            str(RUNNER),
            "--cmd",
            command,
            "--known-failures",
            str(KNOWN_FAILURES),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    summary = lines[-1] if lines else "(no output)"
    corpus_summary.append(summary)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    assert summary.endswith("skipped") and " passed, " in summary
