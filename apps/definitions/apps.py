from __future__ import annotations

from django.apps import AppConfig


class DefinitionsConfig(AppConfig):
    name = "apps.definitions"
    label = "definitions"
    verbose_name = "State machine definitions"
