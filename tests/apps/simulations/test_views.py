"""The "New execution" form, the simulation panel of the execution page, and the callback and
stop actions (form posts from the page and the JSON endpoints for scripts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from apps.definitions.models import DefinitionVersion
from apps.executions.models import Execution
from apps.simulations.models import Simulation
from apps.simulations.services import simulation_start
from tests.apps.simulations.machines import STOCK, WAITING, fresh, version_of

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"
SNS_CALLBACK: dict[str, Any] = {
    "StartAt": "Notify",
    "States": {
        "Notify": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
            "Parameters": {
                "TopicArn": "arn:aws:sns:us-east-1:123456789012:approvals",
                "Message": {"order.$": "$.order", "note": HOSTILE, "token.$": "$$.Task.Token"},
            },
            "Next": "Done",
        },
        "Done": {"Type": "Pass", "End": True},
    },
}
MOCKED: dict[str, Any] = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "greet"},
            "End": True,
        }
    },
}
MOCK_CONFIG: dict[str, Any] = {
    "StateMachines": {"mocked": {"TestCases": {"Happy": {"Greet": "Hello"}}}},
    "MockedResponses": {"Hello": {"0": {"Return": {"Payload": {"hello": "world"}}}}},
}


def new_url(version: DefinitionVersion) -> str:
    return reverse("simulations:new_version", args=[version.definition_id, version.number])


def form_data(**fields: Any) -> dict[str, Any]:
    return {"input": '{"order": 7}', "name": "", "pace_mode": "instant", "scale": "60", **fields}


def parked(capture: Any, definition: dict[str, Any] = SNS_CALLBACK) -> Simulation:
    with capture(execute=True):
        simulation = simulation_start(
            definition_version=version_of(definition), execution_input={"order": 7}
        )
    return fresh(simulation)


def action_url(simulation: Simulation, action: str) -> str:
    return reverse(f"simulations:{action.replace('-', '_')}", args=[simulation.pk])


def post_json(client: Client, url: str, body: Any, **extra: Any) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, text, content_type="application/json", **extra)


# Signed out ---------------------------------------------------------------------------------


def test_signed_out_users_are_sent_to_sign_in_or_refused_with_401(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    version = simulation.execution.definition_version
    assert version is not None
    for response in (client.get(new_url(version)), client.post(new_url(version), form_data())):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for action in ("send-task-success", "send-task-failure", "send-task-heartbeat", "stop"):
        url = action_url(simulation, action)
        page = client.post(url, {"taskToken": "x"})
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        api = post_json(client, url, {"taskToken": "x"})
        assert api.status_code == 401 and api.json()["error"] == "SignedOut"
    waiting = client.get(reverse("simulations:waiting", args=[simulation.pk]))
    assert waiting.status_code == 401 and waiting.json()["error"] == "SignedOut"
    assert fresh(simulation).execution.status == "RUNNING"


# The "New execution" form -------------------------------------------------------------------


def test_the_definition_page_links_to_the_form(signed_in: Client) -> None:
    version = version_of(WAITING)
    page = signed_in.get(reverse("definitions:version", args=[version.definition_id, 1]))
    assert new_url(version) in page.content.decode()


def test_the_form_prefills_the_last_simulations_input(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    version = version_of(WAITING)
    assert "{}" in signed_in.get(new_url(version)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        simulation_start(definition_version=version, execution_input={"last": HOSTILE})
    page = signed_in.get(new_url(version)).content.decode()
    assert "&quot;last&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in page
    assert HOSTILE not in page


def test_happy_path_at_instant_pace_ends_on_the_execution_page(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    version = version_of(WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(new_url(version), form_data(name="first-run"))
    execution = Execution.objects.get(name="first-run")
    assert response.status_code == 302 and response["Location"] == execution.get_absolute_url()
    assert execution.status == "SUCCEEDED" and execution.source == "simulation"
    assert execution.simulation.pace == "instant"  # type: ignore[attr-defined]
    page = signed_in.get(response["Location"])
    assert page.status_code == 200


def test_a_scaled_pace_and_a_mock_configuration_are_passed_on(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    version = version_of(MOCKED, name="mocked")
    data = form_data(
        pace_mode="scaled", scale="60", mock_config=json.dumps(MOCK_CONFIG), test_case="Happy"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(new_url(version), data)
    assert response.status_code == 302
    simulation = Simulation.objects.select_related("execution").get()
    assert simulation.pace == "60" and simulation.test_case == "Happy"
    assert simulation.execution.status == "SUCCEEDED"


def test_bad_input_json_keeps_the_text_and_says_where(signed_in: Client) -> None:
    version = version_of(WAITING)
    typed = '{\n  "order": 7,\n  "note": "<b>x</b>"\n  "oops": 1\n}'
    response = signed_in.post(new_url(version), form_data(input=typed, name="keep-me"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "The input is not valid JSON at line 4, column 3" in page
    assert "&quot;note&quot;: &quot;&lt;b&gt;x&lt;/b&gt;&quot;" in page  # kept, escaped
    assert 'value="keep-me"' in page
    assert not Execution.objects.exists()


def test_a_bad_mock_configuration_shows_its_json_pointer(signed_in: Client) -> None:
    version = version_of(MOCKED, name="mocked")
    config = {
        "StateMachines": {"mocked": {"TestCases": {"Happy": {"Greet": "Hello"}}}},
        "MockedResponses": {"Hello": {"0": {"Return": 1, "Throw": {}}}},
    }
    typed = json.dumps(config, indent=2)
    response = signed_in.post(
        new_url(version), form_data(mock_config=typed, test_case="Happy", name="kept")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Mock configuration, at /MockedResponses/Hello/0: must hold exactly one" in page
    assert "&quot;Throw&quot;: {}" in page and 'value="kept"' in page


def test_an_unknown_test_case_and_a_bad_mock_json_are_shown_on_their_fields(
    signed_in: Client,
) -> None:
    version = version_of(MOCKED, name="mocked")
    data = form_data(mock_config=json.dumps(MOCK_CONFIG), test_case="Sad")
    page = signed_in.post(new_url(version), data).content.decode()
    assert "at /StateMachines/mocked/TestCases: no test case &#x27;Sad&#x27;" in page
    page = signed_in.post(new_url(version), form_data(mock_config="{,}", test_case="Happy"))
    assert "The mock configuration is not valid JSON at line 1, column 2" in page.content.decode()


DURATIONS: dict[str, Any] = {"CheckStock": 0.4, "PickLine": {"0": 0.5, "1-3": 1.2}}


def test_the_form_explains_task_durations(signed_in: Client) -> None:
    page = signed_in.get(new_url(version_of(WAITING))).content.decode()
    assert "Task durations (JSON)" in page
    assert "Tasks take that long on the virtual clock" in page
    assert "Map iterations and Parallel branches overlap" in page
    assert "longer than its TimeoutSeconds times out" in page
    assert "{&quot;CheckStock&quot;: 0.4" in page  # the help text's example, escaped


def test_task_durations_are_passed_on_and_offered_again(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    version = version_of(STOCK)
    data = form_data(durations=json.dumps(DURATIONS, indent=2), name="timed")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(new_url(version), data)
    assert response.status_code == 302
    simulation = Simulation.objects.select_related("execution").get()
    assert simulation.durations == DURATIONS
    assert simulation.execution.status == "SUCCEEDED"
    assert "simulated task durations" in panel(signed_in, simulation)
    again = signed_in.get(new_url(version)).content.decode()
    assert "&quot;PickLine&quot;: {\n    &quot;0&quot;: 0.5," in again


def test_empty_task_durations_mean_none(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(new_url(version_of(STOCK)), form_data(durations="  \n"))
    assert response.status_code == 302
    assert Simulation.objects.get().durations is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            '{"Call": {"0": "slow"}}',
            "Task durations, at /Call/0: must be a number of seconds (0 or more), "
            "not &quot;slow&quot;",
        ),
        (
            '{"Call": {"1-x": 2}}',
            "Task durations, at /Call/1-x: the key must be an invocation number or range",
        ),
        ('{"Call": -1}', "Task durations, at /Call: must be a number of seconds (0 or more)"),
        ("[1, 2]", "Task durations, at /: durations must be a JSON object of state names"),
        (
            '{\n  "Call": 1,\n}',
            "The task durations table is not valid JSON at line 3, column 1: Expecting property",
        ),
        ('{"Call": NaN}', "NaN is not JSON"),
        (
            '{"CheckStock": 1, "Cal": 2}',
            "Task durations, at /Cal: the definition has no Task state named &#x27;Cal&#x27;",
        ),
        ('{"Call": 1, "x": "' + "y" * (1024 * 1024) + '"}', "larger than 1 MiB"),
    ],
)
def test_bad_task_durations_are_refused_on_their_field_and_kept(
    signed_in: Client, typed: str, message: str
) -> None:
    version = version_of(STOCK)
    response = signed_in.post(new_url(version), form_data(durations=typed, name="kept"))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    errors = page.split('<label for="id_durations">', 1)[1].split('<textarea name="durations"')[0]
    assert message in errors  # on the durations field
    assert escape(typed) in page and 'value="kept"' in page
    assert not Execution.objects.exists()


def test_task_durations_can_be_uploaded(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    version = version_of(STOCK)
    upload = SimpleUploadedFile("durations.json", json.dumps(DURATIONS).encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(new_url(version), form_data(durations_file=upload))
    assert response.status_code == 302
    assert Simulation.objects.get().durations == DURATIONS


def test_a_bad_uploaded_table_is_shown_in_the_text_box_with_its_error(signed_in: Client) -> None:
    version = version_of(WAITING)
    typed = '{"Call": {"0": "<b>slow</b>"}}'
    upload = SimpleUploadedFile("durations.json", typed.encode())
    page = signed_in.post(new_url(version), form_data(durations_file=upload)).content.decode()
    assert "Task durations, at /Call/0: must be a number of seconds" in page
    assert escape(typed) in page and "<b>slow</b>" not in page
    binary = SimpleUploadedFile("durations.json", b"\xff\xfe{}")
    response = signed_in.post(new_url(version), form_data(durations_file=binary))
    assert response.status_code == 400
    assert "durations.json is not UTF-8 text (byte 0" in response.content.decode()
    assert not Execution.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pace_mode": "scaled", "scale": "fast"}, "Give the scale as a number above 0"),
        ({"pace_mode": "warp"}, "Select a valid choice"),
        ({"lambdas_dir": "relative/dir"}, "Give the folder&#x27;s full path on the server"),
        ({"lambdas_dir": "/nowhere/at/all"}, "/nowhere/at/all is not inside them"),
        ({"lambdas_dir": "/etc"}, "only from the folders its operator allows"),
        ({"name": "has space"}, "An execution name cannot hold"),
        ({"input": "[" * 5000 + "]" * 5000}, "nest deeper than 200 levels"),
        ({"input": "NaN"}, "NaN is not JSON"),
    ],
)
def test_other_bad_fields_are_refused_clearly(
    signed_in: Client, fields: dict[str, str], message: str
) -> None:
    version = version_of(WAITING)
    response = signed_in.post(new_url(version), form_data(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Execution.objects.exists()


def test_lambda_folders_are_limited_to_the_allowed_roots(
    signed_in: Client, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    allowed, elsewhere = tmp_path / "allowed", tmp_path / "elsewhere"
    for root in (allowed, elsewhere):
        (root / "greet").mkdir(parents=True)
        (root / "greet" / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    (allowed / "escape").symlink_to(elsewhere)
    settings.SIMULATION_LAMBDA_ROOTS = [allowed]
    version = version_of(WAITING)
    for outside in (elsewhere, allowed / "escape", allowed / ".." / "elsewhere"):
        response = signed_in.post(new_url(version), form_data(lambdas_dir=str(outside)))
        assert response.status_code == 400
        assert f"{outside} is not inside them" in response.content.decode()
    assert not Execution.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(new_url(version), form_data(lambdas_dir=str(allowed)))
    assert response.status_code == 302
    assert Simulation.objects.get().lambdas_dir == str(allowed)


def test_the_demo_handlers_are_allowed_by_default(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    demo = django_settings.DEMO_LAMBDAS
    assert demo in django_settings.SIMULATION_LAMBDA_ROOTS
    page = signed_in.get(new_url(version_of(WAITING))).content.decode()
    assert f"Allowed on this server: {demo}." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(new_url(version_of(WAITING)), form_data(lambdas_dir=str(demo)))
    assert response.status_code == 302


def test_an_invalid_definition_is_refused_in_the_form(signed_in: Client) -> None:
    version = version_of({"StartAt": "Nowhere", "States": {"A": {"Type": "Pass", "End": True}}})
    assert "cannot run" in signed_in.get(new_url(version)).content.decode()
    response = signed_in.post(new_url(version), form_data())
    assert response.status_code == 400 and "is not a valid definition" in response.content.decode()


def test_the_form_of_a_missing_definition_is_404(signed_in: Client) -> None:
    response = signed_in.get(reverse("simulations:new", args=[999]))
    assert response.status_code == 404


# The panel and the callback forms -----------------------------------------------------------


def panel(client: Client, simulation: Simulation) -> str:
    """The execution page, which shows the simulation panel."""
    response = client.get(simulation.execution.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="simulation"' in html
    return html


def test_the_panel_shows_the_parked_task_its_token_and_the_message_escaped(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    token = simulation.snapshot["position"]["suspended"]["resume"]["waiting"]["token"]
    html = panel(signed_in, simulation)
    assert "“Notify” waits for a callback" in html and token in html
    assert "sns:publish.waitForTaskToken" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and HOSTILE not in html
    for action in ("send-task-success", "send-task-failure", "send-task-heartbeat", "stop"):
        assert action_url(simulation, action) in html


MAP_OF_CALLBACKS: dict[str, Any] = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.orders",
            "ItemProcessor": {
                "StartAt": "Notify",
                "States": {"Notify": SNS_CALLBACK["States"]["Notify"] | {"End": True}},
            },
            "End": True,
        }
    },
}
del MAP_OF_CALLBACKS["States"]["Each"]["ItemProcessor"]["States"]["Notify"]["Next"]


def test_concurrent_iterations_waiting_each_get_their_own_token_on_the_page_and_the_api(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        simulation = simulation_start(
            definition_version=version_of(MAP_OF_CALLBACKS),
            execution_input={"orders": [{"order": 1}, {"order": 2}]},
        )
    simulation = fresh(simulation)
    waiting = signed_in.get(reverse("simulations:waiting", args=[simulation.pk])).json()
    assert len(waiting["alsoWaiting"]) == 1
    first, second = waiting["taskToken"], waiting["alsoWaiting"][0]["taskToken"]
    assert first != second
    html = panel(signed_in, simulation)
    assert "1 more task waits for a callback too" in html
    sent = html.split('class="code-block callback-message">', 1)[1].split("</pre>", 1)[0]
    assert first in sent and second not in sent  # the message that carried the first token
    assert html.count('<select id="simulation-success-task" name="taskToken">') == 1
    assert html.count(f'<option value="{second}">') == 3  # success, failure and heartbeat
    refused = signed_in.post(
        action_url(simulation, "send-task-success"), {"taskToken": second, "output": "{oops"}
    )
    assert refused.status_code == 302
    again = panel(signed_in, simulation)
    assert f'<option value="{second}" selected>' in again  # the task chosen stays chosen
    assert "{oops" in again
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            action_url(simulation, "send-task-success"), {"taskToken": second, "output": '"2nd"'}
        )
    assert response.status_code == 302
    simulation = fresh(simulation)
    assert simulation.execution.status == "RUNNING"
    waiting = signed_in.get(reverse("simulations:waiting", args=[simulation.pk])).json()
    assert (waiting["taskToken"], waiting["alsoWaiting"]) == (first, [])
    assert "more task" not in panel(signed_in, simulation)
    body = {"taskToken": first, "output": '"1st"'}
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post_json(signed_in, action_url(simulation, "send-task-success"), body).status_code
            == 200
        )
    simulation = fresh(simulation)
    assert simulation.execution.status == "SUCCEEDED"
    assert simulation.snapshot["output"] == ["1st", "2nd"]


def test_the_panel_renders_nothing_for_an_imported_execution(signed_in: Client) -> None:
    from django.template import Context, Template

    execution = Execution(name="x", fingerprint="f", status="SUCCEEDED")
    html = Template("{% load simulation_tags %}{% simulation_panel execution %}").render(
        Context({"execution": execution})
    )
    assert html.strip() == ""


def test_the_success_form_completes_the_task_and_redirects_back(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    token = simulation.snapshot["position"]["suspended"]["resume"]["waiting"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            action_url(simulation, "send-task-success"),
            {"taskToken": token, "output": '{"approved": true}'},
        )
    assert response.status_code == 302
    assert response["Location"] == simulation.execution.get_absolute_url() + "#simulation"
    assert fresh(simulation).execution.status == "SUCCEEDED"


def test_a_refused_form_keeps_what_was_typed_in_the_panel(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    token = simulation.snapshot["position"]["suspended"]["resume"]["waiting"]["token"]
    typed = '{"approved": tru}'
    response = signed_in.post(
        action_url(simulation, "send-task-success"), {"taskToken": token, "output": typed}
    )
    assert response.status_code == 302
    html = panel(signed_in, simulation)
    assert "InvalidOutput: The output is not valid JSON at line 1, column 14" in html
    assert "{&quot;approved&quot;: tru}" in html
    assert fresh(simulation).execution.status == "RUNNING"


# The JSON endpoints -------------------------------------------------------------------------


def test_the_json_endpoints_complete_a_parked_simulation(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    waiting = signed_in.get(reverse("simulations:waiting", args=[simulation.pk])).json()
    assert waiting["stateName"] == "Notify"
    assert json.loads(waiting["parameters"])["Message"]["order"] == 7
    url = action_url(simulation, "send-task-heartbeat")
    assert post_json(signed_in, url, {"taskToken": waiting["taskToken"]}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            signed_in,
            action_url(simulation, "send-task-success"),
            {"taskToken": waiting["taskToken"], "output": '{"approved": true}'},
        )
    assert response.status_code == 200
    assert response.json()["executionId"] == simulation.execution_id
    simulation = fresh(simulation)
    assert simulation.execution.status == "SUCCEEDED"
    types = list(simulation.execution.events.order_by("event_id").values_list("type", flat=True))
    assert "TaskSucceeded" in types and types[-1] == "ExecutionSucceeded"
    assert signed_in.get(reverse("simulations:waiting", args=[simulation.pk])).json() is None


def test_an_output_given_as_a_json_value_is_accepted(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    token = simulation.snapshot["position"]["suspended"]["resume"]["waiting"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            signed_in,
            action_url(simulation, "send-task-success"),
            {"taskToken": token, "output": {"approved": True}},
        )
    assert response.status_code == 200
    assert fresh(simulation).execution.status == "SUCCEEDED"


def test_send_task_failure_fails_the_execution(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    token = simulation.snapshot["position"]["suspended"]["resume"]["waiting"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            signed_in,
            action_url(simulation, "send-task-failure"),
            {"taskToken": token, "error": "Rejected", "cause": "no budget"},
        )
    assert response.status_code == 200
    execution = fresh(simulation).execution
    assert execution.status == "FAILED" and execution.error == "Rejected"


def test_wrong_token_and_bad_output_are_refused_aws_style(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    token = simulation.snapshot["position"]["suspended"]["resume"]["waiting"]["token"]
    url = action_url(simulation, "send-task-success")
    wrong = post_json(signed_in, url, {"taskToken": "not-the-token", "output": "{}"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "TaskDoesNotExist"
    bad = post_json(signed_in, url, {"taskToken": token, "output": '{"a": }'})
    assert bad.status_code == 400 and bad.json()["error"] == "InvalidOutput"
    assert "line 1, column 7" in bad.json()["message"]
    missing = post_json(signed_in, url, {"output": "{}"})
    assert missing.status_code == 400 and missing.json()["error"] == "ValidationException"
    heartbeat = post_json(
        signed_in, action_url(simulation, "send-task-heartbeat"), {"taskToken": "nope"}
    )
    assert heartbeat.json()["error"] == "TaskDoesNotExist"
    assert fresh(simulation).execution.status == "RUNNING"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "SerializationException"),
        ("[1, 2]", 400, "SerializationException"),
        ('{"taskToken": 7}', 400, "ValidationException"),
        ("[" * 200_000 + "]" * 200_000, 413, "RequestTooLarge"),
        ('{"taskToken": "' + "x" * 400_000 + '"}', 413, "RequestTooLarge"),
        ("[" * 1000 + "]" * 1000, 400, "SerializationException"),
    ],
    ids=["not-json", "not-an-object", "token-not-text", "bomb", "oversized", "deep"],
)
def test_bad_bodies_are_refused_never_a_500(
    signed_in: Client,
    django_capture_on_commit_callbacks: Any,
    body: str,
    status: int,
    code: str,
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    response = post_json(signed_in, action_url(simulation, "send-task-success"), body)
    assert response.status_code == status and response.json()["error"] == code


def test_a_missing_simulation_is_404(signed_in: Client) -> None:
    response = post_json(signed_in, "/simulations/999/stop/", {})
    assert response.status_code == 404 and response.json()["error"] == "ExecutionDoesNotExist"
    assert signed_in.get("/simulations/999/waiting/").status_code == 404


def test_stop_aborts_and_a_second_stop_is_a_conflict(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    url = action_url(simulation, "stop")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(signed_in, url, {"error": "Manual", "cause": "enough"})
    assert response.status_code == 200 and response.json()["status"] == "ABORTED"
    execution = fresh(simulation).execution
    assert execution.status == "ABORTED"
    assert execution.events.order_by("-event_id").first().type == "ExecutionAborted"  # type: ignore[union-attr]
    again = post_json(signed_in, url, {})
    assert again.status_code == 409 and again.json()["error"] == "ExecutionNotRunning"


def test_the_stop_form_aborts_and_redirects_back(
    signed_in: Client, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(action_url(simulation, "stop"), {"error": "", "cause": ""})
    assert response.status_code == 302
    assert fresh(simulation).execution.status == "ABORTED"


def test_the_json_api_needs_the_csrf_header(
    user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    simulation = parked(django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(simulation.execution.get_absolute_url())  # sets the CSRF cookie
    url = action_url(simulation, "stop")
    refused = post_json(client, url, {})
    assert refused.status_code == 403 and refused.json()["error"] == "CsrfFailed"
    token = client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        accepted = post_json(client, url, {}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    form = client.post(url, {})  # a form post without its token: Django's own refusal
    assert form.status_code == 403
