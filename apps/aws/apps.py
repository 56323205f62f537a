from __future__ import annotations

from django.apps import AppConfig


class AwsConfig(AppConfig):
    name = "apps.aws"
    label = "aws"
    verbose_name = "AWS"
