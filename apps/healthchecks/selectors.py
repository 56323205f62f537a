"""Read-only checks of the parts Stepscope depends on."""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.db import connection


class ComponentStatus(TypedDict):
    ok: bool
    detail: str


class HealthReport(TypedDict):
    ok: bool
    database: ComponentStatus
    redis: ComponentStatus


def database_status() -> ComponentStatus:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
        return {"ok": False, "detail": f"{connection.vendor}: {error.__class__.__name__}: {error}"}
    return {"ok": True, "detail": connection.vendor}


def redis_status() -> ComponentStatus:
    url = settings.REDIS_URL
    if not url:
        return {
            "ok": True,
            "detail": "not configured: embedded mode (in-memory layer, in-process tasks)",
        }
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
        return {"ok": False, "detail": f"{error.__class__.__name__}: {error}"}
    return {"ok": True, "detail": "reachable"}


def health_report() -> HealthReport:
    database = database_status()
    redis = redis_status()
    return {"ok": database["ok"] and redis["ok"], "database": database, "redis": redis}
