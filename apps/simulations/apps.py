from __future__ import annotations

from django.apps import AppConfig


class SimulationsConfig(AppConfig):
    name = "apps.simulations"
    label = "simulations"
    verbose_name = "Simulations"
