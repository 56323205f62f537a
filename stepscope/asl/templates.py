"""State machine definitions embedded in CloudFormation and SAM templates.

A template holds machines as resources of type ``AWS::StepFunctions::StateMachine`` (``Definition``
as an object, or ``DefinitionString`` as a string, a ``Fn::Sub`` or a ``Fn::Join``) and
``AWS::Serverless::StateMachine`` (``Definition``). Both may carry ``DefinitionSubstitutions``:
``${name}`` placeholders inside the definition's strings, replaced by the given values.

Nothing is deployed here, so anything CloudFormation resolves at deploy time (pseudo parameters
such as ``${AWS::Region}``, ``Ref`` to a resource, ``Fn::GetAtt``) stays in the definition as a
visible ``${...}`` placeholder, much as AWS would see an unresolved template. A template
parameter with a ``Default`` resolves to that default.

YAML templates use short-form tags (``!Sub``, ``!Ref``, ``!GetAtt``, ...). ``load_template_text``
maps exactly those tags to their long forms on top of PyYAML's safe loader, and bounds how much
YAML aliases may expand, so a hostile template can neither run code nor blow up memory.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from stepscope.asl.json_types import a_json_type
from stepscope.asl.source import SourceError
from stepscope.asl.yaml_safe import MAX_YAML_DEPTH, BoundedSafeLoader, yaml_problem

__all__ = [
    "EmbeddedMachine",
    "find_state_machines",
    "is_template",
    "load_template_text",
]

STEP_FUNCTIONS_TYPE = "AWS::StepFunctions::StateMachine"
SERVERLESS_TYPE = "AWS::Serverless::StateMachine"
MACHINE_TYPES = (STEP_FUNCTIONS_TYPE, SERVERLESS_TYPE)

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class EmbeddedMachine:
    """One state machine resource found in a template."""

    logical_id: str
    resource_type: str
    definition: object | None  # the extracted definition (dict) with substitutions applied
    error: str | None  # why it could not be extracted, when definition is None


class TemplateProblem(Exception):
    """A machine's definition cannot be extracted; the message says why and where."""


def is_template(data: object) -> bool:
    """Whether parsed data looks like a CloudFormation or SAM template, not a bare definition."""
    if not isinstance(data, dict) or "States" in data:
        return False
    if isinstance(data.get("Resources"), dict):
        return True
    return "AWSTemplateFormatVersion" in data or "Transform" in data


def find_state_machines(data: object) -> list[EmbeddedMachine]:
    """Every state machine resource in a template, in template order, extracted or explained."""
    if not isinstance(data, dict):
        return []
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return []
    resolver = _Resolver(data)
    machines = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") not in MACHINE_TYPES:
            continue
        machines.append(_extract(str(logical_id), resource, resolver))
    return machines


def _extract(
    logical_id: str, resource: dict[object, object], resolver: _Resolver
) -> EmbeddedMachine:
    resource_type = str(resource.get("Type"))
    try:
        definition = _definition_of(logical_id, resource, resolver)
    except TemplateProblem as problem:
        return EmbeddedMachine(logical_id, resource_type, None, str(problem))
    except RecursionError:
        message = f"Resource '{logical_id}': the definition is nested too deeply to read."
        return EmbeddedMachine(logical_id, resource_type, None, message)
    return EmbeddedMachine(logical_id, resource_type, definition, None)


def _definition_of(logical_id: str, resource: dict[object, object], resolver: _Resolver) -> object:
    where = f"Resources/{logical_id}/Properties"
    properties = resource.get("Properties")
    if not isinstance(properties, dict):
        raise TemplateProblem(f"Resource '{logical_id}' has no Properties mapping.")
    substitutions = _substitutions(properties.get("DefinitionSubstitutions"), resolver, where)
    if "Definition" in properties:
        return _from_definition(properties["Definition"], substitutions, resolver, where)
    if "DefinitionString" in properties:
        text = resolver.text(properties["DefinitionString"], {}, f"{where}/DefinitionString")
        return _parse_definition_string(_substitute(text, substitutions), where)
    for unreadable in ("DefinitionUri", "DefinitionS3Location"):
        if unreadable in properties:
            raise TemplateProblem(_unreadable_message(logical_id, unreadable, properties))
    raise TemplateProblem(
        f"Resource '{logical_id}' has no Definition or DefinitionString property, "
        "so there is no definition to read."
    )


def _unreadable_message(logical_id: str, field: str, properties: dict[object, object]) -> str:
    value = properties[field]
    if isinstance(value, dict):
        shown = "s3://{}/{}".format(value.get("Bucket", "?"), value.get("Key", "?"))
    else:
        shown = str(value)
    return (
        f"Resource '{logical_id}' loads its definition from {field} '{shown}', a separate file "
        "that Stepscope cannot read from inside a template. Import that file directly instead."
    )


