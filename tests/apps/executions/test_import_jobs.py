"""Big imports: over the limit a clear 413, over the background threshold a job with a progress
page that ends at the execution (or shows why it failed), uploads streamed and never read whole."""

from __future__ import annotations

import io
import re
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from apps.accounts.models import AuditEntry, Workspace
from apps.definitions.services import definition_import
from apps.executions.import_jobs import import_job_run
from apps.executions.models import Execution, HistoryEvent, ImportChunk, ImportJob
from apps.executions.views.imports import execution_import as import_view
from apps.simulations import embedded
from tests.apps.executions.counted_histories import events_text
from tests.apps.executions.histories import ORDERS_DEFINITION, page, payment_failed_events
from tests.workspaces import member, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def background(settings):
    """Every upload over 100 bytes is imported by a job."""
    settings.STEPSCOPE_IMPORT_BACKGROUND_BYTES = 100


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def submit(client, *files, **fields):
    """POST the import form; return the response and the job it made (if any)."""
    response = client.post("/executions/import/", {"files": list(files), **fields})
    return response, ImportJob.objects.order_by("-id").first()


def test_a_big_upload_becomes_a_job_whose_page_ends_at_the_execution(
    signed_in, user, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response, job = submit(signed_in, upload("order.json", page(payment_failed_events())))
    assert response.status_code == 302
    assert response["Location"] == f"/executions/imports/{job.pk}/?follow=1"
    assert len(queued) == 1  # the task is queued on commit
    assert job.status == "queued" and job.requested_by == user
    assert job.files == [{"name": "order.json", "size": job.total_bytes}]
    assert ImportChunk.objects.filter(job=job).exists() and Execution.objects.count() == 0

    waiting = signed_in.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2;url=?follow=1">' in waiting
    assert "Queued" in waiting and "order.json" in waiting

    import_job_run(job_id=job.pk)
    assert import_job_run(job_id=job.pk) is None  # a duplicate delivery does nothing
    job.refresh_from_db()
    execution = Execution.objects.get()
    assert job.status == "done" and job.execution == execution and job.events_added == 20
    assert job.events_found == 20 and job.finished_at is not None
    assert not ImportChunk.objects.filter(job=job).exists()  # the upload is let go
    assert execution.imported_by == user and HistoryEvent.objects.count() == 20

    followed = signed_in.get(response["Location"])
    assert followed.status_code == 302
    assert followed["Location"] == f"/executions/{execution.pk}/?imported=1"
    assert "20 new events" in signed_in.get(followed["Location"]).content.decode()

    later = signed_in.get(f"/executions/imports/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in later
    assert f'href="/executions/{execution.pk}/?imported=1"' in later

    entry = AuditEntry.objects.get(action="execution.import")
    assert entry.actor == user and entry.target == "order"
    assert entry.detail == {"added": 20, "files": ["order.json"]}


@pytest.mark.django_db(transaction=True)
def test_in_the_embedded_mode_the_job_runs_on_a_thread_after_the_response(
    signed_in, background, steps_in_process
):
    response, job = submit(signed_in, upload("order.json", page(payment_failed_events())))
    assert response.status_code == 302
    assert embedded.wait_idle(timeout=60), "the import job did not end within 60 s"
    job.refresh_from_db()
    assert job.status == "done", job.error
    followed = signed_in.get(response["Location"])
    assert followed["Location"] == f"/executions/{job.execution_id}/?imported=1"


def test_a_failed_job_shows_why_and_keeps_what_was_submitted(signed_in, background):
    definition = definition_import(workspace=team(), text=ORDERS_DEFINITION, name="orders")
    response, job = submit(
        signed_in,
        upload("broken.json", '{"events": [' + "{}," * 100 + "oops]}"),
        name="nightly <b>run</b>",
        definition=str(definition.version.definition.pk),
    )
    assert response.status_code == 302
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "broken.json" in job.error and "line 1" in job.error
    assert Execution.objects.count() == 0 and not ImportChunk.objects.exists()

    html = signed_in.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "Nothing was imported." in html and "not JSON" in html
    assert "broken.json" in html and "team / orders" in html
    assert "nightly &lt;b&gt;run&lt;/b&gt;" in html and "<b>run" not in html
    again = re.search(r'href="(/executions/import/\?[^"]+)"', html).group(1)
    form = signed_in.get(again.replace("&amp;", "&")).content.decode()
    assert 'value="nightly &lt;b&gt;run&lt;/b&gt;"' in form
    assert f'<option value="{definition.version.definition.pk}" selected>' in form


def test_more_events_than_aws_allows_fail_the_job_with_the_limit(signed_in, background):
    _, job = submit(signed_in, upload("loop.json", events_text(25_001)))
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "loop.json holds 25,001 events, more than the 25,000 AWS keeps" in job.error
    assert (
        "25,001 events, more than the 25,000 AWS keeps"
        in signed_in.get(job.get_absolute_url()).content.decode()
    )
    assert Execution.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[" * 100_000, "nesting is deeper than 200 levels"),
        ("\x00\x01\x02 binary junk " * 20, "not JSON"),
        ('{"hello": "world"}' + " " * 200, "not a history page"),
    ],
)
def test_hostile_files_fail_their_job_with_a_message(signed_in, background, content, expected):
    _, job = submit(signed_in, upload("bad.json", content))
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and expected in job.error
    assert Execution.objects.count() == 0


def test_a_big_file_that_is_not_utf8_is_refused_at_once(signed_in, background):
    content = b'{"events": [' + b" " * 3000 + b"\xff\xfe]}"
    response, job = submit(signed_in, upload("latin1.json", content))
    assert response.status_code == 400
    assert "latin1.json is not UTF-8 text (byte 3012: invalid start byte)." in (
        response.content.decode()
    )
    assert job is None and not ImportChunk.objects.exists()


def test_an_empty_file_is_refused_with_a_message(signed_in):
    response, _ = submit(signed_in, upload("empty.json", b""))
    assert response.status_code == 400
    assert "The submitted file is empty." in response.content.decode()


def test_a_history_that_does_not_fit_its_definition_says_which_states(signed_in, background):
    definition_import(workspace=team(), text=ORDERS_DEFINITION, name="orders")
    from tests.apps.executions.histories import succeeded_events

    _, job = submit(
        signed_in,
        upload("other.json", page(succeeded_events(state="Mystery"))),
        definition=str(team().definitions.get().pk),
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    html = signed_in.get(f"{job.execution.get_absolute_url()}?imported=1").content.decode()
    assert "States in the history that the definition lacks" in html and "Mystery" in html


def test_an_upload_over_the_limit_is_a_413_naming_it(signed_in, settings):
    settings.STEPSCOPE_MAX_UPLOAD_BYTES = 10_000
    response, job = submit(signed_in, upload("big.json", page(payment_failed_events()) * 3))
    html = response.content.decode()
    assert response.status_code == 413
    assert "Stepscope accepts at most 9.8 KiB in one import." in html
    assert "STEPSCOPE_MAX_UPLOAD_BYTES" in html
    assert job is None and Execution.objects.count() == 0


class Unreadable(io.BytesIO):
    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")


def test_a_declared_gigabyte_is_refused_before_the_body_is_read(signed_in):
    response = signed_in.generic(
        "POST",
        "/executions/import/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(1024**3),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "That upload is 1 GiB, so it was refused" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_the_import_view_streams_a_big_upload_and_never_holds_it_whole(user):
    size = 40 * 1024 * 1024
    text = events_text(1_000)
    body = (text[:-2] + "," + " " * (size - len(text)) + "]}").encode()
    request = RequestFactory().post("/executions/import/", {"files": [upload("big.json", body)]})
    request.user = user
    request._dont_enforce_csrf_checks = True
    del body
    reverse("executions:import_job", args=[1])  # the URLconf, and every view it imports, loaded
    tracemalloc.start()
    try:
        response = import_view(request)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.total_bytes > size - 1000 and job.status == "queued"
    # It copies 1 MiB at a time (2 MiB at most on SQLite, 8 on PostgreSQL, whose driver copies
    # what it sends): never the 40 MiB at once that reading the upload whole would hold.
    assert peak < size / 4, f"the view held {peak:,} bytes at once for a {size:,}-byte upload"


def test_another_workspaces_job_is_404_and_a_viewer_may_read_it(
    client, signed_in, background, django_user_model
):
    _, job = submit(signed_in, upload("order.json", page(payment_failed_events())))
    outsider = django_user_model.objects.create_user(username="outsider", password="x-pass-word-1")
    member(outsider, "admin", Workspace.objects.create(name="elsewhere"))
    client.force_login(outsider)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(f"/executions/imports/{job.pk + 1000}/").status_code == 404
    member(outsider, "viewer")
    assert client.get(job.get_absolute_url()).status_code == 200


def test_a_job_whose_process_stopped_is_given_up(signed_in, background, settings):
    from datetime import timedelta

    from django.utils import timezone

    _, job = submit(signed_in, upload("order.json", page(payment_failed_events())))
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=long_ago)
    html = signed_in.get(job.get_absolute_url()).content.decode()
    assert "The import was interrupted" in html and 'http-equiv="refresh"' not in html
    assert not ImportChunk.objects.exists()


def test_small_imports_still_run_while_the_page_waits_and_are_audited(signed_in, user):
    response, job = submit(signed_in, upload("order.json", page(payment_failed_events())))
    execution = Execution.objects.get()
    assert job is None and response["Location"] == f"/executions/{execution.pk}/?imported=1"
    entry = AuditEntry.objects.get(action="execution.import")
    assert (entry.actor, entry.target, entry.workspace) == (user, "order", team())


def test_a_big_paste_becomes_a_job_too(signed_in, background):
    response = signed_in.post("/executions/import/", {"text": page(payment_failed_events())})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/executions/imports/{job.pk}/?follow=1"
    assert job.files == [{"name": "pasted text", "size": job.total_bytes}]
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.execution.event_count == 20


def test_more_files_than_a_request_may_carry_are_refused_with_a_message(signed_in, settings):
    files = [
        upload(f"page-{n}.json", "{}") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    response, job = submit(signed_in, *files)
    assert response.status_code == 400
    assert "Choose at most 20 files at once." in response.content.decode()
    assert job is None and Execution.objects.count() == 0
