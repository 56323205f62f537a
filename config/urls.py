"""Top-level URLs. Every app's URLs live in its own namespace."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.executions.views.dashboard import dashboard

urlpatterns = [
    path("", dashboard, name="home"),
    path("healthz", include("apps.healthchecks.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("definitions/", include("apps.definitions.urls")),
    path("executions/", include("apps.executions.urls")),
    path("simulations/", include("apps.simulations.urls")),
    path("aws/", include("apps.aws.urls")),
]
