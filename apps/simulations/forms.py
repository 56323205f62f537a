"""The "New execution" form and the callback forms of the execution page.

Each field is checked with the same functions the service uses (the JSON parser, the pace, the
Lambda folder, the mock configuration, the task durations table), so an error lands on the field
that caused it, with its line and column or JSON pointer, and the text the user typed is shown
again as it was.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings

from apps.simulations.jsontext import JsonTextError, json_parse
from apps.simulations.pace import INSTANT, REAL, PaceError, pace_parse
from apps.simulations.resolvers import ResolverError, lambda_handlers
from stepscope.engine.errors import PAYLOAD_LIMIT_BYTES
from stepscope.engine.resolvers.durations import DurationsError, TaskDurations, check_states
from stepscope.engine.resolvers.mock_config import MockConfig, MockConfigError

NAME_MAX_LENGTH = 80  # AWS's limit for an execution name
MOCK_CONFIG_MAX_BYTES = 1024 * 1024
DURATIONS_MAX_BYTES = 1024 * 1024
# What AWS refuses in an execution name: whitespace, brackets, wildcards, these punctuation
# marks, and control characters.
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
PACE_MODES = [
    (INSTANT, "Instant: the virtual clock jumps over Waits and back-offs"),
    (REAL, "Real time"),
    ("scaled", "Scaled: time runs faster by a factor"),
]
CODE = {"rows": 12, "spellcheck": "false", "class": "code", "data-json-editor": ""}


def json_field_error(what: str, error: JsonTextError) -> str:
    where = f" at line {error.line}, column {error.column}" if error.line is not None else ""
    return f"The {what} is not valid JSON{where}: {error.message}."


def _pointed_error(what: str, text: str) -> str:
    """A problem whose message starts with a JSON pointer: "<what>, at /A/0: …"."""
    pointer, sep, rest = text.partition(": ")
    if sep and pointer.startswith("/"):
        return f"{what}, at {pointer}: {rest}"
    return f"{what}: {text}"


def mock_config_error(error: MockConfigError) -> str:
    """A mock configuration problem with its JSON pointer first: "At /MockedResponses/A/0: …"."""
    return _pointed_error("Mock configuration", str(error))


def durations_error(error: DurationsError) -> str:
    """A durations table problem with its JSON pointer first: "Task durations, at /Call/0: …"."""
    return _pointed_error("Task durations", str(error))


class SimulationStartForm(forms.Form):
    input = forms.CharField(
        required=False,
        strip=False,
        label="Input",
        widget=forms.Textarea(attrs=CODE),
        help_text="The execution input, as JSON. Empty means {}.",
    )
    name = forms.CharField(
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text="Up to 80 characters, no spaces; generated when left empty.",
    )
    pace_mode = forms.ChoiceField(
        choices=PACE_MODES, initial=INSTANT, label="Pace", widget=forms.RadioSelect
    )
    scale = forms.CharField(
        required=False,
        max_length=32,
        initial="60",
        label="Scale factor",
        help_text="With a scaled pace: 60 makes a one-minute Wait take a second.",
    )
    mock_config = forms.CharField(
        required=False,
        strip=False,
        label="Mock configuration",
        widget=forms.Textarea(attrs={**CODE, "rows": 8}),
        help_text="A Step Functions Local MockConfigFile.json (optional).",
    )
    mock_config_file = forms.FileField(required=False, label="…or upload it")
    test_case = forms.CharField(required=False, max_length=200, label="Test case")
    durations = forms.CharField(
        required=False,
        strip=False,
        label="Task durations (JSON)",
        widget=forms.Textarea(attrs={**CODE, "rows": 6}),
        help_text='How long each task takes, in seconds: {"CheckStock": 0.4, '
        '"PickLine": {"0": 0.5, "1-3": 1.2}} (a state\'s name, then one time for every '
        "invocation, or times by invocation number or range). Optional.",
    )
    durations_file = forms.FileField(required=False, label="…or upload it")
    lambdas_dir = forms.CharField(
        required=False,
        max_length=1024,
        label="Local Lambda handlers folder",
        help_text="A folder on the server, one sub-folder per function: "
        "<function>/handler.py (handler) or <function>/lambda_function.py (lambda_handler).",
    )

    def __init__(
        self, *args: Any, state_machine: str = "", definition: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.state_machine = state_machine
        self.definition = definition  # the machine's definition: durations name its Tasks
        roots = ", ".join(str(root) for root in settings.SIMULATION_LAMBDA_ROOTS) or "none"
        self.fields["lambdas_dir"].help_text += f" Allowed on this server: {roots}."

    def clean_input(self) -> Any:
        text = self.cleaned_data.get("input") or ""
        if not text.strip():
            return {}
        if len(text.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
            raise forms.ValidationError("The input is larger than 256 KiB, AWS's limit.")
        try:
            return json_parse(text)
        except JsonTextError as error:
            raise forms.ValidationError(json_field_error("input", error)) from None

    def clean_name(self) -> str:
        name: str = self.cleaned_data.get("name") or ""
        bad = _BAD_NAME.search(name)
        if bad:
            raise forms.ValidationError(
                f"An execution name cannot hold {bad.group()!r} (column {bad.start() + 1}): "
                "use letters, digits, - and _."
            )
        return name

    def clean_lambdas_dir(self) -> str:
        folder: str = (self.cleaned_data.get("lambdas_dir") or "").strip()
        if not folder:
            return ""
        if not Path(folder).is_absolute():
            raise forms.ValidationError(
                f"Give the folder's full path on the server (this one is relative: {folder})."
            )
        roots = [root.resolve() for root in settings.SIMULATION_LAMBDA_ROOTS]
        resolved = Path(folder).resolve()
        if not any(resolved.is_relative_to(root) for root in roots):
            allowed = ", ".join(str(root) for root in roots) or "none"
            raise forms.ValidationError(
                f"This server runs Lambda handlers only from the folders its operator allows "
                f"(STEPSCOPE_LAMBDA_ROOTS: {allowed}); {folder} is not inside them."
            )
        try:
            lambda_handlers(folder)
        except ResolverError as error:
            raise forms.ValidationError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None
        except OSError as error:
            raise forms.ValidationError(f"The folder {folder} cannot be read: {error}.") from None
        return folder

    def _upload(self, field: str, text_field: str, max_bytes: int) -> str | None:
        """An uploaded JSON file's text, also put in its text box (`text_field`), so nothing
        is lost if it has an error."""
        upload = self.cleaned_data.get(field)
        if upload is None:
            return None
        if upload.size > max_bytes:
            raise forms.ValidationError(f"{upload.name} is larger than 1 MiB.")
        try:
            text: str = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                f"{upload.name} is not UTF-8 text (byte {error.start}: {error.reason})."
            ) from None
        self.data = self.data.copy()
        self.data[text_field] = text
        return text

    def clean_mock_config_file(self) -> str | None:
        return self._upload("mock_config_file", "mock_config", MOCK_CONFIG_MAX_BYTES)

    def clean_durations_file(self) -> str | None:
        return self._upload("durations_file", "durations", DURATIONS_MAX_BYTES)

    def _pace(self, cleaned: dict[str, Any]) -> None:
        mode = cleaned.get("pace_mode")
        if mode != "scaled":
            cleaned["pace"] = mode or INSTANT
            return
        try:
            cleaned["pace"] = pace_parse(cleaned.get("scale") or "")
        except PaceError:
            self.add_error("scale", "Give the scale as a number above 0, such as 60 or 0.5.")

    def _mock_config(self, cleaned: dict[str, Any]) -> None:
        text = cleaned.get("mock_config_file") or cleaned.get("mock_config") or ""
        test_case = (cleaned.get("test_case") or "").strip()
        cleaned["mock_config"], cleaned["test_case"] = None, test_case
        if not text.strip():
            if test_case:
                self.add_error("mock_config", "A test case needs a mock configuration.")
            return
        if len(text.encode("utf-8")) > MOCK_CONFIG_MAX_BYTES:
            self.add_error("mock_config", "The mock configuration is larger than 1 MiB.")
            return
        try:
            config = json_parse(text)
            parsed = MockConfig.parse(config)
        except JsonTextError as error:
            self.add_error("mock_config", json_field_error("mock configuration", error))
            return
        except MockConfigError as error:
            self.add_error("mock_config", mock_config_error(error))
            return
        if not test_case:
            self.add_error("test_case", "Name the mock configuration's test case to run.")
            return
        try:
            parsed.test_case(self.state_machine or None, test_case)
        except MockConfigError as error:
            self.add_error("test_case", mock_config_error(error))
            return
        cleaned["mock_config"] = config

    def _durations(self, cleaned: dict[str, Any]) -> None:
        text = cleaned.get("durations_file") or cleaned.get("durations") or ""
        cleaned["durations"] = None
        if not text.strip():
            return
        if len(text.encode("utf-8")) > DURATIONS_MAX_BYTES:
            self.add_error("durations", "The task durations are larger than 1 MiB.")
            return
        try:
            table = json_parse(text)
            parsed = TaskDurations.parse(table)
            if isinstance(self.definition, dict):
                check_states(parsed, self.definition)
        except JsonTextError as error:
            self.add_error("durations", json_field_error("task durations table", error))
            return
        except DurationsError as error:
            self.add_error("durations", durations_error(error))
            return
        cleaned["durations"] = table

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._pace(cleaned)
        if "mock_config_file" not in self.errors:
            self._mock_config(cleaned)
        if "durations_file" not in self.errors:
            self._durations(cleaned)
        return cleaned


class TaskSuccessForm(forms.Form):
    taskToken = forms.CharField(max_length=1024, strip=True)  # noqa: N815 (AWS's field name)
    output = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={**CODE, "rows": 6}),
        help_text="The task's result, as JSON.",
    )

    def clean_output(self) -> str:
        """The output's JSON text, checked (the engine parses it, once: a JSON string such as
        "approved" stays the string it is)."""
        text: str = self.cleaned_data.get("output") or ""
        if len(text.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
            raise forms.ValidationError("The output is larger than 256 KiB, AWS's limit.")
        try:
            json_parse(text)
        except JsonTextError as error:
            raise forms.ValidationError(json_field_error("output", error)) from None
        return text


class TaskFailureForm(forms.Form):
    taskToken = forms.CharField(max_length=1024, strip=True)  # noqa: N815
    error = forms.CharField(required=False, max_length=256)
    cause = forms.CharField(required=False, max_length=32768, widget=forms.Textarea({"rows": 3}))


class TaskHeartbeatForm(forms.Form):
    taskToken = forms.CharField(max_length=1024, strip=True)  # noqa: N815


class StopForm(forms.Form):
    error = forms.CharField(required=False, max_length=256)
    cause = forms.CharField(required=False, max_length=32768, widget=forms.Textarea({"rows": 2}))
