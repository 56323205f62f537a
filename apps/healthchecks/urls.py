from __future__ import annotations

from django.urls import path

from apps.healthchecks import views

app_name = "healthchecks"
urlpatterns = [path("", views.healthz, name="healthz")]
