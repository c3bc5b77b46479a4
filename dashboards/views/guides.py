"""办事指南 pages: the public search and guide pages, the units' and editors' guide pages, and the
operator's guide search on the ticket page (htmx fragments). Changes go through hotline.guides."""

import functools
from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dashboards.forms import add_workflow_error
from dashboards.guide_forms import EmptyForm, GuideForm, PublicSearchForm, SendBackForm, WithdrawForm
from hotline import access, guides
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import ServiceGuide

Status = ServiceGuide.Status
PUBLIC_PAGE_SIZE = 20
STAFF_PAGE_SIZE = 50
OPERATOR_RESULTS = 8


# --- the public site (no login) -------------------------------------------------------------------


def public_list(request):
    """Search box and results; without a query, the published guides by category and unit."""
    form = PublicSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query = (data.get("q") or "").strip()
    base = ServiceGuide.objects.select_related("unit")
    if query:
        rows = guides.search(query, base)
        if data.get("category"):
            rows = rows.filter(category=data["category"])
        if data.get("unit"):
            rows = rows.filter(unit=data["unit"])
    else:
        rows = guides.public_list(category=data.get("category") or "", unit_id=getattr(data.get("unit"), "pk", None))
    page = Paginator(rows, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "public/guides/list.html", {
        "form": form, "page": page, "q": query, "query": kept.urlencode(), "public_section": "guides",
    })


def public_detail(request, pk):
    """One published guide; each view counts, with one UPDATE (no read-modify-write race)."""
    if not guides.published().filter(pk=pk).update(view_count=F("view_count") + 1):
        raise Http404(_("没有这项办事指南。"))
    guide = guides.published().select_related("unit").filter(pk=pk).first()
    if guide is None:
        raise Http404(_("没有这项办事指南。"))
    return render(request, "public/guides/detail.html", {
        "guide": guide, "stale": guides.is_stale(guide), "public_section": "guides",
    })


# --- staff pages: units and editors ------------------------------------------------------------------


def _staff_view(check):
    """Anonymous: to the login page. Logged in without the right: 403."""

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


def _drafts_or_edits(user):
    return access.drafting_unit(user) is not None or access.is_media_editor(user)


unit_required = _staff_view(lambda user: access.drafting_unit(user) is not None)
editor_required = _staff_view(access.is_media_editor)
drafter_required = _staff_view(_drafts_or_edits)


def _is_editor_page(request):
    return request.resolver_match.url_name.startswith("editor_")


def _list_rows(queryset):
    return guides.with_stale_flag(queryset.select_related("unit")).order_by("unit__name", "title", "pk")


@unit_required
def unit_list(request):
    """The unit's guides: status, the ones to check, view counts."""
    unit = access.drafting_unit(request.user)
    mine = ServiceGuide.objects.filter(unit=unit)
    counts = mine.aggregate(
        total=Count("pk"),
        stale=Count("pk", filter=Q(status=Status.PUBLISHED, last_checked__lt=guides.stale_before())),
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        views=Sum("view_count"),
    )
    page = Paginator(_list_rows(mine), STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dashboards/guides/unit_list.html", {
        "unit": unit, "page": page, "counts": counts,
    })


EDITOR_TABS = (
    ("pending", gettext_lazy("待发布")),
    ("stale", gettext_lazy("待核对")),
    ("all", gettext_lazy("全部")),
)


@editor_required
def editor_list(request):
    """Guides waiting to be published, published ones past their check date, and all of them."""
    tab = request.GET.get("tab") or "pending"
    if tab not in dict(EDITOR_TABS):
        tab = "pending"
    every = ServiceGuide.objects.all()
    cutoff = guides.stale_before()
    counts = every.aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        stale=Count("pk", filter=Q(status=Status.PUBLISHED, last_checked__lt=cutoff)),
        all=Count("pk"),
    )
    rows = {"pending": every.filter(status=Status.PENDING), "stale": guides.stale(every), "all": every}[tab]
    page = Paginator(_list_rows(rows), STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dashboards/guides/editor_list.html", {
        "tab": tab, "tabs": [(key, label, counts[key]) for key, label in EDITOR_TABS], "page": page,
        "query": f"tab={tab}",
    })


