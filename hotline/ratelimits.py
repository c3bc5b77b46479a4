"""Rate limits shared by every public entry point: counted in the default cache (Redis in production,
so every web process and worker counts together; memory in the embedded single-process default).

- `client_address(request)`: who is asking, read the same way everywhere (TRUSTED_PROXY_COUNT-aware);
- `increment(key, timeout)`: an atomic counter (login failures, fixed windows);
- `hit(scope, ident, limit=, period=)`: count one request in a fixed window and say whether it is
  within the limit (Open311 requests, SMS codes per address, public form posts);
- `public_post(request)`: the per-address limit on every form a visitor can post without logging in
  (settings.HOTLINE["PUBLIC_POSTS_PER_ADDRESS_HOUR"]).

Per-phone limits that must survive a cache flush are counted in the database where the rows are
(codes per phone: hotline.confirmations; SMS per sender: hotline.intake.flood).
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

PERIODS = {
    "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400,
}


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost trusted proxy saw (read from the right of X-Forwarded-For, which a client can forge
    on the left)."""
    if request is None:
        return ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def parse_rate(rate):
    """"20/min" -> (20, 60); "" or None -> None."""
    if not rate:
        return None
    count, _slash, period = str(rate).partition("/")
    return int(count), PERIODS[period.strip().lower()]


def increment(key, timeout):
    """Add one to the counter `key` (created at 0 with `timeout`) and return the new count; atomic,
    so concurrent requests all count."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def allowed(self):
        return self.count <= self.limit

    @property
    def message(self):
        minutes = max(1, math.ceil(self.retry_after / 60))
        return _("提交太频繁，请%(minutes)s分钟后再试。您填写的内容已保留。") % {"minutes": minutes}


def hit(scope, ident, *, limit, period, now=None):
    """Count one request of `ident` in the current fixed window of `period` seconds."""
    now = now or time.time()
    window = int(now // period)
    count = increment(f"ratelimit:{scope}:{ident}:{window}", period + 5)
    return Hit(count=count, limit=limit, retry_after=max(1, math.ceil((window + 1) * period - now)))


def public_post(request, scope="public-form"):
    """Count one POST of a public form from this client's address (PUBLIC_POSTS_PER_ADDRESS_HOUR per hour)."""
    return hit(
        scope, client_address(request) or "unknown",
        limit=settings.HOTLINE["PUBLIC_POSTS_PER_ADDRESS_HOUR"], period=3600,
    )
