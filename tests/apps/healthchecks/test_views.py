from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["ok"] is True


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_reports_unreachable_redis_without_failing(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["redis"]["ok"] is False
    assert body["ok"] is False


@override_settings(REDIS_URL="")
def test_healthz_in_embedded_mode_needs_no_redis(client):
    body = client.get("/healthz").json()
    assert body["redis"]["ok"] is True
    assert "embedded" in body["redis"]["detail"]


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
