"""Every ticket state change: one function per action (DESIGN.md §4).

Each function checks the actor's permission (hotline.access) and the ticket's
state, then writes the change, the timeline event, history (with the acting
user) and any SMS rows in one transaction; after commit it enqueues the SMS
delivery and broadcasts a live event. Nothing else assigns `Ticket.status`.
"""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hotline import access, clock, confidentiality, events, messaging, roles, upstream
from hotline.deadlines import WorkCalendar, deadlines_from, reply_remind_for
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import (
    Assignment,
    Call,
    ExtensionRequest,
    Reply,
    Resident,
    ReturnRequest,
    Ticket,
    TicketEvent,
)
from hotline.models.choices import (
    OPEN_STATUSES,
    CloseReason,
    ContactMethod,
    EmergencyService,
    Kind,
    Outcome,
    Priority,
    RequestStatus,
    ReviewStatus,
    Satisfaction,
    Status,
)
from hotline.routing import duplicates

Action = TicketEvent.Action


def system_user():
    """The login that acts for residents' SMS, the deadline sweep and tasks."""
    user, _created = get_user_model().objects.get_or_create(
        username=roles.SYSTEM_USERNAME, defaults={"is_active": True, "first_name": "系统"}
    )
    return user


# --- internals -----------------------------------------------------------------


class _Change:
    """Collects what one action writes besides the ticket, and publishes it after commit."""

    def __init__(self, ticket, by):
        self.ticket = ticket
        self.by = by
        self.message_ids = []

    def event(self, action, note="", *, public=False, unit=None):
        return TicketEvent.objects.create(
            ticket=self.ticket,
            action=action,
            actor=self.by,
            actor_unit=unit if unit is not None else access.unit_of(self.by),
            # units read the timeline: never the name or number of a resident hidden from them
            note=confidentiality.for_units(self.ticket, note),
            public=public,
            created_at=clock.now(),
        )

    def sms_resident(self, template, **params):
        resident = self.ticket.resident
        if resident is None or not resident.phone:  # no phone: the resident's data was erased (hotline.privacy)
            return None
        message = messaging.queue_sms(
            phone=resident.phone, template=template, params={"number": self.ticket.number, **params},
            ticket=self.ticket, resident=resident,
        )
        self.message_ids.append(message.pk)
        return message

    def sms_users(self, users, template, **params):
        # Staff notices carry the ticket number and deadlines only: never the
        # resident's name, phone or words, so confidentiality holds over SMS too.
        for user in users:
            phone = getattr(getattr(user, "staff", None), "phone", None)
            if not phone:
                continue
            message = messaging.queue_sms(
                phone=phone, template=template, params={"number": self.ticket.number, **params},
                ticket=self.ticket, recipient_user=user,
            )
            self.message_ids.append(message.pk)

    def save_ticket(self, *fields):
        self.ticket._history_user = self.by
        if clock.is_overridden():
            self.ticket._history_date = clock.now()
        self.ticket.save(update_fields=[*fields, "updated_at"] if fields else None)

    def publish(self, event_name):
        messaging.deliver_after_commit(self.message_ids)
        # an upstream platform's ticket: the state webhook row, in this transaction (sent after commit)
        upstream.queue_webhook(ticket=self.ticket, event=event_name)
        events.emit_after_commit(event=event_name, ticket=self.ticket)


def _locked(ticket, *, by=None, action=None):
    """Lock the ticket row; with `action`, check permission again on the locked row.

    The first check (before the transaction) fails fast; this one closes the gap
    in which the ticket could have moved to another unit meanwhile.
    """
    locked = Ticket.objects.select_for_update(of=("self",)).select_related("resident", "lead_unit").get(pk=ticket.pk)
    if action is not None:
        access.check(by, action, locked)
    return locked


def _require_state(ticket, *allowed, message=None):
    if ticket.status not in allowed:
        raise InvalidState(
            message
            or _("工单%(number)s当前状态为“%(status)s”，不能执行此操作。")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )


def _require_text(value, field, message):
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field_errors={field: [message]})
    return value


def _save(instance, by, *fields):
    instance._history_user = by
    if clock.is_overridden():
        instance._history_date = clock.now()
    instance.save(update_fields=list(fields) if fields else None)


def _lead(ticket):
    lead = ticket.assignments.select_for_update().filter(is_current=True, role=Assignment.Role.LEAD).first()
    if lead is None:
        raise InvalidState(_("工单%(number)s没有当前主办单位。") % {"number": ticket.number})
    return lead


def _when(value):
    return date_format(timezone.localtime(value), "n月j日H:i")


def _deny_pending(ticket, by, now, note):
    for model in (ReturnRequest, ExtensionRequest):
        for request in model.objects.filter(ticket=ticket, status=RequestStatus.PENDING):
            request.status, request.decided_by, request.decided_at, request.decision_note = (
                RequestStatus.DENIED, by, now, note,
            )
            _save(request, by)
    # a reply still awaiting review belongs to the round that ends here
    for pending in Reply.objects.filter(ticket=ticket, review_status=ReviewStatus.PENDING):
        pending.review_status, pending.reviewed_by, pending.reviewed_at, pending.review_note = (
            ReviewStatus.SENT_BACK, by, now, note,
        )
        _save(pending, by)


def _end_current_assignments(ticket, by, now):
    for assignment in ticket.assignments.filter(is_current=True):
        assignment.is_current = False
        assignment.ended_at = now
        _save(assignment, by, "is_current", "ended_at")


def _liaisons(unit):
    return access.unit_users(unit, role_names=[roles.UNIT_LIAISON])


# --- receive and the ways a new ticket ends without dispatch -------------------


