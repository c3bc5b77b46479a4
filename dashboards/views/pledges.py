"""承诺事项 pages: the public board (no login), the units' drafting pages and the editors' queue.

Every change goes through hotline.pledges; who may see what is decided there and in hotline.access.
"""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dashboards import pledge_forms as forms
from dashboards.forms import add_workflow_error
from dashboards.views import public
from hotline import access, confirmations, pledges
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.ratelimits import client_address
from hotline.models import Pledge, PledgeItem, PledgeUpdate, PledgeUpdatePhoto, Unit

Status = Pledge.Status

_STATUS_ORDER = Case(
    *[When(status=status, then=Value(rank)) for rank, status in enumerate(
        [Status.PUBLISHED, Status.PENDING, Status.DRAFT, Status.DONE, Status.WITHDRAWN]
    )],
    output_field=IntegerField(),
)


def _updates():
    return Prefetch(
        "updates",
        queryset=PledgeUpdate.objects.order_by("-date", "-pk").prefetch_related(
            Prefetch("photos", queryset=PledgeUpdatePhoto.objects.order_by("pk"))
        ),
    )


# --- public pages (no login) -----------------------------------------------------------------------


def public_board(request):
    """Every township and department with its pledges counted (one query) and the share done."""
    units = pledges.board()
    sections = [
        (_("乡镇（街道）"), [u for u in units if u.kind == Unit.Kind.TOWNSHIP]),
        (_("区直部门"), [u for u in units if u.kind == Unit.Kind.DEPARTMENT]),
    ]
    totals = {
        "pledged": sum(u.pledged for u in units),
        "done": sum(u.done for u in units),
        "overdue": sum(u.overdue for u in units),
    }
    return render(request, "public/pledges/board.html", {
        "sections": sections, "totals": totals, "public_section": "pledges",
    })


def public_unit(request, unit_id):
    unit = get_object_or_404(Unit, pk=unit_id)
    rows = list(
        pledges.public_pledges().filter(unit=unit).order_by("-overdue", _STATUS_ORDER, "target_date", "pk")
    )
    return render(request, "public/pledges/unit.html", {
        "unit": unit, "pledges": rows, "public_section": "pledges",
        "counts": {
            "pledged": sum(p.status in (Status.PUBLISHED, Status.DONE) for p in rows),
            "done": sum(p.status == Status.DONE for p in rows),
            "overdue": sum(p.overdue for p in rows),
        },
    })


def _public_pledge_or_404(pk):
    pledge = (
        pledges.public_pledges()
        .select_related("unit")
        .prefetch_related(Prefetch("items", queryset=PledgeItem.objects.order_by("position", "pk")), _updates())
        .filter(pk=pk)
        .first()
    )
    if pledge is None:
        raise Http404(_("没有这项承诺事项。"))
    return pledge


def _public_context(request, pledge, *, feedback_form=None, vote_form=None):
    return {
        "pledge": pledge,
        "trail": pledges.trail(pledge),
        "votes": pledges.vote_summary(pledge),
        "feedback_count": pledges.feedback_count(pledge),
        "feedback_form": feedback_form or forms.FeedbackForm(prefix="feedback"),
        "vote_form": vote_form or forms.VoteForm(prefix="vote"),
        "takes_feedback": pledge.status in pledges.FEEDBACK_STATUSES,
        "sent": request.GET.get("sent", ""),
        "public_section": "pledges",
    }


def public_pledge(request, pk):
    pledge = _public_pledge_or_404(pk)
    return render(request, "public/pledges/pledge.html", _public_context(request, pledge))


def _start_confirmation(request, pledge, form, purpose, payload):
    """Send the SMS code; the visitor then types it on the shared confirm page (hotline.confirmations)."""
    try:
        confirmation = confirmations.start(
            phone=form.cleaned_data["phone"], purpose=purpose, payload=payload, address=client_address(request)
        )
    except ValidationError as error:
        public.add_errors(form, error)
        return None
    return redirect("public_confirm", confirmation.token)


def _public_form_failed(request, pledge, **forms_):
    """The pledge page again with the form's errors and what was typed: 400, or 429 past a rate limit."""
    (form,) = forms_.values()
    context = _public_context(request, pledge, **forms_)
    return render(request, "public/pledges/pledge.html", context, status=public.failed_status(form))


@require_POST
def public_feedback(request, pk):
    """群众评单 on the web: text and phone; the ticket is made once the SMS code is typed back."""
    pledge = _public_pledge_or_404(pk)
    form = forms.FeedbackForm(request.POST, prefix="feedback")
    if pledge.status not in pledges.FEEDBACK_STATUSES:
        form.add_error(None, _("这项承诺已撤回，不再接受意见。"))
    elif not public.over_limit(request, form) and form.is_valid():
        response = _start_confirmation(
            request, pledge, form, "pledge_feedback", {"pledge": pledge.pk, "text": form.cleaned_data["text"].strip()}
        )
        if response is not None:
            return response
    return _public_form_failed(request, pledge, feedback_form=form)


