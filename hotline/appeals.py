"""申诉: a unit asks that one outcome of one of its rounds not count against it; the supervisor decides.

An approved appeal takes that round out of that figure (numerator and denominator, hotline.kpis).
A unit's liaison or head may appeal an outcome of a round its unit led, only if that outcome
counts against the unit today, once per (round, figure): a denied appeal is final.
"""

from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _

from hotline import access, clock, kpis, roles
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import KpiAppeal
from hotline.models.choices import AssignmentRole, Satisfaction

Metric = KpiAppeal.Metric
Status = KpiAppeal.Status

# which KPI each appealable outcome weighs on (hotline.kpis.DEFINITIONS)
KPI_OF = {metric: key for key, metric in kpis.APPEALABLE.items()}


def _open_round():
    return Q(returned_at__isnull=True, ended_at__isnull=True)


def against(now):
    """Per metric, the Q of a lead round whose outcome counts against its unit at `now`."""
    return {
        Metric.SIGNED_ON_TIME: Q(signed_on_time=False) | (_open_round() & Q(signed_at__isnull=True, sign_by__lte=now)),
        Metric.RETURNED: Q(returned_at__isnull=False),
        Metric.REPLIED_ON_TIME: Q(replied_on_time=False)
        | (_open_round() & Q(replied_at__isnull=True, reply_by__lte=now)),
        Metric.SATISFACTION: Q(satisfaction=Satisfaction.UNSATISFIED),
        Metric.REOPENED: kpis.reopened_round(),
    }


def adverse_rounds(unit, *, start, end, now=None):
    """The unit's counted lead rounds of the period with at least one outcome against it, newest first.

    Each row carries a boolean annotation per metric (`against_<metric>`) and its ticket.
    """
    now = now or clock.now()
    flags = {f"against_{metric}": condition for metric, condition in against(now).items()}
    any_flag = Q()
    for condition in flags.values():
        any_flag |= condition
    return (
        kpis.counted_assignments()
        .filter(unit=unit, role=AssignmentRole.LEAD)
        .filter(kpis.period_filter(start, end))
        .filter(any_flag)
        .annotate(**{name: _flag(condition) for name, condition in flags.items()})
        .select_related("ticket")
        .order_by("-dispatched_at", "-pk")
    )


def _flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


def outcomes(rounds, appeals):
    """The appealable outcomes of `rounds` (rows of `adverse_rounds`), each with its appeal if any.

    `appeals`: the unit's KpiAppeal rows for these rounds (one query by the caller).
    """
    by_key = {(a.assignment_id, a.metric): a for a in appeals}
    rows = []
    for assignment in rounds:
        for metric in Metric:
            if getattr(assignment, f"against_{metric.value}", False):
                rows.append({
                    "assignment": assignment,
                    "metric": metric,
                    "kpi": KPI_OF[metric],
                    "appeal": by_key.get((assignment.pk, metric.value)),
                })
    return rows


def may_appeal(user, unit):
    """A unit's liaison or head, for their own unit."""
    return bool(access.roles_of(user) & {roles.UNIT_LIAISON, roles.UNIT_HEAD}) and access.unit_of(user) == unit


def request(*, assignment, metric, reason, by):
    """申诉 an outcome of `assignment` (a round the user's unit led) that counts against the unit."""
    if not may_appeal(by, assignment.unit):
        raise NotAllowed(_("只有本单位的联络员或负责人可以对本单位的考核结果申诉。"))
    if metric not in Metric.values:
        message = _("申诉指标无效。")
        raise InvalidInput(message, field_errors={"metric": [message]})
    reason = (reason or "").strip()
    if not reason:
        message = _("请填写申诉理由。")
        raise InvalidInput(message, field_errors={"reason": [message]})
    with transaction.atomic():
        now = clock.now()
        counted = (
            kpis.counted_assignments()
            .filter(pk=assignment.pk, role=AssignmentRole.LEAD)
            .filter(against(now)[metric])
        )
        if not counted.exists():
            raise InvalidState(
                _("工单%(number)s的“%(metric)s”结果没有计为本单位的不利结果，无需申诉。")
                % {"number": assignment.ticket.number, "metric": Metric(metric).label}
            )
        if KpiAppeal.objects.filter(assignment=assignment, metric=metric).exists():
            raise InvalidState(_("该结果已经申诉过，每项结果只能申诉一次。"))
        appeal = KpiAppeal(assignment=assignment, metric=metric, reason=reason, requested_by=by, requested_at=now)
        appeal._history_user = by
        try:
            with transaction.atomic():
                appeal.save()
        except IntegrityError as exc:  # a second request at the same moment
            raise InvalidState(_("该结果已经申诉过，每项结果只能申诉一次。")) from exc
    return appeal


def decide(*, appeal, approve, note="", by):
    """The supervisor approves (the round leaves that figure) or denies (a reason is required) a pending appeal."""
    if not access.is_supervisor(by):
        raise NotAllowed(_("只有督办人员可以审核考核申诉。"))
    note = (note or "").strip()
    if not approve and not note:
        message = _("驳回申诉请说明理由。")
        raise InvalidInput(message, field_errors={"note": [message]})
    with transaction.atomic():
        appeal = KpiAppeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Status.PENDING:
            raise InvalidState(_("该申诉已审核。"))
        appeal.status = Status.APPROVED if approve else Status.DENIED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = by, clock.now(), note
        appeal._history_user = by
        appeal.save()
    return appeal


def pending():
    """Appeals waiting for the supervisor, oldest first."""
    return (
        KpiAppeal.objects.filter(status=Status.PENDING)
        .select_related("assignment__ticket", "assignment__unit", "requested_by")
        .order_by("requested_at", "pk")
    )


def of_unit(unit):
    """The unit's appeals, newest first."""
    return (
        KpiAppeal.objects.filter(assignment__unit=unit)
        .select_related("assignment__ticket", "decided_by", "requested_by")
        .order_by("-requested_at", "-pk")
    )
