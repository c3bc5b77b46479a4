"""The deadline sweep, run every minute by the scheduler.

Reminds the lead unit before each deadline, escalates (督办) after it, and
closes replied tickets whose survey got no answer. Each reminder and each
escalation happens exactly once, also when two sweeps run at the same time:
a sweep first claims the row with a conditional UPDATE (`... WHERE
sign_reminded_at IS NULL`) inside the transaction that does the work, so the
loser of a race updates nothing and skips it.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hotline import workflow
from hotline.deadlines import WorkCalendar
from hotline.errors import InvalidState
from hotline.models import Assignment, Ticket
from hotline.models.choices import Status

logger = logging.getLogger(__name__)

# (claim field, due-at field, done-when field, ticket statuses, kind)
_STEPS = (
    ("sign_reminded_at", "sign_remind_at", "signed_at", (Status.DISPATCHED,), "remind_sign"),
    ("reply_reminded_at", "reply_remind_at", "replied_at", (Status.DISPATCHED, Status.IN_PROGRESS), "remind_reply"),
    ("sign_escalated_at", "sign_by", "signed_at", (Status.DISPATCHED,), "escalate_sign"),
    ("reply_escalated_at", "reply_by", "replied_at", (Status.DISPATCHED, Status.IN_PROGRESS), "escalate_reply"),
)


def _claim(assignment_id, field, now):
    return Assignment.objects.filter(pk=assignment_id, **{f"{field}__isnull": True}).update(**{field: now})


def sweep(*, now=None, limit=500):
    """Run one pass; return counts of what it did."""
    now = now or timezone.now()
    system = workflow.system_user()
    done = {"remind_sign": 0, "remind_reply": 0, "escalate_sign": 0, "escalate_reply": 0, "auto_closed": 0}
    for claim_field, due_field, done_field, statuses, kind in _STEPS:
        due = (
            Assignment.objects.filter(
                is_current=True,
                role=Assignment.Role.LEAD,
                ticket__status__in=statuses,
                **{f"{claim_field}__isnull": True, f"{due_field}__lte": now, f"{done_field}__isnull": True},
            )
            .select_related("ticket", "unit")
            .order_by(due_field)[:limit]
        )
        for assignment in due:
            with transaction.atomic():
                if not _claim(assignment.pk, claim_field, now):
                    continue  # another sweep got there first
                if kind.startswith("remind"):
                    workflow.remind(assignment=assignment, by=system, which=kind.removeprefix("remind_"))
                else:
                    what = "签收" if kind == "escalate_sign" else "办结"
                    workflow.supervise(
                        ticket=assignment.ticket, by=system,
                        note=f"{assignment.unit}超过{what}期限（{timezone.localtime(getattr(assignment, due_field)):%m-%d %H:%M}）",
                    )
            done[kind] += 1
    done["auto_closed"] = close_unrated(now=now, by=system, limit=limit)
    return done


def close_unrated(*, now, by, limit=500):
    """Close replied tickets whose survey got no answer within the configured working days."""
    calendar = WorkCalendar.load()
    wait = settings.HOTLINE["SURVEY_CLOSE_WORKING_DAYS"]
    # Coarse filter in the database (at least `wait` calendar days ago), exact check in working time.
    candidates = Ticket.objects.filter(
        status=Status.REPLIED,
        reply_accepted_at__isnull=False,
        survey_sent_at__lte=now - timezone.timedelta(days=wait),
        satisfaction="",
    ).order_by("survey_sent_at").only("pk", "survey_sent_at")[:limit]
    closed = 0
    for ticket in candidates:
        if calendar.working_days_after(ticket.survey_sent_at, wait) > now:
            continue
        try:
            workflow.close(ticket=ticket, by=by, note=f"回访{wait}个工作日未评价，按未评价办结")
        except InvalidState:
            continue  # closed meanwhile (a survey answer, an operator, another sweep)
        closed += 1
    return closed


__all__ = ["sweep", "close_unrated"]
