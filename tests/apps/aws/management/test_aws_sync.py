"""`manage.py aws_sync` against moto in server mode: progress, then a summary of what it added."""

from __future__ import annotations

import io
import runpy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.accounts.models import AuditEntry
from apps.aws.connection import UNTESTED, source_is_tested
from apps.aws.services import aws_source_save
from apps.executions.models import Execution
from tests.apps.aws.moto_server import REGION
from tests.workspaces import team


@pytest.fixture(autouse=True)
def _one_workspace(workspace: Any) -> None:
    """The commands write into the only workspace there is (no --workspace needed)."""


pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("aws_sync", *args, stdout=out)
    return out.getvalue()


def test_sync_shows_progress_and_a_summary(moto):
    machine = moto.machine()
    moto.run(machine, [{"ok": True}, {"ok": False}])
    out = run("--endpoint-url", moto.url, "--region", REGION)
    assert "  region us-east-1\n" in out
    assert "  [1/1] state machine orders\n" in out
    assert "  orders: 2 executions listed, pulling 2\n" in out
    assert "added run-1: FAILED, 7 events" in out
    assert "summary:\n  regions: us-east-1\n" in out
    assert "  executions: 2 listed, 2 added, 0 updated, 0 already up to date\n" in out
    failed = Execution.objects.get(name="run-1")
    assert (failed.failed_state, failed.error) == ("Reject", "OrderRejected")
    again = run(
        "--endpoint-url", moto.url, "--region", REGION, "--status", "FAILED", "--since", "1h"
    )
    assert "  executions: 1 listed, 0 added, 0 updated, 1 already up to date\n" in again
    assert "  events added: 0\n" in again


def test_a_stored_source_and_the_connection_test(moto):
    moto.run(moto.machine(), [{"ok": False}])
    aws_source_save(workspace=team(), name="local", regions=[REGION], endpoint_url=moto.url)
    out = run("--source", "local", "--test")
    assert out == (
        f"ok   Connected to Step Functions in {REGION} at {moto.url}: "
        "state machines, executions and histories can be read.\n"
    )
    assert "1 added" in run("--source", "local", "--state-machine", "orders")


def test_problems_are_reported_and_fail_the_command(moto, monkeypatch):
    with pytest.raises(CommandError, match="neither a window"):
        run("--endpoint-url", moto.url, "--region", REGION, "--since", "yesterday")
    with pytest.raises(CommandError, match="there is no AWS source named 'ghost'"):
        run("--source", "ghost")
    with pytest.raises(CommandError, match="name a region"):
        run("--endpoint-url", moto.url)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("aws_sync", "--endpoint-url", moto.url, "--region", REGION, stdout=out)
    assert "failed: us-east-1: No AWS credentials were found." in out.getvalue()
    with pytest.raises(CommandError, match="the connection test failed"):
        run("--endpoint-url", moto.url, "--region", REGION, "--test")


def test_the_readme_flow_ends_on_a_page_that_shows_the_failed_state(moto, signed_in, capsys):
    script = Path(settings.BASE_DIR) / "scripts" / "moto_failed_execution.py"
    runpy.run_path(str(script))["main"](moto.url)
    assert "order-1002: FAILED" in capsys.readouterr().out
    out = run("--endpoint-url", moto.url, "--region", REGION)
    assert "added order-1002: FAILED" in out
    failed = Execution.objects.get(name="order-1002")
    html = signed_in.get(f"/executions/{failed.pk}/").content.decode()
    assert 'class="failure-banner"' in html
    assert "OrderRejected" in html and "the order is not ok" in html
    assert 'data-state="Reject" data-status="failed"' in html
    assert 'data-run-key="Reject"' in html  # the failed step is selected
    assert "order-1002" in html  # its input, in the step panel


def test_the_command_lines_endpoint_is_not_limited(moto, settings):
    """The operator runs it: moto on 127.0.0.1 works with no STEPSCOPE_AWS_ENDPOINT_ALLOW."""
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = []
    moto.run(moto.machine(), [{"ok": True}])
    assert "ok   Connected to Step Functions" in run(
        "--endpoint-url", moto.url, "--region", REGION, "--test"
    )
    assert "added run-0: SUCCEEDED" in run("--endpoint-url", moto.url, "--region", REGION)
    entry = AuditEntry.objects.get(action="aws.pull")
    assert (entry.actor, entry.target) == (None, moto.url)


def test_a_stored_source_keeps_the_webs_rules_but_not_the_test(moto, settings):
    """--source NAME: the endpoint policy still applies (the source was saved from the web), the
    connection test is not needed (a note says so), and --test records a pass."""
    moto.run(moto.machine(), [{"ok": True}])
    source = aws_source_save(
        workspace=team(), name="local", regions=[REGION], endpoint_url=moto.url
    )
    out = run("--source", "local")
    assert out.startswith(f"note: {UNTESTED} Pulling anyway")
    assert "added run-0: SUCCEEDED" in out
    run("--source", "local", "--test")
    source.refresh_from_db()
    assert source_is_tested(source)
    assert UNTESTED not in run("--source", "local")
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = []  # the operator no longer allows it
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("aws_sync", "--source", "local", stdout=out)
    assert "127.0.0.1 is a loopback address" in out.getvalue()