def receive(
    *,
    by,
    kind,
    channel,
    title,
    description="",
    phone=None,
    resident=None,
    resident_name="",
    village=None,
    place="",
    priority=Priority.NORMAL,
    confidential=False,
    category=None,
    reported_unit=None,
    acknowledge=True,
    call=None,
    source_system=None,
    external_id="",
    upstream_reply_by=None,
    pledge=None,
):
    """受理: create a ticket in `new` and send the resident the acknowledgement with its number.

    `source_system`, `external_id`, `upstream_reply_by`: a ticket handed over by an upstream
    12345 platform (hotline.upstream.receive_from_upstream, which checks them): its id for the
    ticket (unique per platform) and its deadline, kept at dispatch (hotline.upstream.keep_upstream_deadline).
    `pledge`: a resident's feedback on a public pledge (channel pledge_feedback, hotline.pledges.feedback).
    """
    access.check(by, "receive")
    title = _require_text(title, "title", _("请填写标题。"))
    if kind not in Kind.values:
        raise InvalidInput(_("诉求类型无效。"), field_errors={"kind": [_("诉求类型无效。")]})
    if priority not in Priority.values:
        raise InvalidInput(_("紧急程度无效。"), field_errors={"priority": [_("紧急程度无效。")]})
    if reported_unit is not None and kind != Kind.REPORT:
        raise InvalidInput(
            _("只有举报件可以指定被举报单位。"), field_errors={"reported_unit": [_("只有举报件可以指定被举报单位。")]}
        )
    with transaction.atomic():
        if resident is None and phone:
            try:
                resident = Resident.for_phone(phone, name=resident_name, village=village, by=by)
            except ValidationError as exc:
                raise InvalidInput(exc.messages[0], field_errors={"phone": exc.messages}) from exc
        ticket = Ticket(
            kind=kind,
            channel=channel,
            title=title,
            description=description,
            resident=resident,
            village=village or (resident.village if resident else None),
            place=place,
            priority=priority,
            confidential=confidential or kind == Kind.REPORT,
            category=category,
            reported_unit=reported_unit,
            source_system=source_system,
            external_id=external_id,
            upstream_reply_by=upstream_reply_by,
            pledge=pledge,
            created_by=by,
            created_at=clock.now(),
        )
        # a report signed "我是…，电话…" by SMS: its words reach the unit, the name and number must not
        ticket.title = confidentiality.for_units(ticket, ticket.title)
        ticket.description = confidentiality.for_units(ticket, ticket.description)
        _save(ticket, by)
        if call is not None and call.ticket_id is None:
            call.ticket = ticket  # the call it was taken from: its recording shows on the ticket
            _save(call, by, "ticket")
        duplicates.flag(ticket)  # 疑似重复: open tickets like this one, for the operators (never shown to units)
        change = _Change(ticket, by)
        change.event(Action.RECEIVE, _("来源：%(channel)s") % {"channel": ticket.get_channel_display()}, public=True)
        if acknowledge:
            change.sms_resident("received")
        change.publish("received")
    return ticket


def answer_directly(*, ticket, by, answer, source="", guide=None):
    """直办: the operator answers on the spot; the ticket closes and the survey goes out.

    `guide`: the published service guide the answer cites (its title is the source when none is
    given; its link goes into the answer SMS when it fits in two segments).
    """
    from hotline import guides

    access.check(by, "answer", ticket)
    answer = _require_text(answer, "answer", _("请填写答复内容。"))
    if guide is not None and not guides.published().filter(pk=guide.pk).exists():
        raise InvalidInput(_("只能引用已发布的办事指南。"), field_errors={"guide": [_("只能引用已发布的办事指南。")]})
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="answer")
        _require_state(ticket, Status.NEW)
        now = clock.now()
        source = (source or "").strip() or (guide.title[:200] if guide is not None else "")
        ticket.answer, ticket.answer_source, ticket.answer_guide = answer, source, guide
        ticket.status, ticket.close_reason, ticket.closed_at = Status.CLOSED, CloseReason.ANSWERED, now
        ticket.survey_sent_at = now if ticket.resident_id else None
        change = _Change(ticket, by)
        change.save_ticket(
            "answer", "answer_source", "answer_guide", "status", "close_reason", "closed_at", "survey_sent_at"
        )
        change.event(Action.ANSWER, answer, public=True)
        text = answer[:40]
        if guide is not None:
            with_link = f"{text} {guides.public_link(guide)}"
            if len(messaging.render("answered", {"number": ticket.number, "answer": with_link})) <= 134:
                text = with_link
        change.sms_resident("answered", answer=text)
        change.sms_resident("survey")
        change.publish("closed")
    return ticket


def refer_emergency(*, ticket, by, service, note=""):
    """转110/119/120: urgent matters never wait in a queue."""
    access.check(by, "refer_emergency", ticket)
    if service not in EmergencyService.values:
        raise InvalidInput(_("请选择110、119或120。"), field_errors={"service": [_("请选择110、119或120。")]})
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="refer_emergency")
        _require_state(ticket, Status.NEW)
        ticket.emergency_service = service
        ticket.status, ticket.close_reason, ticket.closed_at = Status.CLOSED, CloseReason.EMERGENCY, clock.now()
        change = _Change(ticket, by)
        change.save_ticket("emergency_service", "status", "close_reason", "closed_at")
        change.event(Action.EMERGENCY, " ".join(filter(None, [service, note])), public=True)
        change.sms_resident("emergency", service=service)
        change.publish("closed")
    return ticket


