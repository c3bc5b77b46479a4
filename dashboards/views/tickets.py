"""The ticket page (every role, through the access rule), its actions, the ticket list and recordings."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dashboards import actions
from dashboards.forms import TicketFilterForm, add_workflow_error
from dashboards.paging import CappedPaginator
from dashboards.timing import WorkingClock, current_deadline
from hotline import access
from hotline.errors import InvalidInput, InvalidState, NotAllowed, WorkflowError
from hotline.models import Assignment, Call, Message, Ticket
from hotline.queues import QUEUE_NAMES, filtered_tickets
from hotline.routing import duplicates
from hotline.routing.suggest import for_ticket as suggested_units_for

PAGE_SIZE = 25


def visible_ticket_or_404(user, number, *, related=()):
    """The ticket with this number if the user may see it; otherwise 404, so existence does not leak."""
    ticket = (
        access.visible_tickets(user, Ticket.objects.select_related("resident", "village", "category__parent__parent", *related))
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404(_("没有这件工单，或您无权查看。"))
    return ticket


def _history(ticket):
    """Field changes, newest first: (record, [(field label, old, new)]), values as people read them."""
    records = list(ticket.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.name: f for f in Ticket._meta.fields}
    # compared by hand: simple-history's diff_against skips non-editable fields, i.e. all the workflow's own
    tracked = [f for f in Ticket.history.model.tracked_fields if f.name != "updated_at"]
    diffs, related = [], {}
    for previous, record in zip(records, records[1:]):
        changes = [
            (f.name, getattr(previous, f.attname), getattr(record, f.attname))
            for f in tracked
            if getattr(previous, f.attname) != getattr(record, f.attname)
        ]
        diffs.append((record, changes))
        for name, old, new in changes:
            if fields[name].is_relation:
                related.setdefault(name, set()).update(v for v in (old, new) if v)
    names = {  # one query per foreign key that changed, not one per change
        name: {obj.pk: str(obj) for obj in fields[name].related_model.objects.filter(pk__in=ids)}
        for name, ids in related.items()
    }

    def shown(name, value):
        field = fields[name]
        if value in (None, ""):
            return "—"
        if field.is_relation:
            return names[name].get(value, value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
        if isinstance(value, bool):
            return _("是") if value else _("否")
        return value

    rows = [(records[0], [])] if records else []
    for record, changes in diffs:
        if changes:
            rows.append(
                (record, [(fields[name].verbose_name, shown(name, old), shown(name, new)) for name, old, new in changes])
            )
    return list(reversed(rows))


def _page_context(request, ticket, *, failed=None):
    """Everything the ticket page shows; `failed` is (action name, bound form) to show with its errors."""
    user = request.user
    staff = access.is_hotline_staff(user)
    assignments = list(
        ticket.assignments.select_related("unit", "handler", "signed_by").order_by("-round", "role", "pk")
    )
    ticket._page_current_lead = next(
        (a for a in assignments if a.is_current and a.role == Assignment.Role.LEAD), None
    )
    facts = actions.facts_for(ticket, user)
    forms = []
    for action in actions.available(user, ticket, facts):
        if failed and failed[0] == action.name:
            form = failed[1]
        else:
            form = action.form(ticket=ticket, user=user, prefix=action.name)
        forms.append((action, form))
    suggestions = []
    if any(action.name == "dispatch" for action, _form in forms):
        suggestions = suggested_units_for(ticket)
    # 疑似重复 (issue 8): hotline staff who may merge, on an open ticket; never a unit
    duplicate_flags = list(duplicates.open_flags(ticket)) if duplicates.shown_to(user, ticket) else []
    calls = Call.objects.filter(ticket=ticket).select_related("answered_by", "requested_by").order_by("-started_at")
    if not staff:
        calls = calls.filter(direction=Call.Direction.BRIDGED)  # a unit sees its masked calls, never numbers
    clock = WorkingClock()
    context = {
        "ticket": ticket,
        "staff": staff,
        "show_resident": access.sees_resident(user, ticket),
        "assignments": assignments,
        "due": clock.due(current_deadline(ticket)),
        "events": ticket.events.select_related("actor", "actor_unit").order_by("created_at", "pk"),
        "replies": ticket.replies.select_related("replied_by", "reviewed_by", "assignment__unit").order_by("-created_at"),
        "return_requests": ticket.return_requests.select_related("suggested_unit", "requested_by", "decided_by", "assignment__unit").order_by("-requested_at"),
        "extension_requests": ticket.extension_requests.select_related("requested_by", "decided_by").order_by("-requested_at"),
        "actions": forms,
        "open_action": failed[0] if failed else "",
        "calls": calls,
        "facts": facts,
        "suggestions": suggestions,
        "duplicate_flags": duplicate_flags,
    }
    if staff:
        context["sms"] = Message.objects.filter(ticket=ticket).select_related("recipient_user").order_by("-created_at")
        context["history"] = _history(ticket)
        if ticket.resident_id:
            others = Ticket.objects.filter(resident_id=ticket.resident_id).exclude(pk=ticket.pk)
            context["resident_tickets"] = others.order_by("-created_at")[:10]
    return context


@login_required
def ticket_detail(request, number):
    ticket = visible_ticket_or_404(
        request.user, number, related=("lead_unit", "reported_unit", "merged_into", "source_system")
    )
    return render(request, "dashboards/ticket.html", _page_context(request, ticket))


def _safe_next(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return None


@login_required
@require_POST
def ticket_action(request, number, action):
    """Run one workflow action from the ticket page (or a one-click button elsewhere)."""
    spec = actions.BY_NAME.get(action)
    if spec is None:
        raise Http404(_("没有这个操作。"))
    ticket = visible_ticket_or_404(request.user, number, related=("lead_unit",))
    form = spec.form(request.POST, ticket=ticket, user=request.user, prefix=_prefix(request, spec))
    status = 400
    if form.is_valid():
        try:
            done = spec.perform(ticket, request.user, form)
        except NotAllowed as exc:
            if not access.can_see(request.user, ticket):
                raise Http404(_("没有这件工单，或您无权查看。")) from exc
            raise PermissionDenied(exc.message) from exc
        except InvalidInput as exc:
            add_workflow_error(form, exc)
        except InvalidState as exc:
            form.add_error(None, exc.message)
            status = 409
        except WorkflowError as exc:  # e.g. Twilio refused a masked call: try again, or ask an operator
            form.add_error(None, exc.message)
            status = 502
        else:
            messages.success(request, done)
            target = _safe_next(request)
            if target:
                return redirect(target)
            if access.can_see(request.user, ticket):
                return redirect("ticket_detail", number=ticket.number)
            return redirect("home")  # e.g. a unit after its return was approved
    ticket = visible_ticket_or_404(request.user, number, related=("lead_unit", "reported_unit", "merged_into"))
    problems = " ".join(form.non_field_errors()) or _("请查看下方提示。")
    messages.error(request, _("“%(action)s”未完成：%(problems)s") % {"action": spec.label, "problems": problems})
    return render(request, "dashboards/ticket.html", _page_context(request, ticket, failed=(spec.name, form)), status=status)


def _prefix(request, spec):
    # the ticket page prefixes each form with its action; one-click buttons elsewhere post bare fields
    return spec.name if any(key.startswith(spec.name + "-") for key in request.POST) else None


@login_required
def ticket_list(request):
    """Search and list tickets (工单查询), through the access rule; paginated."""
    if not (access.is_hotline_staff(request.user) or access.is_unit_user(request.user)):
        raise PermissionDenied
    form = TicketFilterForm(request.GET or None, queues=QUEUE_NAMES)
    data = form.cleaned_data if form.is_valid() else {}
    clock = WorkingClock()
    page = CappedPaginator(filtered_tickets(request.user, data, now=clock.now), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(t, clock.due(current_deadline(t)), access.sees_resident(request.user, t)) for t in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/ticket_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode(), "staff": access.is_hotline_staff(request.user)},
    )


@login_required
def call_recording(request, call_id):
    """Open a call's recording, if the user may see the call's ticket (the URL is never on a page)."""
    calls = Call.objects.filter(pk=call_id)
    if not access.is_hotline_staff(request.user):
        # a unit hears only its masked calls on tickets it holds; operators hear every call
        calls = calls.filter(direction=Call.Direction.BRIDGED, ticket__in=access.visible_tickets(request.user))
    call = calls.first()
    if call is None or not call.recording_url:
        raise Http404(_("没有这段录音，或您无权收听。"))
    return redirect(call.recording_url)
