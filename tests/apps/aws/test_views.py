"""The AWS source pages: list, create and edit, test connection, pull now, follow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.aws.follow_models import AwsSyncRun, FollowedExecution
from apps.aws.models import AwsSource
from apps.aws.services import aws_source_save
from apps.executions.models import Execution
from apps.simulations import embedded
from tests.apps.aws.moto_server import REGION, MotoServer
from tests.apps.aws.scripted import script_account
from tests.apps.aws.stub import StubAws, error
from tests.workspaces import team

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


def test_create_a_source_and_see_it_listed(signed_in):
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
def test_bad_input_is_refused_and_what_was_typed_is_kept(signed_in, fields, message):
    answer = signed_in.post(reverse("aws:new"), form(profile_name="team-profile", **fields))
    page = answer.content.decode()
    assert answer.status_code == 400 and message in page
    assert 'value="team-profile"' in page  # kept
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
    source = aws_source_save(workspace=team(), name="prod", regions=[REGION])
    AwsSyncRun.objects.create(source=source)  # queued
    answer = signed_in.post(reverse("aws:pull", args=[source.pk]), follow=True)
    page = answer.content.decode()
    assert "already under way" in page and 'http-equiv="refresh"' in page
    assert AwsSyncRun.objects.count() == 1


def test_a_pull_that_cannot_reach_aws_says_why(signed_in, stub: StubAws):
    from apps.aws.sync_runs import source_pull_run

    stub.on("ListStateMachines", lambda body: error("ExpiredTokenException", "token expired"))
    source = aws_source_save(workspace=team(), name="stub", regions=[REGION], endpoint_url=stub.url)
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
