"""Executions and their history events.

The events are the one source of truth (DESIGN.md): an Execution's status, times and counts are
copied from the projection of its events only so lists can be filtered and sorted in the database.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.json_fields import NulSafeJSONField


class Execution(models.Model):
    class Source(models.TextChoices):
        IMPORT = "import"
        SIMULATION = "simulation"
        AWS = "aws"

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.PROTECT, related_name="executions"
    )
    name = models.CharField(max_length=200)
    execution_arn = models.CharField(max_length=2048, blank=True)
    # The ARN when known, else a digest of the first event: the same history imported twice is
    # the same execution (within its workspace).
    fingerprint = models.CharField(max_length=64)
    first_event_digest = models.CharField(max_length=64, blank=True, db_index=True)
    state_machine_name = models.CharField(max_length=200, blank=True, db_index=True)
    state_machine_arn = models.CharField(max_length=2048, blank=True)
    definition_version = models.ForeignKey(
        "definitions.DefinitionVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="executions",
    )
    reconstructed = models.BooleanField(default=False)
    reconstructed_definition = NulSafeJSONField(null=True, blank=True)
    reconstructed_svg = models.TextField(blank=True)
    description = NulSafeJSONField(null=True, blank=True)  # describe-execution, as imported
    definition_text = models.TextField(blank=True)  # the definition that came with the history
    status = models.CharField(max_length=16, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0)
    transitions = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=512, blank=True)
    failed_state = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.IMPORT)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    import_log = NulSafeJSONField(default=list)  # one entry per import: what was added, skipped
    # A child workflow execution of a Distributed Map: the execution whose Map Run started it.
    parent_execution = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="map_children",
    )
    map_run_arn = models.CharField(max_length=2048, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "started_at"], name="execution_status_started")]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "fingerprint"], name="execution_fingerprint_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("executions:detail", args=[self.pk])

    @property
    def duration(self) -> timedelta | None:
        if self.started_at is None or self.stopped_at is None:
            return None
        return self.stopped_at - self.started_at


class HistoryEvent(models.Model):
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="events")
    event_id = models.PositiveIntegerField()
    previous_event_id = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=64)
    timestamp = models.DateTimeField(null=True, blank=True)
    state_name = models.CharField(max_length=200, blank=True)  # from the projection, for filters
    run_key = models.CharField(max_length=1024, blank=True)
    data = NulSafeJSONField()  # the whole event, AWS field names, payloads as JSON text

    class Meta:
        ordering = ["execution", "event_id"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "event_id"], name="event_id_unique")
        ]
        indexes = [
            models.Index(fields=["execution", "type", "event_id"], name="event_type_idx"),
            models.Index(fields=["execution", "state_name", "event_id"], name="event_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.execution_id}#{self.event_id} {self.type}"
