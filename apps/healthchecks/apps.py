from __future__ import annotations

from django.apps import AppConfig


class HealthchecksConfig(AppConfig):
    name = "apps.healthchecks"
    label = "healthchecks"
    verbose_name = "Health checks"
