"""Outbound SMS gateways. Provider-neutral: each gets the text and the template id with params.

A gateway's `send` returns the provider's message id (or a `SendResult` carrying it with
what else the provider told: segments, status). `find_sent` answers "did the provider
already accept this message?" before a message whose earlier attempt has an unknown
outcome is sent again. `sender` names the sending number for the per-sender rate limit
(None: not rate limited).
"""

import abc
import dataclasses
import logging
import threading
import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from hotline.phones import mask_phone

logger = logging.getLogger(__name__)


class GatewayError(Exception):
    """Sending failed; `permanent` ones are not retried (e.g. an unreachable number).

    `code` is the provider's error code (e.g. Twilio's 21610), recorded on the message.
    `opted_out` says the recipient unsubscribed at the provider (replied STOP).
    """

    def __init__(self, message, *, permanent=False, code="", opted_out=False):
        super().__init__(message)
        self.permanent = permanent
        self.code = str(code or "")
        self.opted_out = opted_out


@dataclasses.dataclass(frozen=True)
class SendResult:
    """What the provider said about an accepted message. `status` is one of Message.Status."""

    sid: str
    segments: int | None = None
    status: str = "sent"
    error_code: str = ""


class Gateway(abc.ABC):
    name = "base"

    @property
    def sender(self):
        """The sending number, for the per-sender rate limit; None: no limit."""
        return None

    @abc.abstractmethod
    def send(self, *, to, text, template="", params=None, reference=None):
        """Send one SMS; return the provider's message id (or a SendResult).

        `reference` is our id for the message (for status callbacks); providers may ignore it.
        """

    def find_sent(self, message):
        """The SendResult of `message` if the provider already accepted it, else None.

        Asked before a message whose earlier attempt has an unknown outcome is sent again.
        Raises GatewayError when the provider cannot be asked (then it is not sent now).
        """
        return None


class ConsoleGateway(Gateway):
    """Development: print a line for the SMS instead of sending it.

    The number masked, the template and the segment count; the text itself only with
    SMS_CONSOLE_SHOW_BODY on (off by default: no SMS body in the logs, docs/privacy.md).
    """

    name = "console"

    def send(self, *, to, text, template="", params=None, reference=None):
        from hotline.messaging import segment_count

        sid = f"console-{uuid.uuid4().hex[:16]}"
        line = f"[SMS {reference or ''} to {mask_phone(to)}] {template or '-'}, {segment_count(text)} segment(s)"
        if getattr(settings, "SMS_CONSOLE_SHOW_BODY", False):
            line += f": {text}"
        print(line, flush=True)
        return sid


class LocmemGateway(Gateway):
    """Tests: keep sent SMS in memory (`LocmemGateway.outbox`)."""

    name = "locmem"
    outbox = []
    fail_next = []  # GatewayErrors to raise on the next sends, for tests of retries
    _lock = threading.Lock()

    def send(self, *, to, text, template="", params=None, reference=None):
        with self._lock:
            if self.fail_next:
                raise self.fail_next.pop(0)
            sid = f"locmem-{uuid.uuid4().hex[:16]}"
            self.outbox.append({"sid": sid, "to": to, "text": text, "template": template, "params": params or {}})
            return sid

    def find_sent(self, message):
        """An outbox entry with the same number and text that no other message row claims."""
        from hotline.models import Message

        with self._lock:
            candidates = [sms["sid"] for sms in self.outbox if sms["to"] == message.phone and sms["text"] == message.body]
        if not candidates:
            return None
        taken = set(
            Message.objects.filter(provider=self.name, external_id__in=candidates)
            .exclude(pk=message.pk)
            .values_list("external_id", flat=True)
        )
        free = [sid for sid in candidates if sid not in taken]
        return SendResult(sid=free[-1]) if free else None


BACKENDS = {
    "console": "hotline.messaging.gateways.ConsoleGateway",
    "locmem": "hotline.messaging.gateways.LocmemGateway",
    "twilio": "hotline.messaging.twilio_gateway.TwilioGateway",
}


def get_gateway():
    path = BACKENDS.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    return import_string(path)()


def error_reason(provider, code):
    """What a provider's error code means, in words an operator understands ("" if unknown)."""
    path = BACKENDS.get(provider)
    if not path or not code:
        return ""
    return str(getattr(import_string(path), "ERROR_REASONS", {}).get(str(code), ""))
