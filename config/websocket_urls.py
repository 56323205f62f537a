"""Websocket routes. Each live stream gets one consumer (see DESIGN.md, "Live path")."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []
