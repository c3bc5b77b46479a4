"""Voice webhooks (Twilio): calls to the hotline, voicemail, and masked calls.

A call to the hotline is greeted in Mandarin and put straight through to the
operators (no voice menu: the national hotline standard asks for a person) by a
<Dial> to every target in TWILIO_OPERATOR_TARGETS. When nobody answers within
VOICE_RING_SECONDS, or outside staffed hours (working days of the work calendar,
VOICE_STAFFED_FROM..UNTIL, Asia/Shanghai), the caller leaves a voicemail; its
recording status callback creates a ticket of channel "voicemail" for an
operator to complete.

Every call is one `Call` row, unique by (provider, CallSid): a retried webhook
finds the row and changes nothing twice. Webhooks stay thin: store, answer TwiML.

Masked calls (see hotline.intake.masked_calls): Twilio first calls the unit's
liaison, then asks `masked/?call=<id>` what to do; that answer dials the
resident with the hotline's number as caller ID. The resident's number is read
from the Call row on the server, never from the request.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from twilio.twiml.voice_response import VoiceResponse

from hotline import clock, events, roles, workflow
from hotline.deadlines import WorkCalendar
from hotline.intake.signatures import public_url, twilio_webhook
from hotline.models import Call, Resident, StaffProfile
from hotline.models.choices import Channel, Kind
from hotline.phones import is_mobile, normalize_phone

logger = logging.getLogger(__name__)

PROVIDER = "twilio"
PENDING_PREFIX = "pending:"  # a masked call's external_id until Twilio returned its SID
SAY = {"language": "cmn-CN", "voice": "Polly.Zhiyu"}

GREETING = "您好，这里是办实事热线，正在为您转接话务员，请稍候。"
AFTER_HOURS = "您好，这里是办实事热线。现在是非接听时间。"
NO_ANSWER = "对不起，话务员正忙，暂时无法接听。"
VOICEMAIL_PROMPT = "请在提示音后留言，说明您的姓名、住址和需要办理的事情，说完请按井号键或直接挂机。"
VOICEMAIL_THANKS = "您的留言已收到，我们会尽快处理。再见。"
NO_VOICEMAIL = "没有收到您的留言。如有需要请再次拨打热线。再见。"
MASKED_NOTICE = "这是办实事热线的中转通话，正在为您接通群众，双方号码均不显示，通话将被录音。"
MASKED_UNAVAILABLE = "对不起，这个中转通话已失效。再见。"
RESIDENT_NOT_REACHED = "群众未接听。再见。"

ANSWERED_DIAL_STATUSES = {"completed", "answered"}
FINAL_CALL_STATUSES = {"completed", "busy", "no-answer", "failed", "canceled"}
# what a Twilio voice request's From holds when the caller withheld their number
ANONYMOUS_CALLERS = {"", "anonymous", "restricted", "unknown", "blocked", "unavailable", "private", "+266696687"}


# --- helpers -----------------------------------------------------------------------------


def twiml(response):
    return HttpResponse(str(response), content_type="text/xml; charset=utf-8")


def absolute(request, path):
    """`path` on the origin Twilio used for this request (so the next request is signed the same way)."""
    full = public_url(request)
    return full[: len(full) - len(request.get_full_path())] + path


def caller_phone(raw):
    """From a voice request's From/Caller: (what to store on the Call, E.164 or None).

    From may be a phone number, a Twilio Client identity (`client:NAME`), a SIP URI
    (`sip:user@domain`) or a withheld number; only a valid phone number is a resident's.
    """
    raw = (raw or "").strip()
    if raw.lower() in ANONYMOUS_CALLERS:
        return "", None
    if raw.lower().startswith(("client:", "sip:")):
        scheme, _, rest = raw.partition(":")
        return f"{scheme.lower()}:{rest.split('@')[0]}"[:20], None
    try:
        e164 = normalize_phone(raw)
    except ValidationError:
        return "", None
    return e164, e164


def is_staffed(now=None):
    """Operators take calls on working days between VOICE_STAFFED_FROM and VOICE_STAFFED_UNTIL (local time)."""
    local = timezone.localtime(now or timezone.now())
    if not WorkCalendar.load().is_workday(local.date()):
        return False
    start = dt.time.fromisoformat(settings.HOTLINE["VOICE_STAFFED_FROM"])
    end = dt.time.fromisoformat(settings.HOTLINE["VOICE_STAFFED_UNTIL"])
    return start <= local.time() < end


def _say(response, text):
    response.say(text, **SAY)


def _voicemail(request, response):
    """Ask for a voicemail and record it; the recording status callback makes the ticket."""
    _say(response, VOICEMAIL_PROMPT)
    response.record(
        action=absolute(request, reverse("twilio:dial-status") + "?step=recorded"),
        method="POST",
        max_length=settings.HOTLINE["VOICE_MAX_RECORDING_SECONDS"],
        finish_on_key="#",
        play_beep=True,
        recording_status_callback=absolute(request, reverse("twilio:recording")),
        recording_status_callback_method="POST",
    )
    # reached only when nothing was recorded (Twilio skips the action then)
    _say(response, NO_VOICEMAIL)
    response.hangup()
    return response


def _dial_operators(request, response):
    dial = response.dial(
        action=absolute(request, reverse("twilio:dial-status")),
        method="POST",
        timeout=settings.HOTLINE["VOICE_RING_SECONDS"],
    )
    # each operator's leg reports when it is answered, so the Call records who took it
    leg = {
        "status_callback_event": "answered",
        "status_callback": absolute(request, reverse("twilio:call-status")),
        "status_callback_method": "POST",
    }
    for target in settings.TWILIO_OPERATOR_TARGETS:
        target = target.strip()
        if target.lower().startswith("client:"):
            dial.client(target.split(":", 1)[1], **leg)
        elif target.lower().startswith("sip:"):
            dial.sip(target, **leg)
        elif target:
            dial.number(target, **leg)
    return response


def _seconds(value):
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return None


def _is_dial_outcome(status):
    return status == "answered" or status.startswith("dial-")


def _find_call(call_sid, *, lock=False):
    qs = Call.objects.filter(provider=PROVIDER, external_id=call_sid)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def _inbound_call(params):
    """The Call row for this CallSid, created on the first delivery. Returns (call, created)."""
    stored, e164 = caller_phone(params.get("From") or params.get("Caller"))
    resident = Resident.objects.filter(phone=e164).first() if e164 else None
    try:
        with transaction.atomic():
            return Call.objects.get_or_create(
                provider=PROVIDER,
                external_id=params["CallSid"],
                defaults={
                    "direction": Call.Direction.INBOUND,
                    "phone": stored,
                    "resident": resident,
                    "status": (params.get("CallStatus") or "ringing")[:20],
                    "started_at": clock.now(),
                },
            )
    except IntegrityError:  # a concurrent duplicate delivery created it first
        return Call.objects.get(provider=PROVIDER, external_id=params["CallSid"]), False


def _staff_for_target(target):
    """The operator behind a dialled target (`client:NAME` is the username; a number, the staff phone)."""
    target = (target or "").strip()
    users = get_user_model().objects.filter(is_active=True, groups__name__in=sorted(roles.HOTLINE_ROLES))
    if target.lower().startswith("client:"):
        return users.filter(username=target.split(":", 1)[1]).first()
    try:
        phone = normalize_phone(target)
    except ValidationError:
        return None
    profile = StaffProfile.objects.filter(phone=phone, user__in=users).select_related("user").first()
    return profile.user if profile else None


# --- webhooks ------------------------------------------------------------------------------


@twilio_webhook
def incoming_call(request):
    """A call to the hotline: store it, pop it on the operators' screens, ring the operators (or voicemail)."""
    params = request.POST
    if not params.get("CallSid"):
        return HttpResponse("missing CallSid", status=400)
    with transaction.atomic():
        call, created = _inbound_call(params)
        if created:
            events.emit_call_after_commit(event="incoming", call=call)
    response = VoiceResponse()
    if not is_staffed():
        _say(response, AFTER_HOURS)
        return twiml(_voicemail(request, response))
    _say(response, GREETING)
    return twiml(_dial_operators(request, response))


