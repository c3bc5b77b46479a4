"""Ticket queues and search: the named queues (new, review, overdue, …), the text/number/phone
search and the list filters, shared by the dashboards and the API."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from hotline import access, roles
from hotline.models import DuplicateFlag, ExtensionRequest, Message, Resident, ReturnRequest, Ticket, TicketEvent
from hotline.models.choices import OPEN_STATUSES, CloseReason, RequestStatus, Satisfaction, Status
from hotline.phones import normalize_phone
from hotline.supervision import pending_returns


def _pending(model):
    return Exists(model.objects.filter(ticket=OuterRef("pk"), status=RequestStatus.PENDING))


def _survey_not_delivered():
    """The survey SMS could not reach the resident (landline, opted out, failed): an operator must call."""
    return Exists(
        Message.objects.filter(
            ticket=OuterRef("pk"), template="survey",
            status__in=[
                Message.Status.CALLBACK, Message.Status.CALLED,  # told by phone: the rating is still to be asked
                Message.Status.SKIPPED, Message.Status.FAILED, Message.Status.UNDELIVERED,
            ],
        )
    )


def _still_to_rate(now):
    """Not rated yet (TicketQuerySet.awaiting_rating), and still worth a call: a reply's ticket until the
    sweep closes it unrated (hotline.sweep.close_unrated); a direct answer, already closed, as long as a
    rating would still count (SURVEY_ANSWER_DAYS). Without that bound every direct answer never rated
    stayed in 待电话回访 for ever: over three years, thousands of calls nobody would make, and a queue
    that read a hundred thousand tickets. Each branch whole, so each is one index range."""
    since = now - dt.timedelta(days=settings.HOTLINE["SURVEY_ANSWER_DAYS"])
    return Q(satisfaction="", status=Status.REPLIED, reply_accepted_at__isnull=False) | Q(
        satisfaction="", status=Status.CLOSED, close_reason=CloseReason.ANSWERED, closed_at__gte=since
    )


def _unsatisfied_undecided():
    """Rated 不满意 and closed, and no operator has reopened it or noted why not since (a unit's note does not count)."""
    noted = TicketEvent.objects.filter(
        ticket=OuterRef("pk"), action=TicketEvent.Action.NOTE, created_at__gte=OuterRef("satisfaction_at"),
        actor_unit__isnull=True, actor__groups__name__in=sorted(roles.HOTLINE_ROLES),
    )
    return Q(status=Status.CLOSED, satisfaction=Satisfaction.UNSATISFIED) & ~Exists(noted)


def has_duplicates():
    """疑似重复: the ticket has a flag not dismissed whose candidate is still open (issue 8,
    hotline.routing.duplicates). An Exists for a queue's query: no query per row. Hotline staff only."""
    return Exists(
        DuplicateFlag.objects.filter(ticket=OuterRef("pk"), dismissed_at__isnull=True, candidate__status__in=OPEN_STATUSES)
    )


def overdue_q(now):
    return Q(status=Status.DISPATCHED, sign_by__lt=now, signed_at__isnull=True) | Q(
        status__in=(Status.DISPATCHED, Status.IN_PROGRESS), reply_by__lt=now
    )


# name -> (label, queryset filter). Labels are in dashboards.views.console.QUEUE_LABELS.
def queue_filter(name, now):
    return {
        "new": lambda qs: qs.filter(status=Status.NEW),
        "returned": lambda qs: qs.filter(status=Status.RETURNED),
        "review": lambda qs: qs.filter(status=Status.REPLIED, reply_accepted_at__isnull=True),
        "rating": lambda qs: qs.filter(_still_to_rate(now)).filter(_survey_not_delivered() | Q(resident__isnull=True)),
        "unsatisfied": lambda qs: qs.filter(_unsatisfied_undecided()),
        "overdue": lambda qs: qs.filter(overdue_q(now)),
        "supervised": lambda qs: qs.filter(supervised=True, status__in=OPEN_STATUSES),
        "return_pending": lambda qs: qs.filter(_pending(ReturnRequest)),
        # the operators' share: disputed returns are the supervisor's (hotline.supervision)
        "return_undisputed": lambda qs: qs.filter(pk__in=pending_returns(disputed=False).values("ticket_id")),
        "extension_pending": lambda qs: qs.filter(_pending(ExtensionRequest)),
        "open": lambda qs: qs.filter(status__in=OPEN_STATUSES),
    }.get(name)


QUEUE_NAMES = ("new", "returned", "review", "rating", "unsatisfied", "return_undisputed", "overdue", "supervised", "return_pending", "extension_pending", "open")


# at least this many digits is a ticket number or a phone number, never words (see search)
NUMBER_DIGITS = 7
# a phone's last digits match at most this many residents (a 4-digit tail matches thousands)
PHONE_MATCHES = 200


def search(qs, text, *, user):
    """A number, a phone (hotline staff only: units may not look residents up) or words.

    Seven digits or more are a ticket number or a phone, looked up by index only: OR-ed with the
    words they made PostgreSQL read every ticket (11 s at a million tickets, docs/performance.md).
    The residents a phone matches are read first, so the tickets are found by two index ranges.
    """
    text = (text or "").strip()
    if not text:
        return qs
    digits = text.isdigit()
    condition = Q(pk__in=[]) if digits and len(text) >= NUMBER_DIGITS else (
        Q(title__icontains=text) | Q(description__icontains=text) | Q(place__icontains=text)
    )
    if digits and 7 <= len(text) <= 8:
        condition |= Q(number=text)
    if access.is_hotline_staff(user):
        phones = Q(pk__in=[])
        try:
            phones |= Q(phone=normalize_phone(text))
        except ValidationError:
            pass
        if digits and len(text) >= 4:
            phones |= Q(phone__endswith=text)
        residents = list(Resident.objects.filter(phones).values_list("pk", flat=True)[:PHONE_MATCHES])
        if residents:
            condition |= Q(resident_id__in=residents)
    return qs.filter(condition)


def filtered_tickets(user, data, *, now=None):
    """`data` is a cleaned TicketFilterForm; returns the visible tickets that match, newest first."""
    now = now or timezone.now()
    qs = access.visible_tickets(user, Ticket.objects.all())
    queue = queue_filter(data.get("queue") or "", now)
    if queue is not None:
        qs = queue(qs)
    qs = search(qs, data.get("q"), user=user)
    for field in ("status", "kind", "channel"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("unit"):
        qs = qs.filter(lead_unit=data["unit"])
    tz = timezone.get_current_timezone()
    if data.get("created_from"):
        qs = qs.filter(created_at__gte=dt.datetime.combine(data["created_from"], dt.time.min, tzinfo=tz))
    if data.get("created_to"):
        qs = qs.filter(created_at__lt=dt.datetime.combine(data["created_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return qs.select_related("resident", "lead_unit", "village").order_by("-created_at", "-pk")
