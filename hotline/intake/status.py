"""POST /twilio/status/: Twilio's delivery reports (status callbacks) for our outbound SMS.

Thin, as every webhook: check the signature, move the message's status forward,
answer 204 at once. Each message is sent with its own callback URL carrying our
message id (`?m=<id>`, covered by the signature), so a report that arrives before the
worker stored the SID still finds its row. A report about a message we do not know,
or a repeated or out-of-order one, changes nothing and still gets a 2xx: Twilio would
only retry an error.
"""

import logging

from django.http import HttpResponse

from hotline import messaging
from hotline.intake.signatures import twilio_webhook
from hotline.messaging.twilio_gateway import STATUS_FROM_TWILIO

logger = logging.getLogger(__name__)


@twilio_webhook
def message_status(request):
    data = request.POST
    sid = (data.get("MessageSid") or data.get("SmsSid") or "").strip()
    reported = (data.get("MessageStatus") or data.get("SmsStatus") or "").strip().lower()
    status = STATUS_FROM_TWILIO.get(reported)
    error_code = (data.get("ErrorCode") or "").strip()
    if error_code == "0":
        error_code = ""
    try:
        segments = int(data.get("NumSegments") or 0) or None
    except ValueError:
        segments = None
    if status is None or not sid:
        logger.info("ignored a Twilio status report %r", reported)
        return HttpResponse(status=204)
    message = messaging.record_provider_status(
        provider="twilio", sid=sid, status=status, error_code=error_code, reference=request.GET.get("m"),
        segments=segments,
    )
    if message is None:
        logger.info("a Twilio status report for a message we do not know (%s)", reported)
    return HttpResponse(status=204)