def _from_definition(
    value: object, substitutions: dict[str, str], resolver: _Resolver, where: str
) -> object:
    if isinstance(value, str):
        # CloudFormation's Json type also takes the object written out as a JSON string.
        return _parse_definition_string(_substitute(value, substitutions), where)
    if not isinstance(value, dict):
        raise TemplateProblem(
            f"{where}/Definition must be a mapping (the state machine), not {a_json_type(value)}."
        )
    resolved = resolver.value(value, f"{where}/Definition")
    return _substitute_everywhere(resolved, substitutions)


def _parse_definition_string(text: str, where: str) -> object:
    try:
        definition: object = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateProblem(
            f"{where}/DefinitionString is not valid JSON after substitution: {error.msg} "
            f"at line {error.lineno}, column {error.colno} of the definition."
        ) from None
    if not isinstance(definition, dict):
        raise TemplateProblem(
            f"{where}/DefinitionString must hold a JSON object, not {a_json_type(definition)}."
        )
    return definition


def _substitutions(value: object, resolver: _Resolver, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TemplateProblem(
            f"{where}/DefinitionSubstitutions must be a mapping of names to values, "
            f"not {a_json_type(value)}."
        )
    return {
        str(name): resolver.text(item, {}, f"{where}/DefinitionSubstitutions/{name}")
        for name, item in value.items()
    }


def _substitute(text: str, substitutions: Mapping[str, str]) -> str:
    """Replace each ``${name}`` whose name is given; leave every other placeholder visible."""
    if not substitutions or "${" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        return substitutions.get(match.group(1), match.group(0))

    return _PLACEHOLDER.sub(replace, text)


def _substitute_everywhere(value: object, substitutions: Mapping[str, str]) -> object:
    """Apply substitutions to every string of a definition, keys included (as AWS does to its
    JSON text)."""
    if not substitutions:
        return value
    if isinstance(value, str):
        return _substitute(value, substitutions)
    if isinstance(value, list):
        return [_substitute_everywhere(item, substitutions) for item in value]
    if isinstance(value, dict):
        return {
            _substitute(str(key), substitutions): _substitute_everywhere(item, substitutions)
            for key, item in value.items()
        }
    return value


class _Resolver:
    """Resolves CloudFormation intrinsic functions as far as a template alone allows."""

    def __init__(self, template: dict[object, object]) -> None:
        parameters = template.get("Parameters")
        mappings = template.get("Mappings")
        self._defaults: dict[str, object] = {}
        if isinstance(parameters, dict):
            for name, spec in parameters.items():
                if isinstance(spec, dict) and "Default" in spec:
                    self._defaults[str(name)] = spec["Default"]
        self._mappings = mappings if isinstance(mappings, dict) else {}

    def value(self, node: object, where: str) -> object:
        """A JSON-ready copy of ``node``, with every intrinsic function turned into text."""
        if _intrinsic_name(node) is not None:
            return self.text(node, {}, where)
        if isinstance(node, dict):
            return {
                self._key(key, where): self.value(item, f"{where}/{key}")
                for key, item in node.items()
            }
        if isinstance(node, list):
            return [self.value(item, f"{where}/{index}") for index, item in enumerate(node)]
        return _json_scalar(node, where)

    def text(self, node: object, variables: Mapping[str, str], where: str) -> str:
        """``node`` as the string CloudFormation would produce, placeholders for the unknown."""
        name = _intrinsic_name(node)
        if name is None:
            return _scalar_text(node, where)
        assert isinstance(node, dict)
        argument = node[name]
        if name == "Ref":
            return self._ref(str(argument), variables)
        if name == "Fn::GetAtt":
            return _placeholder(_get_att_target(argument))
        if name == "Fn::Sub":
            return self._sub(argument, variables, where)
        if name == "Fn::Join":
            return self._join(argument, variables, where)
        if name == "Fn::Select":
            return self._select(argument, variables, where)
        if name == "Fn::FindInMap":
            return self._find_in_map(argument, variables, where)
        shown = f" {argument}" if isinstance(argument, str) else ""
        return _placeholder(name + shown)

    def _key(self, key: object, where: str) -> str:
        if isinstance(key, str):
            return key
        return _scalar_text(key, where)

    def _ref(self, name: str, variables: Mapping[str, str]) -> str:
        if name in variables:
            return variables[name]
        if name in self._defaults:
            default = self._defaults[name]
            if isinstance(default, list):
                return ",".join(_scalar_text(item, name) for item in default)
            return _scalar_text(default, name)
        return _placeholder(name)

    def _sub(self, argument: object, variables: Mapping[str, str], where: str) -> str:
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            template, own = argument
            merged = dict(variables)
            for key, item in own.items():
                merged[str(key)] = self.text(item, variables, f"{where}/Fn::Sub/1/{key}")
        else:
            template, merged = argument, dict(variables)
        if not isinstance(template, str):
            raise TemplateProblem(
                f"{where}: Fn::Sub takes a string, or a list of a string and a mapping of "
                f"variables, not {a_json_type(argument)}."
            )
        return _PLACEHOLDER.sub(lambda match: self._sub_one(match, merged), template)

    def _sub_one(self, match: re.Match[str], variables: Mapping[str, str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return _placeholder(name[1:])
        if "." in name or name.startswith("AWS::"):
            return variables.get(name, match.group(0))
        return self._ref(name, variables)

    def _join(self, argument: object, variables: Mapping[str, str], where: str) -> str:
        if not (isinstance(argument, list) and len(argument) == 2):
            raise TemplateProblem(
                f"{where}: Fn::Join takes a list of a delimiter and a list of values, "
                f"not {a_json_type(argument)}."
            )
        delimiter, parts = argument
        if _intrinsic_name(parts) is not None:
            return "${Fn::Join}"
        if not isinstance(delimiter, str) or not isinstance(parts, list):
            raise TemplateProblem(
                f"{where}: Fn::Join takes a string delimiter and a list of values to join."
            )
        joined = (
            self.text(part, variables, f"{where}/Fn::Join/1/{i}") for i, part in enumerate(parts)
        )
        return delimiter.join(joined)

    def _select(self, argument: object, variables: Mapping[str, str], where: str) -> str:
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
            index_text = self.text(argument[0], variables, where)
            if index_text.isascii() and index_text.isdigit() and int(index_text) < len(argument[1]):
                return self.text(argument[1][int(index_text)], variables, where)
        return "${Fn::Select}"

    def _find_in_map(self, argument: object, variables: Mapping[str, str], where: str) -> str:
        if isinstance(argument, list) and len(argument) == 3:
            keys = [self.text(item, variables, where) for item in argument]
            found: object = self._mappings
            for key in keys:
                found = found.get(key) if isinstance(found, dict) else None
            if found is not None and _intrinsic_name(found) is None:
                return _scalar_text(found, where)
        return "${Fn::FindInMap}"


def _placeholder(name: str) -> str:
    return "${" + name + "}"


def _intrinsic_name(node: object) -> str | None:
    if isinstance(node, dict) and len(node) == 1:
        (key,) = node
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
            return key
    return None


def _get_att_target(argument: object) -> str:
    if isinstance(argument, list):
        return ".".join(str(part) for part in argument)
    return str(argument)


def _json_scalar(node: object, where: str) -> object:
    if node is None or isinstance(node, bool | int | str):
        return node
    if isinstance(node, float):
        if not math.isfinite(node):
            raise TemplateProblem(f"{where}: {node} is not a number JSON can hold.")
        return node
    if isinstance(node, datetime | date):
        return node.isoformat()
    raise TemplateProblem(f"{where}: a YAML {type(node).__name__} value has no JSON form.")


def _scalar_text(node: object, where: str) -> str:
    if isinstance(node, list | dict):
        raise TemplateProblem(f"{where}: expected a single value, found {a_json_type(node)}.")
    value = _json_scalar(node, where)
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value)


# ------------------------------------------------------------------------------- YAML templates

_SHORT_FORMS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And Base64 Cidr Equals FindInMap GetAtt GetAZs If ImportValue Join Length "
            "Not Or Select Split Sub ToJsonString Transform"
        ).split()
    },
}


