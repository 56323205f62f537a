"""Step Functions clients from boto3's credential chain: a profile, an optional role to assume,
one client per region, adaptive retry, and an optional endpoint URL (LocalStack, moto).

No secret is read from or written to the database: the session finds credentials the usual way
(environment, profiles, SSO, instance and container roles). Assumed-role credentials live only in
the session object for the length of a pull.

Settings from a source saved from the web (`checked`) obey the operator's policy every time they
are used: the profile and role must be allowed (identities.py), and every client with an endpoint
URL checks where each request goes just before it is sent (endpoints.py, on botocore's
before-send event), so a DNS answer changed since the form was saved is still refused. Settings
from the command line are the operator's own and are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from django.conf import settings

from apps.aws import endpoints, identities
from apps.aws.errors import AwsSetupError

ROLE_SESSION_NAME = "stepscope"
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class SourceSettings:
    """Where and as whom to pull: what an AwsSource row or the aws_sync flags say."""

    regions: tuple[str, ...]
    profile_name: str = ""
    role_arn: str = ""
    endpoint_url: str = ""
    max_attempts: int = field(default_factory=lambda: int(settings.AWS_MAX_ATTEMPTS))
    # From a source saved from the web: the operator's endpoint, profile and role policy applies.
    checked: bool = False


def check_endpoint_url(url: str) -> str:
    """The URL as given, or AwsSetupError when it is not an http(s) URL with a host."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AwsSetupError(
            f"The endpoint URL {url!r} is not an http:// or https:// URL with a host, "
            "such as http://127.0.0.1:5000.",
            field="endpoint_url",
        )
    return url


def client_config(max_attempts: int) -> Config:
    """Adaptive retry: back-off with jitter plus a client-side rate limit after throttling;
    `max_attempts` counts every attempt, the first one included."""
    return Config(
        retries={"mode": "adaptive", "total_max_attempts": max_attempts},
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        user_agent_extra="stepscope",
    )


def _refuse_unless_allowed(request: Any, **_: Any) -> None:
    """botocore's before-send: the request's host must still lead where the web may go."""
    endpoints.request_check(request.url)


def source_client(
    session: boto3.Session,
    service: str,
    source: SourceSettings,
    region: str,
    *,
    max_attempts: int | None = None,
) -> Any:
    """A client of `service` for the source's endpoint (if any) with adaptive retry; for a
    checked source, each request is refused unless the operator's endpoint policy allows it."""
    options: dict[str, Any] = {
        "region_name": region,
        "config": client_config(source.max_attempts if max_attempts is None else max_attempts),
    }
    if source.endpoint_url:
        if source.checked:
            options["endpoint_url"] = endpoints.endpoint_parse(source.endpoint_url).url
        else:
            options["endpoint_url"] = check_endpoint_url(source.endpoint_url)
    client = session.client(service, **options)
    if source.checked and source.endpoint_url:
        client.meta.events.register("before-send", _refuse_unless_allowed)
    return client


def aws_session(source: SourceSettings, region: str) -> boto3.Session:
    """The profile's session, or the role's when a role is to be assumed (sts:AssumeRole)."""
    if source.checked:
        identities.profile_check(source.profile_name)
        identities.role_check(source.role_arn)
    base = boto3.Session(profile_name=source.profile_name or None)
    if not source.role_arn:
        return base
    sts = source_client(base, "sts", source, region)
    credentials = sts.assume_role(RoleArn=source.role_arn, RoleSessionName=ROLE_SESSION_NAME)[
        "Credentials"
    ]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def stepfunctions_client(
    source: SourceSettings,
    region: str,
    *,
    session: boto3.Session | None = None,
    max_attempts: int | None = None,
) -> Any:
    """A Step Functions client for one region (boto3 clients are safe to share across threads).

    Pass the `session` of an earlier client to reuse its credentials and loaded API models.
    """
    return source_client(
        session or aws_session(source, region),
        "stepfunctions",
        source,
        region,
        max_attempts=max_attempts,
    )


def default_region(profile_name: str = "") -> str:
    """The region the profile or the environment names, or "" when none does."""
    return boto3.Session(profile_name=profile_name or None).region_name or ""


__all__ = [
    "AwsSetupError",
    "SourceSettings",
    "aws_session",
    "check_endpoint_url",
    "client_config",
    "default_region",
    "source_client",
    "stepfunctions_client",
]
