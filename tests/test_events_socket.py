"""The dashboard socket joins the user's groups and forwards ticket events carrying ids only."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from dashboards.consumers import TicketEventsConsumer
from hotline import workflow


async def _connect(user):
    communicator = WebsocketCommunicator(TicketEventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    return communicator, connected


def _dispatch_and_listen(listener, ticket, by, unit):
    async def scenario():
        communicator, connected = await _connect(listener)
        assert connected
        assert (await communicator.receive_json_from())["type"] == "joined"
        await sync_to_async(workflow.dispatch)(ticket=ticket, by=by, lead_unit=unit)
        if await communicator.receive_nothing(timeout=1):
            got = None
        else:
            got = await communicator.receive_json_from()
        await communicator.disconnect()
        return got

    return async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_liaison_hears_about_a_ticket_dispatched_to_the_unit(people, units, make_ticket):
    ticket = make_ticket("new")
    event = _dispatch_and_listen(people["liaison"], ticket, people["operator"], units["roads"])
    assert event == {"type": "ticket", "event": "dispatched", "ticket": ticket.pk}


@pytest.mark.django_db(transaction=True)
def test_another_units_liaison_hears_nothing(people, units, make_ticket):
    ticket = make_ticket("new")
    assert _dispatch_and_listen(people["other_liaison"], ticket, people["operator"], units["roads"]) is None


@pytest.mark.django_db(transaction=True)
def test_anonymous_sockets_are_refused():
    async def scenario():
        _communicator, connected = await _connect(AnonymousUser())
        return connected

    assert async_to_sync(scenario)() is False