@require_POST
def public_vote(request, pk):
    """群众验单 on the web: once the unit marked the pledge done; one vote per phone (checked after the code)."""
    pledge = _public_pledge_or_404(pk)
    form = forms.VoteForm(request.POST, prefix="vote")
    if pledge.status != Status.DONE:
        form.add_error(None, _("这项承诺尚未完成，单位标记完成后才能验单。"))
    elif not public.over_limit(request, form) and form.is_valid():
        response = _start_confirmation(
            request, pledge, form, "pledge_vote", {"pledge": pledge.pk, "verdict": form.cleaned_data["verdict"]}
        )
        if response is not None:
            return response
    return _public_form_failed(request, pledge, vote_form=form)


# --- staff pages -------------------------------------------------------------------------------------


def staff_required(check):
    """Anonymous: to the login page. Logged in without the role `check` asks for: 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _works_on_pledges(user):
    return access.is_media_editor(user) or access.is_unit_user(user)


@staff_required(_works_on_pledges)
def unit_list(request):
    """The unit's pledges (every state), overdue first; editors go to their own list."""
    if access.is_media_editor(request.user) and not access.is_unit_user(request.user):
        return redirect("editor_pledges")
    rows = pledges.staff_pledges(request.user).order_by("-overdue", _STATUS_ORDER, "target_date", "pk")
    return render(request, "pledges/unit_list.html", {
        "unit": access.unit_of(request.user),
        "pledges": rows,
        "may_draft": access.drafting_unit(request.user) is not None,
    })


@staff_required(access.is_media_editor)
def editor_list(request):
    """To publish, then every published pledge with the overdue ones first, then the done ones (to withdraw)."""
    rows = list(
        pledges.staff_pledges(request.user)
        .filter(status__in=[Status.PENDING, Status.PUBLISHED, Status.DONE])
        .order_by("-overdue", "target_date", "pk")
    )
    return render(request, "pledges/editor_list.html", {
        "pending": [p for p in rows if p.status == Status.PENDING],
        "published": [p for p in rows if p.status == Status.PUBLISHED],
        "done": [p for p in rows if p.status == Status.DONE],
    })


def _may_draft(user):
    return access.is_media_editor(user) or access.drafting_unit(user) is not None


@staff_required(_may_draft)
def pledge_new(request):
    editor = access.is_media_editor(request.user)
    form = forms.NewPledgeForm(request.POST or None, choose_unit=editor)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            unit = data["unit"] if editor else access.drafting_unit(request.user)
            try:
                pledge = pledges.draft(
                    by=request.user, unit=unit, title=data["title"], description=data["description"],
                    origin=data["origin"], target_date=data["target_date"], broadcast_date=data["broadcast_date"],
                    items=form.item_titles(),
                )
            except InvalidInput as exc:
                add_workflow_error(form, exc)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("已保存草稿：%(title)s") % {"title": pledge.title})
                return redirect(_manage_url(request.user, pledge))
    return render(request, "pledges/new.html", {"form": form}, status=status)


def _manage_url(user, pledge):
    name = "editor_pledge" if access.is_media_editor(user) else "unit_pledge"
    return reverse(name, args=[pledge.pk])


def _staff_pledge_or_404(user, pk):
    pledge = pledges.staff_pledges(user).filter(pk=pk).first()
    if pledge is None:
        raise Http404(_("没有这项承诺事项，或您无权查看。"))
    return pledge


def _manage_context(request, pledge, *, failed=None):
    """The pledge with what the user may do to it now; `failed` is (action, bound form) to show with errors."""
    user = request.user
    pledge = pledges.staff_pledges(user).prefetch_related(
        Prefetch("items", queryset=PledgeItem.objects.order_by("position", "pk")), _updates()
    ).get(pk=pledge.pk)
    items = list(pledge.items.all())
    may_edit = access.may_edit_unit_content(user, pledge.unit_id)
    editor = access.is_media_editor(user)
    status = pledge.status
    editable = may_edit and status in pledges.EDITABLE_STATUSES
    available = {
        "edit": editable,
        "add-item": editable,
        "items": editable,
        "submit": may_edit and status == Status.DRAFT,
        "update": may_edit and status == Status.PUBLISHED,
        "done": may_edit and status == Status.PUBLISHED,
        "publish": editor and status == Status.PENDING,
        "send-back": editor and status == Status.PENDING,
        "withdraw": editor and status in (Status.PUBLISHED, Status.DONE),
    }
    built = {}
    for name, ok in available.items():
        if not ok or name == "items":
            continue
        if failed and failed[0] == name:
            built[name] = failed[1]
        else:
            built[name] = _form(name, pledge, None, items=items)
    return {
        "pledge": pledge,
        "items": items,
        "can": available,
        "action_forms": built,
        "failed": failed[0] if failed else "",
        "item_error": failed[1] if failed and failed[0].startswith("item-") else None,
        "trail": pledges.trail(pledge),
        "votes": pledges.vote_summary(pledge),
        "feedback_count": pledges.feedback_count(pledge),
        "send_back_note": pledges.last_send_back_note(pledge) if status == Status.DRAFT else "",
        "back": reverse("editor_pledges") if editor else reverse("unit_pledges"),
        "public_url": reverse("public_pledge", args=[pledge.pk]) if status in pledges.PUBLIC_STATUSES else "",
    }


