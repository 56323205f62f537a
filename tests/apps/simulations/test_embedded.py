"""The embedded mode (eager tasks): a step due later runs on a timer thread of this process."""

from __future__ import annotations

import pytest

from apps.simulations import embedded
from apps.simulations.services import simulation_start
from tests.apps.simulations.machines import SHORT_WAIT, fresh, version_of

pytestmark = pytest.mark.django_db(transaction=True)  # the timer thread sees committed rows


def test_a_scaled_wait_finishes_on_the_timer_thread():
    simulation = simulation_start(
        definition_version=version_of(SHORT_WAIT),
        execution_input={},
        pace="10",  # 0.1 s
    )
    assert embedded.wait_idle(timeout=60)
    simulation = fresh(simulation)
    assert simulation.execution.status == "SUCCEEDED"
    types = list(simulation.execution.events.values_list("type", flat=True))
    assert types[-2:] == ["WaitStateExited", "ExecutionSucceeded"]
