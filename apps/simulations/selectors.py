"""Reads for simulations."""

from __future__ import annotations

from typing import Any

from apps.simulations.models import Simulation
from stepscope.engine.callbacks import waiting_task


def simulation_waiting_task(*, simulation: Simulation) -> dict[str, Any] | None:
    """The task parked for a callback: {kind, token, state, details, deadline, ...}, or None."""
    return waiting_task(simulation.snapshot)
