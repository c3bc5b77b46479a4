"""What the supervisor watches (selectors): late and supervised tickets, pending decisions, SMS problems.

Each function returns a queryset carrying the select_related its rows need, so a page of
any size costs a fixed number of queries. The operator console reuses them: its return
queue is `pending_returns(disputed=False)`, its callback list `callback_messages()`.
Writes go through hotline.workflow and hotline.messaging, never through here.
"""

import datetime as dt
import re

from django.conf import settings
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, Value, When

from hotline import clock
from hotline.messaging.gateways import error_reason
from hotline.models import ExtensionRequest, Message, ReturnRequest, Ticket
from hotline.models.choices import RequestStatus, Status

FAILED_STATUSES = (Message.Status.FAILED, Message.Status.UNDELIVERED)
FAILED_DAYS = 30


def overdue_tickets(now):
    """Open tickets whose sign or reply deadline passed, the longest overdue first.

    Annotated with `missed_at` (the deadline that passed) and `missed` ("sign" or "reply").
    A ticket waiting for signature counts from its sign-by; otherwise from its reply-by.
    """
    sign_late = Q(status=Status.DISPATCHED, sign_by__lt=now)
    reply_late = Q(status__in=[Status.DISPATCHED, Status.IN_PROGRESS], reply_by__lt=now)
    return (
        Ticket.objects.filter(sign_late | reply_late)
        .annotate(
            missed_at=Case(When(sign_late, then=F("sign_by")), default=F("reply_by")),
            missed=Case(When(sign_late, then=Value("sign")), default=Value("reply")),
        )
        .select_related("lead_unit")
        .order_by("missed_at", "pk")
    )


def supervised_tickets():
    """Open tickets marked 督办 (by the deadline sweep or a supervisor), latest first."""
    return Ticket.objects.open().filter(supervised=True).select_related("lead_unit").order_by("-supervised_at", "-pk")


def pending_extensions():
    """Extension requests waiting for the supervisor, oldest first."""
    return (
        ExtensionRequest.objects.filter(status=RequestStatus.PENDING)
        .select_related("ticket", "assignment__unit", "requested_by")
        .order_by("requested_at", "pk")
    )


def _returned_before():
    """An approved return of the same ticket in an earlier round (see workflow.returned_before)."""
    return Exists(
        ReturnRequest.objects.filter(
            ticket=OuterRef("ticket"), status=RequestStatus.APPROVED, assignment__round__lt=OuterRef("assignment__round")
        )
    )


def pending_returns(disputed=None):
    """Return requests waiting for a decision: disputed ones first, then oldest first.

    Annotated with `returned_before` and `disputed` (referred to the supervisor, or the
    ticket was returned before: see hotline.workflow.return_disputed). `disputed=True`
    or `False` keeps only those; operators decide the undisputed ones.
    """
    queryset = (
        ReturnRequest.objects.filter(status=RequestStatus.PENDING)
        .annotate(returned_before=_returned_before())
        .annotate(
            disputed=Case(
                When(Q(escalated_at__isnull=False) | Q(returned_before=True), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("ticket", "assignment__unit", "suggested_unit", "requested_by", "escalated_by")
        .order_by("-disputed", "requested_at", "pk")
    )
    if disputed is not None:
        queryset = queryset.filter(disputed=disputed)
    return queryset


def mark_disputed(requests):
    """Tell hotline.workflow.return_disputed what the annotation found (it then asks no query)."""
    for request in requests:
        request._disputed = request.disputed
    return requests


def failed_messages(now=None, *, days=FAILED_DAYS):
    """Outbound SMS that failed or were not delivered in the last `days` days, newest first."""
    since = (now or clock.now()) - dt.timedelta(days=days)
    return (
        Message.objects.filter(direction=Message.Direction.OUTBOUND, status__in=FAILED_STATUSES, created_at__gte=since)
        .select_related("ticket", "resident", "recipient_user")
        .order_by("-created_at", "-pk")
    )


def callback_messages():
    """The landline callback list: updates a resident without SMS must be told by phone, oldest first."""
    return (
        Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.CALLBACK)
        .select_related("ticket", "resident")
        .order_by("created_at", "pk")
    )


_NUMBER = re.compile(r"\+?\d{7,}")


def failure_reason(message):
    """The provider's error code with what it means in Chinese (as the messaging module records it).

    Without a known meaning, the last line of the recorded error, its phone numbers hidden
    (a provider's error text may quote the number).
    """
    # a send that failed before the provider took it has no provider yet: the configured one tried
    meaning = error_reason(message.provider or settings.SMS_BACKEND, message.error_code)
    if meaning:
        return meaning
    last = message.error.strip().splitlines()[-1][:200] if message.error.strip() else ""
    return _NUMBER.sub("…", last)


__all__ = [
    "callback_messages",
    "failed_messages",
    "failure_reason",
    "mark_disputed",
    "overdue_tickets",
    "pending_extensions",
    "pending_returns",
    "supervised_tickets",
]
