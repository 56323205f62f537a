from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.definitions.models import Definition, DefinitionVersion
from tests.apps.definitions.helpers import (
    BROKEN,
    BROKEN_NEXT_LINE,
    HOSTILE,
    TEMPLATE_TWO_MACHINES,
    VALID,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "/definitions/",
    "/definitions/import/",
    "/definitions/1/",
    "/definitions/1/v1/",
    "/definitions/1/v1/download.json",
    "/definitions/1/v1/download.svg",
    "/",
]


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_signed_out_post_imports_nothing(client):
    response = client.post("/definitions/import/", {"name": "x", "text": VALID})
    assert response.status_code == 302
    assert Definition.objects.count() == 0


def test_login_with_username_and_password(client, user):
    response = client.post(
        "/accounts/login/", {"username": "oncall", "password": "s3cret-pass-word"}
    )
    assert response.status_code == 302
    assert client.get("/definitions/").status_code == 200


def test_wrong_password_is_explained(client, user):
    response = client.post("/accounts/login/", {"username": "oncall", "password": "nope"})
    assert response.status_code == 200
    assert b"do not match" in response.content


def import_text(client, text, name="payments", **extra):
    return client.post("/definitions/import/", {"name": name, "text": text, **extra})


def test_paste_valid_definition_shows_its_graph(signed_in):
    response = import_text(signed_in, VALID)
    assert response.status_code == 302
    page = signed_in.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-state="Charge"' in html and 'data-state="Done"' in html
    assert 'data-state-type="Task"' in html
    assert "No problems found" in html
    assert "All paid" in html  # the Comment is in the state data for the side panel


def test_invalid_definition_is_stored_drawn_and_diagnosed(signed_in):
    response = import_text(signed_in, BROKEN)
    assert response.status_code == 302
    version = DefinitionVersion.objects.get()
    assert version.result == "FAIL"
    located = [d for d in version.diagnostics if d["location"].startswith("/States/Charge")]
    assert located and located[0]["code"] == "MISSING_TRANSITION_TARGET"
    assert located[0]["line"] == BROKEN_NEXT_LINE
    html = signed_in.get(response["Location"]).content.decode()
    assert 'data-state="Charge"' in html
    assert "MISSING_TRANSITION_TARGET" in html
    assert 'data-location="/States/Charge' in html


def test_unparseable_text_shows_line_and_column_and_keeps_the_text(signed_in):
    text = '{\n  "StartAt": "A",\n  "States": {,\n}'
    response = import_text(signed_in, text)
    assert response.status_code == 400
    html = response.content.decode()
    assert "line 3" in html and "column" in html
    assert "&quot;StartAt&quot;: &quot;A&quot;" in html  # the pasted text is still in the form
    assert 'class="bad"' in html  # the excerpt marks the offending line
    assert Definition.objects.count() == 0


def test_empty_form_is_explained(signed_in):
    response = signed_in.post("/definitions/import/", {"name": "x", "text": "  "})
    assert response.status_code == 400
    assert b"Paste a definition or choose a file" in response.content


def test_definition_over_one_mib_is_refused_clearly(signed_in):
    big = json.dumps(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "x" * 1_100_000, "End": True}}}
    )
    response = import_text(signed_in, big)
    assert response.status_code == 400
    assert b"1 MiB" in response.content
    assert Definition.objects.count() == 0


def test_upload_over_one_mib_is_refused_clearly(signed_in):
    upload = SimpleUploadedFile("huge.asl.json", b" " * 1_100_000 + b"{}")
    response = signed_in.post("/definitions/import/", {"name": "", "file": upload})
    assert response.status_code == 400
    assert b"huge.asl.json is 1.0 MiB" in response.content


def test_upload_takes_its_name_from_the_file(signed_in):
    upload = SimpleUploadedFile("refunds.asl.json", VALID.encode())
    response = signed_in.post("/definitions/import/", {"name": "", "file": upload})
    assert response.status_code == 302
    assert Definition.objects.get().name == "refunds"


def test_upload_of_binary_junk_is_explained(signed_in):
    upload = SimpleUploadedFile("junk.bin", b"\xff\xfe\x00garbage\x80")
    response = signed_in.post("/definitions/import/", {"name": "j", "file": upload})
    assert response.status_code == 400
    assert b"not UTF-8" in response.content


