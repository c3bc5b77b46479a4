"""An incoming call pops up on the operators' consoles: a live event, ids only, after commit."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator

from dashboards.consumers import TicketEventsConsumer
from hotline.models import Call
from tests.helpers import drain, listen



@pytest.mark.django_db(transaction=True)
def test_an_incoming_call_reaches_the_operators_with_ids_only(monday, twilio_post, voice_payload, resident, units):
    layer, channel = listen("operators")
    others, other_channel = listen("supervisors", f"unit-{units['roads'].pk}")
    params = voice_payload("pstn", From=resident.phone, Caller=resident.phone)

    twilio_post("/twilio/voice/", params)
    twilio_post("/twilio/voice/", params)  # a retry pops nothing more

    call = Call.objects.get()
    events = drain(layer, channel)
    assert events == [{"type": "call.event", "event": "incoming", "call": call.pk}]  # ids only
    assert resident.phone[-8:] not in str(events) and "+1" not in str(events)
    assert drain(others, other_channel) == []  # the screen-pop is for the operators


@pytest.mark.django_db(transaction=True)
def test_an_operator_console_receives_the_call_event(monday, people, twilio_post, voice_payload):
    async def scenario():
        communicator = WebsocketCommunicator(TicketEventsConsumer.as_asgi(), "/ws/events/")
        communicator.scope["user"] = people["operator"]
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["type"] == "joined"
        from asgiref.sync import sync_to_async

        await sync_to_async(twilio_post)("/twilio/voice/", voice_payload("pstn", From="+8613800138000"))
        got = await communicator.receive_json_from(timeout=2)
        await communicator.disconnect()
        return got

    got = async_to_sync(scenario)()
    assert got == {"type": "call", "event": "incoming", "call": Call.objects.get().pk}
    assert "138" not in str(got)
