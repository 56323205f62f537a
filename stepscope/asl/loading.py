"""Load definition text as the web app and the command line receive it.

``load_definition`` takes whatever the user gave (an ASL definition in JSON or YAML, or a
CloudFormation or SAM template holding one or more state machines) and returns the definition, its
validation result and its tolerant model, ready to store and draw. An invalid definition still
loads: people import broken definitions in order to debug them. Only what cannot be read at all
raises, with a message that says what is wrong and where.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import yaml

from stepscope.asl.build_model import build_state_machine
from stepscope.asl.diagnostics import ValidationResult
from stepscope.asl.model import StateMachine
from stepscope.asl.source import SourceDocument, SourceError, parse_source
from stepscope.asl.templates import (
    SERVERLESS_TYPE,
    EmbeddedMachine,
    find_state_machines,
    is_template,
    load_template_text,
)
from stepscope.asl.validation import validate_document

__all__ = [
    "MAX_DEFINITION_BYTES",
    "DefinitionTooLarge",
    "LoadedDefinition",
    "TemplateChoiceRequired",
    "load_definition",
    "to_json",
    "to_yaml",
]

MAX_DEFINITION_BYTES = 1_048_576
"""AWS's limit on the size of a state machine definition (1 MiB)."""

Origin = Literal["definition", "cloudformation", "sam"]


class DefinitionTooLarge(ValueError):
    """The text is over AWS's 1 MiB definition limit."""


class TemplateChoiceRequired(ValueError):
    """A template holds several state machines: the user must pick one by logical id."""

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices: tuple[str, ...] = tuple(choices)
        super().__init__(
            f"This template holds {len(self.choices)} state machines "
            f"({', '.join(self.choices)}): choose which one to import."
        )


@dataclass(frozen=True)
class LoadedDefinition:
    text: str  # the text as given; for a template, the extracted definition as indented JSON
    format: Literal["json", "yaml"]
    origin: Origin
    logical_id: str | None  # the template resource chosen
    data: object
    validation: ValidationResult
    machine: StateMachine  # the tolerant model, for drawing even when invalid


def load_definition(text: str, *, choose: str | None = None) -> LoadedDefinition:
    """Parse, extract (from a template), validate and model a definition.

    ``choose`` names the template resource (logical id) to take when a template holds several
    machines; it is ignored for a plain definition. Raises SourceError (unparseable text, with line
    and column), DefinitionTooLarge, TemplateChoiceRequired, or ValueError with a clear message.
    """
    if not isinstance(text, str):
        raise SourceError("the definition must be text")
    _check_size(text, "The text")
    try:
        document = parse_source(text)
    except SourceError as parse_error:
        template = _yaml_template_or_raise(text, parse_error)
        return _from_template(template, choose)
    if is_template(document.data):
        if document.format == "yaml":
            # Read again with the template loader, which keeps YAML timestamps as text.
            return _from_template(load_template_text(text), choose)
        return _from_template(document.data, choose)
    return _loaded(document, "definition", None)


def to_json(data: object) -> str:
    """Indented JSON in the definition's own key order, for storing and downloading."""
    try:
        return json.dumps(
            data, indent=2, ensure_ascii=False, allow_nan=False, default=_json_default
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"The definition cannot be written as JSON: {error}") from None
    except RecursionError:
        raise ValueError("The definition is nested too deeply to write as JSON.") from None


def to_yaml(data: object) -> str:
    """Block-style YAML in the definition's own key order; multi-line strings as literal blocks."""
    plain = json.loads(to_json(data))  # JSON values only, and no shared objects to alias
    return yaml.dump(
        plain,
        Dumper=_ReadableDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


# ------------------------------------------------------------------------------------ helpers


def _check_size(text: str, what: str) -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_DEFINITION_BYTES:
        raise DefinitionTooLarge(
            f"{what} is {size:,} bytes ({size / MAX_DEFINITION_BYTES:.2f} MiB), over the "
            f"{MAX_DEFINITION_BYTES:,}-byte (1 MiB) limit AWS sets on a state machine definition."
        )


def _yaml_template_or_raise(text: str, parse_error: SourceError) -> object:
    """A YAML template with CloudFormation short-form tags, which the plain parser refuses.

    Text that is not a template keeps the plain parser's error; a template that is itself
    broken gets the template reader's error, which knows the short-form tags.
    """
    try:
        data = load_template_text(text)
    except SourceError as template_error:
        if "constructor for the tag '!" in parse_error.message:
            raise template_error from None
        raise parse_error from None
    if not is_template(data):
        raise parse_error
    return data


def _from_template(template: object, choose: str | None) -> LoadedDefinition:
    machine = _chosen_machine(find_state_machines(template), choose)
    if machine.definition is None:
        raise ValueError(machine.error or f"Resource '{machine.logical_id}' has no definition.")
    text = to_json(machine.definition) + "\n"
    _check_size(text, f"The definition of '{machine.logical_id}'")
    origin: Origin = "sam" if machine.resource_type == SERVERLESS_TYPE else "cloudformation"
    return _loaded(parse_source(text), origin, machine.logical_id)


def _chosen_machine(machines: list[EmbeddedMachine], choose: str | None) -> EmbeddedMachine:
    if not machines:
        raise ValueError(
            "This CloudFormation template has no state machine: no resource of type "
            "AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine."
        )
    ids = [machine.logical_id for machine in machines]
    if choose is None:
        if len(machines) > 1:
            raise TemplateChoiceRequired(ids)
        return machines[0]
    for machine in machines:
        if machine.logical_id == choose:
            return machine
    raise ValueError(
        f"The template has no state machine called '{choose}'; it has: {', '.join(ids)}."
    )


def _loaded(document: SourceDocument, origin: Origin, logical_id: str | None) -> LoadedDefinition:
    machine = build_state_machine(document.data)
    return LoadedDefinition(
        text=document.text,
        format=document.format,
        origin=origin,
        logical_id=logical_id,
        data=document.data,
        validation=validate_document(document),
        machine=machine,
    )


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} value has no JSON form")


class _ReadableDumper(yaml.SafeDumper):
    """Never writes anchors and aliases; writes multi-line strings as literal blocks."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReadableDumper.add_representer(str, _represent_str)
