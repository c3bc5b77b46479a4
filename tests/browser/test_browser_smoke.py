"""The browser-test fixtures work: Chromium loads pages from the live ASGI server, a logged-in user's
page opens the events WebSocket, and an event caused by a request to the server reaches it."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from hotline import roles
from hotline.models import Ticket
from tests.browser import EventSocket, in_thread, screenshot, send_sms
from tests.conftest import make_user


@pytest.mark.django_db(transaction=True)
def test_chromium_drives_the_live_server_and_its_websocket(page_for):
    anonymous = page_for(None)
    anonymous.goto("/admin/login/")
    assert anonymous.locator("input[name=username]").is_visible()

    supervisor = make_user("supervisor", roles.SUPERVISOR)
    supervisor.is_staff = True
    supervisor.save()
    page = page_for(supervisor)
    page.goto("/admin/")
    assert page.url.endswith("/admin/")  # not redirected to the login page
    assert page.locator("#user-tools").is_visible()

    socket = EventSocket(page)
    assert socket.joined == {"type": "joined", "groups": 1}  # "supervisors"

    send_sms(page.evaluate("location.origin"), "村口路灯坏了三天")
    ticket = Ticket.objects.get()
    assert socket.wait_for(type="ticket", event="received") == {"type": "ticket", "event": "received", "ticket": ticket.pk}

    if "channels_redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
        # the test process and the server share the test's channel-layer prefix
        payload = {"type": "ticket.event", "event": "from-test", "ticket": 0}
        in_thread(async_to_sync(get_channel_layer().group_send), "supervisors", payload)
        socket.wait_for(type="ticket", event="from-test")

    screenshot(page, "browser-smoke-admin")
