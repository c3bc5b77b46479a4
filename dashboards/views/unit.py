"""The liaison dashboard (单位工作台): the unit's queue by urgency, and its figures this month.

For unit liaisons, heads and members; what a user sees is decided by the access rule
(`hotline.access`), the queries live in `dashboards.unit_queue`.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from dashboards import unit_queue
from dashboards.timing import WorkingClock
from hotline import access
from hotline.models.choices import AssignmentRole, Status


def unit_user_required(view):
    """Anonymous: to the login page (dashboards.middleware sends an htmx refresh's whole page there). No unit role: 403."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_unit_user(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _queue_context(request, clock):
    user = request.user
    form = unit_queue.QueueFilterForm(request.GET)
    filters = form.values()
    limits = unit_queue.urgency_limits(clock)
    rows = unit_queue.queue(user, limits, **filters)
    page = Paginator(rows, unit_queue.PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        ticket = row.ticket
        row.due = clock.due(row.deadline)
        # This row is the unit's current assignment; when it is the lead one, it *is* the ticket's
        # current lead, so the access rule can decide without a query per row.
        row.can_sign = (
            row.role == AssignmentRole.LEAD
            and ticket.status == Status.DISPATCHED
            and _can_with_lead(user, "sign", ticket, row)
        )
    query = request.GET.copy()
    query.pop("page", None)
    here = request.GET.copy()
    here["page"] = str(page.number)
    return {
        "form": form,
        "page": page,
        "counts": unit_queue.counts(user, limits),
        "query": query.urlencode(),
        # the same filters and page: for the fragment's refresh and for the sign buttons' way back
        "state": here.urlencode(),
        "back": f"{reverse('unit')}?{here.urlencode()}",
    }


def _can_with_lead(user, action, ticket, lead):
    ticket._page_current_lead = lead  # what access.current_lead would otherwise fetch
    return access.can(user, action, ticket)


@unit_user_required
def dashboard(request):
    clock = WorkingClock()
    unit = access.unit_of(request.user)
    context = _queue_context(request, clock)
    context.update(unit=unit, figures=unit_queue.figures(unit, clock.now))
    return render(request, "dashboards/unit.html", context)


@unit_user_required
def queue_fragment(request):
    """The queue alone: refreshed on every live ticket event and every 30 s, with the same filters and page."""
    return render(request, "dashboards/_unit_queue.html", _queue_context(request, WorkingClock()))
