"""The supervisor's dashboard (督办台): six panels, each an htmx fragment that refreshes itself.

Supervisors (and superusers) only. Each panel is a paginated query from
hotline.supervision and costs a fixed number of queries whatever its size.
Decisions post to the ticket page's one-click actions (`ticket_action`, with
`next` back here); the callback list's "已电话告知" posts to its own panel.
"""

from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.timing import WorkingClock, current_deadline
from hotline import access, messaging, roles, supervision
from hotline.errors import InvalidState, NotAllowed
from hotline.models import Message
from hotline.phones import mask_phone

PAGE_SIZE = 20


def _recipient(message):
    """To whom an SMS went: the resident or the staff member, with the number masked."""
    if message.recipient_user_id:
        user = message.recipient_user
        name = user.get_full_name() or user.get_username()
    elif message.resident_id:
        name = message.resident.name or _("群众")
    else:
        name = ""
    return name, mask_phone(message.phone)


@dataclass(frozen=True)
class Panel:
    slug: str
    title: str
    empty: str
    template: str
    rows: Callable  # (clock) -> queryset
    decorate: Callable = lambda clock, objects: [{"object": o} for o in objects]
    wide: bool = True  # tables of five or six columns: the whole width on a desktop
    danger: bool = True  # a non-zero count is shown as a warning
    operators: bool = False  # also on the operators' console (they make the calls)


def _overdue_rows(clock, tickets):
    return [{"object": t, "due": clock.due(t.missed_at)} for t in tickets]


def _supervised_rows(clock, tickets):
    return [{"object": t, "due": clock.due(current_deadline(t))} for t in tickets]


def _extension_rows(clock, requests):
    return [{"object": r, "due": clock.due(r.assignment.reply_by)} for r in requests]


def _return_rows(clock, requests):
    return [{"object": r} for r in supervision.mark_disputed(list(requests))]


def _failed_rows(clock, sms):
    rows = []
    for message in sms:
        name, masked = _recipient(message)
        rows.append({"object": message, "name": name, "phone": masked, "reason": supervision.failure_reason(message)})
    return rows


PANELS = {
    panel.slug: panel
    for panel in [
        Panel(
            "overdue", gettext_lazy("超期工单"), gettext_lazy("没有超期工单。"),
            "dashboards/_supervisor_overdue.html", lambda clock: supervision.overdue_tickets(clock.now), _overdue_rows,
        ),
        Panel(
            "supervised", gettext_lazy("督办中的工单"), gettext_lazy("没有督办中的工单。"),
            "dashboards/_supervisor_supervised.html", lambda clock: supervision.supervised_tickets(), _supervised_rows,
        ),
        Panel(
            "extensions", gettext_lazy("待审批延期"), gettext_lazy("没有待审批的延期申请。"),
            "dashboards/_supervisor_extensions.html", lambda clock: supervision.pending_extensions(), _extension_rows,
        ),
        Panel(
            "returns", gettext_lazy("待审批退单"), gettext_lazy("没有待审批的退单申请。"),
            "dashboards/_supervisor_returns.html", lambda clock: supervision.pending_returns(), _return_rows,
        ),
        Panel(
            "failed", gettext_lazy("发送失败的短信（近30天）"), gettext_lazy("近30天没有发送失败的短信。"),
            "dashboards/_supervisor_failed.html", lambda clock: supervision.failed_messages(clock.now), _failed_rows,
        ),
        Panel(
            "callbacks", gettext_lazy("待电话告知（座机群众）"), gettext_lazy("没有待电话告知的群众。"),
            "dashboards/_supervisor_callbacks.html", lambda clock: supervision.callback_messages(), operators=True,
        ),
    ]
}


def _require_supervisor(request):
    if not access.is_supervisor(request.user):
        raise PermissionDenied(_("只有督办人员可以使用督办台。"))


def _require_panel(request, panel):
    if panel.operators and roles.OPERATOR in access.roles_of(request.user):
        return
    _require_supervisor(request)


def _home_of(request):
    return "supervisor" if access.is_supervisor(request.user) else "console"


def panel_context(request, panel, clock, page_number):
    page = Paginator(panel.rows(clock), PAGE_SIZE).get_page(page_number)
    return {
        "panel": panel,
        "page": page,
        "rows": panel.decorate(clock, page.object_list),
        "count": page.paginator.count,
        "panel_url": reverse("supervisor_panel", args=[panel.slug]),
        "dashboard_url": reverse(_home_of(request)),
    }


@login_required
def dashboard(request):
    _require_supervisor(request)
    clock = WorkingClock()
    panels = [
        panel_context(request, panel, clock, request.GET.get(f"{panel.slug}_page")) for panel in PANELS.values()
    ]
    return render(request, "dashboards/supervisor.html", {"panels": panels})


@login_required
def panel_fragment(request, panel):
    """One panel, for htmx (refresh, paging); POST on the callback list marks one as told by phone."""
    spec = PANELS.get(panel)
    if spec is None:
        _require_supervisor(request)
        raise Http404(_("没有这个面板。"))
    _require_panel(request, spec)
    if request.method == "POST":
        if spec.slug != "callbacks":
            raise Http404(_("没有这个操作。"))
        _mark_called(request)
        if not request.htmx:
            return redirect(_home_of(request))
    elif request.method != "GET":
        raise Http404(_("没有这个操作。"))
    context = panel_context(request, spec, WorkingClock(), request.GET.get("page"))
    context["oob"] = True  # also refresh the count in the page header
    context["flash"] = request.method == "POST"  # the outcome of the click, inside the panel
    return render(request, "dashboards/_supervisor_panel.html", context)


def _mark_called(request):
    message = Message.objects.select_related("ticket").filter(pk=request.POST.get("message") or 0).first()
    if message is None:
        messages.error(request, _("没有这条待电话告知的通知。"))
        return
    try:
        messaging.mark_called(message=message, by=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except InvalidState as exc:
        messages.warning(request, exc.message)
    else:
        ticket = message.ticket.number if message.ticket_id else "-"
        messages.success(request, _("已记录：工单%(number)s已电话告知群众。") % {"number": ticket})


__all__ = ["PANELS", "dashboard", "panel_context", "panel_fragment"]
