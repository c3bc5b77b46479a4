"""考核统计: the KPI table per unit and overall with breakdowns, its XLSX export, and appeals (申诉).

Operators and supervisors read every unit's figures; a unit's users read their own unit's only, and its
liaison or head appeals outcomes there; the supervisor decides appeals. The figures come from
hotline.kpis; every page costs a fixed number of queries whatever the number of units.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dashboards.kpi_period import period_from
from hotline import access, appeals, clock, kpis, roles, ticket_export
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Assignment, KpiAppeal

BREAKDOWN_TITLES = {
    "kind": gettext_lazy("按诉求类型"),
    "channel": gettext_lazy("按来源渠道"),
    "village": gettext_lazy("按村/社区"),
    "category": gettext_lazy("按事项分类"),
}
PAGE_SIZE = 20


def may_read_all(user):
    """Operators and supervisors (not an upstream platform's API login)."""
    staff = access.is_supervisor(user) or roles.OPERATOR in access.roles_of(user)
    return staff and access.upstream_system_of(user) is None


def _require_reader(request):
    if not may_read_all(request.user):
        raise PermissionDenied(_("只有话务员和督办人员可以查看各单位考核统计。"))


def _period_or_400(request):
    try:
        return period_from(request.GET, clock.now()), None
    except InvalidInput as error:
        response = render(request, "dashboards/kpi_error.html", {"error": error.message}, status=400)
        return None, response


def _sorted(rows, key):
    """Rows by `key`, best first for rates (None last); the table's own order for an unknown key."""
    if key not in kpis.DEFINITIONS:
        return rows
    present = [r for r in rows if r[key] is not None]
    missing = [r for r in rows if r[key] is None]
    return sorted(present, key=lambda r: r[key], reverse=True) + missing


def _breakdowns(period, now, unit=None):
    return [
        {"by": by, "title": title, "rows": kpis.breakdown(start=period.start, end=period.end, by=by, now=now, unit=unit)}
        for by, title in BREAKDOWN_TITLES.items()
    ]


@login_required
def supervisor_kpis(request):
    _require_reader(request)
    period, bad = _period_or_400(request)
    if bad:
        return bad
    now = clock.now()
    sort = request.GET.get("sort", "")
    rows = kpis.unit_table(start=period.start, end=period.end, now=now)
    is_supervisor = access.is_supervisor(request.user)
    context = {
        "period": period,
        "keys": list(kpis.DEFINITIONS),
        "rows": _sorted(rows, sort),
        "sort": sort,
        "total": kpis.overall(start=period.start, end=period.end, now=now),
        "breakdowns": _breakdowns(period, now),
        "is_supervisor": is_supervisor,
        "pending_appeals": KpiAppeal.objects.filter(status=KpiAppeal.Status.PENDING).count() if is_supervisor else None,
    }
    return render(request, "dashboards/kpis.html", context)


@login_required
def export_xlsx(request):
    """The period's KPI table as an Excel workbook: units, the overall row, and the definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _require_reader(request)
    period, bad = _period_or_400(request)
    if bad:
        return bad
    now = clock.now()
    rows = kpis.unit_table(start=period.start, end=period.end, now=now)
    total = kpis.overall(start=period.start, end=period.end, now=now)
    keys = list(kpis.DEFINITIONS)
    book = Workbook()
    sheet = book.active
    sheet.title = _("考核统计")
    sheet.append([_("承办单位考核统计（%(period)s）") % {"period": period.label}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("单位"), _("类型"), *[str(kpis.DEFINITIONS[key].label) for key in keys]])
    for cell in sheet[2]:
        cell.font = Font(bold=True)

    def numbers(row):
        return [float(row[key]) if row[key] is not None and kpis.DEFINITIONS[key].kind != "count" else row[key]
                for key in keys]

    for row in rows:
        sheet.append([row["unit"].name, str(row["unit"].get_kind_display()), *numbers(row)])
    sheet.append([_("全部单位"), "", *numbers(total)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, key in enumerate(keys, start=3):
        if kpis.DEFINITIONS[key].kind != "count":
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = "0.0"
    sheet.column_dimensions["A"].width = 24
    sheet.freeze_panes = "B3"
    definitions = book.create_sheet(_("指标定义"))
    definitions.append([_("指标"), _("定义")])
    for definition in kpis.DEFINITIONS.values():
        definitions.append([str(definition.label), str(definition.help)])
    definitions.column_dimensions["A"].width = 24
    definitions.column_dimensions["B"].width = 100
    ticket_export.text_cells(book)  # unit names and labels stay text, never formulas
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = "-".join(period.params.values())
    response["Content-Disposition"] = f'attachment; filename="kpis-{name}.xlsx"'
    return response


# --- the unit's own page, and its appeals ------------------------------------------------------


def _require_unit_user(request):
    if not access.is_unit_user(request.user):
        raise PermissionDenied(_("只有承办单位的工作人员可以查看本单位考核统计。"))
    return access.unit_of(request.user)


@login_required
def unit_kpis(request):
    unit = _require_unit_user(request)
    period, bad = _period_or_400(request)
    if bad:
        return bad
    now = clock.now()
    rounds = appeals.adverse_rounds(unit, start=period.start, end=period.end, now=now)
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    mine = KpiAppeal.objects.filter(assignment__in=[a.pk for a in listed]).select_related("decided_by")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "unit": unit,
        "period": period,
        "keys": list(kpis.DEFINITIONS),
        "row": kpis.unit_row(unit=unit, start=period.start, end=period.end, now=now),
        "breakdowns": _breakdowns(period, now, unit),
        "page": page,
        "outcomes": appeals.outcomes(listed, mine),
        "may_appeal": appeals.may_appeal(request.user, unit),
        "appeals": appeals.of_unit(unit)[:PAGE_SIZE],
        "query": query.urlencode(),
        "here": request.get_full_path(),
    }
    return render(request, "dashboards/kpi_unit.html", context)


def _back(request, fallback):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def unit_appeal(request):
    """POST assignment, metric, reason (and next): the liaison or head appeals an outcome of their unit."""
    unit = _require_unit_user(request)
    assignment = (
        Assignment.objects.select_related("ticket", "unit")
        .filter(pk=request.POST.get("assignment") if (request.POST.get("assignment") or "").isdigit() else None,
                unit=unit)
        .first()
    )
    if assignment is None:
        raise Http404(_("没有这条派单记录。"))
    try:
        appeals.request(
            assignment=assignment, metric=request.POST.get("metric", ""), reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except (InvalidInput, InvalidState) as error:
        messages.error(request, _("申诉未提交：%(problem)s") % {"problem": error.message})
    else:
        messages.success(request, _("已对工单%(number)s提交申诉，等待督办审核。") % {"number": assignment.ticket.number})
    return _back(request, reverse("unit_kpis"))


@login_required
def supervisor_appeals(request):
    if not access.is_supervisor(request.user):
        raise PermissionDenied(_("只有督办人员可以审核考核申诉。"))
    page = Paginator(appeals.pending(), PAGE_SIZE).get_page(request.GET.get("page"))
    decided = (
        KpiAppeal.objects.exclude(status=KpiAppeal.Status.PENDING)
        .select_related("assignment__ticket", "assignment__unit", "decided_by")
        .order_by("-decided_at", "-pk")[:PAGE_SIZE]
    )
    return render(request, "dashboards/kpi_appeals.html", {"page": page, "decided": decided, "query": ""})


@login_required
@require_POST
def decide_appeal(request, pk):
    if not access.is_supervisor(request.user):
        raise PermissionDenied(_("只有督办人员可以审核考核申诉。"))
    appeal = KpiAppeal.objects.select_related("assignment__ticket").filter(pk=pk).first()
    if appeal is None:
        raise Http404(_("没有这条申诉。"))
    approve = request.POST.get("decision") == "approve"
    try:
        appeals.decide(appeal=appeal, approve=approve, note=request.POST.get("note", ""), by=request.user)
    except (InvalidInput, InvalidState) as error:
        messages.error(request, _("审核未完成：%(problem)s") % {"problem": error.message})
    else:
        done = _("已同意工单%(number)s的申诉。") if approve else _("已驳回工单%(number)s的申诉。")
        messages.success(request, done % {"number": appeal.assignment.ticket.number})
    return redirect("supervisor_appeals")