@drafter_required
def guide_new(request):
    editor = access.is_media_editor(request.user)
    form = GuideForm(request.POST or None, choose_unit=editor)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            unit = form.cleaned_data["unit"] if editor else access.drafting_unit(request.user)
            try:
                guide = guides.draft(by=request.user, unit=unit, **form.content())
            except InvalidInput as exc:
                add_workflow_error(form, exc)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("草稿已保存。填写完整后请提交编辑发布。"))
                return redirect(_detail_url(request, guide))
    return render(request, "dashboards/guides/edit.html", {
        "form": form, "guide": None, "back": _list_url(request),
    }, status=status)


def _list_url(request):
    return reverse("editor_guides" if _is_editor_page(request) else "unit_guides")


def _detail_url(request, guide):
    return reverse("editor_guide" if _is_editor_page(request) else "unit_guide", args=[guide.pk])


def _editable_or_404(user, pk):
    guide = access.editable_by(user, ServiceGuide.objects.select_related("unit", "created_by")).filter(pk=pk).first()
    if guide is None:
        raise Http404(_("没有这项办事指南，或您无权修改。"))
    return guide


@dataclass(frozen=True)
class GuideAction:
    name: str
    label: str
    form: type
    perform: Callable  # (guide, user, form) -> message shown after success
    states: tuple
    editor_only: bool = False
    css: str = ""


ACTIONS = [
    GuideAction(
        "submit", gettext_lazy("提交编辑发布"), EmptyForm,
        lambda g, u, f: guides.submit(guide=g, by=u) and _("已提交，等待编辑发布。"), (Status.DRAFT,), css="primary",
    ),
    GuideAction(
        "publish", gettext_lazy("发布"), EmptyForm,
        lambda g, u, f: guides.publish(guide=g, by=u) and _("已发布，群众现在可以查到这项指南。"), (Status.PENDING,),
        editor_only=True, css="primary",
    ),
    GuideAction(
        "send_back", gettext_lazy("退回修改"), SendBackForm,
        lambda g, u, f: guides.send_back(guide=g, by=u, note=f.cleaned_data["note"]) and _("已退回单位修改。"),
        (Status.PENDING,), editor_only=True,
    ),
    GuideAction(
        "check", gettext_lazy("内容无误，标记已核对"), EmptyForm,
        lambda g, u, f: guides.mark_checked(guide=g, by=u) and _("已标记为今天核对。"),
        (Status.DRAFT, Status.PENDING, Status.PUBLISHED),
    ),
    GuideAction(
        "withdraw", gettext_lazy("下线"), WithdrawForm,
        lambda g, u, f: guides.withdraw(guide=g, by=u, reason=f.cleaned_data["reason"]) and _("已下线，公众不再看到这项指南。"),
        (Status.PUBLISHED, Status.PENDING), css="danger",
    ),
]
BY_NAME = {action.name: action for action in ACTIONS}


def _available(user, guide):
    editor = access.is_media_editor(user)
    return [a for a in ACTIONS if guide.status in a.states and (editor or not a.editor_only)]


def _history(guide):
    return guide.history.select_related("history_user").order_by("-history_date", "-history_id")[:30]


def _edit_context(request, guide, form, *, failed=None):
    actions = []
    for action in _available(request.user, guide):
        bound = failed[1] if failed and failed[0] == action.name else action.form(prefix=action.name)
        actions.append((action, bound))
    locked = guide.status == Status.PUBLISHED and not access.is_media_editor(request.user)
    if locked:
        for field in form.fields.values():
            field.disabled = True
    return {
        "form": form, "guide": guide, "actions": actions, "locked": locked, "stale": guides.is_stale(guide),
        "history": _history(guide), "back": _list_url(request),
        "public_url": reverse("public_guide", args=[guide.pk]) if guide.status == Status.PUBLISHED else "",
        "action_url": "editor_guide_action" if _is_editor_page(request) else "unit_guide_action",
    }


