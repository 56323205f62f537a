"""Every model change has its migration: a clean checkout migrates to what the models say."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits non-zero when a migration is missing
        pytest.fail(f"missing migrations (exit {exit_.code}):\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_workspaces_move_to_a_default_workspace() -> None:
    """An installation upgraded from before workspaces keeps its data, in workspace `default`,
    with its users as debuggers (managing AWS sources then needs an admin's grant)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [
        ("accounts", None),
        ("definitions", "0002_alter_definitionversion_diagnostics"),
        ("executions", "0006_alter_execution_description_and_more"),
        ("aws", "0004_alter_awspullpage_events_alter_awssource_regions"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state([node for node in before if node[1]]).apps
    user = old.get_model("auth", "User").objects.create(username="old-timer")
    old.get_model("auth", "User").objects.create(username="root", is_superuser=True)
    definition = old.get_model("definitions", "Definition").objects.create(name="orders")
    execution = old.get_model("executions", "Execution").objects.create(
        name="order-1", fingerprint="f" * 64, status="FAILED"
    )
    source = old.get_model("aws", "AwsSource").objects.create(name="prod", regions=["us-east-1"])
    pull = old.get_model("aws", "AwsPull").objects.create(
        execution_arn="arn:aws:states:us-east-1:1:execution:m:e", region="us-east-1"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    workspace = new.get_model("accounts", "Workspace").objects.get(name="default")
    for model, pk in (
        ("definitions.Definition", definition.pk),
        ("executions.Execution", execution.pk),
        ("aws.AwsSource", source.pk),
        ("aws.AwsPull", pull.pk),
    ):
        assert new.get_model(*model.split(".")).objects.get(pk=pk).workspace_id == workspace.pk
    members = new.get_model("accounts", "Membership").objects.filter(workspace=workspace)
    assert [(m.user_id, m.role) for m in members] == [(user.pk, "debugger")]
