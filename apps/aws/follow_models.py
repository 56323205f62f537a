"""What the pages and the follower keep: the "Pull now" runs of a source (their progress and
summary), and the running executions being followed.

Kept apart from models.py (the pull machinery) and imported at its end, so Django finds them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AwsSyncRun(models.Model):
    """One "Pull now" of a source: queued, then running with its last progress line, then done
    (with the sync summary's lines) or failed (with why)."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    source = models.ForeignKey("aws.AwsSource", on_delete=models.CASCADE, related_name="sync_runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=1000, blank=True)  # the last progress line
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=list)  # SyncSummary.lines()
    failures = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)  # why the whole pull could not run
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"pull of {self.source_id} ({self.status})"


class FollowedExecution(models.Model):
    """A running execution pulled from AWS whose new events are polled until it ends.

    Followed while `pinned` (the Follow button), or until `followed_until` (its page was open).
    `interval` is the current back-off: it doubles after a poll that found nothing new and goes
    back to the shortest after one that did.
    """

    execution = models.OneToOneField(
        "executions.Execution", on_delete=models.CASCADE, related_name="aws_follow"
    )
    pinned = models.BooleanField(default=False)
    followed_until = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(db_index=True)
    interval = models.FloatField(default=0)  # seconds
    polls = models.PositiveIntegerField(default=0)
    events_added = models.PositiveIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # the last poll's problem, in words
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"following {self.execution_id}"
