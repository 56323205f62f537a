"""Definition pages: list, import, detail with the graph, and downloads.

Views only translate HTTP to service and selector calls and back.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.models import Role
from apps.accounts.scoping import object_view, signed_in
from apps.definitions import selectors, services
from apps.definitions.forms import DefinitionImportForm, size_text
from apps.definitions.models import Definition
from stepscope.asl.loading import (
    DefinitionTooLarge,
    TemplateChoiceRequired,
    to_json,
    to_yaml,
)
from stepscope.asl.source import SourceError
from stepscope.graph import GraphRenderError, render_png

DIRECTIONS = {"TB": "top to bottom", "LR": "left to right"}


def _direction(request: HttpRequest) -> str:
    direction = request.GET.get("direction", "TB").upper()
    return direction if direction in DIRECTIONS else "TB"


@signed_in()
@require_GET
def definition_list(request: HttpRequest) -> HttpResponse:
    definitions = list(selectors.definition_list(user=request.user))
    latest = selectors.definition_latest_versions(definitions)
    rows = [(definition, latest.get(definition.pk)) for definition in definitions]
    return render(request, "definitions/list.html", {"rows": rows})


def _source_error_context(text: str, error: SourceError) -> dict[str, object]:
    """The lines around a parse error, for showing it in place."""
    if error.line is None:
        return {}
    lines = text.splitlines()
    first = max(1, error.line - 2)
    excerpt = [(n, lines[n - 1]) for n in range(first, min(len(lines), error.line + 2) + 1)]
    return {"excerpt": excerpt, "line": error.line, "column": error.column or 1}


@signed_in(read=Role.DEBUGGER, write=Role.DEBUGGER)
@require_http_methods(["GET", "POST"])
def definition_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = DefinitionImportForm(user=request.user)
        return render(request, "definitions/import.html", {"form": form})
    choices = tuple(request.POST.getlist("choices"))
    form = DefinitionImportForm(request.POST, request.FILES, user=request.user, choices=choices)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        text = form.cleaned_data["text"]
        try:
            outcome = services.definition_import(
                workspace=form.cleaned_data["workspace"],
                text=text,
                name=form.cleaned_data.get("name", ""),
                choose=form.cleaned_data.get("choose") or None,
                user=request.user,
            )
        except TemplateChoiceRequired as error:
            form = DefinitionImportForm(
                request.POST, request.FILES, user=request.user, choices=error.choices
            )
            form.is_valid()
            form.add_error("choose", str(error))
            context = {"form": form, "choices": error.choices}
        except SourceError as error:
            form.add_error("text", f"This is neither JSON nor YAML: {error}")
            context["parse_error"] = _source_error_context(text, error)
        except DefinitionTooLarge as error:
            size = len(text.encode("utf-8"))
            form.add_error("text", f"{error} (this one is {size_text(size)}).")
        except ValueError as error:  # a template without a machine, a bad name, ...
            form.add_error(None, str(error))
        else:
            version = outcome.version
            if outcome.created:
                messages.success(request, f"Imported {version}.")
            else:
                messages.info(request, f"Nothing changed: this text is already {version}.")
            return redirect("definitions:version", pk=version.definition_id, number=version.number)
    return render(request, "definitions/import.html", context, status=400)


@object_view(Definition)
@require_GET
def definition_detail(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    version = selectors.version_get(definition_id=pk, number=number)
    direction = _direction(request)
    svg, graph_error = "", ""
    try:
        svg = services.version_graph_svg(version=version, direction=direction)  # type: ignore[arg-type]
    except GraphRenderError as error:
        graph_error = f"The graph could not be drawn: {error}"
    except ValueError as error:  # nothing drawable, e.g. the top level is not an object
        graph_error = f"There is no graph to draw: {error}"
    context = {
        "version": version,
        "definition": version.definition,
        "versions": selectors.version_list(definition=version.definition),
        "svg": svg,
        "graph_error": graph_error,
        "direction": direction,
        "directions": DIRECTIONS,
        "states": selectors.version_states(version=version),
        "source_lines": selectors.version_source_lines(version=version),
    }
    return render(request, "definitions/detail.html", context)


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(version: object, suffix: str) -> str:
    definition = getattr(version, "definition")  # noqa: B009
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in definition.name)[:80]
    return f"{safe or 'definition'}-v{getattr(version, 'number')}.{suffix}"  # noqa: B009


@object_view(Definition)
@require_GET
def version_download(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    version = selectors.version_get(definition_id=pk, number=number)
    if fmt == "json":
        text = to_json(selectors.version_data(version=version))
        return _download(text, "application/json", _filename(version, "asl.json"))
    if fmt == "yaml":
        text = to_yaml(selectors.version_data(version=version))
        return _download(text, "application/yaml", _filename(version, "asl.yaml"))
    direction = _direction(request)
    try:
        if fmt == "svg":
            svg = services.version_graph_svg(version=version, direction=direction)  # type: ignore[arg-type]
            document = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg
            return _download(document, "image/svg+xml", _filename(version, "svg"))
        machine = selectors.version_machine(version=version)
        png = render_png(machine, direction=direction)  # type: ignore[arg-type]
        return _download(png, "image/png", _filename(version, "png"))
    except (GraphRenderError, ValueError) as error:
        messages.error(request, f"The graph could not be drawn: {error}")
        return redirect("definitions:version", pk=pk, number=number)
