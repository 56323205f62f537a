"""The simulation panel of the execution page (templates/simulations/_callbacks.html): the task
parked for a callback, with its token and the message that was sent, and the forms that answer
it or stop the execution.

A refused form post redirects back to the page; what the user typed and why it was refused are
kept in the session for one showing ("flash"), so the panel shows them again in place.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.accounts.redactors import workspace_redactor
from apps.executions.models import Execution
from apps.simulations import selectors

ACTIONS = ("send-task-success", "send-task-failure", "send-task-heartbeat", "stop")
_FLASH_KEY = "simulations.panel.{}"


def panel_flash(
    request: HttpRequest, *, simulation_id: int, action: str, fields: dict[str, str], error: str
) -> None:
    """Keep a refused post's fields and error for the panel's next showing."""
    request.session[_FLASH_KEY.format(simulation_id)] = {
        "action": action,
        "fields": {key: str(value)[:300_000] for key, value in fields.items()},
        "error": error,
    }


def _flashed(request: HttpRequest | None, simulation_id: int) -> dict[str, Any]:
    if request is None or not hasattr(request, "session"):
        return {}
    flashed = request.session.pop(_FLASH_KEY.format(simulation_id), None)
    return flashed if isinstance(flashed, dict) and flashed.get("action") in ACTIONS else {}


def simulation_panel_context(request: HttpRequest | None, execution: Execution) -> dict[str, Any]:
    """What _callbacks.html shows for `execution` ({"simulation": None} when it is not one)."""
    simulation = selectors.simulation_of_execution(execution=execution)
    if simulation is None:
        return {"simulation": None}
    redactor = workspace_redactor(workspace_id=execution.workspace_id)
    tasks = selectors.simulation_parked_tasks(simulation=simulation, redactor=redactor)
    # The simulator's own error may quote a payload; this copy is shown, never saved.
    simulation.problem = redactor.redact_json_text(simulation.problem)
    flashed = _flashed(request, simulation.pk)
    values: dict[str, dict[str, str]] = {action: {} for action in ACTIONS}
    values["send-task-success"]["output"] = "{}"
    if flashed:
        values[flashed["action"]].update(flashed.get("fields") or {})
    return {
        "output": values["send-task-success"].get("output", ""),
        "failure": values["send-task-failure"],
        "stop": values["stop"],
        "simulation": simulation,
        "execution": execution,
        "running": simulation.snapshot.get("status") == "RUNNING",
        "task": tasks[0] if tasks else None,
        "chosen_token": (flashed.get("fields") or {}).get("taskToken") if flashed else None,
        "tasks": tasks,  # several when concurrent iterations or branches each wait
        "refused": {"action": flashed.get("action"), "error": flashed.get("error")}
        if flashed
        else None,
    }
