from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from apps.definitions.models import DefinitionVersion
from tests.apps.definitions.helpers import BROKEN, TEMPLATE_TWO_MACHINES, VALID


@pytest.fixture(autouse=True)
def _one_workspace(workspace: Any) -> None:
    """The commands write into the only workspace there is (no --workspace needed)."""


pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_definition", *args, stdout=out)
    return out.getvalue()


def test_import_names_the_definition_after_its_file(tmp_path):
    path = tmp_path / "billing.asl.json"
    path.write_text(VALID)
    assert "imported billing v1 (OK, 0 diagnostics)" in run(str(path))
    assert "unchanged, already billing v1" in run(str(path))
    assert DefinitionVersion.objects.count() == 1


def test_import_reports_diagnostics_with_lines(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(BROKEN)
    out = run(str(path), "--name", "pay")
    assert "imported pay v1 (FAIL" in out
    assert "ERROR MISSING_TRANSITION_TARGET" in out and "(at /States/Charge/Next)" in out


def test_template_needs_a_machine_choice(tmp_path):
    path = tmp_path / "stack.json"
    path.write_text(TEMPLATE_TWO_MACHINES)
    with pytest.raises(CommandError, match="--machine with one of: First, Second"):
        run(str(path))
    assert "imported Second v1" in run(str(path), "--machine", "Second", "--name", "Second")


def test_unreadable_and_unparseable_files_are_explained(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"StartAt": ')
    with pytest.raises(CommandError, match="line 1"):
        run(str(bad))
    assert DefinitionVersion.objects.count() == 0