@twilio_webhook
def dial_status(request):
    """The <Dial> action (and the <Record> action with ?step=recorded).

    Inbound: answered → record it and hang up; no answer, busy, failed → voicemail.
    Masked call: the resident's leg answered or not → record it and hang up.
    """
    params = request.POST
    call_sid = params.get("CallSid", "")
    response = VoiceResponse()
    if request.GET.get("step") == "recorded":
        _say(response, VOICEMAIL_THANKS)
        response.hangup()
        return twiml(response)
    dial_status_value = params.get("DialCallStatus", "")
    answered = dial_status_value in ANSWERED_DIAL_STATUSES
    with transaction.atomic():
        call = _find_call(call_sid, lock=True)
        if call is None and call_sid:
            call, _created = _inbound_call(params)
            call = _find_call(call_sid, lock=True)
        if call is not None and call.ended_at is None:
            fields = ["status"]
            if answered:
                duration = _seconds(params.get("DialCallDuration"))
                if call.answered_at is None:
                    call.answered_at = clock.now() - dt.timedelta(seconds=duration or 0)
                    fields.append("answered_at")
                if duration is not None:
                    call.duration_seconds = duration
                    fields.append("duration_seconds")
                call.status = "answered"
            else:
                call.status = f"dial-{dial_status_value}"[:20] if dial_status_value else "unanswered"
            call.save(update_fields=fields)
    bridged = call is not None and call.direction == Call.Direction.BRIDGED
    if answered:
        response.hangup()
    elif bridged:
        _say(response, RESIDENT_NOT_REACHED)
        response.hangup()
    else:
        _say(response, NO_ANSWER)
        _voicemail(request, response)
    return twiml(response)


