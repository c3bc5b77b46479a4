"""Query-shape changes proposed for hotline/kpis.py, applied as a patch for measuring only.

`kpi_timings.py --whatif` calls `apply()` before timing, so the figures show what the pages would
cost with the changes, on the same data; the results must stay the same (`kpi_timings.py --check`
compares both). Nothing here is used by the application; once hotline/kpis.py adopts a change, its
patch here becomes a no-op in effect and can be deleted.

1. An approved appeal excludes a round through an uncorrelated `pk IN (subquery)` (hashed once per
   query) instead of a correlated EXISTS evaluated for every row and every figure.
2. "Reopened": a replied lead round that ended without being returned (only a reopen ends a replied
   round of a countable ticket; merges end rounds too, but merged tickets count nowhere) instead of
   an EXISTS over later rounds.
3. "Resolved": the round's reply that was not sent back (there is at most one: a new reply comes only
   after a send-back) instead of "the reply with no later reply" (a nested anti-join per row).
4. Invalid and merged tickets are left out with `ticket_id NOT IN (their ids)` (hashed once; a partial
   index on those few tickets makes it cheap) instead of joining every assignment to its ticket, where
   no figure is grouped by a ticket field.
"""

from django.db.models import Count, Exists, OuterRef, Q


def apply():
    from hotline import kpis
    from hotline.models import Assignment, KpiAppeal, Reply, Ticket
    from hotline.models.choices import AssignmentRole, CloseReason, Outcome, ReviewStatus

    original_aggregates = kpis.aggregates

    def appealed(metric):
        return Q(pk__in=KpiAppeal.objects.filter(metric=metric, status=KpiAppeal.Status.APPROVED).values("assignment_id"))

    def counted_assignments():
        not_countable = Ticket.objects.filter(close_reason__in=[CloseReason.INVALID, CloseReason.DUPLICATE])
        return Assignment.objects.exclude(ticket__in=not_countable.values("pk"))

    def aggregates(start, end, now):
        got = original_aggregates(start, end, now)
        if start is None:  # kpis._empty() only wants the names
            return got
        dispatched = Q(role=AssignmentRole.LEAD, dispatched_at__gte=start, dispatched_at__lt=end)
        replied = Q(replied_at__isnull=False)
        reopened = replied & Q(ended_at__isnull=False, returned_at__isnull=True)
        resolved = replied & Q(Exists(
            Reply.objects.filter(assignment=OuterRef("pk"), outcome=Outcome.RESOLVED)
            .exclude(review_status=ReviewStatus.SENT_BACK)
        ))
        ok_reopen = ~appealed(KpiAppeal.Metric.REOPENED)
        got["resolved"] = Count("pk", filter=dispatched & resolved)
        got["reopened"] = Count("pk", filter=dispatched & reopened & ok_reopen)
        return got

    kpis._appealed = appealed
    kpis.counted_assignments = counted_assignments
    kpis.aggregates = aggregates
