"""Every executions page: sign-in, happy paths, and each kind of bad input."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.definitions.services import definition_import
from apps.executions.models import Execution, HistoryEvent
from apps.executions.services import execution_import
from tests.apps.executions.histories import (
    HOSTILE_NAME,
    ORDERS_DEFINITION,
    describe,
    page,
    payment_failed_events,
    succeeded_events,
)
from tests.workspaces import team

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/executions/",
    "/executions/import/",
    "/executions/status.css",
    "/executions/1/",
    "/executions/1/?view=events",
    "/executions/1/step/?state=ProcessPayment",
    "/executions/1/payload/?field=execution_input",
    "/executions/1/export/",
]


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_signed_out_post_imports_nothing(client):
    response = client.post("/executions/import/", {"text": page(payment_failed_events())})
    assert response.status_code == 302
    assert Execution.objects.count() == 0


@pytest.fixture
def failed(db):
    definition_import(workspace=team(), text=ORDERS_DEFINITION, name="orders")
    return execution_import(
        workspace=team(),
        documents=[("h.json", page(payment_failed_events())), ("d.json", describe("order-1002"))],
    ).execution


def test_dashboard_lists_recent_executions_and_links_to_failed(signed_in, failed):
    ok = execution_import(
        workspace=team(), documents=[("ok.json", page(succeeded_events()))], name="order-1001"
    )
    html = signed_in.get("/").content.decode()
    assert f'href="/executions/{failed.pk}/">order-1002</a>' in html
    assert f'href="/executions/{ok.execution.pk}/">order-1001</a>' in html
    assert html.index("order-1002") < html.index("order-1001")  # newest first
    assert 'class="status-badge execution-status-FAILED"' in html and "Failed" in html
    assert "1 failed execution" in html and "?status=problem" in html


def test_list_filters_by_state_machine_status_and_time(signed_in, failed):
    execution_import(
        workspace=team(),
        documents=[("ok.json", page(succeeded_events())), ("d.json", describe("ok", "other"))],
    )
    names = lambda r: [e.name for e in r.context["page"].object_list]  # noqa: E731
    assert sorted(names(signed_in.get("/executions/"))) == ["ok", "order-1002"]
    assert names(signed_in.get("/executions/?state_machine=other")) == ["ok"]
    assert names(signed_in.get("/executions/?status=FAILED")) == ["order-1002"]
    assert names(signed_in.get("/executions/?status=problem")) == ["order-1002"]
    assert names(signed_in.get("/executions/?started_after=2026-11-02T00:00")) == ["order-1002"]
    assert names(signed_in.get("/executions/?started_before=2026-11-02T00:00")) == ["ok"]


def test_list_bad_filter_is_explained_not_a_crash(signed_in, failed):
    response = signed_in.get("/executions/?started_after=yesterday&status=BOGUS")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid date/time" in html and "Select a valid choice" in html


def test_execution_page_shows_failure_without_a_click(signed_in, failed):
    response = signed_in.get(f"/executions/{failed.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="failure-banner"' in html
    assert "PaymentProcessorUnavailable" in html
    assert "The payment processor did not answer within 10 s" in html
    assert "payments.py" in html  # the stack trace, as code
    assert 'data-state="ProcessPayment" data-status="failed"' in html
    assert 'data-state="ValidateOrder" data-status="succeeded"' in html
    assert 'data-state="Done" data-status="not-run"' in html
    assert 'data-run-key="ProcessPayment"' in html  # the failed step is selected
    assert "after 4 attempts" in html
    assert "o-1002" in html  # its input, in the step panel
    assert "20 of 25000" in html
    assert f'href="/definitions/{failed.definition_version.definition_id}/v1/"' in html


def test_deep_link_selects_a_state_run(signed_in, failed):
    html = signed_in.get(f"/executions/{failed.pk}/?state=ValidateOrder").content.decode()
    assert 'id="step" data-run-key="ValidateOrder"' in html
    unknown = signed_in.get(f"/executions/{failed.pk}/?state=Nope").content.decode()
    assert "has no state run" in unknown and 'data-run-key="ProcessPayment"' in unknown


def test_step_fragment_and_its_tabs(signed_in, failed):
    html = signed_in.get(f"/executions/{failed.pk}/step/?state=ProcessPayment").content.decode()
    for tab in ("Input", "Output", "Error", "Retries (4)", "Definition", "Events (13)"):
        assert tab in html
    assert "&quot;MaxAttempts&quot;: 3" in html  # the state's ASL
    assert html.count('class="attempt-failed"') == 4
    assert signed_in.get(f"/executions/{failed.pk}/step/?state=Nope").status_code == 404


def test_table_view_has_one_row_per_run(signed_in, failed):
    html = signed_in.get(f"/executions/{failed.pk}/?view=table").content.decode()
    assert html.count("<tr data-run-key=") == 2
    assert 'data-run-status="failed"' in html


def test_event_view_pages_and_filters(signed_in, failed):
    html = signed_in.get(f"/executions/{failed.pk}/?view=events").content.decode()
    assert html.count('<tr id="event-') == 20
    typed = signed_in.get(f"/executions/{failed.pk}/?view=events&type=LambdaFunctionFailed")
    assert typed.content.decode().count('<tr id="event-') == 4
    by_state = signed_in.get(f"/executions/{failed.pk}/?view=events&state_name=ValidateOrder")
    assert by_state.content.decode().count('<tr id="event-') == 5
    linked = signed_in.get(f"/executions/{failed.pk}/?event=9").content.decode()
    assert 'id="event-9" data-event-id="9" class="highlight"' in linked


def test_payload_and_export(signed_in, failed):
    text = signed_in.get(f"/executions/{failed.pk}/payload/?field=execution_input").content
    assert json.loads(text)["orderId"] == "o-1002"
    run_input = signed_in.get(f"/executions/{failed.pk}/payload/?field=input&state=ValidateOrder")
    assert json.loads(run_input.content)["customerId"] == "c-42"
    assert signed_in.get(f"/executions/{failed.pk}/payload/?field=nope").status_code == 404
    bundle = signed_in.get(f"/executions/{failed.pk}/export/")
    assert bundle["Content-Disposition"] == 'attachment; filename="order-1002.bundle.json"'
    # The bundle reads back as the same execution: re-importing it adds nothing.
    again = execution_import(workspace=team(), documents=[("b.json", bundle.content.decode())])
    assert again.execution.pk == failed.pk and again.added == 0


def test_status_stylesheet(signed_in):
    css = signed_in.get("/executions/status.css")
    assert css["Content-Type"].startswith("text/css")
    assert b'[data-status="failed"]' in css.content


def test_missing_execution_is_404(signed_in):
    assert signed_in.get("/executions/999/").status_code == 404


def post_import(client, **data):
    return client.post("/executions/import/", data)


def test_paste_a_history(signed_in):
    response = post_import(signed_in, text=page(payment_failed_events()))
    execution = Execution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/executions/{execution.pk}/?imported=1"
    html = signed_in.get(response["Location"]).content.decode()
    assert "20 new events" in html and "reconstructed" in html.lower()


def test_upload_several_files_at_once(signed_in):
    files = [
        SimpleUploadedFile("history.json", page(payment_failed_events()).encode()),
        SimpleUploadedFile("describe.json", describe("order-1002").encode()),
    ]
    response = signed_in.post("/executions/import/", {"files": files})
    assert response.status_code == 302
    assert Execution.objects.get().name == "order-1002"


def test_reimport_in_the_ui_adds_nothing(signed_in):
    text = page(payment_failed_events())
    post_import(signed_in, text=text)
    response = post_import(signed_in, text=text)
    assert response.status_code == 302
    assert HistoryEvent.objects.count() == 20
    assert "Nothing new" in signed_in.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "line 1"),
        ('{"hello": "world"}', "pasted text"),
        ("[1, 2, 3]", "pasted text"),
    ],
)
def test_bad_paste_is_explained_and_kept(signed_in, text, expected):
    response = post_import(signed_in, text=text)
    html = response.content.decode()
    assert response.status_code == 400
    assert expected in html
    assert Execution.objects.count() == 0
    assert response.context["form"]["text"].value() == text  # what was pasted is kept


def test_empty_form_asks_for_input(signed_in):
    response = post_import(signed_in, text="   ")
    assert response.status_code == 400
    assert "Choose history files to upload or paste a history." in response.content.decode()


def test_not_utf8_upload_is_explained(signed_in):
    upload = SimpleUploadedFile("h.json", b"\xff\xfe\x00bad")
    response = signed_in.post("/executions/import/", {"files": [upload]})
    assert response.status_code == 400
    assert "is not UTF-8 text" in response.content.decode()


def test_gaps_and_duplicates_are_reported_but_sound_events_imported(signed_in):
    events = payment_failed_events()
    gappy = [e for e in events if e["id"] != 5]
    duplicate = dict(events[2], type="TaskFailed")
    response = post_import(signed_in, text=json.dumps({"events": [*gappy, duplicate]}))
    assert response.status_code == 302
    html = signed_in.get(response["Location"]).content.decode()
    assert "1 skipped" in html and "duplicate id 3 with different content" in html
    assert "event 5 missing" in html
    assert HistoryEvent.objects.count() == len(gappy)


def test_oversized_payload_is_skipped_with_its_reason(signed_in):
    events = payment_failed_events()
    events[1]["stateEnteredEventDetails"]["input"] = json.dumps("x" * 270_000)
    response = post_import(signed_in, text=json.dumps({"events": events}))
    assert response.status_code == 302
    html = signed_in.get(response["Location"]).content.decode()
    assert "256 KiB" in html


def test_unknown_definition_choice_is_refused(signed_in):
    response = post_import(signed_in, text=page(payment_failed_events()), definition="999")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Execution.objects.count() == 0


def test_hostile_state_name_is_escaped_everywhere(signed_in):
    events = succeeded_events(state=HOSTILE_NAME)
    execution = execution_import(
        workspace=team(), documents=[("h.json", page(events))], name=HOSTILE_NAME
    ).execution
    for url in (
        "/",
        "/executions/",
        f"/executions/{execution.pk}/",
        f"/executions/{execution.pk}/?view=table",
        f"/executions/{execution.pk}/?view=events",
    ):
        html = signed_in.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url


def test_step_fragment_for_a_state_that_did_not_run(signed_in, failed):
    response = signed_in.get(f"/executions/{failed.pk}/step/?name=Done")
    html = response.content.decode()
    assert response.status_code == 200
    assert "did not run in this execution" in html
    assert "&quot;Type&quot;: &quot;Succeed&quot;" in html
    assert signed_in.get(f"/executions/{failed.pk}/step/?name=Ghost").status_code == 404


def test_large_payload_is_cut_with_show_all(signed_in):
    events = succeeded_events()
    big = {"blob": "y" * 30_000}
    events[0]["executionStartedEventDetails"]["input"] = json.dumps(big)
    execution = execution_import(workspace=team(), documents=[("h.json", page(events))]).execution
    html = signed_in.get(f"/executions/{execution.pk}/").content.decode()
    assert "Show all" in html
    full = signed_in.get(f"/executions/{execution.pk}/payload/?field=execution_input")
    assert json.loads(full.content) == big


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"events": [' * 5_000,
        '{"events": [{"id": 1' + "0" * 5000 + ', "type": "ExecutionStarted"}]}',
        "\x00\x01 binary",
    ],
)
def test_hostile_input_is_refused_with_an_explanation(signed_in, text):
    response = post_import(signed_in, text=text)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert Execution.objects.count() == 0


def test_paste_too_large_for_a_form_is_a_clear_400(signed_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post_import(signed_in, text="x" * 20_000)
    assert response.status_code == 400
    assert "too large to paste: upload the history as a file" in response.content.decode()
    assert Execution.objects.count() == 0


def test_deep_link_to_a_map_iteration(signed_in):
    from apps.definitions.services import demo_definitions_load
    from apps.executions.selectors import execution_projection
    from apps.executions.services import demo_executions_load

    demo_definitions_load(workspace=team())
    demo_executions_load(workspace=team())
    execution = Execution.objects.get(name="order-lines-2-failed")
    runs = execution_projection(execution=execution).runs_of("CheckStock")
    eighth = next(run for run in runs if run.iteration == 8)
    html = signed_in.get(f"/executions/{execution.pk}/?state={eighth.key}").content.decode()
    assert f'id="step" data-run-key="{eighth.key}"' in html
    assert "iteration 8" in html
    table = signed_in.get(f"/executions/{execution.pk}/?view=table&state={eighth.key}")
    assert f'data-run-key="{eighth.key}" data-depth="2" class="run-row selected"' in (
        table.content.decode()
    )
    assert "Iteration 8" in table.content.decode()


def test_a_user_in_no_workspace_is_told_why_the_dashboard_is_empty(client, django_user_model):
    loner = django_user_model.objects.create_user(username="loner", password="x-pass-1234")
    client.force_login(loner)
    html = client.get("/").content.decode()
    assert "not a member of any workspace" in html and "workspace add NAME loner" in html