@twilio_webhook
def call_status(request):
    """Status callbacks: the call's final status (CallStatus, CallDuration), and operators' legs answering.

    Idempotent, and never moves a finished call back: a late "ringing" after
    "completed" changes nothing.
    """
    params = request.POST
    status = (params.get("CallStatus") or "").strip()
    parent_sid = params.get("ParentCallSid")
    with transaction.atomic():
        if parent_sid:
            # an operator's leg of the <Dial>: who answered the hotline call
            parent = _find_call(parent_sid, lock=True)
            if parent is not None and status == "in-progress" and parent.answered_by_id is None:
                parent.answered_by = _staff_for_target(params.get("To") or params.get("Called"))
                parent.answered_at = parent.answered_at or clock.now()
                parent.save(update_fields=["answered_by", "answered_at"])
            return HttpResponse(status=204)
        call = _find_call(params.get("CallSid", ""), lock=True)
        if call is None:
            logger.info("status callback for an unknown call")
            return HttpResponse(status=204)
        if call.ended_at is not None:
            return HttpResponse(status=204)  # already final: a retry or a late callback
        fields = ["status"]
        if not _is_dial_outcome(call.status):
            # keep what the <Dial> said ("answered", "dial-no-answer"): for a masked call it tells
            # whether the resident was reached, which "completed" (the liaison's leg) does not
            call.status = status[:20] or call.status
        if status in FINAL_CALL_STATUSES:
            call.ended_at = clock.now()
            fields.append("ended_at")
            duration = _seconds(params.get("CallDuration"))
            if duration is not None:
                call.duration_seconds = duration
                fields.append("duration_seconds")
        elif status == "in-progress" and call.direction == Call.Direction.BRIDGED and call.answered_at is None:
            call.answered_at = clock.now()  # the liaison picked up
            fields.append("answered_at")
        call.save(update_fields=fields)
    return HttpResponse(status=204)