def mark_invalid(*, ticket, by, reason):
    """无效件 (spam, abuse, repeat of an open ticket): closed and excluded from KPIs."""
    access.check(by, "mark_invalid", ticket)
    reason = _require_text(reason, "reason", _("请说明无效的原因。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="mark_invalid")
        _require_state(ticket, Status.NEW)
        ticket.status, ticket.close_reason, ticket.closed_at = Status.CLOSED, CloseReason.INVALID, clock.now()
        change = _Change(ticket, by)
        change.save_ticket("status", "close_reason", "closed_at")
        change.event(Action.INVALID, reason)
        change.publish("closed")
    return ticket


# --- dispatch and the unit's side ---------------------------------------------------


def _create_round(ticket, by, *, lead_unit, co_units, now, change):
    if lead_unit is None:
        raise InvalidInput(_("请选择主办单位。"), field_errors={"lead_unit": [_("请选择主办单位。")]})
    co_units = [u for u in dict.fromkeys(co_units or []) if u.pk != lead_unit.pk]
    for unit in [lead_unit, *co_units]:
        if not unit.is_active:
            raise InvalidInput(
                _("单位“%(unit)s”已停用。") % {"unit": unit}, field_errors={"lead_unit": [_("单位已停用。")]}
            )
        if ticket.reported_unit_id == unit.pk:
            message = _("举报件不能派给被举报单位“%(unit)s”。") % {"unit": unit}
            raise InvalidInput(message, field_errors={"lead_unit": [message]})
    _end_current_assignments(ticket, by, now)
    last_round = ticket.assignments.order_by("-round").values_list("round", flat=True).first() or 0
    deadlines = deadlines_from(now, kind=ticket.kind, priority=ticket.priority)
    deadlines = upstream.keep_upstream_deadline(ticket, deadlines, now=now)  # the earlier of SLA and upstream
    rows = []
    for unit, role in [(lead_unit, Assignment.Role.LEAD)] + [(u, Assignment.Role.CO) for u in co_units]:
        assignment = Assignment(
            ticket=ticket, unit=unit, role=role, round=last_round + 1, is_current=True,
            dispatched_at=now, dispatched_by=by,
            sign_by=deadlines.sign_by, reply_by=deadlines.reply_by, original_reply_by=deadlines.reply_by,
            return_by=deadlines.return_by, sign_remind_at=deadlines.sign_remind_at,
            reply_remind_at=deadlines.reply_remind_at,
        )
        _save(assignment, by)
        rows.append(assignment)
    ticket.lead_unit = lead_unit
    ticket.sign_by, ticket.reply_by, ticket.dispatched_at = deadlines.sign_by, deadlines.reply_by, now
    ticket.signed_at = ticket.replied_at = ticket.reply_accepted_at = ticket.survey_sent_at = None
    ticket.status = Status.DISPATCHED
    change.sms_users(_liaisons(lead_unit), "unit_new", sign_by=_when(deadlines.sign_by))
    for unit in co_units:
        change.sms_users(_liaisons(unit), "unit_new_co", reply_by=_when(deadlines.reply_by))
    return rows


def dispatch(*, ticket, by, lead_unit, co_units=(), note=""):
    """派单: to a lead unit and optional co-units; both deadlines run from now."""
    access.check(by, "dispatch", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="dispatch")
        _require_state(ticket, Status.NEW, Status.RETURNED)
        now = clock.now()
        change = _Change(ticket, by)
        rows = _create_round(ticket, by, lead_unit=lead_unit, co_units=co_units, now=now, change=change)
        change.save_ticket(
            "lead_unit", "sign_by", "reply_by", "dispatched_at", "signed_at", "replied_at",
            "reply_accepted_at", "survey_sent_at", "status",
        )
        names = "、".join(str(a.unit) for a in rows[1:])
        text = _("主办：%(lead)s") % {"lead": lead_unit} + (_("；协办：%(co)s") % {"co": names} if names else "")
        change.event(Action.DISPATCH, "\n".join(filter(None, [text, note])), public=True)
        change.sms_resident("dispatched", unit=lead_unit.name, reply_by=_when(ticket.reply_by))
        change.publish("dispatched")
    return ticket


def hand_over(*, ticket, by, to_user, note=""):
    """Inside the unit: hand the ticket to a colleague or a village/grid worker, who then sees it."""
    access.check(by, "hand_over", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="hand_over")
        _require_state(ticket, Status.DISPATCHED, Status.IN_PROGRESS)
        lead = _lead(ticket)
        if (
            not to_user.is_active
            or access.unit_of(to_user) != lead.unit
            or not (access.roles_of(to_user) & roles.UNIT_ROLES)
        ):
            message = _("只能转交给本单位的工作人员。")
            raise InvalidInput(message, field_errors={"to_user": [message]})
        lead.handler = to_user
        _save(lead, by, "handler")
        change = _Change(ticket, by)
        change.event(
            Action.HAND_OVER,
            "\n".join(filter(None, [_("转交：%(name)s") % {"name": to_user.get_full_name() or to_user.get_username()}, note])),
        )
        change.publish("handed_over")
    return ticket


def sign(*, ticket, by):
    """签收 by the lead unit. The working hours it took are stored for the KPIs."""
    access.check(by, "sign", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="sign")
        _require_state(
            ticket, Status.DISPATCHED,
            message=_("工单%(number)s已签收或不在待签收状态。") % {"number": ticket.number},
        )
        now = clock.now()
        lead = _lead(ticket)
        lead.signed_at, lead.signed_by = now, by
        lead.sign_hours = WorkCalendar.load().working_hours_between(lead.dispatched_at, now)
        lead.signed_on_time = now <= lead.sign_by
        _save(lead, by, "signed_at", "signed_by", "sign_hours", "signed_on_time")
        ticket.status, ticket.signed_at = Status.IN_PROGRESS, now
        change = _Change(ticket, by)
        change.save_ticket("status", "signed_at")
        change.event(Action.SIGN, public=True)
        change.publish("signed")
    return ticket


def request_return(*, ticket, by, reason, suggested_unit=None):
    """退单申请: only inside the return window; an operator or the supervisor decides."""
    access.check(by, "request_return", ticket)
    reason = _require_text(reason, "reason", _("请填写退单理由。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="request_return")
        _require_state(ticket, Status.DISPATCHED, Status.IN_PROGRESS)
        now = clock.now()
        lead = _lead(ticket)
        if now > lead.return_by:
            raise InvalidState(
                _("已超过退单时限（%(deadline)s），不能再申请退单。") % {"deadline": _when(lead.return_by)}
            )
        if ticket.return_requests.filter(status=RequestStatus.PENDING).exists():
            raise InvalidState(_("该工单已有待审批的退单申请。"))
        if suggested_unit is not None and suggested_unit.pk == lead.unit_id:
            message = _("建议承办单位不能是本单位。")
            raise InvalidInput(message, field_errors={"suggested_unit": [message]})
        request = ReturnRequest(
            ticket=ticket, assignment=lead, reason=reason, suggested_unit=suggested_unit, requested_by=by,
            requested_at=now,
        )
        _save(request, by)
        change = _Change(ticket, by)
        note = reason + (_("；建议：%(unit)s") % {"unit": suggested_unit} if suggested_unit else "")
        change.event(Action.RETURN_REQUEST, note)
        change.publish("return_requested")
    return request


def decide_return(*, ticket, by, approve, note=""):
    """Approve (back to the operators' queue as `returned`) or deny a pending return."""
    access.check(by, "decide_return", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="decide_return")
        request = ticket.return_requests.select_for_update().filter(status=RequestStatus.PENDING).first()
        if request is None:
            raise InvalidState(_("该工单没有待审批的退单申请。"))
        if return_disputed(request) and not access.is_supervisor(by):  # issue 4: disputed returns
            raise NotAllowed(_("该退单申请有争议，须由督办裁决，话务员不能审批。"))
        if approve and (ticket.status not in (Status.DISPATCHED, Status.IN_PROGRESS) or not request.assignment.is_current):
            # the unit replied (or the round ended) after asking: the request can only be denied now
            raise InvalidState(_("该退单申请已不适用于工单当前状态，只能驳回。"))
        if not approve:
            note = _require_text(note, "note", _("驳回退单请说明理由。"))
        note = confidentiality.for_units(ticket, note)  # the unit reads the decision
        now = clock.now()
        request.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
        request.decided_by, request.decided_at, request.decision_note = by, now, note
        _save(request, by)
        change = _Change(ticket, by)
        if approve:
            # computed now, while the returning unit still holds the ticket, so it hears too
            events.emit_after_commit(event="returned", ticket=ticket)
            _deny_pending(ticket, by, now, _("工单已退回"))
            request.assignment.returned_at = now
            _save(request.assignment, by, "returned_at")
            _end_current_assignments(ticket, by, now)
            ticket.status, ticket.lead_unit, ticket.sign_by, ticket.reply_by = Status.RETURNED, None, None, None
            change.save_ticket("status", "lead_unit", "sign_by", "reply_by")
            change.event(Action.RETURN_APPROVE, note)
        else:
            change.event(Action.RETURN_DENY, note)
        change.publish("return_decided")
    return request


def request_extension(*, ticket, by, reason, new_reply_by):
    """延期申请: before the reply deadline, at most HOTLINE['MAX_EXTENSIONS'] per ticket."""
    access.check(by, "request_extension", ticket)
    reason = _require_text(reason, "reason", _("请填写延期理由。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="request_extension")
        _require_state(ticket, Status.IN_PROGRESS)
        now = clock.now()
        lead = _lead(ticket)
        if now > lead.reply_by:
            raise InvalidState(_("已超过办结期限，不能再申请延期。"))
        if ticket.extension_count >= settings.HOTLINE["MAX_EXTENSIONS"]:
            raise InvalidState(
                _("每件工单最多延期%(n)s次。") % {"n": settings.HOTLINE["MAX_EXTENSIONS"]}
            )
        if ticket.extension_requests.filter(status=RequestStatus.PENDING).exists():
            raise InvalidState(_("该工单已有待审批的延期申请。"))
        if new_reply_by is None or new_reply_by <= lead.reply_by:
            message = _("延期后的期限必须晚于当前办结期限（%(deadline)s）。") % {"deadline": _when(lead.reply_by)}
            raise InvalidInput(message, field_errors={"new_reply_by": [message]})
        request = ExtensionRequest(
            ticket=ticket, assignment=lead, reason=reason, requested_reply_by=new_reply_by, requested_by=by,
            requested_at=now,
        )
        _save(request, by)
        change = _Change(ticket, by)
        change.event(Action.EXTENSION_REQUEST, _("申请延至%(when)s：%(reason)s") % {"when": _when(new_reply_by), "reason": reason})
        change.publish("extension_requested")
    return request


def decide_extension(*, ticket, by, approve, note=""):
    """The supervisor approves (new reply-by; resident told) or denies a pending extension."""
    access.check(by, "decide_extension", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="decide_extension")
        request = ticket.extension_requests.select_for_update().filter(status=RequestStatus.PENDING).first()
        if request is None:
            raise InvalidState(_("该工单没有待审批的延期申请。"))
        if approve and (ticket.status != Status.IN_PROGRESS or not request.assignment.is_current):
            # the unit replied (or the round ended) after asking: the request can only be denied now
            raise InvalidState(_("该延期申请已不适用于工单当前状态，只能驳回。"))
        if not approve:
            note = _require_text(note, "note", _("驳回延期请说明理由。"))
        note = confidentiality.for_units(ticket, note)  # the unit reads the decision
        now = clock.now()
        request.status = RequestStatus.APPROVED if approve else RequestStatus.DENIED
        request.decided_by, request.decided_at, request.decision_note = by, now, note
        _save(request, by)
        change = _Change(ticket, by)
        if approve:
            lead = request.assignment
            lead.reply_by = request.requested_reply_by
            lead.reply_remind_at = reply_remind_for(
                start=now, reply_by=lead.reply_by, kind=ticket.kind, priority=ticket.priority
            )
            # the new deadline gets its own reminder and, if missed, its own escalation
            lead.reply_reminded_at = lead.reply_escalated_at = None
            _save(lead, by, "reply_by", "reply_remind_at", "reply_reminded_at", "reply_escalated_at")
            ticket.reply_by = lead.reply_by
            ticket.extension_count += 1
            change.save_ticket("reply_by", "extension_count")
            change.event(
                Action.EXTENSION_APPROVE,
                _("办结期限延至%(when)s") % {"when": _when(lead.reply_by)},
                public=True,
            )
            change.sms_resident("extended", reply_by=_when(lead.reply_by), reason=request.reason[:20])
        else:
            change.event(Action.EXTENSION_DENY, note)
        change.publish("extension_decided")
    return request


def reply(
    *, ticket, by, text, outcome, contact_method, contacted_at, outcome_reason="", call=None
):
    """答复 by the lead unit, after contacting the resident (through the hotline if confidential)."""
    access.check(by, "reply", ticket)
    text = _require_text(text, "text", _("请填写答复内容。"))
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择办理结果。"), field_errors={"outcome": [_("请选择办理结果。")]})
    if outcome == Outcome.NOT_RESOLVABLE:
        outcome_reason = _require_text(outcome_reason, "outcome_reason", _("无法解决时请说明原因（如不符合政策）。"))
    if contact_method not in ContactMethod.values:
        raise InvalidInput(_("请选择联系群众的方式。"), field_errors={"contact_method": [_("请选择联系群众的方式。")]})
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="reply")
        _require_state(ticket, Status.IN_PROGRESS)
        now = clock.now()
        lead = _lead(ticket)
        if ticket.hides_resident_from_units:
            if contact_method not in (ContactMethod.MASKED_CALL, ContactMethod.VIA_OPERATOR):
                message = _("保密工单只能通过热线联系群众（中转通话或请话务员联系）。")
                raise InvalidInput(message, field_errors={"contact_method": [message]})
        if contact_method == ContactMethod.MASKED_CALL:
            if call is None or call.ticket_id != ticket.pk or call.direction != Call.Direction.BRIDGED:
                message = _("请选择本工单的中转通话记录。")
                raise InvalidInput(message, field_errors={"call": [message]})
            if call.status != "answered":  # set by the voice webhooks only when the resident picked up
                message = _("该中转通话群众未接听，不能作为已联系群众的记录。")
                raise InvalidInput(message, field_errors={"call": [message]})
            contacted_at = call.started_at  # recorded from the call, not typed in
        # people type the time to the minute: the minute of the dispatch itself counts as after it
        dispatched_minute = lead.dispatched_at.replace(second=0, microsecond=0)
        if contacted_at is None or contacted_at > now or contacted_at < dispatched_minute:
            message = _("请填写派单后、答复前联系群众的时间。")
            raise InvalidInput(message, field_errors={"contacted_at": [message]})
        answer = Reply(
            ticket=ticket, assignment=lead, text=text, outcome=outcome, outcome_reason=outcome_reason,
            contact_method=contact_method, contacted_at=contacted_at, call=call, replied_by=by, created_at=now,
        )
        _save(answer, by)
        lead.replied_at = now
        lead.reply_hours = WorkCalendar.load().working_hours_between(lead.dispatched_at, now)
        lead.replied_on_time = now <= lead.reply_by
        lead.outcome = outcome
        _save(lead, by, "replied_at", "reply_hours", "replied_on_time", "outcome")
        ticket.status, ticket.replied_at = Status.REPLIED, now
        change = _Change(ticket, by)
        change.save_ticket("status", "replied_at")
        change.event(Action.REPLY, f"{answer.get_outcome_display()}：{text}")
        change.publish("replied")
    return answer


def review(*, ticket, by, accept, note=""):
    """审核 the unit's reply: accept (summary and survey SMS to the resident) or send it back."""
    access.check(by, "review", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="review")
        _require_state(ticket, Status.REPLIED)
        answer = ticket.replies.select_for_update().filter(review_status=ReviewStatus.PENDING).first()
        if answer is None:
            raise InvalidState(_("该工单的答复已审核。"))
        if not accept:
            note = _require_text(note, "note", _("退回答复请说明需要补充或改正的内容。"))
        note = confidentiality.for_units(ticket, note)  # shown to the unit, and sent to its liaisons by SMS
        now = clock.now()
        answer.review_status = ReviewStatus.ACCEPTED if accept else ReviewStatus.SENT_BACK
        answer.reviewed_by, answer.reviewed_at, answer.review_note = by, now, note
        _save(answer, by)
        change = _Change(ticket, by)
        if accept:
            ticket.reply_accepted_at = now
            ticket.survey_sent_at = now if ticket.resident_id else None
            change.save_ticket("reply_accepted_at", "survey_sent_at")
            change.event(Action.REVIEW_ACCEPT, note)
            change.event(Action.REPLY, answer.text, public=True, unit=answer.assignment.unit)
            change.sms_resident("replied", summary=answer.text[:40])
            change.sms_resident("survey")
        else:
            lead = answer.assignment
            lead.replied_at = lead.reply_hours = lead.replied_on_time = None
            lead.outcome = ""
            _save(lead, by, "replied_at", "reply_hours", "replied_on_time", "outcome")
            ticket.status, ticket.replied_at = Status.IN_PROGRESS, None
            change.save_ticket("status", "replied_at")
            change.event(Action.REVIEW_SEND_BACK, note)
            change.sms_users(_liaisons(lead.unit), "unit_sent_back", note=note[:30])
        change.publish("reviewed")
    return answer


def record_satisfaction(*, ticket, by, satisfaction, reason="", via="phone"):
    """回访: 满意 / 基本满意 / 不满意 (with the reason). The ticket closes as rated.

    After 不满意 the operator reopens the ticket, or records why not (a note).
    """
    access.check(by, "record_satisfaction", ticket)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("满意度无效。"), field_errors={"satisfaction": [_("满意度无效。")]})
    if via not in ("sms", "phone"):
        raise InvalidInput(_("回访方式无效。"), field_errors={"via": [_("回访方式无效。")]})
    if satisfaction == Satisfaction.UNSATISFIED:
        reason = _require_text(reason, "reason", _("不满意请说明原因。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="record_satisfaction")
        awaiting_reply_rating = ticket.status == Status.REPLIED and ticket.reply_accepted_at is not None
        awaiting_answer_rating = (
            ticket.status == Status.CLOSED and ticket.close_reason == CloseReason.ANSWERED and not ticket.satisfaction
        )
        if not (awaiting_reply_rating or awaiting_answer_rating):
            raise InvalidState(_("工单%(number)s当前没有待评价的答复。") % {"number": ticket.number})
        now = clock.now()
        reason = confidentiality.for_units(ticket, reason)  # shown to the unit on the ticket page
        ticket.satisfaction, ticket.satisfaction_reason, ticket.satisfaction_at = satisfaction, reason, now
        fields = ["satisfaction", "satisfaction_reason", "satisfaction_at"]
        if awaiting_reply_rating:
            ticket.status, ticket.close_reason, ticket.closed_at = Status.CLOSED, CloseReason.RATED, now
            fields += ["status", "close_reason", "closed_at"]
            lead = _lead(ticket)  # the round rated: its unit's figures keep the rating after a reopen
            lead.satisfaction, lead.rated_at = satisfaction, now
            _save(lead, by, "satisfaction", "rated_at")
        change = _Change(ticket, by)
        change.save_ticket(*fields)
        label = Satisfaction(satisfaction).label
        via_label = _("短信") if via == "sms" else _("电话")
        change.event(Action.SATISFACTION, f"{label}（{via_label}）" + (f"：{reason}" if reason else ""), public=True)
        if awaiting_reply_rating:
            change.event(Action.CLOSE, _("已回访"), public=True)
        change.publish("rated")
    return ticket


def reopen(*, ticket, by, reason, lead_unit=None, co_units=None):
    """重办: back to a unit (the same lead unless changed); the reopen count goes up."""
    access.check(by, "reopen", ticket)
    reason = _require_text(reason, "reason", _("请说明重办原因。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="reopen")
        _require_state(ticket, Status.CLOSED, Status.REPLIED)
        if ticket.close_reason in (CloseReason.INVALID, CloseReason.DUPLICATE, CloseReason.EMERGENCY, CloseReason.IMPORTED):
            raise InvalidState(
                _("“%(reason)s”的工单不能重办。") % {"reason": ticket.get_close_reason_display()}
            )
        now = clock.now()
        previous = ticket.assignments.filter(role=Assignment.Role.LEAD).order_by("-round").first()
        lead_unit = lead_unit or (previous.unit if previous else None)
        if co_units is None:
            co_units = [a.unit for a in ticket.assignments.filter(is_current=True, role=Assignment.Role.CO)]
        change = _Change(ticket, by)
        _deny_pending(ticket, by, now, _("工单已重办"))  # requests of the ended round must not block the new one
        _create_round(ticket, by, lead_unit=lead_unit, co_units=co_units, now=now, change=change)
        ticket.reopen_count += 1
        ticket.supervised, ticket.supervised_at = False, None  # a new round with new deadlines
        ticket.close_reason, ticket.closed_at = "", None
        ticket.satisfaction, ticket.satisfaction_reason, ticket.satisfaction_at = "", "", None
        change.save_ticket(
            "lead_unit", "sign_by", "reply_by", "dispatched_at", "signed_at", "replied_at", "reply_accepted_at",
            "survey_sent_at", "status", "reopen_count", "close_reason", "closed_at", "satisfaction",
            "satisfaction_reason", "satisfaction_at", "supervised", "supervised_at",
        )
        change.event(Action.REOPEN, _("重办（主办：%(unit)s）：%(reason)s") % {"unit": lead_unit, "reason": reason}, public=True)
        change.sms_resident("reopened", unit=lead_unit.name)
        change.sms_users(_liaisons(lead_unit), "unit_reopened", reply_by=_when(ticket.reply_by))
        change.publish("reopened")
    return ticket


def close(*, ticket, by, note=""):
    """办结 a replied (accepted) ticket whose survey got no answer: recorded as not rated."""
    access.check(by, "close", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="close")
        _require_state(ticket, Status.REPLIED)
        if ticket.reply_accepted_at is None:
            raise InvalidState(_("答复尚未审核通过，不能办结。"))
        now = clock.now()
        wait = settings.HOTLINE["SURVEY_CLOSE_WORKING_DAYS"]
        due = WorkCalendar.load().working_days_after(survey_started(ticket), wait)
        if now < due:
            raise InvalidState(
                _("回访满%(n)s个工作日（%(when)s）仍未评价才能按未评价办结；请先回访群众。")
                % {"n": wait, "when": _when(due)}
            )
        ticket.status, ticket.closed_at, ticket.close_reason = Status.CLOSED, now, CloseReason.UNRATED
        change = _Change(ticket, by)
        change.save_ticket("status", "closed_at", "close_reason")
        change.event(Action.CLOSE, note or _("回访未评价，按未评价办结"), public=True)
        change.publish("closed")
    return ticket


def survey_started(ticket):
    """When the wait for a rating began: the survey SMS, or the accepted reply if there was no SMS."""
    return ticket.survey_sent_at or ticket.reply_accepted_at


def supervise(*, ticket, by, note=""):
    """督办: mark the ticket supervised and notify the lead unit's head and the supervisors."""
    access.check(by, "supervise", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="supervise")
        _require_state(ticket, *OPEN_STATUSES)
        now = clock.now()
        if not ticket.supervised:
            ticket.supervised, ticket.supervised_at = True, now
        change = _Change(ticket, by)
        change.save_ticket("supervised", "supervised_at")
        change.event(Action.SUPERVISE, note)
        unit = ticket.lead_unit
        recipients = list(access.hotline_users(role_names=[roles.SUPERVISOR]))
        if unit is not None:
            recipients += list(access.unit_users(unit, role_names=[roles.UNIT_HEAD]))
        change.sms_users(recipients, "supervised", unit=unit.name if unit else "-")
        change.publish("supervised")
    return ticket


def remind(*, assignment, by, which):
    """到期提醒 to the lead unit's liaisons before the sign or reply deadline (no state change)."""
    access.check(by, "remind", assignment.ticket)
    with transaction.atomic():
        ticket = _locked(assignment.ticket)
        change = _Change(ticket, by)
        if which == "sign":
            change.event(Action.REMIND, _("签收期限%(when)s") % {"when": _when(assignment.sign_by)}, unit=assignment.unit)
            change.sms_users(_liaisons(assignment.unit), "unit_sign_reminder", sign_by=_when(assignment.sign_by))
        else:
            change.event(Action.REMIND, _("办结期限%(when)s") % {"when": _when(assignment.reply_by)}, unit=assignment.unit)
            change.sms_users(_liaisons(assignment.unit), "unit_reply_reminder", reply_by=_when(assignment.reply_by))
        change.publish("reminded")
    return ticket


def merge(*, ticket, by, into, note=""):
    """合并重复件: close `ticket` as a duplicate of `into`; the resident is told the surviving number."""
    access.check(by, "merge", ticket)
    if into is None or into.pk == ticket.pk:
        message = _("请选择另一件工单作为合并目标。")
        raise InvalidInput(message, field_errors={"into": [message]})
    with transaction.atomic():
        # lock both in id order so two opposite merges cannot deadlock
        locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[ticket.pk, into.pk]).order_by("pk")}
        ticket, into = locked[ticket.pk], locked[into.pk]
        _require_state(ticket, *OPEN_STATUSES)
        if into.status not in OPEN_STATUSES:
            # a closed matter is reopened, not merged into; the resident would follow a finished ticket
            message = _("目标工单%(number)s已办结，不能作为合并目标。") % {"number": into.number}
            raise InvalidInput(message, field_errors={"into": [message]})
        now = clock.now()
        _deny_pending(ticket, by, now, _("工单已合并"))
        _end_current_assignments(ticket, by, now)
        ticket.status, ticket.close_reason, ticket.closed_at, ticket.merged_into = (
            Status.CLOSED, CloseReason.DUPLICATE, now, into,
        )
        change = _Change(ticket, by)
        change.save_ticket("status", "close_reason", "closed_at", "merged_into")
        change.event(Action.MERGE, _("并入工单%(number)s") % {"number": into.number} + (f"：{note}" if note else ""), public=True)
        _Change(into, by).event(Action.MERGE, _("合并了重复件%(number)s") % {"number": ticket.number})
        change.sms_resident("merged", into=into.number)
        change.publish("merged")
    return ticket


def append_message(*, ticket, by, text):
    """补充诉求: a resident's further SMS on their open ticket, on the timeline (not public: their own words)."""
    access.check(by, "note", ticket)
    text = _require_text(text, "text", _("请填写补充内容。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="note")
        _require_state(ticket, Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURNED)
        change = _Change(ticket, by)
        event = change.event(Action.APPEND, text)
        change.publish("appended")
    return event


def urge(*, ticket, by, note=""):
    """催办: the resident called or wrote again about this open ticket; counted per ticket and on the
    lead unit holding it (its KPIs, hotline.kpis)."""
    access.check(by, "urge", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="urge")
        _require_state(ticket, *OPEN_STATUSES)
        # a plain increment, not F(): the ticket lock serialises every urge of this ticket (and its
        # lead's count is written only here), and a history row cannot store an F() expression
        ticket.urge_count += 1
        change = _Change(ticket, by)
        change.save_ticket("urge_count")
        lead = ticket.assignments.select_for_update().filter(is_current=True, role=Assignment.Role.LEAD).first()
        if lead is not None:
            lead.urge_count += 1
            _save(lead, by, "urge_count")
        change.event(Action.URGE, note, unit=lead.unit if lead is not None else None)
        change.publish("urged")
    return ticket


def name_reported_unit(*, ticket, by, unit):
    """Record which unit a report (举报) is about, after receipt; it is then never sent to or shown to it.

    Only while no unit holds the ticket (new, or returned): a report already with the
    unit it names must be returned first.
    """
    access.check(by, "name_reported_unit", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="name_reported_unit")
        if ticket.kind != Kind.REPORT:
            message = _("只有举报件可以指定被举报单位。")
            raise InvalidInput(message, field_errors={"reported_unit": [message]})
        _require_state(
            ticket, Status.NEW, Status.RETURNED,
            message=_("工单%(number)s已在承办单位手中，请先退回再指定被举报单位。") % {"number": ticket.number},
        )
        ticket.reported_unit = unit
        change = _Change(ticket, by)
        change.save_ticket("reported_unit")
        change.event(Action.NOTE, _("被举报单位：%(unit)s") % {"unit": unit} if unit else _("清除被举报单位"))
        change.publish("noted")
    return ticket


def add_note(*, ticket, by, note, public=False):
    """A note on the timeline (co-units' remarks, an operator's 'why not reopened')."""
    access.check(by, "note", ticket)
    note = _require_text(note, "note", _("请填写备注内容。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="note")
        change = _Change(ticket, by)
        event = change.event(Action.NOTE, note, public=public and access.is_hotline_staff(by))
        change.publish("noted")
    return event


# --- disputed returns (issue 4): an operator refers a return to the supervisor ------


def return_disputed(request):
    """Is this return request disputed, i.e. the supervisor's to decide?

    Disputed when an operator referred it to the supervisor (`escalate_return`), or
    when the ticket was already returned before: an approved return in an earlier
    round (units passing it on). Kept on the instance (one query at most).
    """
    if "_disputed" not in request.__dict__:
        request._disputed = request.escalated_at is not None or returned_before(request)
    return request._disputed


def returned_before(request):
    """Was the ticket already returned (an approved return) in a round before this request's?"""
    return ReturnRequest.objects.filter(
        ticket_id=request.ticket_id, status=RequestStatus.APPROVED,
        assignment__round__lt=Assignment.objects.filter(pk=request.assignment_id).values("round")[:1],
    ).exists()


def escalate_return(*, ticket, by, note):
    """提交督办裁决: an operator who cannot settle a unit's return request refers it to the supervisor.

    The request stays pending; from now on only a supervisor may decide it (decide_return).
    """
    access.check(by, "escalate_return", ticket)
    note = _require_text(note, "note", _("请说明提交督办裁决的原因。"))
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="escalate_return")
        request = ticket.return_requests.select_for_update().filter(status=RequestStatus.PENDING).first()
        if request is None:
            raise InvalidState(_("该工单没有待审批的退单申请。"))
        if request.escalated_at is not None:
            raise InvalidState(_("该退单申请已提交督办裁决。"))
        if returned_before(request):
            raise InvalidState(_("该工单此前已被退回过，本次退单申请已由督办裁决。"))
        note = confidentiality.for_units(ticket, note)  # shown to the unit with its request
        request.escalated_by, request.escalated_at, request.escalation_note = by, clock.now(), note
        _save(request, by, "escalated_by", "escalated_at", "escalation_note")
        change = _Change(ticket, by)
        change.event(Action.RETURN_ESCALATE, note)
        change.publish("return_escalated")
    return request


# --- Open311 (issue 5): an operator shows a ticket publicly, in their own words ------------

PUBLIC_SUMMARY_MAX = 4000  # GeoReport v2 limits a request's description to 4,000 characters


def _personal_data_in(ticket, summary):
    """Does the summary carry the resident's name or phone, or any mobile number? (A guard, not a proof.)"""
    digits = re.sub(r"[\s\-()（）]", "", summary)
    if re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", digits):
        return True
    resident = ticket.resident
    if resident is None:
        return False
    phone = resident.phone or ""  # None once erased (hotline.privacy)
    national = phone[3:] if phone.startswith("+86") else phone.lstrip("+")
    if len(national) >= 7 and national in digits:
        return True
    return len(resident.name.strip()) >= 2 and resident.name.strip() in summary


def publish(*, ticket, by, summary):
    """公开: list the ticket on Open311 with `summary`, written by the operator for the public.

    Open311 shows only this summary, never the resident's words; confidential tickets and
    reports (举报) are never made public. Publishing again replaces the summary.
    """
    access.check(by, "publish", ticket)
    summary = _require_text(summary, "summary", _("请填写公开摘要。"))
    if len(summary) > PUBLIC_SUMMARY_MAX:
        message = _("公开摘要不能超过%(count)d个字。") % {"count": PUBLIC_SUMMARY_MAX}
        raise InvalidInput(message, field_errors={"summary": [message]})
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="publish")
        if ticket.hides_resident_from_units:
            raise InvalidState(_("保密工单和举报件不能公开。"))
        if _personal_data_in(ticket, summary):
            message = _("公开摘要不能包含群众的姓名或电话号码。")
            raise InvalidInput(message, field_errors={"summary": [message]})
        ticket.public, ticket.public_summary = True, summary
        change = _Change(ticket, by)
        change.save_ticket("public", "public_summary")
        change.event(Action.PUBLISH, summary)
        change.publish("published")
    return ticket


def unpublish(*, ticket, by):
    """取消公开: the ticket leaves Open311 at once (its summary is kept for a later publish)."""
    access.check(by, "publish", ticket)
    with transaction.atomic():
        ticket = _locked(ticket, by=by, action="publish")
        if not ticket.public:
            raise InvalidState(_("工单%(number)s未公开。") % {"number": ticket.number})
        ticket.public = False
        change = _Change(ticket, by)
        change.save_ticket("public")
        change.event(Action.UNPUBLISH)
        change.publish("unpublished")
    return ticket


__all__ = [
    "add_note", "answer_directly", "append_message", "close", "decide_extension", "decide_return", "dispatch",
    "hand_over", "mark_invalid", "merge", "name_reported_unit", "receive", "record_satisfaction", "refer_emergency", "remind", "reopen",
    "reply", "request_extension", "request_return", "review", "sign", "supervise", "system_user",
    "escalate_return", "return_disputed", "returned_before",
    "publish", "unpublish",
]


# --- past records (issue 8): a work order from an old spreadsheet, taken in closed as it was -------


def import_closed_ticket(
    *, by, key, created_at, title, description="", unit, kind, category=None, village=None, outcome=""
):
    """历史导入: a past work order, created closed as handled by `unit` (hotline.routing.importer).

    The ticket (channel import, closed as imported: it counts in no KPI and cannot be reopened) gets
    its lead assignment (round 1, ended, not current; dispatched, signed and replied at `created_at`,
    with the row's `outcome`), which teaches the unit classifier, and one timeline event. `key` is
    stored as `Ticket.import_key`: a row imported before is not taken again, also when two imports
    run at once (the unique constraint decides). Returns `(ticket, created)`: the existing ticket and
    False for a key already there. Nothing is sent and no live event goes out: those moments are past.
    Units that have since been deactivated are accepted (history).
    """
    from django.db import IntegrityError

    access.check(by, "import_tickets")
    title = _require_text(title, "title", _("请填写标题。"))
    limit = Ticket._meta.get_field("title").max_length
    if len(title) > limit:
        message = _("标题不能超过%(count)d个字。") % {"count": limit}
        raise InvalidInput(message, field_errors={"title": [message]})
    key = (key or "").strip()
    if not key or len(key) > Ticket._meta.get_field("import_key").max_length:
        raise InvalidInput(_("导入键无效。"), field_errors={"key": [_("导入键无效。")]})
    if kind not in Kind.values:
        raise InvalidInput(_("诉求类型无效。"), field_errors={"kind": [_("诉求类型无效。")]})
    if outcome and outcome not in Outcome.values:
        raise InvalidInput(_("办理结果无效。"), field_errors={"outcome": [_("办理结果无效。")]})
    if unit is None:
        raise InvalidInput(_("请选择主办单位。"), field_errors={"unit": [_("请选择主办单位。")]})
    if created_at is None or timezone.is_naive(created_at) or created_at > clock.now():
        message = _("受理时间不能晚于当前时间。")
        raise InvalidInput(message, field_errors={"created_at": [message]})
    with transaction.atomic():
        ticket = Ticket(
            kind=kind, channel=Ticket.Channel.IMPORT, title=title, description=description or "",
            village=village, category=category, confidential=kind == Kind.REPORT,
            status=Status.CLOSED, close_reason=CloseReason.IMPORTED, lead_unit=unit,
            sign_by=created_at, reply_by=created_at, dispatched_at=created_at, signed_at=created_at,
            replied_at=created_at, closed_at=created_at, created_by=by, created_at=created_at, import_key=key,
        )
        try:
            with transaction.atomic():
                _save(ticket, by)
        except IntegrityError:
            existing = Ticket.objects.filter(import_key=key).first()
            if existing is None:
                raise
            return existing, False
        assignment = Assignment(
            ticket=ticket, unit=unit, role=Assignment.Role.LEAD, round=1, is_current=False,
            dispatched_at=created_at, sign_by=created_at, reply_by=created_at, original_reply_by=created_at,
            return_by=created_at, sign_remind_at=created_at, reply_remind_at=created_at,
            signed_at=created_at, replied_at=created_at, ended_at=created_at, outcome=outcome,
        )
        _save(assignment, by)
        note = _("历史工单：%(when)s受理，主办单位%(unit)s") % {
            "when": date_format(timezone.localtime(created_at), "Y-m-d H:i"), "unit": unit,
        }
        if outcome:
            note += _("，办理结果：%(outcome)s") % {"outcome": Outcome(outcome).label}
        _Change(ticket, by).event(Action.IMPORT, note)
    return ticket, True


__all__ += ["import_closed_ticket"]
