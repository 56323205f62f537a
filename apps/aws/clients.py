"""Step Functions clients from boto3's credential chain: a profile, an optional role to assume,
one client per region, adaptive retry, and an optional endpoint URL (LocalStack, moto).

No secret is read from or written to the database: the session finds credentials the usual way
(environment, profiles, SSO, instance and container roles). Assumed-role credentials live only in
the session object for the length of a pull.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from django.conf import settings

ROLE_SESSION_NAME = "stepscope"
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 60


class AwsSetupError(ValueError):
    """The source's settings cannot work (no region, a malformed endpoint URL)."""


@dataclass(frozen=True)
class SourceSettings:
    """Where and as whom to pull: what an AwsSource row or the aws_sync flags say."""

    regions: tuple[str, ...]
    profile_name: str = ""
    role_arn: str = ""
    endpoint_url: str = ""
    max_attempts: int = field(default_factory=lambda: int(settings.AWS_MAX_ATTEMPTS))


def check_endpoint_url(url: str) -> str:
    """The URL as given, or AwsSetupError when it is not an http(s) URL with a host."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AwsSetupError(
            f"The endpoint URL {url!r} is not an http:// or https:// URL with a host, "
            "such as http://127.0.0.1:5000."
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


def _client_options(source: SourceSettings, region: str) -> dict[str, Any]:
    options: dict[str, Any] = {
        "region_name": region,
        "config": client_config(source.max_attempts),
    }
    if source.endpoint_url:
        options["endpoint_url"] = check_endpoint_url(source.endpoint_url)
    return options


def aws_session(source: SourceSettings, region: str) -> boto3.Session:
    """The profile's session, or the role's when a role is to be assumed (sts:AssumeRole)."""
    base = boto3.Session(profile_name=source.profile_name or None)
    if not source.role_arn:
        return base
    sts = base.client("sts", **_client_options(source, region))
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
    options = _client_options(source, region)
    if max_attempts is not None:
        options["config"] = client_config(max_attempts)
    return (session or aws_session(source, region)).client("stepfunctions", **options)


def default_region(profile_name: str = "") -> str:
    """The region the profile or the environment names, or "" when none does."""
    return boto3.Session(profile_name=profile_name or None).region_name or ""
