"""The shared cache on Redis, failing open while Redis is unreachable.

Rate limits (hotline.ratelimits), login throttling (hotline.login_throttle), the SMS per-sender send
slots (hotline.messaging.reserve_send_slot, the "sms_rate" cache) and the ranking's nav flag live in the
cache. None of them may fail a webhook, a login or an operator action because Redis went away for a
moment (docs/deploy.md): while Redis cannot be reached the cache answers as if it were empty and nothing
were limited, and logs a warning.

- Short socket timeouts (OPTIONS, passed to redis-py's connection pool; defaults in POOL_DEFAULTS), so a
  Redis that refuses connections costs under a millisecond and one that hangs (a paused process, a host gone
  from the network) at most `socket_connect_timeout` or `socket_timeout` — not redis-py's 5 s default;
- after a connection error or a timeout the cache does not ask Redis again for `retry_after` seconds
  (OPTIONS, default 1 s) in this process: the calls in between answer at once without touching the network;
- while down, reads answer nothing (get → the default, get_many → {}, has_key → False), writes do nothing
  (set, delete, touch), `add` answers True and `incr` answers `delta`: a counter or a send slot reserved
  while Redis is down is granted — the limit is not enforced for that moment (failing open), which is
  the lesser harm next to refusing residents' SMS and operators' work. Sessions are in the database
  (Django's default SESSION_ENGINE), so logged-in users stay logged in.

Only connection-level errors are absorbed (redis' ConnectionError, TimeoutError, ReadOnlyError after a
fail-over); anything else (a wrong type, a bug) still raises. The warning names the operation and the error
class, never a key (keys carry usernames and client addresses) or the URL (it may carry a password).
"""

import functools
import logging
import re
import threading
from time import monotonic

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# redis-py connection pool settings (OPTIONS may override each): a dead Redis costs milliseconds.
POOL_DEFAULTS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.5,
    # a pooled connection idle this long is checked with a PING before use (e.g. after a Redis restart)
    "health_check_interval": 30,
}
RETRY_AFTER = 1.0  # seconds without asking Redis after a connection error (OPTIONS "retry_after")
WARN_EVERY = 60.0  # at most one warning per minute per Redis while it stays unreachable


def _outage_errors():
    from redis import exceptions

    return (exceptions.ConnectionError, exceptions.TimeoutError, exceptions.ReadOnlyError)


class _Health:
    """Per Redis location, shared by the threads of a process (Django makes a cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0  # monotonic() before which Redis is not asked
        self.down_since = None
        self.last_warning = None
        self.absorbed = 0  # calls answered without Redis since the last warning


_health = {}
_health_lock = threading.Lock()


def _health_for(location):
    with _health_lock:
        return _health.setdefault(location, _Health())


def _describe(exc):
    """The error without anything secret: no URL (a password may be in it)."""
    return re.sub(r"\b\w+://\S+", "<url>", str(exc))[:200]


def _fail_open(fallback):
    """Run the cache method; while Redis is unreachable answer `fallback(*args, **kwargs)` instead."""

    def decorate(method):
        name = method.__name__

        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            health = self._health
            if health.down_until and monotonic() < health.down_until:
                self._absorbed(name, None)
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except self._outage as exc:
                self._absorbed(name, exc)
                return fallback(*args, **kwargs)
            if health.down_since is not None:
                self._recovered()
            return result

        return wrapper

    return decorate


class FailOpenRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that degrades to "empty, nothing limited" while Redis
    is unreachable (see the module's docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        self.retry_after = float(options.pop("retry_after", RETRY_AFTER))
        self._options = {**POOL_DEFAULTS, **options}
        self._outage = _outage_errors()
        self._health = _health_for(tuple(self._servers))

    # --- bookkeeping --------------------------------------------------------------------------

    def _absorbed(self, operation, exc):
        health, now = self._health, monotonic()
        with health.lock:
            if exc is not None:  # a real failure (not a call skipped while down): wait before asking again
                health.down_until = now + self.retry_after
                if health.down_since is None:
                    health.down_since = now
            health.absorbed += 1
            warn = exc is not None and (health.last_warning is None or now - health.last_warning >= WARN_EVERY)
            if warn:
                health.last_warning, absorbed, health.absorbed = now, health.absorbed, 0
        if warn:
            logger.warning(
                "Redis cache unreachable (%s: %s) in %s; failing open: %d call(s) answered without Redis, "
                "rate limits not enforced until it is back",
                type(exc).__name__, _describe(exc), operation, absorbed,
            )

    def _recovered(self):
        health = self._health
        with health.lock:
            if health.down_since is None:
                return
            seconds, absorbed = monotonic() - health.down_since, health.absorbed
            health.down_since, health.down_until, health.last_warning, health.absorbed = None, 0.0, None, 0
        logger.warning("Redis cache reachable again after %.1f s (%d call(s) answered without it)", seconds, absorbed)

    # --- the cache API (the async variants of BaseCache call these) ------------------------

    @_fail_open(lambda key, value, timeout=DEFAULT_TIMEOUT, version=None: True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version=version)

    @_fail_open(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version=version)

    @_fail_open(lambda *args, **kwargs: None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version=version)

    @_fail_open(lambda *args, **kwargs: False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version=version)

    @_fail_open(lambda *args, **kwargs: False)
    def delete(self, key, version=None):
        return super().delete(key, version=version)

    @_fail_open(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version=version)

    @_fail_open(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version=version)

    @_fail_open(lambda key, delta=1, version=None: delta)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version=version)

    @_fail_open(lambda data, timeout=DEFAULT_TIMEOUT, version=None: list(data))  # the keys not stored
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version=version)

    @_fail_open(lambda *args, **kwargs: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version=version)

    @_fail_open(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()

