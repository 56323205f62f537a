from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from apps.definitions.models import Definition
from apps.executions.models import Execution
from tests.apps.simulations.machines import CALLBACK, STOCK, WAITING, version_of


@pytest.fixture(autouse=True)
def _one_workspace(workspace: Any) -> None:
    """The commands write into the only workspace there is (no --workspace needed)."""


pytestmark = pytest.mark.django_db(transaction=True)  # the command's steps run on commit


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("simulate", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def input_file(tmp_path):
    path = tmp_path / "input.json"
    path.write_text(json.dumps({"order": 7}))
    return path


def test_a_definition_file_is_imported_then_simulated(tmp_path, input_file):
    definition = tmp_path / "waiting.asl.json"
    definition.write_text(json.dumps(WAITING))
    out = run(str(definition), "--input", str(input_file), "--name", "from-cli")
    execution = Execution.objects.get()
    assert out.strip() == f"/executions/{execution.pk}/" == execution.get_absolute_url()
    assert execution.name == "from-cli" and execution.status == "SUCCEEDED"
    assert Definition.objects.get().name == "waiting"


def test_a_stored_definition_by_name(input_file):
    version_of(CALLBACK, name="approvals")
    out = run("approvals", "--input", str(input_file), "--pace", "real")
    execution = Execution.objects.get()
    assert out.strip() == execution.get_absolute_url()
    assert execution.status == "RUNNING" and execution.simulation.pace == "real"


def test_bad_arguments_are_explained(tmp_path, input_file):
    with pytest.raises(CommandError, match="no stored definition is named 'ghost'"):
        run("ghost", "--input", str(input_file))
    version_of(WAITING, name="waiting")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(CommandError, match="input .*bad.json is not JSON"):
        run("waiting", "--input", str(bad))
    with pytest.raises(CommandError, match="cannot read the input"):
        run("waiting", "--input", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="give instant, real, or a scale"):
        run("waiting", "--input", str(input_file), "--pace", "soon")
    with pytest.raises(CommandError, match="mock configuration"):
        run("waiting", "--input", str(input_file), "--test-case", "Happy")
    assert not Execution.objects.exists()


def test_task_durations_from_a_file(tmp_path, input_file):
    version_of(STOCK, name="stock")
    table = {"CheckStock": 0.4, "PickLine": {"0": 0.5, "1-3": 1.2}}
    durations = tmp_path / "durations.json"
    durations.write_text(json.dumps(table))
    run("stock", "--input", str(input_file), "--durations", str(durations))
    execution = Execution.objects.get()
    assert execution.simulation.durations == table and execution.status == "SUCCEEDED"


def test_a_bad_durations_table_is_explained(tmp_path, input_file):
    version_of(WAITING, name="waiting")
    durations = tmp_path / "durations.json"
    durations.write_text(json.dumps({"Call": {"0": "slow"}}))
    with pytest.raises(CommandError, match=r'/Call/0: must be a number .*, not "slow"'):
        run("waiting", "--input", str(input_file), "--durations", str(durations))
    durations.write_text('{"Call": Infinity}')
    with pytest.raises(CommandError, match="task durations are not JSON"):
        run("waiting", "--input", str(input_file), "--durations", str(durations))
    durations.write_text('{"Pause": 5}')
    with pytest.raises(CommandError, match="/Pause: the definition has no Task state named"):
        run("waiting", "--input", str(input_file), "--durations", str(durations))
    with pytest.raises(CommandError, match="cannot read the durations table"):
        run("waiting", "--input", str(input_file), "--durations", str(tmp_path / "none.json"))
    assert not Execution.objects.exists()
