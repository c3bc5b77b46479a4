"""A live event reaches a dashboard socket without a trip to the database thread.

Channels closes stale database connections (through its one sync thread) before every message a consumer
handles; the event handlers never touch the database, and with a hundred sockets in a server process those
trips queued up on every event (bench/fanout.py). Connecting, which reads the user's groups, still does it.
"""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from dashboards import consumers
from dashboards.consumers import TicketEventsConsumer


@pytest.mark.django_db(transaction=True)
def test_ticket_and_call_events_skip_the_database_thread(people, monkeypatch):
    import channels.consumer

    trips = []
    real = channels.consumer.aclose_old_connections

    async def counted():
        trips.append(1)
        return await real()

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    operator = people["operator"]

    async def scenario():
        communicator = WebsocketCommunicator(TicketEventsConsumer.as_asgi(), "/ws/events/")
        communicator.scope["user"] = operator
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == "joined"
        joined_trips = len(trips)
        layer = get_channel_layer()
        await layer.group_send("operators", {"type": "ticket.event", "event": "received", "ticket": 7})
        await layer.group_send("operators", {"type": "call.event", "event": "incoming", "call": 3})
        got = [await communicator.receive_json_from(), await communicator.receive_json_from()]
        after_events = len(trips)
        await communicator.disconnect()
        return joined_trips, after_events, got

    joined_trips, after_events, got = async_to_sync(scenario)()
    assert joined_trips >= 1  # the connect (it reads the user's groups) still closes stale connections
    assert after_events == joined_trips  # the two events did not
    assert got == [
        {"type": "ticket", "event": "received", "ticket": 7},
        {"type": "call", "event": "incoming", "call": 3},
    ]


def test_every_event_type_skipped_has_its_handler():
    for kind in TicketEventsConsumer.NO_DATABASE:
        assert callable(getattr(consumers.TicketEventsConsumer, kind.replace(".", "_")))
