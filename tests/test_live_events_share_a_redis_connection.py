"""Live events sent from plain sync code (a gunicorn worker, a task worker) go through one event loop per
process, so the Redis channel layer's connection is reused from one event to the next instead of a new
connection per event (issue 9: that cost every SMS webhook about 3 ms); every event still arrives, also
after Redis restarts. Against a redis-server of the test's own (tests/redis_server.py)."""

import redis
import pytest

from hotline import events
from tests.helpers import drain, listen
from tests.redis_server import redis_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def connections_opened(server):
    """Connections Redis has accepted since it started (this probe's own included)."""
    return redis.Redis.from_url(server.url).info("stats")["total_connections_received"]


@pytest.fixture
def redis_layer(settings, redis_server):  # noqa: F811
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [redis_server.url]}}
    }
    return redis_server


def emit(ticket, capture):
    with capture(execute=True):
        events.emit_after_commit(event="updated", ticket=ticket)


def test_twenty_events_arrive_over_one_connection(redis_layer, make_ticket, django_capture_on_commit_callbacks):
    ticket = make_ticket("new")
    layer, channel = listen("operators")
    emit(ticket, django_capture_on_commit_callbacks)
    before = connections_opened(redis_layer)

    for _ in range(20):
        emit(ticket, django_capture_on_commit_callbacks)

    assert connections_opened(redis_layer) - before <= 2  # this probe's connection, not one per event
    got = drain(layer, channel)
    assert got == [{"type": "ticket.event", "event": "updated", "ticket": ticket.pk}] * 21


def test_events_arrive_again_after_redis_restarts(
    redis_layer, make_ticket, django_capture_on_commit_callbacks, caplog
):
    ticket = make_ticket("new")
    emit(ticket, django_capture_on_commit_callbacks)  # the process's loop now holds a connection

    redis_layer.stop()
    emit(ticket, django_capture_on_commit_callbacks)  # lost, logged, and the request goes on
    assert any(r.name == "hotline.events" for r in caplog.records)
    redis_layer.start()

    layer, channel = listen("operators")
    emit(ticket, django_capture_on_commit_callbacks)
    emit(ticket, django_capture_on_commit_callbacks)
    assert len(drain(layer, channel)) == 2
