"""Stored sources for tests, the way an admin makes them: saved, then "Test connection" passed
(or, where the test's endpoint answers errors on purpose, recorded as passed earlier)."""

from __future__ import annotations

from typing import Any

from apps.aws.connection import aws_source_test, source_digest
from apps.aws.models import AwsSource
from apps.aws.services import aws_source_save
from tests.apps.aws.moto_server import REGION
from tests.workspaces import team


def connection_passed(source: AwsSource) -> AwsSource:
    """Run the source's connection test; it must pass in every region."""
    checks = aws_source_test(source=source)
    assert all(check.ok for check in checks), [check.message for check in checks]
    source.refresh_from_db()
    return source


def passed_earlier(source: AwsSource) -> AwsSource:
    """As if its connection test had passed before the endpoint began to answer errors."""
    AwsSource.objects.filter(pk=source.pk).update(tested_settings=source_digest(source))
    source.refresh_from_db()
    return source


def saved(name: str = "prod", **fields: Any) -> AwsSource:
    return aws_source_save(workspace=team(), name=name, regions=[REGION], **fields)
