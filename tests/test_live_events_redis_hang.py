"""A live event sent to a Redis that hangs (the process paused: connections accepted, nothing answered)
gives up after events.SEND_TIMEOUT instead of holding the request that committed for redis-py's socket
timeout per group; once Redis answers again the next event arrives. Against a redis-server of the test's
own (tests/redis_server.py)."""

import logging

import pytest

from hotline import events
from tests.helpers import drain, listen

pytestmark = pytest.mark.django_db


def test_a_send_to_a_hung_redis_gives_up_and_the_next_event_arrives(
    settings, redis_server, monkeypatch, caplog, make_ticket, django_capture_on_commit_callbacks
):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [redis_server.url]}}
    }
    monkeypatch.setattr(events, "SEND_TIMEOUT", 0.3)
    caplog.set_level(logging.ERROR, logger="hotline.events")
    ticket = make_ticket("new")

    redis_server.pause()
    with django_capture_on_commit_callbacks(execute=True):
        events.emit_after_commit(event="updated", ticket=ticket)
    failures = [r for r in caplog.records if r.name == "hotline.events"]
    assert len(failures) == 1
    # our own bound gave up (asyncio's TimeoutError), not redis-py's socket timeout
    assert failures[0].exc_info[0] is TimeoutError

    redis_server.resume()
    layer, channel = listen("operators")
    with django_capture_on_commit_callbacks(execute=True):
        events.emit_after_commit(event="updated", ticket=ticket)
    assert drain(layer, channel) == [{"type": "ticket.event", "event": "updated", "ticket": ticket.pk}]