@drafter_required
def guide_edit(request, pk):
    guide = _editable_or_404(request.user, pk)
    form = GuideForm(request.POST or None, instance=guide)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                guides.edit(guide=guide, by=request.user, **form.content())
            except InvalidInput as exc:
                add_workflow_error(form, exc)
            except InvalidState as exc:
                form.add_error(None, exc.message)
                status = 409
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            else:
                messages.success(request, _("已保存。"))
                return redirect(_detail_url(request, guide))
        guide.refresh_from_db()  # the form's instance took the rejected values
    return render(request, "dashboards/guides/edit.html", _edit_context(request, guide, form), status=status)


@drafter_required
@require_POST
def guide_action(request, pk, action):
    spec = BY_NAME.get(action)
    if spec is None:
        raise Http404(_("没有这个操作。"))
    guide = _editable_or_404(request.user, pk)
    form = spec.form(request.POST, prefix=spec.name)
    status = 400
    if form.is_valid():
        try:
            done = spec.perform(guide, request.user, form)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except InvalidInput as exc:
            if set(exc.field_errors) <= set(form.fields):
                add_workflow_error(form, exc)
            else:  # e.g. submitting without the materials: the content form's fields, named in the message
                form.add_error(None, exc.message)
        except InvalidState as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            messages.success(request, done)
            target = request.POST.get("next") or ""
            if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            return redirect(_detail_url(request, guide))
    guide.refresh_from_db()
    problems = " ".join(form.non_field_errors()) or " ".join(e for errors in form.errors.values() for e in errors)
    messages.error(request, _("“%(action)s”未完成：%(problems)s") % {"action": spec.label, "problems": problems})
    context = _edit_context(request, guide, GuideForm(instance=guide), failed=(spec.name, form))
    return render(request, "dashboards/guides/edit.html", context, status=status)


# --- the operator's guide search on the ticket page (htmx) ----------------------------------------------


def _answers(user):
    return access.can(user, "answer")


operator_required = _staff_view(_answers)


@operator_required
def operator_search(request):
    query = (request.GET.get("q") or "").strip()
    results = list(guides.search(query, ServiceGuide.objects.select_related("unit"))[:OPERATOR_RESULTS]) if query else []
    return render(request, "dashboards/guides/_operator_results.html", {"results": results, "q": query})


def key_facts(guide):
    """The guide's main facts as plain text, to paste into a direct answer."""
    lines = [f"{guide.title}（{guide.unit}）"]
    for name in ("conditions", "materials", "location", "office_hours", "promised_time_limit", "fees", "phone"):
        value = " ".join(getattr(guide, name).split())
        if value:
            lines.append(f"{ServiceGuide._meta.get_field(name).verbose_name}：{value}")
    lines.append(_("详见：%(link)s") % {"link": guides.public_link(guide)})
    return "\n".join(lines)


@operator_required
def operator_pick(request, pk):
    """Cite this guide: its id goes into the answer form's hidden field (an htmx out-of-band swap) and its
    key facts are offered; with paste=1 they are added to the answer text the operator has written so far."""
    guide = guides.published().select_related("unit").filter(pk=pk).first()
    if guide is None:
        raise Http404(_("没有这项办事指南。"))
    facts = key_facts(guide)
    paste = request.GET.get("paste") == "1"
    written = (request.GET.get("answer-answer") or "").rstrip()
    return render(request, "dashboards/guides/_operator_pick.html", {
        "guide": guide, "facts": facts, "paste": paste,
        "answer": f"{written}\n{facts}" if written else facts,
        "public_url": reverse("public_guide", args=[guide.pk]),
    })
