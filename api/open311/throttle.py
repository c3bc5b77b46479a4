"""Throttling of Open311 clients: fixed windows counted in the default cache (Redis in production,
so every web process counts together), per client address and, for POST, per api_key.

Rates are settings.OPEN311 strings like "20/min"; an empty rate means no limit.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from api.open311.formats import Open311Error
from hotline import login_throttle

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate):
    """"20/min" -> (20, 60); "" or None -> None."""
    if not rate:
        return None
    count, _slash, period = str(rate).partition("/")
    return int(count), PERIODS[period.strip().lower()]


def client_address(request):
    # the same reading of the client's address as the login throttle (TRUSTED_PROXY_COUNT behind a proxy)
    return login_throttle.client_address(request) or "unknown"


def hit(scope, ident, rate_name, *, now=None):
    """Count one request of `ident` against settings.OPEN311[rate_name]; raise 429 past the limit."""
    rate = parse_rate(settings.OPEN311.get(rate_name))
    if rate is None:
        return
    limit, period = rate
    now = now or time.time()
    window = int(now // period)
    key = f"open311-throttle:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * period - now))
        raise Open311Error(
            429, _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
