"""Masked calls (中转通话): a unit reaches a resident it may not see, through the hotline.

On a ticket that hides the resident from units (confidential, or any report),
the lead unit's liaison or head — or the colleague the ticket was handed to —
asks the system to call them and connect them to the resident. Twilio first
calls the staff member's own phone from the hotline number; when they answer,
Twilio asks `/twilio/voice/masked/?call=<id>` what to do, and that answer dials
the resident with the hotline number as caller ID (hotline.intake.voice). So
neither side sees the other's number: the resident's number stays on the server.

The Call row (direction "bridged") is then the reply's "resident contacted"
(workflow.reply with contact_method "masked_call" and call=that Call).

Refused (NotAllowed, through access.can "masked_call") for anyone but the lead
unit, and on a ticket that does not hide the resident: there the unit sees the
number and calls it itself, so the hotline's line is not spent on it.
"""

import logging
import uuid

import requests
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from twilio.base.exceptions import TwilioException

from hotline import access, clock, workflow
from hotline.errors import InvalidInput, InvalidState, WorkflowError
from hotline.intake.voice import PENDING_PREFIX, PROVIDER
from hotline.messaging.twilio_client import get_client, public_url_for
from hotline.models import Call, Ticket
from hotline.models.choices import Status

logger = logging.getLogger(__name__)

CALLABLE_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)


class CallFailed(WorkflowError):
    """Twilio did not accept the call (HTTP 502): try again, or ask an operator to call."""


def _public(path, **query):
    url = public_url_for(path, **query)
    if url is None:
        raise InvalidState(_("热线未配置公网地址（TWILIO_PUBLIC_BASE_URL），暂不能中转通话，请话务员联系群众。"))
    return url


def _staff_phone(user):
    phone = getattr(getattr(user, "staff", None), "phone", None)
    return str(phone) if phone else ""


def start_masked_call(*, ticket, by):
    """Call `by` on their own phone and bridge them to the ticket's resident. Returns the Call."""
    access.check(by, "masked_call", ticket)
    phone = _staff_phone(by)
    if not phone:
        message = _("您的账号没有登记手机号：请管理员在您的账号资料中登记，热线将先拨打该号码。")
        raise InvalidInput(message, field_errors={"phone": [message]})
    with transaction.atomic():
        locked = Ticket.objects.select_for_update(of=("self",)).select_related("resident").get(pk=ticket.pk)
        access.check(by, "masked_call", locked)  # again on the locked row: it may have moved meanwhile
        if locked.status not in CALLABLE_STATUSES:
            raise InvalidState(
                _("工单%(number)s当前状态为“%(status)s”，不能发起中转通话。")
                % {"number": locked.number, "status": locked.get_status_display()}
            )
        resident = locked.resident
        if resident is None or not resident.phone:
            raise InvalidState(_("工单%(number)s没有群众电话，请话务员联系。") % {"number": locked.number})
        call = Call.objects.create(
            provider=PROVIDER,
            external_id=f"{PENDING_PREFIX}{uuid.uuid4().hex}",  # until Twilio returns the SID
            direction=Call.Direction.BRIDGED,
            phone=resident.phone,
            resident=resident,
            ticket=locked,
            requested_by=by,
            status="requested",
            started_at=clock.now(),
        )
    # committed: Twilio may ask for the TwiML (which reads this row) as soon as the liaison answers
    url = _public(reverse("twilio:masked"), call=call.pk)
    try:
        created = get_client().calls.create(
            to=phone,
            from_=settings.TWILIO_FROM_NUMBER,
            url=url,
            method="POST",
            status_callback=_public(reverse("twilio:call-status")),
            status_callback_method="POST",
            status_callback_event=["answered", "completed"],
        )
    except (TwilioException, requests.RequestException) as exc:
        Call.objects.filter(pk=call.pk).update(status="failed", ended_at=clock.now())
        logger.warning("masked call %s not accepted by Twilio: %s", call.pk, type(exc).__name__)
        raise CallFailed(_("通话未能发起，请稍后再试，或请话务员联系群众。")) from exc
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        fields = ["status"]
        if call.external_id.startswith(PENDING_PREFIX):  # the TwiML request may have stored it already
            call.external_id = created.sid
            fields.append("external_id")
        if call.ended_at is None:
            call.status = (created.status or "queued")[:20]
        call.save(update_fields=fields)
        # on the timeline, without any number
        workflow.add_note(
            ticket=ticket,
            by=by,
            note=_("发起热线中转通话（通话记录%(id)s），双方号码均不显示。") % {"id": call.pk},
            public=False,
        )
    return call
