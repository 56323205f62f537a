"""Simulation pages and endpoints: the "New execution" form, and the callback and stop actions.

The actions (send-task-success, send-task-failure, send-task-heartbeat, stop) take either a form
post from the execution page (then redirect back to it, with a message or with the refused
fields kept) or a JSON body from a script (Content-Type: application/json; then answer JSON,
errors AWS-style: {"error": code, "message": ...}). Scripts sign in with the session cookie and
send the CSRF token in the X-CSRFToken header, as the page's own forms do.

Views only translate HTTP to service and selector calls and back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Role
from apps.accounts.scoping import object_view
from apps.definitions.models import Definition
from apps.definitions.selectors import version_data, version_get
from apps.simulations import selectors, services
from apps.simulations.forms import (
    SimulationStartForm,
    StopForm,
    TaskFailureForm,
    TaskHeartbeatForm,
    TaskSuccessForm,
)
from apps.simulations.jsontext import JsonTextError, json_parse
from apps.simulations.models import Simulation
from apps.simulations.panel import panel_flash
from stepscope.engine.errors import PAYLOAD_LIMIT_BYTES

# A JSON body holds at most an output (256 KiB), a cause (32 KiB) and a token.
API_BODY_LIMIT = PAYLOAD_LIMIT_BYTES + 64 * 1024
FIELD_CODES = {"output": "InvalidOutput", "taskToken": "InvalidToken"}


@object_view(Definition, kwarg="definition", read=Role.DEBUGGER, write=Role.DEBUGGER)
@require_http_methods(["GET", "POST"])
def simulation_new(
    request: HttpRequest, definition: int, number: int | None = None
) -> HttpResponse:
    version = version_get(definition_id=definition, number=number)
    machine = version.definition.name
    context: dict[str, Any] = {"version": version, "definition": version.definition}
    if request.method != "POST":
        defaults = selectors.simulation_start_defaults(definition_id=definition)
        context["form"] = SimulationStartForm(initial=defaults, state_machine=machine)
        return render(request, "simulations/new.html", context)
    definition_data = version_data(version=version) if version.result == version.Result.OK else None
    form = SimulationStartForm(
        request.POST, request.FILES, state_machine=machine, definition=definition_data
    )
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data
        try:
            simulation = services.simulation_start(
                definition_version=version,
                execution_input=data["input"],
                name=data["name"],
                pace=data["pace"],
                mock_config=data["mock_config"],
                test_case=data["test_case"] or None,
                lambdas_dir=data["lambdas_dir"] or None,
                durations=data["durations"],
                user=request.user,
            )
        except services.SimulationError as error:
            form.add_error(None, f"{str(error)[:1].upper()}{str(error)[1:]}.")
        else:
            messages.success(request, f"Started {simulation.execution.name}.")
            return redirect(simulation.execution.get_absolute_url())
    return render(request, "simulations/new.html", context, status=400)


# The actions -------------------------------------------------------------------------------


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check, giving the reason for a refusal instead of a response."""

    def _reject(self, request: HttpRequest, reason: str) -> Any:
        return reason


def _csrf_refusal(request: HttpRequest, api: bool) -> HttpResponse | None:
    """Django's CSRF check (these views are exempt from the middleware's): Django's own 403 page
    for a form post, AWS-style JSON for a script."""
    if not api:
        return CsrfViewMiddleware(HttpResponse).process_view(request, None, (), {})  # type: ignore[arg-type]
    reason = _CsrfCheck(HttpResponse).process_view(request, None, (), {})  # type: ignore[arg-type]
    if reason is None:
        return None
    return _error(403, "CsrfFailed", f"Send the CSRF token in the X-CSRFToken header ({reason}).")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.content_type == "application/json"


def _back(simulation: Simulation) -> HttpResponse:
    url = reverse("executions:detail", args=[simulation.execution_id])
    return redirect(f"{url}#simulation")


def _json_body(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit()) or int(length) > API_BODY_LIMIT:
        return _error(413, "RequestTooLarge", f"The body is over {API_BODY_LIMIT} bytes.")
    try:
        body = json_parse(request.body.decode("utf-8"))
    except UnicodeDecodeError:
        return _error(400, "SerializationException", "The body is not UTF-8 text.")
    except JsonTextError as error:
        return _error(400, "SerializationException", f"The body is not JSON: {error}.")
    if not isinstance(body, dict):
        return _error(400, "SerializationException", "The body must be a JSON object.")
    data: dict[str, Any] = {}
    for key, value in body.items():
        if key == "output" and not isinstance(value, str):
            value = json.dumps(value)  # a JSON value given as is rather than as JSON text
        elif value is None:
            continue
        elif not isinstance(value, str):
            return _error(400, "ValidationException", f"{key} must be a string.")
        data[key] = value
    return data


def _form_problem(form: forms.Form) -> tuple[str, str]:
    """AWS's error code and a message for the first invalid field."""
    field, errors = next(iter(form.errors.items()))
    code = FIELD_CODES.get(field, "ValidationException")
    if field == "taskToken" and not form.data.get("taskToken"):
        code = "ValidationException"
    text = " ".join(errors)
    return code, text if field == "output" else f"{field}: {text}"


Call = Callable[[int, dict[str, Any]], object]


def _refused_access(request: HttpRequest, access: str, needed: str) -> HttpResponse:
    """The scoping rule's refusal, as JSON for a script (AWS-style) or as a page."""
    api = _is_api(request) or request.method == "GET"  # GET: only the JSON `waiting` endpoint
    if access == "signed_out":
        if api:
            return _error(401, "SignedOut", "Sign in first (a session cookie is required).")
        return redirect_to_login(request.get_full_path())
    if access == "missing":
        if api:
            return _error(404, "ExecutionDoesNotExist", "There is no such simulation.")
        raise Http404("No such simulation.")
    message = f"This needs the {needed} role in the simulation's workspace."
    if api:
        return _error(403, "AccessDeniedException", message)
    raise PermissionDenied(message)