@twilio_webhook
def masked_call_twiml(request):
    """What Twilio does once the liaison answers a masked call: a notice, then dial the resident.

    The resident's number comes from the Call row (server side), and the
    resident sees the hotline's number as caller ID, never the liaison's.
    """
    response = VoiceResponse()
    call_sid = request.POST.get("CallSid", "")
    try:
        call_id = int(request.GET.get("call", ""))
    except ValueError:
        call_id = None
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .filter(pk=call_id, provider=PROVIDER, direction=Call.Direction.BRIDGED)
            .first()
            if call_id
            else None
        )
        if call is not None and call.external_id != call_sid:
            if call.external_id.startswith(PENDING_PREFIX) and call_sid:
                # Twilio asked before start_masked_call stored the SID it returned
                call.external_id = call_sid
                call.save(update_fields=["external_id"])
            else:
                call = None
    if call is None or not call.phone or call.ended_at is not None:
        logger.warning("masked-call TwiML requested for an unknown or finished call")
        _say(response, MASKED_UNAVAILABLE)
        response.hangup()
        return twiml(response)
    _say(response, MASKED_NOTICE)
    dial = response.dial(
        caller_id=settings.TWILIO_FROM_NUMBER,
        timeout=settings.HOTLINE["VOICE_RING_SECONDS"],
        action=absolute(request, reverse("twilio:dial-status")),
        method="POST",
        record="record-from-answer-dual",
        recording_status_callback=absolute(request, reverse("twilio:recording")),
        recording_status_callback_method="POST",
    )
    dial.number(call.phone)
    return twiml(response)


@twilio_webhook
def recording(request):
    """Recording status callback: store the recording on the Call; a caller's voicemail becomes a ticket.

    Idempotent: the Call row is locked and a ticket is only made while it has none.
    """
    params = request.POST
    call_sid = params.get("CallSid", "")
    if not call_sid:
        return HttpResponse("missing CallSid", status=400)
    recording_status = (params.get("RecordingStatus") or "").strip()
    seconds = _seconds(params.get("RecordingDuration"))
    with transaction.atomic():
        call = _find_call(call_sid, lock=True)
        if call is None:
            # the voice webhook never reached us; keep the voicemail anyway (caller unknown)
            call, _created = _inbound_call(params)
            call = _find_call(call_sid, lock=True)
        if recording_status != "completed" or not seconds:
            # failed/absent recordings, or silence: nothing to listen to, so no ticket
            logger.info("recording for call %s not kept: status %r, %s s", call.pk, recording_status, seconds)
            return HttpResponse(status=204)
        fields = []
        if call.recording_sid != params.get("RecordingSid", call.recording_sid):
            call.recording_sid = params.get("RecordingSid", "")[:64]
            call.recording_url = params.get("RecordingUrl", "")[:200]
            call.recording_seconds = seconds
            fields += ["recording_sid", "recording_url", "recording_seconds"]
        is_voicemail = call.direction == Call.Direction.INBOUND and call.answered_at is None
        if is_voicemail and call.ticket_id is None:
            call.ticket = _voicemail_ticket(call, seconds)
            fields.append("ticket")
        if fields:
            call.save(update_fields=fields)
    return HttpResponse(status=204)


def _voicemail_ticket(call, seconds):
    """A ticket of channel voicemail for an operator to complete after listening to the recording."""
    e164 = call.phone if call.phone.startswith("+") else None
    mobile = bool(e164) and is_mobile(e164)
    ticket = workflow.receive(
        by=workflow.system_user(),
        kind=Kind.HELP,
        channel=Channel.VOICEMAIL,
        # no digits of the number in the title: an operator may later mark the ticket confidential
        title=f"语音留言（{timezone.localtime(call.started_at):%m-%d %H:%M}来电）",
        description=(
            f"来电语音留言，录音{seconds}秒（见通话记录）。"
            "请话务员听取录音后补充诉求内容、类型和地点，再派单或直接答复。"
        ),
        phone=e164,
        resident=call.resident,
        acknowledge=mobile,
    )
    if call.resident_id is None and ticket.resident_id is not None:
        call.resident = ticket.resident
        call.save(update_fields=["resident"])
    return ticket
