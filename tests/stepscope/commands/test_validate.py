"""`stepscope validate`: human-readable file mode and the --batch JSON Lines contract."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepscope.cli import main as cli_main
from stepscope.commands.validate import run_batch

REPO = Path(__file__).resolve().parents[3]
GOOD = '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'
BAD = (
    '{\n  "StartAt": "A",\n  "States": {\n'
    '    "A": {"Type": "Pass", "Bogus": 1, "End": true}\n  }\n}'
)


def test_file_mode_prints_diagnostics_and_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(GOOD)
    bad.write_text(BAD)
    assert cli_main(["validate", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{good}: OK",
        f"{bad}:4:27: ERROR SCHEMA_VALIDATION_FAILED Field 'Bogus' is not supported (at /States/A)",
        f"{bad}: FAIL",
    ]


def test_file_mode_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("StartAt: A\nStates:\n  A: {Type: Succeed}\n")
    assert cli_main(["validate", str(good)]) == 0
    assert cli_main(["validate", str(good), str(tmp_path / "missing.json")]) == 2
    captured = capsys.readouterr()
    assert "missing.json: cannot read" in captured.err


def test_file_mode_reports_parse_errors_with_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"StartAt": "A",\n "States": {]}')
    assert cli_main(["validate", str(broken)]) == 1
    assert f"{broken}:2:13: ERROR INVALID_JSON_DESCRIPTION" in capsys.readouterr().out


def test_file_mode_refuses_files_over_the_aws_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text('{"Comment": "' + "x" * (1024 * 1024) + '"}')
    assert cli_main(["validate", str(huge)]) == 1
    assert "limit" in capsys.readouterr().out


def batch(lines: list[str]) -> tuple[list[dict[str, Any]], str]:
    stdin, stdout, stderr = io.StringIO("\n".join(lines) + "\n"), io.StringIO(), io.StringIO()
    assert run_batch(stdin, stdout, stderr) == 0
    return [json.loads(line) for line in stdout.getvalue().splitlines()], stderr.getvalue()


def test_batch_answers_each_request_in_order() -> None:
    answers, errors = batch(
        [
            json.dumps({"id": "good", "definition": GOOD}),
            json.dumps({"id": "bad", "definition": BAD}),
            json.dumps(
                {
                    "id": "warn",
                    "definition": GOOD.replace('"End"', '"Result": {"a.$": "$.x"}, "End"'),
                }
            ),
        ]
    )
    assert [a["id"] for a in answers] == ["good", "bad", "warn"]
    assert [a["result"] for a in answers] == ["OK", "FAIL", "OK"]
    assert answers[0]["diagnostics"] == []
    assert answers[1]["diagnostics"][0]["code"] == "SCHEMA_VALIDATION_FAILED"
    assert answers[1]["diagnostics"][0]["location"] == "/States/A"
    assert (answers[1]["diagnostics"][0]["line"], answers[1]["diagnostics"][0]["column"]) == (4, 27)
    assert answers[2]["diagnostics"][0]["severity"] == "WARNING"
    assert errors == ""


def test_batch_hostile_lines_still_get_answer_lines() -> None:
    lines = [
        "not json",
        "",
        "[1, 2]",
        json.dumps({"id": "no-definition"}),
        json.dumps({"id": 7, "definition": 5}),
        json.dumps({"id": "deep", "definition": "[" * 100_000}),
        "[" * 100_000,
        json.dumps({"id": "last", "definition": GOOD}),
    ]
    answers, errors = batch(lines)
    assert len(answers) == len(lines)
    assert [a["result"] for a in answers] == ["FAIL"] * 7 + ["OK"]
    assert answers[3]["id"] == "no-definition" and answers[4]["id"] == 7
    assert all(a["diagnostics"][0]["severity"] == "ERROR" for a in answers[:7])
    assert "line 1" in errors and "not JSON" in errors


def test_batch_subprocess_handles_invalid_utf8_and_flushes() -> None:
    payload = b"\xff\xfe\n" + json.dumps({"id": "x", "definition": GOOD}).encode() + b"\n"
    completed = subprocess.run(
        [sys.executable, "-m", "stepscope.commands.validate", "--batch"],
        input=payload,
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0
    answers = [json.loads(line) for line in completed.stdout.decode().splitlines()]
    assert [a["result"] for a in answers] == ["FAIL", "OK"]


def test_batch_through_the_stepscope_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.StringIO(json.dumps({"id": "a", "definition": GOOD}) + "\n")
    )
    assert cli_main(["validate", "--batch"]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": "a", "result": "OK", "diagnostics": []}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text().map(lambda t: t.replace("\n", " ")), min_size=1, max_size=5))
def test_batch_any_lines_get_one_answer_each(lines: list[str]) -> None:
    requests = [json.dumps({"id": f"r{i}", "definition": text}) for i, text in enumerate(lines)]
    answers, _ = batch(requests + lines)
    assert len(answers) == 2 * len(lines)
    assert [a["id"] for a in answers[: len(lines)]] == [f"r{i}" for i in range(len(lines))]
    for answer in answers:
        has_error = any(d["severity"] == "ERROR" for d in answer["diagnostics"])
        assert answer["result"] == ("FAIL" if has_error else "OK")
