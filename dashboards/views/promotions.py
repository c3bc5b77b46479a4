"""推广申请 pages: the editors' queue and request page, the operators' phone form, and the public
showcase and application form (no login). Writes go through hotline.promotions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dashboards import promotion_forms as pf
from dashboards.forms import add_workflow_error
from dashboards.views import public
from hotline import access, confirmations, promotions, ratelimits
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import PromotionPlacement, PromotionRequest, Resident
from hotline.phones import normalize_phone

Status = PromotionRequest.Status
PAGE_SIZE = 20
PUBLIC_PAGE_SIZE = 12
QUEUE_LABELS = {
    Status.SUBMITTED: gettext_lazy("待审核"),
    Status.ACCEPTED: gettext_lazy("待排期"),
    Status.SCHEDULED: gettext_lazy("待发布"),
    Status.PUBLISHED: gettext_lazy("待录入效果"),
    Status.DONE: gettext_lazy("已完成"),
    Status.DECLINED: gettext_lazy("未通过"),
}
WORK_QUEUES = (Status.SUBMITTED, Status.ACCEPTED, Status.SCHEDULED, Status.PUBLISHED)


def _require_editor(user):
    if not access.is_media_editor(user):
        raise PermissionDenied(_("只有编辑和督办可以处理推广申请。"))


def _require_taker(user):
    if not access.may_take_promotions(user):
        raise PermissionDenied(_("只有话务员、编辑和督办可以登记推广申请。"))


# --- the editors' queue -------------------------------------------------------------------------


@login_required
def queue(request):
    """推广申请: one queue per step, with counts; waiting work oldest first, finished ones newest first."""
    _require_editor(request.user)
    status = request.GET.get("status") or Status.SUBMITTED
    if status not in QUEUE_LABELS:
        status = Status.SUBMITTED
    form = pf.StaffFilterForm(request.GET or None)
    rows = promotions.editor_requests().filter(status=status)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if text:
        condition = Q(product__icontains=text) | Q(text__icontains=text) | Q(description__icontains=text)
        try:
            condition |= Q(resident__phone=normalize_phone(text))
        except ValidationError:
            pass
        rows = rows.filter(condition)
    rows = rows.order_by("created_at", "pk") if status in WORK_QUEUES else rows.order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = promotions.status_counts()
    tabs = [(value, label, counts.get(value, 0)) for value, label in QUEUE_LABELS.items()]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "promotions/queue.html", {
        "tabs": tabs, "status": status, "label": QUEUE_LABELS[status], "page": page, "form": form,
        "query": query.urlencode(),
    })


# --- the request page and its actions -------------------------------------------------------------


def _edit(req, user, form):
    promotions.edit(request=req, by=user, **form.details())
    return _("已保存修改。")


def _accept(req, user, form):
    data = form.cleaned_data
    promotions.accept(request=req, by=user, needs_papers=data["needs_papers"], papers_checked=data["papers_checked"],
                      wording_checked=data["wording_checked"], note=data["note"])
    return _("已通过审核，已短信告知群众。")


def _decline(req, user, form):
    promotions.decline(request=req, by=user, reason=form.cleaned_data["reason"])
    return _("已标记为未通过，已短信告知群众原因。")


def _schedule(req, user, form):
    promotions.schedule(request=req, by=user, placements=form.placements())
    return _("已排期，已短信告知群众。")


def _publish(req, user, form):
    data = form.cleaned_data
    promotions.publish(placement=data["placement"], by=user, link=data["link"], published_on=data["published_on"])
    return _("已记录发布，已短信告知群众。")


def _results(req, user, form):
    data = form.cleaned_data
    promotions.enter_results(placement=data["placement"], by=user, views=data["views"], likes=data["likes"],
                             orders=data["orders"])
    return _("已录入推广效果。")


def _finish(req, user, form):
    promotions.finish(request=req, by=user)
    return _("推广已完成，已短信告知群众效果。")


# name: (label, form class, perform, the states in which the page offers it)
ACTIONS = {
    "accept": (gettext_lazy("审核通过"), pf.AcceptForm, _accept, (Status.SUBMITTED,)),
    "decline": (gettext_lazy("不通过"), pf.DeclineForm, _decline, (Status.SUBMITTED, Status.ACCEPTED)),
    "edit": (gettext_lazy("修改产品信息"), pf.EditForm, _edit,
             (Status.SUBMITTED, Status.ACCEPTED, Status.SCHEDULED, Status.PUBLISHED)),
    "schedule": (gettext_lazy("排期"), pf.ScheduleForm, _schedule, (Status.ACCEPTED, Status.SCHEDULED, Status.PUBLISHED)),
    "publish": (gettext_lazy("记录发布"), pf.PublishForm, _publish, (Status.SCHEDULED, Status.PUBLISHED)),
    "results": (gettext_lazy("录入效果"), pf.ResultsForm, _results, (Status.PUBLISHED,)),
    "finish": (gettext_lazy("完成推广"), pf.FinishForm, _finish, (Status.PUBLISHED,)),
}
_NEEDS_REQUEST = {"schedule", "publish", "results"}


def _form(name, req, data=None):
    form_class = ACTIONS[name][1]
    kwargs = {"prefix": name}
    if name in _NEEDS_REQUEST:
        kwargs["request"] = req
    if name == "edit" and data is None:
        kwargs["initial"] = {
            "product": req.product, "category": req.category, "village": req.village_id,
            "description": req.description or req.text, "price": req.price, "price_unit": req.price_unit,
            "availability": req.availability, "quantity": req.quantity,
        }
    if name == "accept" and data is None:
        kwargs["initial"] = {"needs_papers": req.needs_papers or req.category == PromotionRequest.Category.LOCAL_FOOD,
                             "papers_checked": req.papers_checked, "wording_checked": req.wording_checked}
    return form_class(data, **kwargs)


def _request_or_404(pk):
    req = promotions.editor_request(pk)
    if req is None:
        raise Http404(_("没有这件推广申请。"))
    return req


def _history(req):
    """The request's and its platforms' recorded changes, oldest first: (when, who, [text])."""
    tracked = ["status", "product", "category", "village_id", "description", "price", "price_unit", "availability",
               "quantity", "needs_papers", "papers_checked", "wording_checked", "review_note", "decline_reason"]
    labels = {f.attname: f.verbose_name for f in PromotionRequest._meta.fields}
    status_labels = dict(Status.choices)
    rows = []
    previous = None
    for record in req.history.select_related("history_user").order_by("history_date", "history_id"):
        if previous is None:
            changes = [_("登记（%(channel)s）") % {"channel": promotions.CHANNEL_LABELS.get(record.channel, record.channel)}]
        else:
            changes = []
            for name in tracked:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    if name == "status":
                        changes.append(_("状态：%(status)s") % {"status": status_labels.get(new, new)})
                    elif isinstance(new, bool):
                        changes.append(_("%(field)s：%(value)s") % {"field": labels[name], "value": _("是") if new else _("否")})
                    else:
                        changes.append(_("修改了%(field)s") % {"field": labels[name]})
        if changes:
            rows.append((record.history_date, record.history_user, changes))
        previous = record
    placements = PromotionPlacement.history.filter(request_id=req.pk).select_related("history_user")
    for record in placements.order_by("history_date", "history_id"):
        platform = dict(PromotionPlacement.Platform.choices).get(record.platform, record.platform)
        if record.results_at:
            text = _("%(platform)s：效果 浏览%(views)s 点赞%(likes)s 订单%(orders)s") % {
                "platform": platform, "views": record.views if record.views is not None else "—",
                "likes": record.likes if record.likes is not None else "—",
                "orders": record.orders if record.orders is not None else "—"}
        elif record.published_on:
            text = _("%(platform)s：已发布（%(day)s）") % {"platform": platform, "day": formats.date_format(record.published_on, "Y-m-d")}
        else:
            text = _("%(platform)s：排期 %(day)s") % {"platform": platform, "day": formats.date_format(record.scheduled_for, "Y-m-d")}
        rows.append((record.history_date, record.history_user, [text]))
    rows.sort(key=lambda row: row[0])
    return rows


# the next step of each state: offered first, and open
PRIMARY = {Status.SUBMITTED: "accept", Status.ACCEPTED: "schedule", Status.SCHEDULED: "publish", Status.PUBLISHED: "results"}


def _page_context(req, *, failed=None):
    forms = []
    primary = PRIMARY.get(req.status)
    if primary == "results" and all(p.results_at for p in req.placements.all() if p.published_on):
        primary = "finish"
    names = sorted(ACTIONS, key=lambda name: (name != primary, name in ("decline", "edit")))
    for name in names:
        label, _form_class, _perform, states = ACTIONS[name]
        if req.status not in states:
            continue
        form = failed[1] if failed and failed[0] == name else _form(name, req)
        if name in ("publish", "results") and not form.fields["placement"].choices:
            continue
        forms.append((name, label, form))
    return {
        "req": req,
        "forms": forms,
        "open_action": failed[0] if failed else "",
        "terms": promotions.public_text_problems(req),
        "personal": promotions.personal_data_problems(req),
        "raw_terms": promotions.forbidden_terms(req.text),
        "history": _history(req),
        "others": (PromotionRequest.objects.filter(resident_id=req.resident_id).exclude(pk=req.pk)
                   .exclude(status=Status.UNCONFIRMED).order_by("-created_at")[:10]) if req.resident_id else [],
        "sms": req.resident.messages.filter(Q(template__startswith="promotion_") | Q(template="sms_promotion"))
        .order_by("-created_at", "-pk")[:20] if req.resident_id else [],
    }


@login_required
def detail(request, pk):
    _require_editor(request.user)
    req = _request_or_404(pk)
    return render(request, "promotions/detail.html", _page_context(req))


@login_required
@require_POST
def action(request, pk, name):
    _require_editor(request.user)
    if name not in ACTIONS:
        raise Http404(_("没有这个操作。"))
    req = _request_or_404(pk)
    label, _form_class, perform, _states = ACTIONS[name]
    form = _form(name, req, request.POST)
    status = 400
    if form.is_valid():
        try:
            done = perform(req, request.user, form)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except InvalidInput as exc:
            add_workflow_error(_placement_errors(form, exc), exc)
        except InvalidState as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            messages.success(request, done)
            return redirect("editor_promotion", pk=req.pk)
    req = _request_or_404(pk)
    problems = " ".join(form.non_field_errors()) or _("请查看下方提示。")
    messages.error(request, _("“%(action)s”未完成：%(problems)s") % {"action": label, "problems": problems})
    return render(request, "promotions/detail.html", _page_context(req, failed=(name, form)), status=status)


def _placement_errors(form, exc):
    """The service names platforms ("douyin") and "placements" where the schedule form has one field per platform."""
    if "placements" in exc.field_errors and "placements" not in form.fields:
        exc.field_errors = {**exc.field_errors}
        exc.field_errors[None] = exc.field_errors.pop("placements")
    return form


# --- the operators' phone form ---------------------------------------------------------------------


@login_required
def new(request):
    """登记推广: an operator (or editor) records a request a villager makes on the phone."""
    _require_taker(request.user)
    form = pf.PhoneRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = promotions.create_by_operator(
                by=request.user, phone=data["phone"], resident_name=data["resident_name"], text=data["text"],
                contact_public=data["contact_public"], photos=data["photos"], **form.details(),
            )
        except (InvalidInput, NotAllowed) as exc:
            if isinstance(exc, NotAllowed):
                raise PermissionDenied(exc.message) from exc
            add_workflow_error(form, exc)
        else:
            messages.success(request, _("已登记推广申请，编号%(id)s，已短信告知群众。") % {"id": req.pk})
            if access.is_media_editor(request.user):
                return redirect("editor_promotion", pk=req.pk)
            return redirect("promotion_new")
    status = 400 if form.errors else 200
    return render(request, "promotions/new.html", {"form": form}, status=status)


@login_required
def lookup(request):
    """The phone form's lookup: the caller's record and earlier promotion requests, or 'new caller'."""
    _require_taker(request.user)
    raw = (request.GET.get("phone") or "").strip()
    context = {"raw": raw}
    if raw:
        try:
            phone = normalize_phone(raw)
        except ValidationError as exc:
            context["error"] = exc.messages[0]
        else:
            resident = Resident.objects.filter(phone=phone).select_related("village").first()
            earlier = []
            if resident is not None:
                earlier = list(resident.promotion_requests.exclude(status=Status.UNCONFIRMED).order_by("-created_at")[:10])
            context.update(phone=phone, resident=resident, earlier=earlier)
    return render(request, "promotions/_lookup.html", context)


# --- the public pages ------------------------------------------------------------------------------


def showcase(request):
    """农产品推广: published products, newest first, by township/village and category."""
    form = pf.ShowcaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = promotions.filter_products(
        promotions.public_products(), township=data.get("township"), village=data.get("village"),
        category=data.get("category"),
    )
    page = Paginator(rows, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "promotions/public_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "public_section": "products",
    })


def product(request, pk):
    req = promotions.public_products().filter(pk=pk).first()
    if req is None:
        raise Http404(_("没有这件产品。"))
    return render(request, "promotions/public_detail.html", {
        "req": req, "contact": promotions.public_contact(req), "public_section": "products",
    })


def apply(request):
    """The public application form; on valid input the request waits for the SMS code (hotline.confirmations)."""
    form = pf.PublicApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not public.over_limit(request, form) and form.is_valid():
        data = form.cleaned_data
        stored = []
        try:
            with transaction.atomic():
                req = promotions.create_unconfirmed(
                    contact_public=data["contact_public"], photos=data["photos"], **form.details()
                )
                stored = list(req.photos.values_list("image", flat=True))
                confirmation = confirmations.start(
                    phone=data["phone"], purpose="promotion", payload={"promotion": req.pk},
                    address=ratelimits.client_address(request),
                )
        except InvalidInput as exc:
            add_workflow_error(form, exc)
        except ValidationError as exc:
            promotions.delete_files(stored)  # the rows were rolled back; their files go too
            public.add_errors(form, exc)
        else:
            return redirect("public_confirm", confirmation.token)
    status = public.failed_status(form) if form.errors else 200
    return render(request, "promotions/public_apply.html", {
        "form": form, "public_section": "products", "photos_lost": bool(request.FILES) and bool(form.errors),
    }, status=status)


def thanks(request):
    return render(request, "promotions/public_thanks.html", {"public_section": "products"})

