from __future__ import annotations

import pytest

from apps.definitions.services import demo_definitions_load
from apps.executions.models import Execution
from apps.executions.services import demo_executions_load
from tests.workspaces import team

pytestmark = pytest.mark.django_db


def test_demo_histories_load_once_tied_to_the_demo_definitions():
    demo_definitions_load(workspace=team())
    loaded = demo_executions_load(workspace=team())
    assert loaded.created >= 5 and loaded.failed == ()
    failed = Execution.objects.get(name="order-1002-payment-failed")
    assert failed.status == "FAILED" and failed.failed_state == "ProcessPayment"
    assert failed.definition_version.definition.name == "orders"
    assert failed.error == "PaymentProcessorUnavailable"
    again = demo_executions_load(workspace=team())
    assert again.created == 0 and again.unchanged == loaded.created
