"""AWS tests never reach AWS: fake credentials, no instance metadata, no config files, and every
client without its own endpoint sent to a closed local port. Step Functions is moto in server mode
(a real HTTP endpoint on 127.0.0.1 with its interpreter on), or a tiny stub HTTP endpoint that
answers what a test scripts (errors, throttling, paged histories)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.apps.aws.moto_server import MotoServer, start_moto_server
from tests.apps.aws.stub import StubAws, start_stub

CLOSED_PORT_URL = "http://127.0.0.1:9"  # discard: nothing listens; a stray client fails loudly

AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


@pytest.fixture(autouse=True)
def no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", CLOSED_PORT_URL)


@pytest.fixture(scope="session")
def moto_session() -> Iterator[MotoServer]:
    server = start_moto_server()
    yield server
    server.stop()


def allow_endpoint(settings: Any, url: str) -> None:
    """Let sources saved from the web use `url` (127.0.0.1:<port>), as an operator who runs moto
    or LocalStack there would with STEPSCOPE_AWS_ENDPOINT_ALLOW."""
    host_port = url.split("://", 1)[1].rstrip("/")
    settings.STEPSCOPE_AWS_ENDPOINT_ALLOW = [*settings.STEPSCOPE_AWS_ENDPOINT_ALLOW, host_port]


@pytest.fixture
def moto(moto_session: MotoServer, settings: Any) -> MotoServer:
    """The moto server, emptied, with its Step Functions interpreter on; the operator allows
    sources saved from the web to use it."""
    moto_session.reset()
    allow_endpoint(settings, moto_session.url)
    return moto_session


@pytest.fixture
def stub(settings: Any) -> Iterator[StubAws]:
    """A stub endpoint the operator allows sources saved from the web to use."""
    server = start_stub()
    allow_endpoint(settings, server.url)
    yield server
    server.stop()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same retries, without the waits: botocore's back-off takes a millisecond instead of up
    to seconds, and the adaptive mode's client-side rate limiter (its token bucket, down to half a
    request a second after throttling) lets each request through at once."""
    from botocore.retries.bucket import TokenBucket
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.001)
    monkeypatch.setattr(TokenBucket, "_sleep_amount", lambda self, amount: 0)