def test_yaml_definition_is_accepted(signed_in):
    text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n"
    response = import_text(signed_in, text, name="yamly")
    assert response.status_code == 302
    assert DefinitionVersion.objects.get().format == "yaml"


def test_template_with_two_machines_asks_which_then_imports_it(signed_in):
    response = import_text(signed_in, TEMPLATE_TWO_MACHINES, name="")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="First"' in html and 'value="Second"' in html
    response = signed_in.post(
        "/definitions/import/",
        {
            "name": "",
            "text": TEMPLATE_TWO_MACHINES,
            "choose": "Second",
            "choices": ["First", "Second"],
        },
    )
    assert response.status_code == 302
    version = DefinitionVersion.objects.get()
    assert version.logical_id == "Second" and version.definition.name == "Second"
    assert version.origin == "cloudformation"


def test_reimport_identical_text_adds_nothing_and_changed_text_adds_a_version(signed_in):
    import_text(signed_in, VALID)
    response = import_text(signed_in, VALID)
    assert DefinitionVersion.objects.count() == 1
    page = signed_in.get(response["Location"])
    assert b"Nothing changed" in page.content
    import_text(signed_in, BROKEN)
    numbers = list(DefinitionVersion.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    definition = Definition.objects.get()
    latest = signed_in.get(f"/definitions/{definition.pk}/").content.decode()
    assert "Nowhere" in latest
    first = signed_in.get(f"/definitions/{definition.pk}/v1/").content.decode()
    assert "Nowhere" not in first


def test_hostile_state_name_is_escaped_everywhere(signed_in):
    response = import_text(signed_in, HOSTILE, name="<b>bold</b>")
    page = signed_in.get(response["Location"]).content.decode()
    assert "<script>alert" not in page
    assert "<b>bold</b>" not in page
    definition = Definition.objects.get()
    svg = signed_in.get(f"/definitions/{definition.pk}/v1/download.svg").content.decode()
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    listing = signed_in.get("/definitions/").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in listing


def test_downloads(signed_in):
    import_text(signed_in, VALID)
    pk = Definition.objects.get().pk
    as_json = signed_in.get(f"/definitions/{pk}/v1/download.json")
    assert as_json["Content-Disposition"] == 'attachment; filename="payments-v1.asl.json"'
    assert json.loads(as_json.content)["StartAt"] == "Charge"
    as_yaml = signed_in.get(f"/definitions/{pk}/v1/download.yaml").content.decode()
    assert "StartAt: Charge" in as_yaml
    svg = signed_in.get(f"/definitions/{pk}/v1/download.svg?direction=LR")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<svg" in svg.content
    png = signed_in.get(f"/definitions/{pk}/v1/download.png")
    assert png.content.startswith(b"\x89PNG")


def test_layout_is_cached_per_version_and_direction(signed_in):
    import_text(signed_in, VALID)
    version = DefinitionVersion.objects.get()
    signed_in.get(f"/definitions/{version.definition_id}/")
    signed_in.get(f"/definitions/{version.definition_id}/")
    signed_in.get(f"/definitions/{version.definition_id}/?direction=LR")
    assert sorted(version.graphs.values_list("direction", flat=True)) == ["LR", "TB"]


def test_unknown_pages_are_404_not_500(signed_in):
    assert signed_in.get("/definitions/999/").status_code == 404
    assert signed_in.get("/definitions/999/v3/download.json").status_code == 404
    assert signed_in.get("/definitions/1/v1/download.exe").status_code == 404


@pytest.mark.parametrize("text", ["[1, 2, 3]", '"just a string"', "null"])
def test_non_object_top_level_is_refused_with_an_explanation(signed_in, text):
    response = import_text(signed_in, text, name="arr")
    assert response.status_code == 400
    assert b"must be a JSON object with StartAt and States" in response.content
    assert Definition.objects.count() == 0


def test_empty_object_is_stored_and_explained(signed_in):
    response = import_text(signed_in, "{}", name="empty")
    assert response.status_code == 302
    page = signed_in.get(response["Location"]).content.decode()
    assert "SCHEMA_VALIDATION_FAILED" in page
