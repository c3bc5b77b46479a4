"""While Redis is down the shared cache fails open (hotline/cache.py): it answers as an empty cache that
limits nothing, so rate limits, login throttling, the SMS send slots, a signed SMS webhook, a login and an
operator's action all keep working; once Redis is back the cache works again. Against a real redis-server
of the test's own (tests/redis_server.py), stopped and restarted."""

import logging
import time
import uuid

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCacheClient

from hotline import cache as hotline_cache
from hotline import login_throttle, ratelimits
from hotline.messaging import reserve_send_slot
from hotline.models import Message, Ticket

pytestmark = pytest.mark.django_db


def use_redis(settings, server, **options):
    """The cache and the channel layer on `server`, as production has them (REDIS_URL)."""
    conf = {
        "BACKEND": "hotline.cache.FailOpenRedisCache", "LOCATION": server.url,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}", "OPTIONS": {"retry_after": 0, **options},
    }
    settings.CACHES = {"default": conf, "sms_rate": conf}
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [server.url]}}
    }


@pytest.fixture
def redis_down(settings, redis_server):
    """Redis used by the cache and the channel layer, with a value stored, then stopped."""
    use_redis(settings, redis_server)
    cache.set("remembered", "yes")
    assert cache.get("remembered") == "yes"
    redis_server.stop()
    return redis_server


def test_while_redis_is_down_the_cache_answers_as_empty_and_limits_nothing(redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="hotline.cache")

    assert cache.get("remembered") is None
    assert cache.get("remembered", "default") == "default"
    assert cache.get_many(["remembered", "other"]) == {}
    assert cache.has_key("remembered") is False
    assert cache.add("new", 1) is True  # a slot or counter is granted
    assert cache.incr("new") == 1 and cache.incr("new", 5) == 5
    assert cache.get_or_set("computed", "fresh") == "fresh"
    cache.set("k", "v")
    cache.set_many({"a": 1, "b": 2})
    cache.touch("k")
    cache.delete("k")
    cache.delete_many(["a", "b"])

    # every public limit lets the request through instead of failing it
    for _ in range(3):
        assert ratelimits.hit("public-form", "10.0.0.1", limit=1, period=3600).allowed
    assert ratelimits.public_post(None).allowed
    # login throttling counts nothing and blocks nothing
    for _ in range(10):
        login_throttle.record_failure(username="operator", address="10.0.0.1")
    assert login_throttle.check(username="operator", address="10.0.0.1").allowed
    login_throttle.record_success(username="operator")
    # the SMS send slot is granted at once
    now = time.time()
    assert reserve_send_slot(sender="twilio:+10000000000", at=now, rate=1.0) == (now, True)
    assert reserve_send_slot(sender="twilio:+10000000000", at=now, rate=1.0) == (now, True)

    warnings = [r for r in caplog.records if r.name == "hotline.cache"]
    assert warnings and "failing open" in warnings[0].getMessage()
    # no keys in the log: they carry usernames and client addresses
    assert not any("operator" in r.getMessage() or "10.0.0.1" in r.getMessage() for r in warnings)


def test_after_redis_restarts_the_cache_works_again(redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="hotline.cache")
    assert cache.get("remembered") is None  # down

    redis_down.start()
    cache.set("remembered", "again")
    assert cache.get("remembered") == "again"
    assert caches["sms_rate"].add("slot", 1) is True and caches["sms_rate"].add("slot", 1) is False
    counts = [ratelimits.hit("public-form", "10.0.0.2", limit=1, period=3600) for _ in range(2)]
    assert [hit.count for hit in counts] == [1, 2] and not counts[1].allowed  # enforced again
    assert any("reachable again" in r.getMessage() for r in caplog.records if r.name == "hotline.cache")


def test_after_a_failure_redis_is_not_asked_again_for_a_moment(settings, redis_server, monkeypatch):
    use_redis(settings, redis_server, retry_after=30)
    asked = []
    real_get = RedisCacheClient.get
    monkeypatch.setattr(RedisCacheClient, "get", lambda self, *a, **kw: asked.append(1) or real_get(self, *a, **kw))
    clock = [1000.0]
    monkeypatch.setattr(hotline_cache, "monotonic", lambda: clock[0])
    cache.set("x", 1)
    redis_server.stop()

    assert cache.get("x") is None and len(asked) == 1  # the failure
    assert cache.get("x") is None and len(asked) == 1  # not asked: answered at once
    redis_server.start()
    assert cache.get("x") is None and len(asked) == 1  # still within retry_after
    clock[0] += 31
    cache.set("x", 2)
    assert cache.get("x") == 2 and len(asked) == 2


def test_a_signed_sms_webhook_is_answered_and_stored_while_redis_is_down(
    redis_down, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the live event's send to the dead channel layer too
        response, reply = sms.send("村口路灯坏了三天", phone="+8613800138000", sid="SMredisdown1")
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.number in reply
    assert Message.objects.filter(direction="in", external_id="SMredisdown1").count() == 1


def test_an_operator_logs_in_and_dispatches_while_redis_is_down(
    redis_down, client, people, units, make_ticket, django_capture_on_commit_callbacks, outbox
):
    ticket = make_ticket("new")
    response = client.post("/accounts/login/", {"username": "operator", "password": "pw-operator"})
    assert response.status_code == 302 and "_auth_user_id" in client.session

    with django_capture_on_commit_callbacks(execute=True):  # SMS delivery and the live event after commit
        response = client.post(
            f"/api/tickets/{ticket.number}/dispatch/", {"lead_unit": units["roads"].pk}, content_type="application/json"
        )
    assert response.status_code == 200, response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "dispatched"
    assert outbox  # the SMS went out (the send slot was granted)
