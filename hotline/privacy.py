"""Residents' personal data: export and erasure on request, the retention period, the privacy notice.

- `export_resident(*, resident, by)`: everything held about a resident, as a dict ready for JSON
  (a supervisor answers the resident's request; the export is recorded).
- `erase_resident(*, resident, by, reason)`: anonymise the resident. Their name and phone go; their
  SMS and calls lose number and words; the tickets stay (counts, units, deadlines, outcomes: every
  KPI is unchanged) with the phone number and name scrubbed from their texts; django-simple-history's
  rows of those records are scrubbed the same way; SMS-code confirmations of the phone are deleted.
  The erasure itself is recorded (`ErasureRecord`: who, when, why, how many rows; never the data).
- `anonymise_expired(...)`: the nightly retention job (HOTLINE_RETENTION_YEARS): the personal data
  of tickets closed more than N years ago goes the same way.
- `notice_for(resident)`: the privacy notice's link for a resident's first acknowledgement.

Backups are not rewritten: erased data stays in older backups until they age out
(HOTLINE_BACKUP_KEEP_DAYS, hotline.backups, docs/backup.md). See docs/privacy.md.
"""

import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import access, clock, confidentiality
from hotline.errors import InvalidInput
from hotline.models import (
    Call,
    ErasureRecord,
    Message,
    PhoneConfirmation,
    PledgeVote,
    PromotionRequest,
    Reply,
    Resident,
    ResidentExport,
    Ticket,
    TicketEvent,
)
from hotline.models.choices import Status

ERASED_NAME = "已删除"  # the resident's name after erasure (stored data, not a message: not translated)
ERASED_TEXT = "［已删除］"  # an SMS body, transcript … after erasure
SCRUBBED = "***"  # in place of the phone number or name inside a ticket's text

# the texts of a ticket and of what hangs off it, where a resident's number or name may appear
TICKET_TEXTS = ("title", "description", "place", "answer", "satisfaction_reason", "public_summary")
REPLY_TEXTS = ("text",)
EVENT_TEXTS = ("note",)
PROMOTION_TEXTS = ("text", "description")


# --- the privacy notice ---------------------------------------------------------------------


def notice_link():
    """The public privacy notice as an absolute URL, or None without a public address (an SMS
    cannot carry a relative link)."""
    from hotline.messaging.twilio_client import public_url_for

    return public_url_for(reverse("public_privacy"))


def notice_for(resident):
    """'隐私说明：<link>' for a resident who was never sent it, else ''."""
    if resident is None or resident.pk is None or resident.erased_at:
        return ""
    # privacy_notice_at is only ever set (never cleared): a row that says so needs no query (most SMS replies)
    if resident.privacy_notice_at:
        return ""
    if not Resident.objects.filter(pk=resident.pk, privacy_notice_at__isnull=True).exists():
        return ""
    link = notice_link()
    if not link:
        return ""
    from hotline.messaging.templates import render

    return render("privacy_notice", {"link": link})


# --- scrubbing ----------------------------------------------------------------------------------


class Scrubber(confidentiality.Scrubber):
    """The confidentiality scrubber (one resident's number and name inside texts), applied to rows."""

    def __init__(self, *, phone, name):
        super().__init__(phone=phone, name="" if (name or "").strip() == ERASED_NAME else name, replacement=SCRUBBED)

    def rows(self, queryset, fields, **also):
        """Scrub `fields` of every row (and set `also`); returns how many rows changed. History rows too."""
        if self.pattern is None and not self.name and not also:
            return 0
        model, pk_name = queryset.model, queryset.model._meta.pk.name
        changed = 0
        for row in queryset.values(pk_name, *fields, *also):
            update = {f: self(row[f]) for f in fields if row[f] and self(row[f]) != row[f]}
            update.update({k: v for k, v in also.items() if row[k] != v})
            if update:
                model.objects.filter(**{pk_name: row[pk_name]}).update(**update)
                changed += 1
        return changed


def _history(model):
    return model.history.model


