from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from apps.healthchecks.selectors import health_report


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Always 200 while the web process answers; the body says what is reachable."""
    return JsonResponse(health_report())
