"""State machine definitions and their versions.

A definition is a named state machine; each distinct text imported under that name is a version.
Identical text adds nothing. Invalid definitions are stored too: people import them to debug them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.json_fields import NulSafeJSONField


class Definition(models.Model):
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.PROTECT, related_name="definitions"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="definition_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DefinitionVersion(models.Model):
    class Result(models.TextChoices):
        OK = "OK"
        FAIL = "FAIL"

    definition = models.ForeignKey(Definition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=8)  # json | yaml
    origin = models.CharField(max_length=16)  # definition | cloudformation | sam
    logical_id = models.CharField(max_length=255, blank=True)
    result = models.CharField(max_length=4, choices=Result.choices)
    diagnostics = NulSafeJSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="version_number_unique"),
            models.UniqueConstraint(fields=["definition", "sha256"], name="version_text_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.definition.name} v{self.number}"

    @property
    def error_count(self) -> int:
        return sum(1 for item in self.diagnostics if item.get("severity") == "ERROR")

    @property
    def warning_count(self) -> int:
        return sum(1 for item in self.diagnostics if item.get("severity") == "WARNING")


class RenderedGraph(models.Model):
    """The laid-out SVG of one version in one direction: layout runs once, then it is served."""

    version = models.ForeignKey(DefinitionVersion, on_delete=models.CASCADE, related_name="graphs")
    direction = models.CharField(max_length=2)  # TB | LR
    svg = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "direction"], name="graph_direction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.direction})"