def _scrub_tickets(ticket_ids, scrub, *, unlink=False):
    """The tickets' texts (and their replies', timeline's and history rows'); `unlink` also drops the resident."""
    ticket_ids = list(ticket_ids)
    if not ticket_ids:
        return {"tickets": 0, "ticket_history": 0, "replies": 0, "events": 0}
    also = {"resident": None} if unlink else {}
    counts = {"tickets": scrub.rows(Ticket.objects.filter(pk__in=ticket_ids), TICKET_TEXTS)}
    if unlink:
        Ticket.objects.filter(pk__in=ticket_ids).update(resident=None)
    return {
        **counts,
        "ticket_history": scrub.rows(_history(Ticket).objects.filter(id__in=ticket_ids), TICKET_TEXTS, **also),
        "replies": scrub.rows(Reply.objects.filter(ticket_id__in=ticket_ids), REPLY_TEXTS)
        + scrub.rows(_history(Reply).objects.filter(ticket_id__in=ticket_ids), REPLY_TEXTS),
        "events": scrub.rows(TicketEvent.objects.filter(ticket_id__in=ticket_ids), EVENT_TEXTS),
    }


def _wipe_messages(queryset):
    return queryset.exclude(phone="", body=ERASED_TEXT).update(
        phone="", body=ERASED_TEXT, params={}, media=[], error=""
    )


def _wipe_calls(queryset):
    return queryset.exclude(phone="", transcript="", recording_url="").update(
        phone="", transcript="", recording_url=""
    )


# --- export --------------------------------------------------------------------------------------


def _when(value):
    return timezone.localtime(value).isoformat() if value else None


def export_resident(*, resident, by):
    """Everything held about `resident`, as a dict ready for JSON; the export is recorded.

    Their record; their tickets (texts, status, units, replies, the timeline's public lines);
    every SMS to or from their phone; their calls; promotion requests; pledge votes; SMS-code
    confirmations; and any earlier erasure. Internal staff notes are not part of it.
    """
    access.check(by, "export_resident")
    phone = resident.phone
    tickets = (
        Ticket.objects.filter(resident=resident)
        .select_related("lead_unit", "category", "village", "pledge")
        .prefetch_related("replies", "events")
        .order_by("created_at")
    )
    messages = Message.objects.filter(Q(resident=resident) | Q(phone=phone) if phone else Q(resident=resident))
    messages = messages.filter(recipient_user__isnull=True).order_by("created_at")
    calls = Call.objects.filter(Q(resident=resident) | Q(phone=phone) if phone else Q(resident=resident))
    data = {
        "exported_at": _when(clock.now()),
        "resident": {
            "id": resident.pk,
            "name": resident.name,
            "phone": phone,
            "village": resident.village.name if resident.village_id else None,
            "sms_opt_out": resident.sms_opt_out,
            "created_at": _when(resident.created_at),
            "erased_at": _when(resident.erased_at),
        },
        "tickets": [
            {
                "number": t.number,
                "kind": t.get_kind_display(),
                "channel": t.get_channel_display(),
                "category": str(t.category) if t.category_id else None,
                "title": t.title,
                "description": t.description,
                "place": t.place,
                "village": t.village.name if t.village_id else None,
                "confidential": t.confidential,
                "status": t.get_status_display(),
                "close_reason": t.get_close_reason_display() if t.close_reason else "",
                "lead_unit": t.lead_unit.name if t.lead_unit_id else None,
                "pledge": t.pledge.number if t.pledge_id else None,
                "created_at": _when(t.created_at),
                "reply_by": _when(t.reply_by),
                "closed_at": _when(t.closed_at),
                "answer": t.answer,
                "satisfaction": t.get_satisfaction_display() if t.satisfaction else "",
                "satisfaction_reason": t.satisfaction_reason,
                "replies": [
                    {"text": r.text, "outcome": r.get_outcome_display(), "created_at": _when(r.created_at)}
                    for r in t.replies.all()
                ],
                "timeline": [
                    {"action": e.get_action_display(), "note": e.note, "at": _when(e.created_at)}
                    for e in t.events.all()
                    if e.public
                ],
            }
            for t in tickets
        ],
        "messages": [
            {
                "direction": m.get_direction_display(), "at": _when(m.created_at), "body": m.body,
                "status": m.get_status_display(), "ticket": m.ticket.number if m.ticket_id else None,
            }
            for m in messages.select_related("ticket")
        ],
        "calls": [
            {
                "direction": c.get_direction_display(), "started_at": _when(c.started_at),
                "duration_seconds": c.duration_seconds, "status": c.status, "transcript": c.transcript,
                "has_recording": bool(c.recording_url), "ticket": c.ticket.number if c.ticket_id else None,
            }
            for c in calls.select_related("ticket").order_by("started_at")
        ],
        "promotion_requests": [
            {
                "id": p.pk, "product": p.product, "text": p.text, "description": p.description,
                "status": p.get_status_display(), "created_at": _when(p.created_at),
            }
            for p in PromotionRequest.objects.filter(resident=resident).order_by("created_at")
        ],
        "pledge_votes": [
            {"pledge": v.pledge.number, "verdict": v.get_verdict_display(), "at": _when(v.created_at)}
            for v in PledgeVote.objects.filter(resident=resident).select_related("pledge").order_by("created_at")
        ],
        "confirmations": [
            {"purpose": c.get_purpose_display(), "at": _when(c.created_at), "confirmed_at": _when(c.confirmed_at),
             "payload": c.payload}
            for c in (PhoneConfirmation.objects.filter(phone=phone).order_by("created_at") if phone else [])
        ],
        "erasures": [
            {"kind": e.get_kind_display(), "at": _when(e.at)} for e in resident.erasures.order_by("at")
        ],
    }
    ResidentExport.objects.create(resident=resident, by=by, at=clock.now())
    return data


