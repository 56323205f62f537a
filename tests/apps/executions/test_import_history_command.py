from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from apps.executions.models import Execution
from tests.apps.executions.histories import describe, page, payment_failed_events


@pytest.fixture(autouse=True)
def _one_workspace(workspace: Any) -> None:
    """The commands write into the only workspace there is (no --workspace needed)."""


pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_history", *args, stdout=out)
    return out.getvalue()


def test_import_history_with_its_description(tmp_path):
    history = tmp_path / "history.json"
    history.write_text(page(payment_failed_events()))
    description = tmp_path / "describe.json"
    description.write_text(describe("order-1002"))
    out = run(str(history), str(description))
    assert "imported execution" in out and "'order-1002': FAILED" in out
    assert "unchanged execution" in run(str(history), str(description))
    assert Execution.objects.count() == 1


def test_name_and_unknown_definition(tmp_path):
    history = tmp_path / "h.json"
    history.write_text(page(payment_failed_events()))
    with pytest.raises(CommandError, match="no definition named or numbered 'ghost'"):
        run(str(history), "--definition", "ghost")
    out = run(str(history), "--name", "incident-42")
    assert "'incident-42'" in out
    assert Execution.objects.get().name == "incident-42"


def test_unreadable_and_bad_files(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2,")
    with pytest.raises(CommandError, match="bad.json"):
        run(str(bad))
    assert Execution.objects.count() == 0


def test_the_command_is_audited_as_the_operator_and_internal_imports_are_not(tmp_path, workspace):
    from apps.accounts.models import AuditEntry
    from apps.executions.services import execution_import

    history = tmp_path / "history.json"
    history.write_text(page(payment_failed_events()))
    run(str(history))
    entry = AuditEntry.objects.get(action="execution.import")
    assert entry.actor is None and entry.actor_name == "" and entry.workspace == workspace
    assert entry.target == "history" and entry.detail == {"added": 20, "files": ["history.json"]}
    # An import made by an AWS pull or follow (no `audited`) adds no entry.
    execution_import(
        workspace=workspace, documents=[("pulled.json", page(payment_failed_events()))]
    )
    assert AuditEntry.objects.filter(action="execution.import").count() == 1
