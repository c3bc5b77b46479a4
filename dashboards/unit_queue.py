"""Reads of the liaison dashboard (单位工作台): the unit's queue in order of urgency, and its figures.

Everything here is a query: the urgency order is computed in the database (so pagination
works), against instants that Python works out once per request with the work calendar
(`urgency_limits`). The rows are the unit's *current* `Assignment`s of tickets the access
rule lets the user see, so a member sees only what was handed to them and a report about
the unit never appears.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline import access, kpis
from hotline.models import Assignment, ExtensionRequest, ReturnRequest, Ticket
from hotline.models.tickets import UNCOUNTED_CLOSE_REASONS
from hotline.models.choices import AssignmentRole, RequestStatus, Status

PAGE_SIZE = 20

# The unit's side of the work: waiting for its signature or its reply.
WORKING_STATUSES = (Status.DISPATCHED, Status.IN_PROGRESS)

# The urgency ranks of the queue (also `dashboards.timing.Due.rank` for the first three).
OVERDUE, DUE_TODAY, DUE_SOON, NOT_SIGNED, LATER = range(5)


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("全部待办")),
        ("dispatched", _("待签收")),
        ("in_progress", _("办理中")),
        ("overdue", _("已超期")),
        ("replied", _("已答复待审核")),
    ]
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)
    role = forms.ChoiceField(
        label=_("本单位角色"), required=False, choices=[("", _("主办和协办")), *AssignmentRole.choices]
    )
    mine = forms.BooleanField(label=_("只看转交给我的"), required=False)
    q = forms.CharField(
        label=_("工单号或关键词"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )

    def values(self):
        """The filters to apply: the valid ones (a bad value is ignored, not an error page)."""
        self.is_valid()
        return {"status": "", "role": "", "mine": False, "q": ""} | self.cleaned_data


@dataclass(frozen=True)
class UrgencyLimits:
    now: dt.datetime
    end_of_today: dt.datetime  # local midnight that starts tomorrow
    soon: dt.datetime  # the last instant at most one working day of working time away


def urgency_limits(clock):
    """The instants the queue's ranks compare deadlines with, from a `dashboards.timing.WorkingClock`.

    Agrees with `WorkingClock.due`: overdue when the deadline is not after now; due today when it
    falls on today's (local) date; due soon when at most one working day of working time is left.
    """
    now, calendar = clock.now, clock.calendar
    local = timezone.localtime(now, calendar.tz)
    end_of_today = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=calendar.tz)
    # One working day after now can land on the end of a working period (17:30); every instant up
    # to the start of the next period is as far away in working time, so it is "soon" too.
    tick = Decimal("0.000001")
    soon = calendar.add_working_seconds(now, Decimal(clock.day_seconds) + tick) - dt.timedelta(microseconds=1)
    return UrgencyLimits(now=now, end_of_today=end_of_today, soon=soon)


def _deadline():
    """The deadline that matters to this unit now (see `dashboards.timing.current_deadline`).

    The lead unit's signature while the ticket waits for it, then the reply; a co-unit only
    ever works to the reply deadline. None once the unit has replied.
    """
    return Case(
        When(
            role=AssignmentRole.LEAD, ticket__status=Status.DISPATCHED, ticket__signed_at__isnull=True,
            then=F("ticket__sign_by"),
        ),
        When(ticket__status__in=WORKING_STATUSES, then=F("ticket__reply_by")),
        default=Value(None),
        output_field=DateTimeField(),
    )


def _open_on_unit_side():
    """Waiting for the unit, or its reply waiting for the hotline's review."""
    return Q(ticket__status__in=WORKING_STATUSES) | Q(
        ticket__status=Status.REPLIED, ticket__reply_accepted_at__isnull=True
    )


def _held(user, unit):
    """The unit's current assignments of tickets `user` may see (the access rule decides)."""
    return Assignment.objects.filter(unit=unit, is_current=True, ticket__in=access.visible_tickets(user))


