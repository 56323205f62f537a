"""Top-level URLs. Every app's URLs live in its own namespace."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="definitions:list", permanent=False), name="home"),
    path("healthz", include("apps.healthchecks.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("definitions/", include("apps.definitions.urls")),
]