class _TemplateLoader(BoundedSafeLoader):
    """The bounded safe loader plus CloudFormation's short-form tags, and no other tag."""


def _construct_short_form(loader: _TemplateLoader, tag: str, node: Node) -> object:
    long_form = _SHORT_FORMS[tag]
    argument: object
    if isinstance(node, ScalarNode):
        argument = loader.construct_scalar(node)
        if long_form == "Fn::GetAtt" and isinstance(argument, str) and "." in argument:
            argument = argument.split(".", 1)
    elif isinstance(node, SequenceNode):
        argument = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, MappingNode)
        argument = loader.construct_mapping(node, deep=True)
    return {long_form: argument}


def _short_form_constructor(tag: str) -> Callable[[_TemplateLoader, Node], object]:
    return lambda loader, node: _construct_short_form(loader, tag, node)


for _tag in _SHORT_FORMS:
    _TemplateLoader.add_constructor(_tag, _short_form_constructor(_tag))


def load_template_text(text: str) -> object:
    """Parse a YAML (or JSON) CloudFormation template. Raises SourceError with line and column."""
    if not isinstance(text, str):
        raise SourceError("the template must be text")
    try:
        loader = _TemplateLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        problem, line, column = yaml_problem(error, text)
        raise SourceError(f"not a valid YAML template: {problem}", line, column) from None
    except RecursionError:
        raise SourceError(f"the template nests deeper than {MAX_YAML_DEPTH} levels") from None
