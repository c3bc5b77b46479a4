"""Dashboard sockets join exactly the groups of the user's role and unit, through the real ASGI stack."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from hotline import access, workflow


def test_each_role_joins_its_own_groups(people, units):
    roads = f"unit-{units['roads'].pk}"
    assert access.event_groups_for(people["operator"]) == ["operators"]
    assert access.event_groups_for(people["supervisor"]) == ["supervisors"]
    assert access.event_groups_for(people["liaison"]) == [roads]
    assert access.event_groups_for(people["member"]) == [roads]
    assert access.event_groups_for(people["other_liaison"]) == [f"unit-{units['water'].pk}"]
    assert access.event_groups_for(people["editor"]) == []


def _session_cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _open(cookie=None, origin=b"http://localhost"):
    from hotline.asgi import application

    headers = [(b"origin", origin)]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/events/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db(transaction=True)
def test_a_logged_in_liaison_hears_its_units_tickets_and_not_others(people, units, make_ticket):
    mine, theirs = make_ticket("new"), make_ticket("new")
    cookie = _session_cookie(people["liaison"])

    async def scenario():
        communicator, connected = await _open(cookie)
        assert connected
        assert await communicator.receive_json_from() == {"type": "joined", "groups": 1}
        await sync_to_async(workflow.dispatch)(ticket=theirs, by=people["operator"], lead_unit=units["water"])
        await sync_to_async(workflow.dispatch)(ticket=mine, by=people["operator"], lead_unit=units["roads"])
        got = await communicator.receive_json_from(timeout=2)
        silent = await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return got, silent

    got, silent = async_to_sync(scenario)()
    assert got == {"type": "ticket", "event": "dispatched", "ticket": mine.pk}
    assert silent


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("who", "origin"),
    [(None, b"http://localhost"), ("operator", b"https://evil.example"), ("editor", b"http://localhost")],
    ids=["no session", "foreign origin", "no live groups"],
)
def test_a_socket_is_refused(people, who, origin):
    cookie = _session_cookie(people[who]) if who else None

    async def scenario():
        _communicator, connected = await _open(cookie, origin=origin)
        return connected

    assert async_to_sync(scenario)() is False
