"""Throttling of Open311 clients: fixed windows counted in the default cache (Redis in production,
so every web process counts together), per client address and, for POST, per api_key.

Rates are settings.OPEN311 strings like "20/min"; an empty rate means no limit.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from api.open311.formats import Open311Error
from hotline import ratelimits


def client_address(request):
    # the same reading of the client's address as every other limit (TRUSTED_PROXY_COUNT behind a proxy)
    return ratelimits.client_address(request) or "unknown"


def hit(scope, ident, rate_name, *, now=None):
    """Count one request of `ident` against settings.OPEN311[rate_name]; raise 429 past the limit."""
    rate = ratelimits.parse_rate(settings.OPEN311.get(rate_name))
    if rate is None:
        return
    limit, period = rate
    counted = ratelimits.hit(f"open311:{scope}", ident, limit=limit, period=period, now=now)
    if not counted.allowed:
        raise Open311Error(
            429, _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": counted.retry_after},
            headers={"Retry-After": str(counted.retry_after)},
        )
