"""Websocket routes. Each live stream gets one consumer (see DESIGN.md, "Live path")."""

from __future__ import annotations

from typing import Any

from django.urls import path

from apps.live.consumers import ExecutionConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/executions/<int:execution_id>/", ExecutionConsumer.as_asgi()),
]
