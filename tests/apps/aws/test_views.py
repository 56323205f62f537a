"""The AWS source pages: list, create and edit, test connection, pull now, follow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.accounts.models import AuditEntry, Workspace
from apps.aws.connection import UNTESTED
from apps.aws.follow_models import AwsSyncRun, FollowedExecution
from apps.aws.models import AwsSource
from apps.aws.services import aws_source_save
from apps.aws.sync_runs import source_pull_run
from apps.executions.models import Execution
from apps.simulations import embedded
from tests.apps.aws.conftest import allow_endpoint
from tests.apps.aws.moto_server import REGION, MotoServer
from tests.apps.aws.scripted import script_account
from tests.apps.aws.sources import connection_passed, passed_earlier
from tests.apps.aws.stub import StubAws, error, start_stub
from tests.workspaces import member, team

pytestmark = pytest.mark.django_db


def form(**fields: str) -> dict[str, str]:
    data = {"name": "prod", "profile_name": "", "role_arn": "", "regions": REGION}
    return {"endpoint_url": "", **data, **fields}


@pytest.mark.parametrize(
    "name, method",
    [("aws:list", "get"), ("aws:new", "get"), ("aws:detail", "get"), ("aws:pull", "post")],
)
def test_signed_out_users_are_sent_to_sign_in(client, name, method):
    source = aws_source_save(workspace=team(), name="prod", regions=[REGION])
    args = [source.pk] if name in ("aws:detail", "aws:pull") else []
    answer = getattr(client, method)(reverse(name, args=args))
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    assert not AwsSyncRun.objects.exists()


def test_the_navigation_links_to_the_sources(signed_in):
    page = signed_in.get(reverse("home")).content.decode()
    assert f'href="{reverse("aws:list")}"' in page


def test_create_a_source_and_see_it_listed(signed_in, settings):
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = ["127.0.0.1:5000"]  # the operator's local moto
    page = signed_in.get(reverse("aws:new")).content.decode()
    assert "never stores AWS secret keys" in page and "secret_access_key" not in page
    answer = signed_in.post(
        reverse("aws:new"),
        form(regions="us-east-1, eu-west-1", endpoint_url="http://127.0.0.1:5000"),
    )
    source = AwsSource.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "aws:detail", args=[source.pk]
    )
    assert source.regions == ["us-east-1", "eu-west-1"]
    listed = signed_in.get(reverse("aws:list")).content.decode()
    assert "prod" in listed and "us-east-1, eu-west-1" in listed


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"regions": "us east 1"}, "is not a region name"),
        ({"endpoint_url": "localhost:5000"}, "is not an http:// or https:// URL"),
        ({"role_arn": "admin<b>"}, "is not a role ARN"),
        ({"regions": " , "}, "Name at least one region"),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(signed_in, settings, fields, message):
    settings.STEPSCOPE_AWS_PROFILES = ["team-profile"]
    answer = signed_in.post(reverse("aws:new"), form(profile_name="team-profile", **fields))
    page = answer.content.decode()
    assert answer.status_code == 400 and message in page
    assert '<option value="team-profile" selected>' in page  # kept
    assert "admin<b>" not in page  # escaped
    assert not AwsSource.objects.exists()


def test_a_name_in_use_is_refused_and_edit_keeps_the_name(signed_in):
    source = aws_source_save(workspace=team(), name="prod", regions=[REGION])
    answer = signed_in.post(reverse("aws:new"), form(regions="eu-west-1"))
    assert answer.status_code == 400 and "already a source named prod" in answer.content.decode()
    assert AwsSource.objects.get().regions == [REGION]
    edit = reverse("aws:edit", args=[source.pk])
    answer = signed_in.post(edit, form(name="renamed", regions="eu-west-1 eu-west-2"))
    assert answer.status_code == 302
    assert list(AwsSource.objects.values_list("name", "regions")) == [
        ("prod", ["eu-west-1", "eu-west-2"])
    ]


def test_test_connection_shows_the_services_specific_message(signed_in, stub: StubAws):
    stub.on(
        "ListStateMachines",
        lambda body: error("AccessDeniedException", "User <arn> is not authorized"),
    )
    source = aws_source_save(
        workspace=team(), name="<script>x</script>", regions=[REGION], endpoint_url=stub.url
    )
    answer = signed_in.post(reverse("aws:test", args=[source.pk]))
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Access denied: the credentials may not call states:ListStateMachines" in page
    assert "User &lt;arn&gt; is not authorized" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_test_connection_that_works(signed_in, stub: StubAws):
    script_account(stub)
    source = aws_source_save(workspace=team(), name="stub", regions=[REGION], endpoint_url=stub.url)
    page = signed_in.post(reverse("aws:test", args=[source.pk])).content.decode()
    assert "state machines, executions and histories can be read" in page


@pytest.mark.django_db(transaction=True)
def test_pull_now_imports_from_moto_and_shows_the_summary(
    signed_in, moto: MotoServer, steps_in_process
):
    machine = moto.machine()
    moto.run(machine, [{"ok": True}, {"ok": False}])
    source = aws_source_save(workspace=team(), name="moto", regions=[REGION], endpoint_url=moto.url)
    connection_passed(source)
    answer = signed_in.post(reverse("aws:pull", args=[source.pk]), follow=True)
    assert "Pulling from moto" in answer.content.decode()
    assert embedded.wait_idle(timeout=30), "the pull did not end within 30 s"
    run = AwsSyncRun.objects.get()
    assert run.status == "done" and run.failures == 0 and run.finished_at is not None
    assert any("2 added" in line for line in run.summary)
    assert sorted(Execution.objects.values_list("name", "status")) == [
        ("run-0", "SUCCEEDED"),
        ("run-1", "FAILED"),
    ]
    page = signed_in.get(reverse("aws:detail", args=[source.pk])).content.decode()
    assert "2 added" in page and "run-1" in page and 'http-equiv="refresh"' not in page
    # pulled executions are on the dashboard and in the executions list like any other
    for name in ("home", "executions:list"):
        listed = signed_in.get(reverse(name)).content.decode()
        assert "run-0" in listed and "run-1" in listed


def test_a_second_pull_waits_for_the_first(signed_in, django_capture_on_commit_callbacks):
    source = passed_earlier(aws_source_save(workspace=team(), name="prod", regions=[REGION]))
    AwsSyncRun.objects.create(source=source)  # queued
    answer = signed_in.post(reverse("aws:pull", args=[source.pk]), follow=True)
    page = answer.content.decode()
    assert "already under way" in page and 'http-equiv="refresh"' in page
    assert AwsSyncRun.objects.count() == 1


def test_a_pull_that_cannot_reach_aws_says_why(signed_in, stub: StubAws):
    from apps.aws.sync_runs import source_pull_run

    stub.on("ListStateMachines", lambda body: error("ExpiredTokenException", "token expired"))
    source = aws_source_save(workspace=team(), name="stub", regions=[REGION], endpoint_url=stub.url)
    passed_earlier(source)
    run = AwsSyncRun.objects.create(source=source)
    assert source_pull_run(run_id=run.pk).status == "done"
    assert source_pull_run(run_id=run.pk) is None  # a duplicate delivery does nothing
    page = signed_in.get(reverse("aws:detail", args=[source.pk])).content.decode()
    assert "The AWS credentials have expired (ExpiredTokenException)" in page
    assert "1 problem" in page


def test_follow_and_stop_following_from_the_page(signed_in):
    execution = Execution.objects.create(
        workspace=team(),
        name="pay-8",
        fingerprint="f" * 64,
        status="RUNNING",
        source="aws",
        execution_arn="arn:aws:states:us-east-1:123456789012:execution:payments:pay-8",
    )
    url = reverse("aws:follow", args=[execution.pk])
    answer = signed_in.post(url, {"action": "follow", "next": "https://evil.example/"})
    assert answer["Location"] == execution.get_absolute_url()  # no open redirect
    assert FollowedExecution.objects.get().pinned
    signed_in.post(url, {"action": "unfollow"})
    assert not FollowedExecution.objects.exists()
    Execution.objects.filter(pk=execution.pk).update(status="SUCCEEDED")
    answer = signed_in.post(url, {"action": "follow"}, follow=True)
    assert "nothing to follow" in answer.content.decode()
    assert signed_in.post(reverse("aws:follow", args=[999])).status_code == 404


def _someone(django_user_model, role: str | None, workspace=None):
    user = django_user_model.objects.create_user(username=f"u-{role}", password="x-pass-1234")
    if role is not None:
        member(user, role, workspace or team())
    return user


@pytest.mark.parametrize("role", ["viewer", "debugger"])
def test_only_admins_create_edit_and_test_sources(client, django_user_model, stub, role):
    source = aws_source_save(workspace=team(), name="prod", regions=[REGION], endpoint_url=stub.url)
    client.force_login(_someone(django_user_model, role))
    assert client.get(reverse("aws:new")).status_code == 403
    assert client.post(reverse("aws:new"), form(name="mine")).status_code == 403
    edit = reverse("aws:edit", args=[source.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, form(endpoint_url="http://evil.example:80")).status_code == 403
    assert client.post(reverse("aws:test", args=[source.pk])).status_code == 403
    source.refresh_from_db()
    assert source.endpoint_url == stub.url and AwsSource.objects.count() == 1
    assert stub.calls == []
    page = client.get(reverse("aws:detail", args=[source.pk])).content.decode()
    assert reverse("aws:edit", args=[source.pk]) not in page
    assert reverse("aws:test", args=[source.pk]) not in page
    assert (reverse("aws:pull", args=[source.pk]) in page) == (role == "debugger")
    listed = client.get(reverse("aws:list")).content.decode()
    assert "prod" in listed and reverse("aws:new") not in listed and edit not in listed


def test_an_outsider_gets_404(client, django_user_model):
    source = aws_source_save(workspace=team(), name="prod", regions=[REGION])
    elsewhere = Workspace.objects.create(name="elsewhere")
    client.force_login(_someone(django_user_model, "admin", elsewhere))
    for name, method in [
        ("aws:detail", "get"),
        ("aws:edit", "get"),
        ("aws:edit", "post"),
        ("aws:test", "post"),
        ("aws:pull", "post"),
    ]:
        answer = getattr(client, method)(reverse(name, args=[source.pk]), form())
        assert answer.status_code == 404, (name, method)
    assert "prod" not in client.get(reverse("aws:list")).content.decode()
    # a new source goes only to a workspace where the user is an admin
    answer = client.post(reverse("aws:new"), {**form(), "workspace": "team"})
    assert answer.status_code == 400 and "Choose a workspace where you have the admin role" in (
        answer.content.decode()
    )
    assert AwsSource.objects.count() == 1


def test_admins_see_the_buttons_and_choose_among_their_workspaces(signed_in, user):
    other = Workspace.objects.create(name="ops")
    member(user, "admin", other)
    watched = Workspace.objects.create(name="watched")
    member(user, "viewer", watched)
    theirs = aws_source_save(workspace=watched, name="theirs", regions=[REGION])
    ours = aws_source_save(workspace=team(), name="ours", regions=[REGION])
    page = signed_in.get(reverse("aws:new")).content.decode()
    assert '<select name="workspace"' in page
    assert '<option value="ops">' in page and '<option value="team">' in page
    assert 'value="watched"' not in page
    answer = signed_in.post(reverse("aws:new"), {**form(name="new"), "workspace": "watched"})
    assert answer.status_code == 400
    answer = signed_in.post(reverse("aws:new"), {**form(name="new"), "workspace": "ops"})
    assert answer.status_code == 302 and AwsSource.objects.get(name="new").workspace == other
    listed = signed_in.get(reverse("aws:list")).content.decode()
    assert reverse("aws:edit", args=[ours.pk]) in listed
    assert reverse("aws:edit", args=[theirs.pk]) not in listed  # only a viewer there
    page = signed_in.get(reverse("aws:detail", args=[ours.pk])).content.decode()
    for name in ("aws:edit", "aws:test", "aws:pull"):
        assert reverse(name, args=[ours.pk]) in page


def test_a_refused_endpoint_is_said_on_the_form_and_kept(signed_in):
    answer = signed_in.post(reverse("aws:new"), form(endpoint_url="http://169.254.169.254/"))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "The endpoint host 169.254.169.254 is a cloud metadata address." in page
    assert "STEPSCOPE_AWS_ENDPOINT_ALLOW=169.254.169.254:80" in page
    assert 'value="http://169.254.169.254/"' in page
    assert not AwsSource.objects.exists()


def test_a_changed_endpoint_needs_a_new_test_before_a_pull(
    signed_in, stub, settings, django_capture_on_commit_callbacks
):
    script_account(stub)
    second = start_stub()
    try:
        allow_endpoint(settings, second.url)
        script_account(second)
        signed_in.post(reverse("aws:new"), form(endpoint_url=stub.url))
        source = AwsSource.objects.get()
        pull, test = reverse("aws:pull", args=[source.pk]), reverse("aws:test", args=[source.pk])
        page = signed_in.post(pull, follow=True).content.decode()
        assert UNTESTED in page and not AwsSyncRun.objects.exists()
        assert 'data-tested="no"' in page

        page = signed_in.post(test).content.decode()
        assert "state machines, executions and histories can be read" in page
        assert 'data-tested="yes"' in page and "passed in every region" in page
        with django_capture_on_commit_callbacks(execute=False):
            signed_in.post(pull)
        assert AwsSyncRun.objects.count() == 1

        edit = reverse("aws:edit", args=[source.pk])
        signed_in.post(edit, form(regions=REGION, endpoint_url=stub.url))  # nothing changed
        source.refresh_from_db()
        assert source.tested_settings and source.tested_at

        signed_in.post(edit, form(endpoint_url=second.url))
        source.refresh_from_db()
        assert (source.tested_settings, source.tested_at) == ("", None)
        AwsSyncRun.objects.update(status="done")
        page = signed_in.post(pull, follow=True).content.decode()
        assert UNTESTED in page and AwsSyncRun.objects.count() == 1

        signed_in.post(test)
        with django_capture_on_commit_callbacks(execute=False):
            signed_in.post(pull)
        assert AwsSyncRun.objects.count() == 2
        assert "ListStateMachines" in second.actions()
    finally:
        second.stop()


def test_a_pull_asked_for_before_a_change_does_not_run(signed_in, stub):
    script_account(stub)
    source = connection_passed(
        aws_source_save(workspace=team(), name="stub", regions=[REGION], endpoint_url=stub.url)
    )
    run = AwsSyncRun.objects.create(source=source)
    regions = [REGION, "eu-west-1"]
    aws_source_save(workspace=team(), name="stub", regions=regions, endpoint_url=stub.url)
    calls = len(stub.calls)
    run = source_pull_run(run_id=run.pk)
    assert run.status == "failed" and run.error.startswith("Test the connection first")
    assert len(stub.calls) == calls


def test_tests_pulls_and_follows_are_audited(
    signed_in, user, stub, django_capture_on_commit_callbacks
):
    script_account(stub)
    source = aws_source_save(workspace=team(), name="stub", regions=[REGION], endpoint_url=stub.url)
    stub.on("ListStateMachines", lambda body: error("AccessDeniedException", "no"))
    signed_in.post(reverse("aws:test", args=[source.pk]))
    script_account(stub)
    signed_in.post(reverse("aws:test", args=[source.pk]))
    with django_capture_on_commit_callbacks(execute=False):
        signed_in.post(reverse("aws:pull", args=[source.pk]))
    execution = Execution.objects.create(
        workspace=team(),
        name="pay-9",
        fingerprint="9" * 64,
        status="RUNNING",
        source="aws",
        execution_arn="arn:aws:states:us-east-1:123456789012:execution:payments:pay-9",
    )
    follow = reverse("aws:follow", args=[execution.pk])
    signed_in.post(follow, {"action": "follow"})
    signed_in.post(follow, {"action": "unfollow"})
    entries = list(
        AuditEntry.objects.filter(workspace=team())
        .order_by("pk")
        .values_list("action", "actor_name", "target")
    )
    assert entries == [
        ("aws_source.create", "", "stub"),
        ("aws_source.test", "oncall", "stub"),
        ("aws_source.test", "oncall", "stub"),
        ("aws.pull", "oncall", "stub"),
        ("execution.follow", "oncall", "pay-9"),
        ("execution.unfollow", "oncall", "pay-9"),
    ]
    tests = AuditEntry.objects.filter(action="aws_source.test").order_by("pk")
    assert [entry.detail["result"] for entry in tests] == ["failed", "ok"]
    assert tests[0].detail["regions"] == {REGION: "AccessDeniedException"}
