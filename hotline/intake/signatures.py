"""Twilio webhook signatures, checked with the twilio library's RequestValidator.

The signature covers the exact public URL Twilio requested (scheme, host, path
and query string) and the POST parameters. Behind a TLS-terminating proxy the
URL Django sees differs (http, an internal host), so the public URL comes from
TWILIO_PUBLIC_BASE_URL, or the scheme from X-Forwarded-Proto when
TWILIO_TRUST_FORWARDED_PROTO is on. Webhooks signed with a SharedKey carry
X-Twilio-Webhooks-Signature-Settings naming the algorithm (HMAC_SHA256).
"""

import functools
import logging

from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator, get_signature_algorithm

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"


def public_url(request):
    """The URL Twilio requested, as it signed it."""
    base = settings.TWILIO_PUBLIC_BASE_URL
    if base:
        return base.rstrip("/") + request.get_full_path()
    scheme = request.scheme
    if settings.TWILIO_TRUST_FORWARDED_PROTO:
        forwarded = request.headers.get("X-Forwarded-Proto", "")
        scheme = forwarded.split(",")[0].strip().lower() or scheme
    return f"{scheme}://{request.get_host()}{request.get_full_path()}"


def is_signed_by_twilio(request):
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    signature_settings = request.headers.get(SETTINGS_HEADER, "")
    algorithm = get_signature_algorithm(signature_settings)
    token = (
        settings.TWILIO_WEBHOOK_SHARED_KEY
        if signature_settings and settings.TWILIO_WEBHOOK_SHARED_KEY
        else settings.TWILIO_AUTH_TOKEN
    )
    return RequestValidator(token).validate(public_url(request), request.POST, signature, algorithm=algorithm)


def twilio_webhook(view):
    """POST only, no CSRF token (Twilio has none), and a valid Twilio signature or 403."""

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_signed_by_twilio(request):
            logger.warning("rejected a Twilio webhook with a missing or invalid signature at %s", request.path)
            return HttpResponseForbidden("invalid signature")
        return view(request, *args, **kwargs)

    return wrapped
