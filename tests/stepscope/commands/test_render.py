"""`stepscope render` (stepscope/commands/render.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stepscope.cli import main

DEFINITION = {
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    path = tmp_path / "machine.json"
    path.write_text(json.dumps(DEFINITION), encoding="utf-8")
    return path


def state_names(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {g.get("data-state") or "" for g in root.iter() if g.get("data-state") is not None}


def test_svg_to_file(definition: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.svg"
    assert main(["render", str(definition), "-o", str(out)]) == 0
    assert state_names(out.read_text(encoding="utf-8")) == {"Validate", "Done"}


def test_format_from_suffix_png_and_dot(definition: Path, tmp_path: Path) -> None:
    assert main(["render", str(definition), "-o", str(tmp_path / "g.png")]) == 0
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")
    assert (
        main(["render", str(definition), "-o", str(tmp_path / "g.dot"), "--direction", "LR"]) == 0
    )
    dot = (tmp_path / "g.dot").read_text(encoding="utf-8")
    assert dot.startswith('digraph "stepscope"') and "rankdir=LR" in dot


def test_explicit_format_wins_over_suffix(definition: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.txt"
    assert main(["render", str(definition), "-o", str(out), "--format", "dot"]) == 0
    assert out.read_text(encoding="utf-8").startswith("digraph")


def test_stdout_by_default(definition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(definition)]) == 0
    assert state_names(capsys.readouterr().out) == {"Validate", "Done"}
    assert main(["render", str(definition), "-o", "-", "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph")


def test_yaml_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "machine.yaml"
    path.write_text("StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n", encoding="utf-8")
    assert main(["render", str(path)]) == 0
    assert state_names(capsys.readouterr().out) == {"A"}


def test_invalid_definition_is_still_drawn_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}))
    assert main(["render", str(path)]) == 0
    captured = capsys.readouterr()
    assert state_names(captured.out) == {"A"}
    assert "validation error" in captured.err


def test_unparseable_input_exits_2_with_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"StartAt": "A",\n  "States": }', encoding="utf-8")
    assert main(["render", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cannot parse" in err and "line 2" in err and "column" in err


@pytest.mark.parametrize("content", [b"[1, 2]", b'"text"', b"\xff\xfe\x00garbage"])
def test_non_definitions_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "weird.json"
    path.write_bytes(content)
    assert main(["render", str(path)]) == 2
    assert "stepscope render:" in capsys.readouterr().err


def test_missing_file_and_unknown_suffix_exit_2(
    definition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["render", str(definition), "-o", str(tmp_path / "out.txt")]) == 2
    assert "--format" in capsys.readouterr().err


def test_unwritable_output_exits_1(definition: Path, tmp_path: Path) -> None:
    assert main(["render", str(definition), "-o", str(tmp_path / "no" / "dir" / "g.svg")]) == 1


def test_template_with_several_machines_needs_machine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def machine(name: str) -> dict[str, object]:
        return {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "Definition": {"StartAt": name, "States": {name: {"Type": "Succeed"}}},
                "RoleArn": "arn:aws:iam::123456789012:role/sfn",
            },
        }

    template = {"Resources": {"First": machine("One"), "Second": machine("Two")}}
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    assert main(["render", str(path)]) == 2
    err = capsys.readouterr().err
    assert "First" in err and "Second" in err and "--machine" in err
    assert main(["render", str(path), "--machine", "Second"]) == 0
    assert state_names(capsys.readouterr().out) == {"Two"}
