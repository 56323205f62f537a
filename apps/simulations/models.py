"""A simulation: an execution run here by the engine's resumable stepper.

The execution and its history events are ordinary `executions` rows (source "simulation"); this
model holds what the stepper needs to carry on: the snapshot, the pace, the resolvers' settings,
when the next step is due, and the claim that lets only one worker step it at a time.
"""

from __future__ import annotations

from django.db import models

from apps.json_fields import NulSafeJSONField


class Simulation(models.Model):
    execution = models.OneToOneField(
        "executions.Execution", on_delete=models.CASCADE, related_name="simulation"
    )
    snapshot = NulSafeJSONField()  # stepscope.engine's snapshot, plain JSON
    # "instant" (virtual clock), "real", or a scale factor such as "60" (time runs 60x faster).
    pace = models.CharField(max_length=32, default="instant")
    mock_config = NulSafeJSONField(null=True, blank=True)  # a Step Functions Local mock config
    test_case = models.CharField(max_length=200, blank=True)
    # Simulated task durations: state name -> seconds, or {invocation or range: seconds}.
    durations = NulSafeJSONField(null=True, blank=True)
    lambdas_dir = models.CharField(max_length=1024, blank=True)  # one folder per function
    # The moment (real time) the virtual clock started at: with a real or scaled pace the
    # virtual clock runs from the snapshot's StartTime at `pace` times the real one.
    clock_origin = models.DateTimeField()
    wake_at = models.DateTimeField(null=True, blank=True)  # virtual time of the next step
    due_at = models.DateTimeField(null=True, blank=True)  # real time the next step is queued for
    # Every saved change adds one: a queued step names the version it is for, so a duplicate
    # or stale delivery does nothing.
    version = models.PositiveIntegerField(default=0)
    # The worker stepping it now, until when (a worker that dies loses its claim at that time).
    claim = models.CharField(max_length=36, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    problem = models.TextField(blank=True)  # the simulator's own failure, if it had one
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], name="simulation_due")]

    def __str__(self) -> str:
        return f"simulation of execution {self.execution_id}"