def _act(
    request: HttpRequest, pk: int, action: str, form_class: type[forms.Form], call: Call
) -> HttpResponse:
    api = _is_api(request)
    refusal = _csrf_refusal(request, api)
    if refusal is not None:
        return refusal
    simulation = selectors.simulation_get(pk=pk)
    if simulation is None:
        if api:
            return _error(404, "ExecutionDoesNotExist", f"There is no simulation {pk}.")
        raise Http404("No such simulation.")
    data = _json_body(request) if api else request.POST.dict()
    if isinstance(data, JsonResponse):
        return data
    data.pop("csrfmiddlewaretoken", None)
    form = form_class(data=data)
    if not form.is_valid():
        code, message = _form_problem(form)
        return _refused(request, simulation, action, data, 400, code, message)
    try:
        call(simulation.pk, form.cleaned_data)
    except services.SimulationNotFound as error:
        return _refused(request, simulation, action, data, 404, "ExecutionDoesNotExist", str(error))
    except services.SimulationCallbackError as error:
        status = 409 if error.code == "ExecutionNotRunning" else 400
        return _refused(request, simulation, action, data, status, error.code, error.message)
    return _done(request, simulation, action)


def _refused(
    request: HttpRequest,
    simulation: Simulation,
    action: str,
    data: dict[str, Any],
    status: int,
    code: str,
    message: str,
) -> HttpResponse:
    if _is_api(request):
        return _error(status, code, message)
    fields = dict(data)  # the task chosen too, so the panel keeps it selected
    panel_flash(
        request,
        simulation_id=simulation.pk,
        action=action,
        fields=fields,
        error=f"{code}: {message}",
    )
    messages.error(request, f"{code}: {message}")
    return _back(simulation)


DONE = {
    "send-task-success": "Sent the task success.",
    "send-task-failure": "Sent the task failure.",
    "send-task-heartbeat": "Sent a heartbeat.",
    "stop": "Stopped the execution.",
}


def _done(request: HttpRequest, simulation: Simulation, action: str) -> HttpResponse:
    current = selectors.simulation_get(pk=simulation.pk)
    status = current.execution.status if current else ""
    if _is_api(request):
        return JsonResponse(
            {
                "simulationId": simulation.pk,
                "executionId": simulation.execution_id,
                "status": status,
            }
        )
    messages.success(request, DONE[action])
    return _back(simulation)


def _text(value: str | None) -> str | None:
    return value or None


@object_view(Simulation, path="execution__workspace", refuse=_refused_access)
@login_not_required  # refused above as JSON for a script, not a login page
@csrf_exempt  # checked in _act, so a script gets JSON rather than an HTML page
@require_http_methods(["POST"])
def send_task_success(request: HttpRequest, pk: int) -> HttpResponse:
    def call(simulation_id: int, data: dict[str, Any]) -> object:
        return services.simulation_send_task_success(
            simulation_id=simulation_id,
            token=data["taskToken"],
            output=data["output"],
            actor=request.user,
        )

    return _act(request, pk, "send-task-success", TaskSuccessForm, call)


@object_view(Simulation, path="execution__workspace", refuse=_refused_access)
@login_not_required  # refused above as JSON for a script, not a login page
@csrf_exempt
@require_http_methods(["POST"])
def send_task_failure(request: HttpRequest, pk: int) -> HttpResponse:
    def call(simulation_id: int, data: dict[str, Any]) -> object:
        return services.simulation_send_task_failure(
            simulation_id=simulation_id,
            token=data["taskToken"],
            error=_text(data["error"]),
            cause=_text(data["cause"]),
            actor=request.user,
        )

    return _act(request, pk, "send-task-failure", TaskFailureForm, call)


@object_view(Simulation, path="execution__workspace", refuse=_refused_access)
@login_not_required  # refused above as JSON for a script, not a login page
@csrf_exempt
@require_http_methods(["POST"])
def send_task_heartbeat(request: HttpRequest, pk: int) -> HttpResponse:
    def call(simulation_id: int, data: dict[str, Any]) -> object:
        return services.simulation_send_task_heartbeat(
            simulation_id=simulation_id, token=data["taskToken"], actor=request.user
        )

    return _act(request, pk, "send-task-heartbeat", TaskHeartbeatForm, call)


@object_view(Simulation, path="execution__workspace", refuse=_refused_access)
@login_not_required  # refused above as JSON for a script, not a login page
@csrf_exempt
@require_http_methods(["POST"])
def stop(request: HttpRequest, pk: int) -> HttpResponse:
    def call(simulation_id: int, data: dict[str, Any]) -> object:
        return services.simulation_stop(
            simulation_id=simulation_id,
            error=_text(data["error"]),
            cause=_text(data["cause"]),
            actor=request.user,
        )

    return _act(request, pk, "stop", StopForm, call)


@object_view(Simulation, path="execution__workspace", refuse=_refused_access)
@login_not_required  # refused above as JSON, not a login page
@never_cache
@require_http_methods(["GET"])
def waiting(request: HttpRequest, pk: int) -> HttpResponse:
    """The task parked for a callback ({taskToken, stateName, resource, parameters, ...}),
    or null when none is."""
    simulation = selectors.simulation_get(pk=pk)
    if simulation is None:
        return _error(404, "ExecutionDoesNotExist", f"There is no simulation {pk}.")
    task = selectors.simulation_parked_task(simulation=simulation)
    return JsonResponse(task, safe=False)
