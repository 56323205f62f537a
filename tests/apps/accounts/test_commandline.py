"""`--workspace NAME` on the commands that write: required once there are several workspaces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import Workspace
from apps.definitions.models import Definition
from apps.executions.models import Execution
from tests.apps.executions.histories import page, payment_failed_events

pytestmark = pytest.mark.django_db

MACHINE = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    definition = tmp_path / "orders.asl.json"
    definition.write_text(MACHINE)
    history = tmp_path / "order-1002.json"
    history.write_text(page(payment_failed_events()))
    return {"definition": definition, "history": history}


def test_with_no_workspace_the_commands_say_how_to_make_one(files: dict[str, Path]) -> None:
    with pytest.raises(CommandError, match="workspace create NAME"):
        call_command("import_definition", str(files["definition"]))


def test_the_only_workspace_is_taken_when_none_is_named(
    workspace: Any, files: dict[str, Path]
) -> None:
    call_command("import_definition", str(files["definition"]))
    call_command("import_history", str(files["history"]))
    assert Definition.objects.get().workspace == workspace
    assert Execution.objects.get().workspace == workspace


def test_several_workspaces_need_a_name_and_an_unknown_one_is_named_back(
    workspace: Any, files: dict[str, Path], capsys: Any
) -> None:
    other = Workspace.objects.create(name="payments")
    for command, path in (("import_definition", "definition"), ("import_history", "history")):
        with pytest.raises(CommandError, match="several workspaces: name one with --workspace"):
            call_command(command, str(files[path]))
        with pytest.raises(CommandError, match="no workspace 'nope' \\(workspaces: payments, team"):
            call_command(command, str(files[path]), "--workspace", "nope")
        call_command(command, str(files[path]), "--workspace", "payments")
    assert Definition.objects.get().workspace == other
    assert Execution.objects.get().workspace == other
    # The same history in another workspace is another execution there, not a rename here.
    call_command("import_history", str(files["history"]), "--workspace", workspace.name)
    assert sorted(Execution.objects.values_list("workspace__name", flat=True)) == [
        "payments",
        "team",
    ]
