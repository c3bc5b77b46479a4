"""SMS through Twilio's Programmable Messaging API (SMS_BACKEND = "twilio").

Each message is created with its own status-callback URL,
`<TWILIO_PUBLIC_BASE_URL>/twilio/status/?m=<message id>`, so a callback finds its row
even when it arrives before the worker stored the SID (see hotline.intake.status).

Errors are sorted into transient (retried with backoff by messaging.deliver) and
permanent (the message fails at once, with Twilio's error code recorded):

- transient: HTTP 5xx, 429 / 20429 (too many requests), 21611 (the sender's queue is
  full), 401/403 (credentials being fixed), timeouts and connection errors. A timeout
  or a 5xx may hide a message Twilio did accept: the retry asks `find_sent` first.
- permanent: every other 4xx, e.g. 21211 invalid 'To', 21610 recipient unsubscribed
  (replied STOP), 21614 'To' is not a mobile number, 21408 no permission for the region.
"""

import datetime as dt
import logging

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from twilio.base.exceptions import TwilioException, TwilioRestException

from hotline.messaging.gateways import Gateway, GatewayError, SendResult
from hotline.messaging.twilio_client import get_client, public_url_for

logger = logging.getLogger(__name__)

TRANSIENT_CODES = {20429, 21611, 30001}
TRANSIENT_HTTP = {401, 403, 408, 409, 429}

# Twilio's message status -> ours. The provider's own "accepted/queued/sending" mean
# it has the message: in our pipeline that is `sent` (handed over to the provider).
STATUS_FROM_TWILIO = {
    "accepted": "sent",
    "scheduled": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undelivered",
    "failed": "failed",
    "canceled": "failed",
}

# how far back (before the message row was created) an accepted message may be dated,
# for clocks that disagree a little
LOOKUP_SLACK = dt.timedelta(minutes=5)
LOOKUP_LIMIT = 50


def error_from_twilio(exc):
    """A GatewayError for a TwilioRestException: permanent or transient, with the code."""
    status = int(exc.status or 0)
    code = exc.code or ""
    transient = status >= 500 or status in TRANSIENT_HTTP or (code and int(code) in TRANSIENT_CODES)
    text = f"Twilio {status} {code}: {exc.msg}".strip()[:500]
    # 21610: the number replied STOP to our sender; Twilio blocks every further SMS to it
    return GatewayError(text, permanent=not transient, code=code or status, opted_out=str(code) == "21610")


def result_from_resource(resource):
    """SendResult from a Twilio message resource (as returned by create, fetch or list)."""
    try:
        segments = int(resource.num_segments) if resource.num_segments not in (None, "") else None
    except (TypeError, ValueError):
        segments = None
    status = STATUS_FROM_TWILIO.get(str(resource.status or "").lower(), "sent")
    error_code = str(resource.error_code) if resource.error_code not in (None, "", 0) else ""
    return SendResult(sid=resource.sid, segments=segments or None, status=status, error_code=error_code)


class TwilioGateway(Gateway):
    name = "twilio"

    # the error codes operators meet, for the admin's "failure reason" column
    ERROR_REASONS = {
        "20003": _("通道账号认证失败（请检查配置）"),
        "20429": _("通道繁忙，稍后重发"),
        "21211": _("号码无效"),
        "21408": _("未开通该地区的短信权限"),
        "21610": _("对方已退订（回复过STOP）"),
        "21611": _("发送号码队列已满，稍后重发"),
        "21612": _("无法发送到该号码"),
        "21614": _("不是手机号码"),
        "30003": _("对方手机不可达（关机或不在服务区）"),
        "30004": _("短信被拦截"),
        "30005": _("号码不存在或已停机"),
        "30006": _("固定电话或运营商无法接收"),
        "30007": _("被运营商过滤"),
        "30008": _("未知错误"),
    }

    @property
    def sender(self):
        return settings.TWILIO_FROM_NUMBER

    @staticmethod
    def status_callback_url(reference):
        return None if reference is None else public_url_for("/twilio/status/", m=reference)

    def send(self, *, to, text, template="", params=None, reference=None):
        kwargs = {"to": to, "from_": self.sender, "body": text}
        callback = self.status_callback_url(reference)
        if callback:
            kwargs["status_callback"] = callback
        try:
            resource = get_client().messages.create(**kwargs)
        except TwilioRestException as exc:
            raise error_from_twilio(exc) from exc
        except requests.Timeout as exc:
            raise GatewayError("Twilio did not answer in time (the message may have been accepted)") from exc
        except requests.RequestException as exc:
            raise GatewayError(f"Twilio unreachable: {type(exc).__name__}") from exc
        except TwilioException as exc:  # e.g. an unreadable answer
            raise GatewayError(f"Twilio error: {exc}"[:500]) from exc
        return result_from_resource(resource)

    def find_sent(self, message):
        """The message Twilio accepted for this row in an earlier attempt, if any.

        Twilio has no idempotency key for creating messages, so we look: the most recent
        messages from our number to the row's number, created since the row was (less a
        few minutes of clock slack), with the same text, whose SID no other row of ours
        has claimed. Two rows with the same text to the same number, both with unknown
        outcomes at once, could take each other's SID; the unique (provider, SID)
        constraint lets only one row have it, and the other is then sent again.
        """
        from hotline.models import Message

        since = message.created_at - LOOKUP_SLACK
        try:
            found = get_client().messages.list(to=message.phone, from_=self.sender, limit=LOOKUP_LIMIT)
        except TwilioRestException as exc:
            raise error_from_twilio(exc) from exc
        except (requests.RequestException, TwilioException) as exc:
            # a failed list page is a bare TwilioException("Unable to fetch page", response)
            response = exc.args[1] if len(exc.args) > 1 else None
            status = getattr(response, "status_code", None) or type(exc).__name__
            raise GatewayError(f"could not ask Twilio whether it has the message: {status}") from exc
        candidates = [
            resource
            for resource in found
            if resource.body == message.body
            and str(resource.direction or "").startswith("outbound")
            and (resource.date_created is None or resource.date_created >= since)
        ]
        if not candidates:
            return None
        taken = set(
            Message.objects.filter(provider=self.name, external_id__in=[r.sid for r in candidates])
            .exclude(pk=message.pk)
            .values_list("external_id", flat=True)
        )
        for resource in candidates:  # most recent first
            if resource.sid not in taken:
                return result_from_resource(resource)
        return None
