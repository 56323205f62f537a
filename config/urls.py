"""Top-level URLs. Every app's URLs live in its own namespace."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts.views.password import ThrottledPasswordChangeView
from apps.executions.views.dashboard import dashboard
from apps.executions.views.failures import failures

urlpatterns = [
    path("", dashboard, name="home"),
    path("healthz", include("apps.healthchecks.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        ThrottledPasswordChangeView.as_view(),  # the old password counts as a sign-in
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("definitions/", include("apps.definitions.urls")),
    path("executions/", include("apps.executions.urls")),
    path("failures/", failures, name="failures"),
    path("simulations/", include("apps.simulations.urls")),
    path("aws/", include("apps.aws.urls")),
    path("workspaces/", include("apps.accounts.urls")),
]

# Branded error pages (config/errors.py); shown whenever DEBUG is off.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
