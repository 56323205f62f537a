from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from apps.accounts.scoping import public
from apps.healthchecks.selectors import health_report


@public
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Always 200 while the web process answers; the body says what is reachable."""
    return JsonResponse(health_report())
