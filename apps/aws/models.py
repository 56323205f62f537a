"""Where to pull from (an AWS source) and how far a pull of one history has got.

A source holds no secret: credentials come from boto3's chain (environment, profiles, SSO,
instance and container roles), optionally narrowed by a role to assume. A history pull saves each
GetExecutionHistory page with the nextToken that follows it, so a pull that is interrupted carries
on from there instead of starting again.
"""

from __future__ import annotations

from django.db import models

from apps.json_fields import NulSafeJSONField


class AwsSource(models.Model):
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.PROTECT, related_name="aws_sources"
    )
    name = models.CharField(max_length=200)
    profile_name = models.CharField(max_length=200, blank=True)  # a profile in ~/.aws/config
    role_arn = models.CharField(max_length=2048, blank=True)  # assumed with sts:AssumeRole
    regions = NulSafeJSONField(default=list)  # ["us-east-1", ...]
    endpoint_url = models.CharField(max_length=2048, blank=True)  # LocalStack or moto
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # What a connection test last passed for (a digest of endpoint, profile, role and regions):
    # a source whose settings changed since must be tested again before it is pulled from.
    tested_settings = models.CharField(max_length=64, blank=True)
    tested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="aws_source_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AwsPull(models.Model):
    """One execution's history being pulled: the pages so far and the token for the next one."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress"
        COMPLETE = "complete"
        FAILED = "failed"

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.PROTECT, related_name="aws_pulls"
    )
    execution_arn = models.CharField(max_length=2048)
    source = models.ForeignKey(AwsSource, null=True, blank=True, on_delete=models.SET_NULL)
    region = models.CharField(max_length=64)
    # The endpoint it was pulled from when no stored source says (aws_sync --endpoint-url), so a
    # followed execution is polled where it lives.
    endpoint_url = models.CharField(max_length=2048, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    next_token = models.TextField(blank=True)  # empty: start from the first page
    pages = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    execution = models.ForeignKey(
        "executions.Execution", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "execution_arn"], name="aws_pull_unique")
        ]

    def __str__(self) -> str:
        return f"{self.execution_arn} ({self.status}, {self.pages} pages)"


class AwsPullPage(models.Model):
    """A GetExecutionHistory page kept until the whole history is in and imported."""

    pull = models.ForeignKey(AwsPull, on_delete=models.CASCADE, related_name="saved_pages")
    number = models.PositiveIntegerField()
    events = NulSafeJSONField()  # the page's events, AWS field names, dates as ISO-8601 text

    class Meta:
        ordering = ["pull", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pull", "number"], name="aws_pull_page_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pull_id} page {self.number}"


from apps.aws.follow_models import AwsSyncRun, FollowedExecution  # noqa: E402, F401