def _form(name, pledge, data, *, items=(), files=None):
    kwargs = {"prefix": name}
    if name == "edit":
        initial = {field: getattr(pledge, field) for field in pledges.FIELDS}
        return forms.PledgeForm(data, initial=initial, published=pledge.status == Status.PUBLISHED, **kwargs)
    if name == "update":
        return forms.UpdateForm(data, files, has_items=bool(items), **kwargs)
    if name == "done":
        return forms.DoneForm(data, files, **kwargs)
    return {
        "add-item": forms.ItemForm, "item-rename": forms.ItemForm, "item-progress": forms.ItemProgressForm,
        "send-back": forms.NoteForm, "withdraw": forms.ReasonForm,
    }.get(name, forms.EmptyForm)(data, **kwargs)


@staff_required(_works_on_pledges)
def pledge_manage(request, pk):
    pledge = _staff_pledge_or_404(request.user, pk)
    return render(request, "pledges/manage.html", _manage_context(request, pledge))


def _item(pledge, request):
    item = PledgeItem.objects.filter(pledge=pledge, pk=request.POST.get("item") or 0).select_related("pledge").first()
    if item is None:
        raise Http404(_("没有这个子项。"))
    return item


def _perform(name, pledge, user, form, request):
    """Run one action; returns the success message."""
    data = form.cleaned_data
    if name == "edit":
        changes = {field: data[field] for field in pledges.FIELDS}
        pledges.edit(pledge=pledge, by=user, reason=data.get("reason", ""), **changes)
        return _("已保存修改。")
    if name == "add-item":
        pledges.add_item(pledge=pledge, by=user, title=data["title"])
        return _("已添加子项。")
    if name == "item-rename":
        pledges.rename_item(item=_item(pledge, request), by=user, title=data["title"])
        return _("已修改子项。")
    if name == "item-progress":
        pledges.set_item_progress(item=_item(pledge, request), by=user, progress=data["progress"])
        return _("已更新子项进度。")
    if name == "item-remove":
        pledges.remove_item(item=_item(pledge, request), by=user)
        return _("已删除子项。")
    if name == "submit":
        pledges.submit(pledge=pledge, by=user)
        return _("已提交编辑审核发布。")
    if name == "update":
        pledges.add_update(
            pledge=pledge, by=user, text=data["text"], date=data["date"], progress=data.get("progress"),
            photos=data["photos"],
        )
        return _("已发布进展。")
    if name == "done":
        pledges.mark_done(pledge=pledge, by=user, text=data["text"], date=data["date"], photos=data["photos"])
        return _("已标记完成，群众可以验单了。")
    if name == "publish":
        pledges.publish(pledge=pledge, by=user)
        return _("已公开发布。")
    if name == "send-back":
        pledges.send_back(pledge=pledge, by=user, note=data["note"])
        return _("已退回单位修改。")
    if name == "withdraw":
        pledges.withdraw(pledge=pledge, by=user, reason=data["reason"])
        return _("已撤回。")
    raise Http404


ACTIONS = (
    "edit", "add-item", "item-rename", "item-progress", "item-remove", "submit", "update", "done",
    "publish", "send-back", "withdraw",
)


@staff_required(_works_on_pledges)
@require_POST
def pledge_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404(_("没有这个操作。"))
    pledge = _staff_pledge_or_404(request.user, pk)
    items = list(pledge.items.all()) if action == "update" else ()
    form = _form(action, pledge, request.POST, items=items, files=request.FILES)
    status = 400
    if form.is_valid():
        try:
            done = _perform(action, pledge, request.user, form, request)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except InvalidInput as exc:
            add_workflow_error(form, exc)
        except InvalidState as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            messages.success(request, done)
            return redirect(_manage_url(request.user, pledge))
    messages.error(request, _("操作未完成，请查看下方提示。"))
    context = _manage_context(request, pledge, failed=(action, form))
    return render(request, "pledges/manage.html", context, status=status)
