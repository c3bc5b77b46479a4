"""The deadline sweep, run every minute by the scheduler.

Reminds the lead unit before each deadline, escalates (督办) after it, and
closes replied tickets whose survey got no answer. Each reminder and each
escalation happens exactly once, also when two sweeps run at the same time.

Each step runs in its own transaction that first locks the ticket (the same
lock, taken first, that every workflow action takes, so a sweep and a unit
signing or replying serialize instead of deadlocking), then re-checks the
ticket's state and claims the step with a conditional UPDATE (`... WHERE
sign_reminded_at IS NULL AND signed_at IS NULL ...`). A sweep that lost a race
finds the step claimed, or no longer due, and skips it. The list of due rows
is read before any lock, so everything it says is checked again under the lock.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from hotline import clock, workflow
from hotline.deadlines import WorkCalendar
from hotline.errors import InvalidState
from hotline.models import Assignment, Ticket
from hotline.models.choices import Status

logger = logging.getLogger(__name__)

# (claim field, due-at field, deadline field, done-when field, ticket statuses, kind)
_STEPS = (
    ("sign_reminded_at", "sign_remind_at", "sign_by", "signed_at", (Status.DISPATCHED,), "remind_sign"),
    ("reply_reminded_at", "reply_remind_at", "reply_by", "replied_at", (Status.DISPATCHED, Status.IN_PROGRESS), "remind_reply"),
    ("sign_escalated_at", "sign_by", "sign_by", "signed_at", (Status.DISPATCHED,), "escalate_sign"),
    ("reply_escalated_at", "reply_by", "reply_by", "replied_at", (Status.DISPATCHED, Status.IN_PROGRESS), "escalate_reply"),
)


def _due_filter(claim_field, due_field, deadline_field, done_field, kind, now):
    conditions = {
        "is_current": True,
        "role": Assignment.Role.LEAD,
        f"{claim_field}__isnull": True,
        f"{done_field}__isnull": True,
    }
    if kind.startswith("remind"):
        conditions[f"{due_field}__lte"] = now
        # "将于…到期" is wrong once the deadline has passed: the escalation speaks then
        conditions[f"{deadline_field}__gt"] = now
    else:
        # signing or replying at the deadline itself is on time (signed_on_time = now <= sign_by)
        conditions[f"{due_field}__lt"] = now
    return conditions


def sweep(*, now=None, limit=500):
    """Run one pass; return counts of what it did.

    `now` (default: the workflow clock) is also the time the workflow records
    for the reminders, escalations and closes of this pass.
    """
    if now is None:
        return _sweep(now=clock.now(), limit=limit)
    with clock.at(now):
        return _sweep(now=now, limit=limit)


def _sweep(*, now, limit):
    system = workflow.system_user()
    done = {"remind_sign": 0, "remind_reply": 0, "escalate_sign": 0, "escalate_reply": 0, "auto_closed": 0}
    for claim_field, due_field, deadline_field, done_field, statuses, kind in _STEPS:
        conditions = _due_filter(claim_field, due_field, deadline_field, done_field, kind, now)
        due = list(
            Assignment.objects.filter(ticket__status__in=statuses, **conditions)
            .order_by(due_field)
            .values_list("pk", "ticket_id")[:limit]
        )
        for assignment_id, ticket_id in due:
            try:
                if _run_step(assignment_id, ticket_id, claim_field, conditions, statuses, kind, now, system):
                    done[kind] += 1
            except Exception:
                # one bad row must not stop the sweep for every other ticket; its claim
                # rolled back with the step, so the next pass tries it again
                logger.exception("sweep: %s of assignment %s failed", kind, assignment_id)
    done["auto_closed"] = close_unrated(now=now, by=system, limit=limit)
    return done


def _run_step(assignment_id, ticket_id, claim_field, conditions, statuses, kind, now, system):
    with transaction.atomic():
        # ticket first, like every workflow action (then the assignment), so no lock-order deadlock
        if not Ticket.objects.select_for_update().filter(pk=ticket_id, status__in=statuses).exists():
            return False  # signed, replied, returned or closed since the due list was read
        claimed = Assignment.objects.filter(pk=assignment_id, **conditions).update(**{claim_field: now})
        if not claimed:
            return False  # another sweep got there first, or the step is no longer due
        assignment = Assignment.objects.select_related("ticket", "unit").get(pk=assignment_id)
        if kind.startswith("remind"):
            workflow.remind(assignment=assignment, by=system, which=kind.removeprefix("remind_"))
        else:
            deadline = assignment.sign_by if kind == "escalate_sign" else assignment.reply_by
            what = "签收" if kind == "escalate_sign" else "办结"
            workflow.supervise(
                ticket=assignment.ticket, by=system,
                note=f"{assignment.unit}超过{what}期限（{timezone.localtime(deadline):%m-%d %H:%M}）",
            )
    return True


def close_unrated(*, now, by, limit=500):
    """Close replied tickets whose survey got no answer within the configured working days."""
    calendar = WorkCalendar.load()
    wait = settings.HOTLINE["SURVEY_CLOSE_WORKING_DAYS"]
    # Coarse filter in the database, exact check in working time. N working days can
    # end less than N calendar days later (from Monday 8:30, 3 working days end on
    # Wednesday 17:30), but never before N - 1 calendar days have passed.
    # A ticket without a resident to survey waits from its accepted reply (workflow.survey_started).
    candidates = (
        Ticket.objects.awaiting_rating()
        .filter(status=Status.REPLIED)
        .annotate(waiting_since=Coalesce("survey_sent_at", "reply_accepted_at"))
        .filter(waiting_since__lte=now - timezone.timedelta(days=max(wait - 1, 0)))
        .order_by("waiting_since")
        .only("pk", "survey_sent_at", "reply_accepted_at")[:limit]
    )
    closed = 0
    for ticket in candidates:
        if calendar.working_days_after(ticket.waiting_since, wait) > now:
            break  # ordered by survey time: the later ones are not due either
        try:
            workflow.close(ticket=ticket, by=by, note=f"回访{wait}个工作日未评价，按未评价办结")
        except InvalidState:
            continue  # closed meanwhile (a survey answer, an operator, another sweep)
        except Exception:
            logger.exception("sweep: closing ticket %s as unrated failed", ticket.pk)
            continue
        closed += 1
    return closed


__all__ = ["sweep", "close_unrated"]
