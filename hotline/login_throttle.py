"""Login throttling: failed attempts slow down further attempts, and enough of them lock out.

Counted per username and per client address in the default cache (Redis in
production, so every web process sees the same counts). After FREE_FAILURES
failures each further attempt must wait twice as long as the last (2 s, 4 s, …,
at most MAX_DELAY_SECONDS); after LOCKOUT_FAILURES (per username) or
LOCKOUT_FAILURES_PER_ADDRESS (per address) no password is checked at all until
LOCKOUT_SECONDS after the last failure. A successful login clears the username's count.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from hotline.ratelimits import client_address, increment  # noqa: F401 (client_address: its callers import it here)


@dataclass(frozen=True)
class Verdict:
    wait_seconds: int = 0
    locked: bool = False

    @property
    def allowed(self):
        return self.wait_seconds == 0

    @property
    def message(self):
        """What to tell the person (the login page and the API's token endpoint say the same)."""
        if self.locked:
            minutes = (self.wait_seconds + 59) // 60
            return ngettext(
                "登录失败次数过多，已暂时锁定，请%(minutes)d分钟后再试或联系管理员。",
                "登录失败次数过多，已暂时锁定，请%(minutes)d分钟后再试或联系管理员。",
                minutes,
            ) % {"minutes": minutes}
        return ngettext(
            "尝试过于频繁，请%(seconds)d秒后再试。", "尝试过于频繁，请%(seconds)d秒后再试。", self.wait_seconds
        ) % {"seconds": self.wait_seconds}


def _conf():
    return settings.LOGIN_THROTTLE


def _keys(username, address):
    keys = []
    if username:
        keys.append(("user", f"login-fail:user:{username.strip().lower()[:150]}"))
    if address:
        keys.append(("address", f"login-fail:addr:{address}"))
    return keys


def check(*, username, address, now=None):
    """May a password be checked now for this username from this address?"""
    conf, now = _conf(), now or time.time()
    worst = Verdict()
    for kind, key in _keys(username, address):
        found = cache.get_many([key, key + ":last"])
        failures, last = found.get(key), found.get(key + ":last")
        if not failures or last is None:
            continue
        limit = conf["LOCKOUT_FAILURES"] if kind == "user" else conf["LOCKOUT_FAILURES_PER_ADDRESS"]
        if failures >= limit:
            wait, locked = last + conf["LOCKOUT_SECONDS"] - now, True
        elif failures >= conf["FREE_FAILURES"] and kind == "user":
            wait, locked = last + min(2 ** (failures - conf["FREE_FAILURES"] + 1), conf["MAX_DELAY_SECONDS"]) - now, False
        else:
            continue
        if wait > 0 and wait > worst.wait_seconds:
            worst = Verdict(wait_seconds=int(wait + 0.999), locked=locked)
    return worst


def record_failure(*, username, address, now=None):
    now, timeout = now or time.time(), _conf()["LOCKOUT_SECONDS"]
    for _kind, key in _keys(username, address):
        increment(key, timeout)  # atomic, so concurrent failures all count
        cache.touch(key, timeout)
        cache.set(key + ":last", now, timeout=timeout)


def record_success(*, username):
    for _kind, key in _keys(username, None):
        cache.delete_many([key, key + ":last"])
