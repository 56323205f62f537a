"""The client factory: the credential chain, a role assumed through STS, adaptive retry, the
endpoint URL (moto in server mode here), and, for sources saved from the web, the check of where
each request goes just before it is sent (DNS rebinding)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.aws.clients import (
    AwsSetupError,
    SourceSettings,
    check_endpoint_url,
    client_config,
    stepfunctions_client,
)
from apps.aws.endpoints import EndpointRefused
from apps.aws.follow_models import AwsSyncRun
from apps.aws.models import AwsSource
from apps.aws.sync_runs import source_pull_run
from tests.apps.aws.dns import fake_dns
from tests.apps.aws.moto_server import REGION
from tests.apps.aws.scripted import script_account
from tests.apps.aws.sources import connection_passed, passed_earlier, saved


def test_adaptive_retry_and_the_endpoint_url(moto):
    client = stepfunctions_client(
        SourceSettings((REGION,), endpoint_url=moto.url, max_attempts=7), REGION
    )
    assert client.meta.endpoint_url == moto.url
    assert client.meta.region_name == REGION
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 7}
    assert client.list_state_machines()["stateMachines"] == []


def test_a_role_is_assumed_through_sts_at_the_same_endpoint(moto):
    moto.machine("orders")
    role = "arn:aws:iam::123456789012:role/stepscope-reader"
    client = stepfunctions_client(
        SourceSettings((REGION,), role_arn=role, endpoint_url=moto.url), REGION
    )
    credentials = client._request_signer._credentials  # the assumed role's, not the environment's
    assert credentials.access_key != "testing" and credentials.token
    assert [m["name"] for m in client.list_state_machines()["stateMachines"]] == ["orders"]


def test_without_an_endpoint_tests_go_nowhere(quick_retries):
    # conftest points every client without its own endpoint at a closed local port.
    client = stepfunctions_client(SourceSettings((REGION,)), REGION)
    assert client.meta.endpoint_url == "http://127.0.0.1:9"


def test_endpoint_urls_are_checked():
    assert check_endpoint_url("") == ""
    assert check_endpoint_url("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
    for bad in ("127.0.0.1:5000", "ftp://host", "http://"):
        with pytest.raises(AwsSetupError, match="not an http:// or https:// URL"):
            check_endpoint_url(bad)
    assert client_config(3).retries == {"mode": "adaptive", "total_max_attempts": 3}


def test_a_source_has_no_place_for_a_secret():
    names = {field.name for field in AwsSource._meta.get_fields()}
    assert not {name for name in names if "secret" in name or "key" in name or "token" in name}


def _form(endpoint_url: str) -> dict[str, str]:
    return {
        "name": "rebind",
        "profile_name": "",
        "role_arn": "",
        "regions": REGION,
        "endpoint_url": endpoint_url,
    }


@pytest.mark.django_db
def test_dns_rebinding_is_caught_at_request_time(signed_in, stub, settings, monkeypatch):
    """The name leads to a public address when the form is saved, then to this server's own
    127.0.0.1 (where the stub listens) when the requests are sent: they are refused, and nothing
    reaches the stub."""
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = []  # the stub is not allowed by its address
    script_account(stub)
    port = stub.url.rsplit(":", 1)[1]
    dns = fake_dns(monkeypatch, {"sfn.rebind.example": ["93.184.216.34"]})
    answer = signed_in.post(reverse("aws:new"), _form(f"http://sfn.rebind.example:{port}"))
    assert answer.status_code == 302  # public when checked
    source = AwsSource.objects.get()

    dns.answer("sfn.rebind.example", ["127.0.0.1"])
    page = signed_in.post(reverse("aws:test", args=[source.pk])).content.decode()
    refused = (
        "Refused to send a request: the endpoint host sfn.rebind.example resolves to 127.0.0.1, "
        "a loopback address."
    )
    assert refused in page and "(EndpointRefused)" in page
    assert stub.calls == []
    source.refresh_from_db()
    assert not source.tested_settings  # a refused test is no pass

    passed_earlier(source)  # had it passed before the answer changed, a pull is refused too
    run = AwsSyncRun.objects.create(source=source)
    run = source_pull_run(run_id=run.pk)
    assert run.failures == 1 and any(refused in line for line in run.summary)
    assert stub.calls == []


@pytest.mark.django_db
def test_the_same_name_reaches_the_stub_when_the_operator_allows_it(stub, settings, monkeypatch):
    """The control for the test above: the patched answer is the one the HTTP client connects
    to, so without the request-time check the refused requests would have reached the stub."""
    script_account(stub)
    port = stub.url.rsplit(":", 1)[1]
    fake_dns(monkeypatch, {"sfn.rebind.example": ["127.0.0.1"]})
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = [f"sfn.rebind.example:{port}"]
    source = saved(endpoint_url=f"http://sfn.rebind.example:{port}")
    connection_passed(source)
    assert "ListStateMachines" in stub.actions()


def test_the_request_time_check_is_only_for_sources_saved_from_the_web(stub, settings):
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = []
    script_account(stub)
    operator = stepfunctions_client(SourceSettings((REGION,), endpoint_url=stub.url), REGION)
    assert operator.list_state_machines()["stateMachines"]  # the command line: not limited
    web = stepfunctions_client(
        SourceSettings((REGION,), endpoint_url=stub.url, checked=True), REGION
    )
    with pytest.raises(EndpointRefused, match="127.0.0.1 is a loopback address"):
        web.list_state_machines()
    assert stub.actions() == ["ListStateMachines"]  # only the operator's call arrived
    # a role is assumed through STS at the same endpoint: that request is checked too
    role = "arn:aws:iam::123456789012:role/StepscopeReader"
    settings.STEPSCOPE_AWS_ROLE_ARNS = [role]
    with pytest.raises(EndpointRefused):
        stepfunctions_client(
            SourceSettings((REGION,), role_arn=role, endpoint_url=stub.url, checked=True), REGION
        )
    assert stub.actions() == ["ListStateMachines"]


def test_aws_own_endpoints_are_not_checked(quick_retries):
    client = stepfunctions_client(SourceSettings((REGION,), checked=True), REGION)
    assert client.meta.endpoint_url == "http://127.0.0.1:9"  # the environment's, as conftest sets
    from botocore.exceptions import EndpointConnectionError

    with pytest.raises(EndpointConnectionError):  # sent (to nothing), not refused
        client.list_state_machines()
