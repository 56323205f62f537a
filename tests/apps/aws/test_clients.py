"""The client factory: the credential chain, a role assumed through STS, adaptive retry, and the
endpoint URL (moto in server mode here)."""

from __future__ import annotations

import pytest

from apps.aws.clients import (
    AwsSetupError,
    SourceSettings,
    check_endpoint_url,
    client_config,
    stepfunctions_client,
)
from apps.aws.models import AwsSource
from tests.apps.aws.moto_server import REGION


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
