"""The one place that builds a `twilio.rest.Client` (SMS delivery, masked calls).

In production the client talks to Twilio's REST API. When TWILIO_API_BASE_URL is
set (tests, a local sandbox), every request for a *.twilio.com host is sent to
that base instead, so the real `twilio` library — its serialisation, error
parsing, paging — is what talks to the fake server on loopback. Nothing of ours
is mocked.
"""

import logging
import re

from django.conf import settings
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

# seconds to wait for Twilio (connect, read). Far below the delivery lease, so a slow
# request ends (as a transient failure) long before another worker may reclaim the message.
DEFAULT_TIMEOUT = 10.0

# the host must end at twilio.com: not api.twilio.com.evil.example, nor user@… tricks
_TWILIO_HOST = re.compile(r"^https?://(?:[A-Za-z0-9-]+\.)*twilio\.com(?::\d+)?(?=[/?#]|$)", re.IGNORECASE)


# the twilio library logs every request's URL at INFO; list queries carry phone numbers
# (To=...), so ours logs warnings only: no personal data in the logs
_http_logger = logging.getLogger("hotline.twilio_http")
_http_logger.setLevel(logging.WARNING)


class RedirectingHttpClient(TwilioHttpClient):
    """A TwilioHttpClient that sends requests for *.twilio.com to `base_url` instead."""

    def __init__(self, base_url, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        if self.session is not None:
            # loopback: never through a proxy from the environment
            self.session.trust_env = False

    def request(self, method, url, *args, **kwargs):
        return super().request(method, _TWILIO_HOST.sub(self.base_url, url, count=1), *args, **kwargs)


def timeout():
    return float(getattr(settings, "TWILIO_HTTP_TIMEOUT", DEFAULT_TIMEOUT))


def get_client():
    """A `twilio.rest.Client` for the configured account, with a request timeout."""
    base_url = getattr(settings, "TWILIO_API_BASE_URL", "")
    if base_url:
        http_client = RedirectingHttpClient(base_url, timeout=timeout(), logger=_http_logger)
    else:
        http_client = TwilioHttpClient(timeout=timeout(), logger=_http_logger)
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)


def public_url_for(path, **query):
    """`path` (with `query`) on TWILIO_PUBLIC_BASE_URL, for URLs we hand to Twilio; None if it is unset."""
    from urllib.parse import urlencode

    base = (settings.TWILIO_PUBLIC_BASE_URL or "").rstrip("/")
    if not base:
        return None
    return base + path + (f"?{urlencode(query)}" if query else "")
