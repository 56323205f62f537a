"""Searching the executions list: /executions/?q=... by free words and field terms, with the
other filters, scoped to the user's workspaces, never finding a masked value."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import RedactionRule, Workspace
from apps.definitions.services import demo_definitions_load
from apps.executions.management.commands import search_reindex  # noqa: F401 (the command)
from apps.executions.models import Execution
from apps.executions.search_models import SearchDocument, SearchValue
from apps.executions.services import demo_executions_load

pytestmark = pytest.mark.django_db

SAGA = "order-saga-payment-declined"  # c-42, root cause ChargePayment / PaymentDeclined
PAYMENT = "order-1002-payment-failed"  # c-77, EUR, PaymentProcessorUnavailable
SUCCEEDED = "order-1001-succeeded"  # c-42, USD
LINES = "order-lines-2-failed"  # UnknownSku
APPROVAL = "approval-timed-out"  # ana@example.com, ApprovalTimedOut


@pytest.fixture
def demos(workspace):
    demo_definitions_load(workspace=workspace)
    assert demo_executions_load(workspace=workspace).failed == ()


def _found(client, query: str, **filters: str) -> set[str]:
    response = client.get(reverse("executions:list"), {"q": query, **filters})
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.context["page"]
    return {execution.name for execution in page.object_list}


def test_every_execution_has_a_search_document(demos):
    assert SearchDocument.objects.count() == Execution.objects.count() == 5
    assert SearchValue.objects.filter(key="input.customerId", value="c-77").count() == 1


def test_free_words(signed_in, demos):
    assert _found(signed_in, "c-77") == {PAYMENT}
    assert _found(signed_in, "EUR") == {PAYMENT}
    assert _found(signed_in, "349.99") == {PAYMENT}  # a number of the input
    assert _found(signed_in, "ana@example.com") == {APPROVAL}
    assert _found(signed_in, "PaymentDeclined") == {SAGA}  # its root-cause error
    assert _found(signed_in, "saga") == {SAGA}  # a word of the name
    assert _found(signed_in, "c-42 USD") == {SUCCEEDED}  # every word must match
    assert _found(signed_in, "nothing-like-this") == set()


def test_the_arn_is_found(signed_in, demos):
    arn = Execution.objects.get(name=SAGA).execution_arn
    assert arn
    assert _found(signed_in, arn) == {SAGA}


def test_input_and_output_path_terms(signed_in, demos):
    assert _found(signed_in, "input.customerId:c-77") == {PAYMENT}
    assert _found(signed_in, "input.customerId:C-42") == {SAGA, SUCCEEDED}  # ignoring case
    assert _found(signed_in, "input.amount:349.99") == {PAYMENT}
    assert _found(signed_in, "input.items.sku:B-7") == {SAGA}
    assert _found(signed_in, "input.items[1].sku:B-7") == {SAGA}
    assert _found(signed_in, "input.orderId:c-77") == set()  # the value, at that path only
    assert _found(signed_in, "input.customerId:c-7") == set()  # values are compared whole


def test_error_state_ran_name_cause_status_terms(signed_in, demos):
    assert _found(signed_in, "error:PaymentDeclined") == {SAGA}  # the root-cause error
    assert _found(signed_in, "error:OrderFailed") == {SAGA}  # the execution's own error
    assert _found(signed_in, "state:ChargePayment") == {SAGA}
    assert _found(signed_in, 'state:"ChargePayment" error:"PaymentDeclined"') == {SAGA}
    assert _found(signed_in, "ran:chargepayment") == {SAGA, *_ran("ChargePayment")}
    assert _found(signed_in, "name:order-100") == {PAYMENT, SUCCEEDED}
    assert _found(signed_in, "cause:released") == {SAGA}
    assert _found(signed_in, "status:succeeded") == {SUCCEEDED}


def _ran(state: str) -> set[str]:
    values = SearchValue.objects.filter(key="ran", value=state.casefold())
    return set(values.values_list("execution__name", flat=True))


def test_quoted_values_with_spaces_and_the_failures_link(signed_in, demos):
    saga = Execution.objects.get(name=SAGA)
    Execution.objects.filter(pk=saga.pk).update(
        root_cause_state="Charge Payment", root_cause_error="Payment.Declined"
    )
    query = 'state:"Charge Payment" error:"Payment.Declined"'
    assert _found(signed_in, query, state_machine=saga.state_machine_name) == {SAGA}
    machines = set(Execution.objects.values_list("state_machine_name", flat=True))
    other = sorted(machines - {saga.state_machine_name, ""})[0]
    assert _found(signed_in, query, state_machine=other) == set()


def test_combined_with_the_filters(signed_in, demos):
    assert _found(signed_in, "c-42", status="problem") == {SAGA}
    assert _found(signed_in, "c-42", status="SUCCEEDED") == {SUCCEEDED}
    assert _found(signed_in, "c-42", started_before="2000-01-01T00:00") == set()
    assert _found(signed_in, "c-42", since="1h") == set()  # the demos ran in 2024
    assert _found(signed_in, "c-42", workspace="team") == {SAGA, SUCCEEDED}


def test_malformed_query_is_explained_not_a_500(signed_in, demos):
    response = signed_in.get(reverse("executions:list"), {"q": 'state:"Charge'})
    assert response.status_code == 400
    text = response.content.decode()
    assert "this quote is never closed (at character 7)" in text
    assert list(response.context["page"].object_list) == []


def test_the_page_says_what_it_searched_for(signed_in, demos):
    response = signed_in.get(reverse("executions:list"), {"q": "input.customerId:c-77 <b>"})
    text = response.content.decode()
    assert "input.customerId = \u201cc-77\u201d" in text
    assert "<b>" not in re.sub(r"<b>\s*</b>", "", text.split("search-summary", 1)[1][:300])


def test_another_workspace_is_not_searched(client, django_user_model, demos):
    other = Workspace.objects.create(name="other")
    outsider = django_user_model.objects.create_user("outsider", password="pw-123456789")
    from tests.workspaces import member

    member(outsider, "admin", other)
    client.force_login(outsider)
    assert _found(client, "c-77") == set()
    assert _found(client, "input.customerId:c-77") == set()
    assert _found(client, "error:PaymentDeclined") == set()


def test_a_redacted_value_is_not_found(signed_in, workspace, demos):
    RedactionRule.objects.create(workspace=workspace, pattern="customerId")
    # Built under other rules: not searched by payload until indexed again.
    assert _found(signed_in, "c-77") == set()
    assert _found(signed_in, "input.customerId:c-77") == set()
    assert _found(signed_in, "error:PaymentProcessorUnavailable") == {PAYMENT}  # a column
    call_command("search_reindex", workspace=workspace.name)
    assert _found(signed_in, "c-77") == set()
    assert _found(signed_in, "input.customerId:c-77") == set()
    assert _found(signed_in, "redacted") == set()
    assert _found(signed_in, "o-1002") == {PAYMENT}  # what is not masked is still found


def test_a_new_import_is_indexed_with_the_rules(signed_in, workspace):
    RedactionRule.objects.create(workspace=workspace, pattern="customerId")
    demo_executions_load(workspace=workspace)
    assert _found(signed_in, "c-77") == set()
    assert _found(signed_in, "input.customerId:c-77") == set()
    assert _found(signed_in, "EUR") == {PAYMENT}


def test_reindex_names_an_unknown_workspace(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No workspace is named 'nope'"):
        call_command("search_reindex", workspace="nope")