# --- erasure -------------------------------------------------------------------------------------


def erase_resident(*, resident, by, reason, kind=ErasureRecord.Kind.REQUEST):
    """Anonymise `resident` (see the module's docstring); returns the ErasureRecord.

    A resident already erased is left alone and their earlier record returned: a second
    erasure (a double click, two supervisors at once) changes nothing.
    """
    access.check(by, "erase_resident")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写删除原因。"), field_errors={"reason": [_("请填写删除原因。")]})
    with transaction.atomic():
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        if locked.erased_at is not None:
            earlier = locked.erasures.order_by("-at").first()
            return earlier
        now = clock.now()
        phone, scrub = locked.phone, Scrubber(phone=locked.phone, name=locked.name)
        by_resident = Q(resident=locked) | Q(phone=phone) if phone else Q(resident=locked)
        ticket_ids = list(Ticket.objects.filter(resident=locked).values_list("pk", flat=True))
        counts = _scrub_tickets(ticket_ids, scrub)
        counts["messages"] = _wipe_messages(Message.objects.filter(by_resident, recipient_user__isnull=True))
        counts["calls"] = _wipe_calls(Call.objects.filter(by_resident))
        promotions = PromotionRequest.objects.filter(resident=locked)
        counts["promotion_requests"] = scrub.rows(promotions, PROMOTION_TEXTS) + scrub.rows(
            _history(PromotionRequest).objects.filter(resident_id=locked.pk), PROMOTION_TEXTS
        )
        counts["confirmations"] = PhoneConfirmation.objects.filter(phone=phone).delete()[0] if phone else 0
        Resident.objects.filter(pk=locked.pk).update(
            name=ERASED_NAME, phone=None, village=None, sms_opt_out=True, erased_at=now
        )
        counts["resident_history"] = _history(Resident).objects.filter(id=locked.pk).update(
            name=ERASED_NAME, phone=None, village=None
        )
        counts["tickets_kept"] = len(ticket_ids)
        return ErasureRecord.objects.create(resident=locked, kind=kind, by=by, at=now, reason=reason, counts=counts)


# --- retention -------------------------------------------------------------------------------------


def retention_years():
    return int(settings.HOTLINE.get("RETENTION_YEARS", 0) or 0)


