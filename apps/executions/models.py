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
    # Where the failure started (stepscope.history.rootcause), blank when it did not fail.
    root_cause_state = models.CharField(max_length=200, blank=True, db_index=True)
    root_cause_run_key = models.CharField(max_length=1024, blank=True)
    root_cause_error = models.CharField(max_length=512, blank=True, db_index=True)
    root_cause_text = models.TextField(blank=True)
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


class ImportJob(models.Model):
    """A history import too large to make the browser wait for: queued, then running with its
    last progress line, then done (with the execution) or failed (with why).

    What was uploaded is kept as ImportChunk rows until the job ends, in the database rather than
    on disk so that a Celery worker on another machine (docker-compose's worker) can read it."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="import_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # What was submitted: [{"name": ..., "size": bytes}], the definition chosen and the name.
    files = NulSafeJSONField(default=list)
    total_bytes = models.PositiveBigIntegerField(default=0)
    definition = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    progress = models.CharField(max_length=1000, blank=True)  # the last progress line
    events_found = models.PositiveIntegerField(default=0)
    events_added = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)  # why nothing was imported
    execution = models.ForeignKey(
        Execution, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("executions:import_job", args=[self.pk])

    @property
    def ended(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportChunk(models.Model):
    """Part of one uploaded document of an ImportJob: bytes `seq` of file `document`."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    document = models.PositiveSmallIntegerField()  # index in job.files
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["job", "document", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["job", "document", "seq"], name="import_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"import {self.job_id} file {self.document} part {self.seq}"


from apps.executions.search_models import SearchDocument, SearchValue  # noqa: E402,F401
