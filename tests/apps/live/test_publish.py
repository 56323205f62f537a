from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.live.groups import execution_group
from apps.live.publish import execution_events_publish


def test_events_reach_the_executions_group_in_id_order():
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(execution_group(41), channel)
    events = [{"id": 3, "type": "PassStateExited"}, {"id": 2, "type": "PassStateEntered"}]
    sent = execution_events_publish(execution_id=41, events=events, status="RUNNING", event_count=3)
    received = async_to_sync(layer.receive)(channel)
    assert received == sent
    assert [event["id"] for event in received["events"]] == [2, 3]
    assert received["last_event_id"] == 3 and received["type"] == "execution.events"
    async_to_sync(layer.group_discard)(execution_group(41), channel)


def test_nothing_to_publish():
    assert (
        execution_events_publish(execution_id=1, events=[], status="RUNNING", event_count=0) is None
    )