def queue(user, limits, *, status="", role="", mine=False, q=""):
    """The unit's queue for `user`, most urgent first: a queryset of `Assignment`s.

    Each row carries `ticket` and `handler` (joined), `deadline`, `rank`, `return_pending`
    and `extension_pending`.
    """
    unit = access.unit_of(user)
    rows = (
        _held(user, unit)
        .filter(_open_on_unit_side())
        .select_related("ticket", "handler")
        .annotate(deadline=_deadline())
        .annotate(
            rank=Case(
                When(deadline__lte=limits.now, then=Value(OVERDUE)),
                When(deadline__lt=limits.end_of_today, then=Value(DUE_TODAY)),
                When(deadline__lte=limits.soon, then=Value(DUE_SOON)),
                When(role=AssignmentRole.LEAD, ticket__status=Status.DISPATCHED, then=Value(NOT_SIGNED)),
                default=Value(LATER),
                output_field=IntegerField(),
            ),
            return_pending=Exists(
                ReturnRequest.objects.filter(ticket=OuterRef("ticket"), status=RequestStatus.PENDING)
            ),
            extension_pending=Exists(
                ExtensionRequest.objects.filter(ticket=OuterRef("ticket"), status=RequestStatus.PENDING)
            ),
        )
    )
    if status == "replied":
        rows = rows.filter(ticket__status=Status.REPLIED)
    elif status == "overdue":
        rows = rows.filter(deadline__lte=limits.now)
    elif status in WORKING_STATUSES:
        rows = rows.filter(ticket__status=status)
    else:
        rows = rows.filter(ticket__status__in=WORKING_STATUSES)
    if role in AssignmentRole.values:
        rows = rows.filter(role=role)
    if mine:
        rows = rows.filter(handler=user)
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(ticket__number__startswith=q) | Q(ticket__title__icontains=q) | Q(ticket__place__icontains=q)
        )
    return rows.order_by(
        "rank",
        F("deadline").asc(nulls_last=True),
        F("ticket__replied_at").asc(nulls_last=True),
        "ticket__dispatched_at",
        "pk",
    )


def counts(user, limits):
    """How many of the unit's tickets (as `user` sees them) wait in each part of the queue: one query."""
    unit = access.unit_of(user)
    rows = _held(user, unit).filter(_open_on_unit_side()).annotate(deadline=_deadline())
    return rows.aggregate(
        open=Count("pk", filter=Q(ticket__status__in=WORKING_STATUSES)),
        dispatched=Count("pk", filter=Q(ticket__status=Status.DISPATCHED)),
        in_progress=Count("pk", filter=Q(ticket__status=Status.IN_PROGRESS)),
        overdue=Count("pk", filter=Q(deadline__lte=limits.now)),
        replied=Count("pk", filter=Q(ticket__status=Status.REPLIED)),
    )


def month_bounds(now):
    """This month in Asia/Shanghai: [first instant, first instant of next month) (hotline.kpis.month_bounds)."""
    return kpis.month_bounds(now)


def figures(unit, now):
    """The unit's own figures for this month (本月统计): two aggregate queries.

    The KPIs of hotline.kpis (so this card and the KPI pages never disagree) for this month, plus
    `overdue`: every lead ticket the unit holds now that is past its deadline, whenever it was
    dispatched. Counted over the unit's lead assignments dispatched this month (a reopened
    ticket's new round counts again), satisfaction over the rounds rated this month; a passed
    deadline with nothing done counts as late. Rates are None where nothing was counted.
    The overdue count is a query of its own: OR-ed into the month's filter it made PostgreSQL read
    every round the unit ever had, with its ticket (1.3 s at a million tickets, docs/performance.md).
    """
    start, end = kpis.month_bounds(now)
    got = kpis.finish(
        kpis.counted_assignments().filter(unit=unit).filter(kpis.period_filter(start, end))
        .aggregate(**kpis.aggregates(start, end, now))
    )
    # from the few open tickets past a deadline to their current lead round (one per ticket)
    held_here = Assignment.objects.filter(ticket=OuterRef("pk"), unit=unit, is_current=True, role=AssignmentRole.LEAD)
    got["overdue"] = (
        Ticket.objects.filter(
            Q(status=Status.DISPATCHED, signed_at__isnull=True, sign_by__lte=now)
            | Q(status__in=WORKING_STATUSES, reply_by__lte=now)
        )
        .exclude(close_reason__in=UNCOUNTED_CLOSE_REASONS)
        .filter(Exists(held_here))
        .count()
    )
    got["month"] = start
    return got