def retention_cutoff(now=None):
    """Tickets closed before this moment are past the retention period (None: kept for ever)."""
    years = retention_years()
    if years <= 0:
        return None
    now = timezone.localtime(now or clock.now())
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _expired_tickets(cutoff):
    return Ticket.objects.filter(
        status=Status.CLOSED, closed_at__lt=cutoff, resident__isnull=False, resident__erased_at__isnull=True
    )


def has_expired_personal_data(now=None):
    """Work for the nightly retention job? (The scheduler's check.)"""
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return False
    return (
        _expired_tickets(cutoff).exists()
        or Message.objects.filter(created_at__lt=cutoff, ticket__isnull=True).exclude(phone="").exists()
    )


def anonymise_expired(*, now=None, limit=500):
    """The retention job: personal data of tickets closed more than HOTLINE_RETENTION_YEARS ago.

    A resident with nothing newer (no open ticket, none closed within the period, no recent
    SMS) is erased altogether; one who is still in touch keeps their record, and only the old
    tickets lose the link to them and the number and name in their texts (with their SMS and
    calls). SMS without a ticket (queries, opt-outs) older than the period are wiped too. Each
    resident is handled in a transaction of its own; what is done is not selected again, so
    two runs at once, or twice, do no harm. Returns counts.
    """
    cutoff = retention_cutoff(now)
    done = {"erased": 0, "unlinked": 0, "messages": 0}
    if cutoff is None:
        return done
    from hotline.workflow import system_user

    by = system_user()
    reason = _("保存期满（%(years)s年）自动匿名化") % {"years": retention_years()}
    resident_ids = list(_expired_tickets(cutoff).values_list("resident_id", flat=True).distinct()[:limit])
    for resident_id in resident_ids:
        with transaction.atomic():
            resident = Resident.objects.select_for_update().filter(pk=resident_id, erased_at__isnull=True).first()
            if resident is None:
                continue  # erased meanwhile (another run, a supervisor)
            newer = (
                Ticket.objects.filter(resident=resident).exclude(status=Status.CLOSED, closed_at__lt=cutoff).exists()
                or Message.objects.filter(resident=resident, created_at__gte=cutoff).exists()
                or PromotionRequest.objects.filter(resident=resident, created_at__gte=cutoff).exists()
            )
            if not newer:
                erase_resident(resident=resident, by=by, reason=reason, kind=ErasureRecord.Kind.RETENTION)
                done["erased"] += 1
                continue
            ticket_ids = list(_expired_tickets(cutoff).filter(resident=resident).values_list("pk", flat=True))
            if not ticket_ids:
                continue  # done meanwhile by another run
            scrub = Scrubber(phone=resident.phone, name=resident.name)
            counts = _scrub_tickets(ticket_ids, scrub, unlink=True)
            counts["messages"] = _wipe_messages(
                Message.objects.filter(ticket_id__in=ticket_ids, recipient_user__isnull=True)
            )
            counts["calls"] = _wipe_calls(Call.objects.filter(ticket_id__in=ticket_ids))
            counts["tickets_kept"] = len(ticket_ids)
            ErasureRecord.objects.create(
                resident=resident, kind=ErasureRecord.Kind.RETENTION, by=by, at=clock.now(), reason=reason,
                counts=counts,
            )
            done["unlinked"] += len(ticket_ids)
    done["messages"] = _wipe_messages(
        Message.objects.filter(created_at__lt=cutoff, ticket__isnull=True, recipient_user__isnull=True)
    )
    return done


def search_residents(text):
    """Residents by phone as typed (whole number, or its last digits), for the supervisor's privacy page."""
    from django.core.exceptions import ValidationError

    from hotline.phones import normalize_phone

    text = (text or "").strip()
    if not text:
        return Resident.objects.none()
    condition = Q()
    try:
        condition |= Q(phone=normalize_phone(text))
    except ValidationError:
        pass
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4:
        condition |= Q(phone__endswith=digits)
    if not condition:
        return Resident.objects.none()
    return Resident.objects.filter(condition).select_related("village").order_by("-created_at")


__all__ = [
    "anonymise_expired",
    "erase_resident",
    "export_resident",
    "has_expired_personal_data",
    "notice_for",
    "search_residents",
]

