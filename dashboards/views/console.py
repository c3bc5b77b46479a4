"""The operator console (话务台): live queues, the incoming-call screen-pop, intake."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.forms import IntakeForm, add_workflow_error
from dashboards.views import supervisor
from dashboards.timing import WorkingClock, current_deadline
from hotline import access, roles, workflow
from hotline.errors import WorkflowError
from hotline.models import Call, Category, Resident, Ticket, Unit, Village
from hotline.models.choices import OPEN_STATUSES, Kind, Priority
from hotline.phones import normalize_phone
from hotline.queues import has_duplicates, queue_filter
from hotline.routing.suggest import suggest_units

QUEUE_PAGE_SIZE = 10
QUEUE_WAITS_SINCE = {"review": "replied_at", "rating": "reply_accepted_at", "unsatisfied": "satisfaction_at", "returned": "updated_at"}
# The console's queues, in the order they appear (hotline.queues.queue_filter has the rules).
CONSOLE_QUEUES = {
    "new": gettext_lazy("待受理"),
    "returned": gettext_lazy("退回待重派"),
    "return_undisputed": gettext_lazy("退单申请待审批"),
    "review": gettext_lazy("答复待审核"),
    "rating": gettext_lazy("待电话回访"),
    "unsatisfied": gettext_lazy("不满意待处理"),
}


def _require_operator(user):
    if not (roles.OPERATOR in access.roles_of(user) or access.is_supervisor(user)):
        raise PermissionDenied(_("只有话务员和督办可以使用话务台。"))


def _queue_page(request, name):
    """One page of a queue: urgent first, then whoever has waited longest, counted from when the ticket
    joined this queue.

    The order and the page are taken on the tickets' ids alone, then the page's ten rows are read with
    what they show: sorting whole rows of a queue with a backlog (30,000 不满意 tickets in the bench's
    history) spilled to disk; sorting ids stays in memory (docs/performance.md, issue 9).
    """
    clock = WorkingClock()
    qs = queue_filter(name, clock.now)(access.visible_tickets(request.user, Ticket.objects.all()))
    ordered = qs.annotate(
        urgent=Case(When(priority=Priority.URGENT, then=Value(0)), default=Value(1), output_field=IntegerField()),
    ).order_by("urgent", QUEUE_WAITS_SINCE.get(name, "created_at"), "pk")
    page = Paginator(ordered.values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    shown = Ticket.objects.filter(pk__in=ids).select_related("resident", "lead_unit", "village").annotate(
        has_duplicates=has_duplicates(),  # the 疑似重复 badge (operators and supervisors only use the console)
    ).in_bulk()
    rows = [(shown[pk], clock.due(current_deadline(shown[pk])), True) for pk in ids if pk in shown]
    return {"name": name, "label": CONSOLE_QUEUES[name], "page": page, "rows": rows}


@login_required
def console(request):
    _require_operator(request.user)
    queues = [_queue_page(request, name) for name in CONSOLE_QUEUES]
    callbacks = supervisor.panel_context(request, supervisor.PANELS["callbacks"], WorkingClock(), request.GET.get("callbacks_page"))
    return render(request, "dashboards/console.html", {"queues": queues, "callbacks": callbacks})


@login_required
def queue_fragment(request, queue):
    _require_operator(request.user)
    if queue not in CONSOLE_QUEUES:
        raise Http404
    return render(request, "dashboards/_console_queue.html", {"queue": _queue_page(request, queue)})


def _tickets_of(resident, limit=10):
    """A resident's tickets, open ones first, then the newest."""
    if resident is None:
        return []
    return list(
        Ticket.objects.filter(resident=resident)
        .select_related("lead_unit")
        .annotate(closed_first=Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("closed_first", "-created_at")[:limit]
    )


@login_required
def screen_pop(request, call_id):
    """When a call rings: who is calling, their tickets, and a button to start a ticket from the call."""
    _require_operator(request.user)
    call = Call.objects.select_related("resident__village", "ticket").filter(pk=call_id).first()
    if call is None:
        raise Http404
    resident = call.resident or Resident.objects.filter(phone=call.phone).select_related("village").first()
    return render(
        request, "dashboards/_screen_pop.html", {"call": call, "resident": resident, "tickets": _tickets_of(resident)}
    )


@login_required
def resident_lookup(request):
    """The intake form's lookup by phone: the resident's record and tickets, or 'new caller'."""
    _require_operator(request.user)
    raw = (request.GET.get("phone") or "").strip()
    context = {"raw": raw}
    if raw:
        try:
            phone = normalize_phone(raw)
        except ValidationError as exc:
            context["error"] = exc.messages[0]
        else:
            resident = Resident.objects.filter(phone=phone).select_related("village").first()
            context.update(phone=phone, resident=resident, tickets=_tickets_of(resident))
    return render(request, "dashboards/_resident_lookup.html", context)


@login_required
def suggest_units_fragment(request):
    _require_operator(request.user)
    village = Village.objects.select_related("township").filter(pk=_int(request.GET.get("village"))).first()
    category = Category.objects.filter(pk=_int(request.GET.get("category"))).first()
    reported = Unit.objects.filter(pk=_int(request.GET.get("reported_unit"))).first()
    kind = request.GET.get("kind", "")
    suggestions = suggest_units(
        title=request.GET.get("title", "")[:200], description=request.GET.get("description", "")[:4000],
        village=village, category=category, kind=kind if kind in Kind.values else "", exclude=[reported],
    )
    return render(request, "dashboards/_suggested_units.html", {"suggestions": suggestions})


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def ticket_new(request):
    """受理: the intake form; optionally dispatch straight away."""
    _require_operator(request.user)
    call = Call.objects.select_related("resident").filter(pk=_int(request.GET.get("call") or request.POST.get("call"))).first()
    if request.method == "POST":
        form = IntakeForm(request.POST)
        lead = Unit.objects.filter(pk=_int(request.POST.get("lead_unit")), is_active=True).first()
        if form.is_valid() and lead is not None and form.cleaned_data["kind"] == Kind.REPORT:
            # a report must never reach the unit it is about: dispatch at intake only once that unit is named
            if form.cleaned_data["reported_unit"] is None:
                form.add_error("reported_unit", _("举报件派单前请填写被举报单位；不涉及具体单位的，请先受理，再在工单页派单。"))
            elif form.cleaned_data["reported_unit"] == lead:
                form.add_error("reported_unit", _("举报件不能派给被举报单位。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = workflow.receive(
                    by=request.user, kind=data["kind"], channel=data["channel"], title=data["title"],
                    description=data["description"], phone=data["phone"] or None, resident_name=data["resident_name"],
                    village=data["village"], place=data["place"], priority=data["priority"],
                    confidential=data["confidential"], category=data["category"], call=data["call"],
                    reported_unit=data["reported_unit"],
                )
            except WorkflowError as exc:
                add_workflow_error(form, exc)
            else:
                messages.success(request, _("已受理，工单号%(number)s。") % {"number": ticket.number})
                if lead is not None:
                    try:
                        workflow.dispatch(ticket=ticket, by=request.user, lead_unit=lead)
                    except WorkflowError as exc:
                        messages.error(request, exc.message)
                    else:
                        messages.success(request, _("已派单至%(unit)s。") % {"unit": lead})
                return redirect("ticket_detail", number=ticket.number)
    else:
        initial = {"channel": "phone"}
        if call is not None:
            initial.update(phone=call.phone, call=call.pk)
            if call.resident is not None:
                initial.update(resident_name=call.resident.name, village=call.resident.village_id)
        form = IntakeForm(initial=initial)
    return render(request, "dashboards/ticket_new.html", {"form": form, "call": call})
