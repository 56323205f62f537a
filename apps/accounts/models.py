"""Workspaces, who belongs to them with which role, their redaction rules, and the audit log.

A workspace owns definitions, executions (with their simulations and follows), AWS sources and
pulls. Every view, export and websocket asks `apps.accounts.scoping` whether the signed-in user
may see or change an object of a workspace; nothing else decides.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.json_fields import NulSafeJSONField


class Role(models.TextChoices):
    """Each role can do what the ones before it can."""

    VIEWER = "viewer"  # reads
    DEBUGGER = "debugger"  # also imports, simulates, answers callbacks, stops and follows
    ADMIN = "admin"  # also manages AWS sources, members and redaction rules, and deletes


ROLE_RANK = {Role.VIEWER: 1, Role.DEBUGGER: 2, Role.ADMIN: 3}


class Workspace(models.Model):
    name = models.SlugField(max_length=64, unique=True)
    # Store matching payload values already masked when histories are imported or pulled.
    redact_at_import = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace", "user"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"


class RedactionRule(models.Model):
    """A key name (`cardNumber`) or a JSONPath (`$..cardNumber`, `$.customer.email`) whose values
    are masked wherever a payload leaves the server."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="redaction_rules"
    )
    pattern = models.CharField(max_length=512)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace", "pattern"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "pattern"], name="redaction_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workspace}: {self.pattern}"


class AuditEntry(models.Model):
    """One thing someone did. Only ever added (apps.accounts.audit), never changed or removed."""

    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    workspace_name = models.CharField(max_length=64, blank=True)  # kept if the workspace goes
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)  # "" is the operator's command line
    action = models.CharField(max_length=64, db_index=True)  # e.g. "execution.import"
    target = models.CharField(max_length=512, blank=True)  # what it was done to, in words
    detail = NulSafeJSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or 'operator'} {self.action}"
