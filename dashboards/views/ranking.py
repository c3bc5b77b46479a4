"""考核排名 (红黑榜): the month's ranking with its trend and volume charts, its XLSX export, the weights page,
and the public ranking (published months only).

Operators and supervisors read the ranking; only the supervisor edits the weights and publishes a month.
Every page costs a fixed number of queries whatever the number of units or tickets.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dashboards.ranking_forms import RankingSchemeForm
from hotline import access, charts, kpis, ranking, roles, ticket_export
from hotline.errors import InvalidInput
from hotline.models import RankingPublication, RankingScheme

TREND_MONTHS = 6
HISTORY_SHOWN = 10
# the rate columns of the table and the export, in order (labels and tooltips from kpis.DEFINITIONS)
RATE_COLUMNS = (
    "signed_on_time_rate", "replied_on_time_rate", "satisfaction_rate", "resolution_rate", "return_rate", "reopen_rate",
)


def _may_read(user):
    return access.is_supervisor(user) or roles.OPERATOR in access.roles_of(user)


def _require_reader(request):
    if not _may_read(request.user):
        raise PermissionDenied(_("只有话务员和督办人员可以查看单位排名。"))


def _require_supervisor(request):
    if not access.is_supervisor(request.user):
        raise PermissionDenied(_("只有督办人员可以修改排名权重和公开排名。"))


def _month_of(request, source):
    """The month asked for (YYYY-MM), last month when none; InvalidInput for a malformed or future one."""
    text = source.get("month")
    current = ranking.this_month()
    if not text:
        return ranking.add_months(current, -1)
    month = ranking.parse_month(text)
    if month > current:
        raise InvalidInput(_("这个月还没有到。"))
    return month


def _bad_month(request, error):
    return render(request, "dashboards/ranking_error.html", {"error": error.message}, status=400)


def _svg(text):
    return mark_safe(text)  # rendered by hotline.charts from our own figures: no script, no outside links


@login_required
@require_http_methods(["GET", "POST"])
def ranking_page(request):
    _require_reader(request)
    if request.method == "POST":
        return _publication(request)
    try:
        month = _month_of(request, request.GET)
    except InvalidInput as error:
        return _bad_month(request, error)
    scheme = RankingScheme.current()
    rows = ranking.trend(months=TREND_MONTHS, end_month=month, scheme=scheme)
    start, end = kpis.month_bounds(month)
    volume = charts.volume(start=start, end=end)
    marked = [row for row in rows if row["mark"]]
    context = {
        "month": month,
        "previous": ranking.add_months(month, -1),
        "next": ranking.add_months(month, 1) if month < ranking.this_month() else None,
        "rows": rows,
        "ranked": sum(1 for row in rows if row["rank"] is not None),
        "scheme": scheme,
        "rate_columns": RATE_COLUMNS,
        "volume": volume,
        "charts": {
            "trend": _svg(charts.score_trend_chart(marked, title=_("红黑榜单位近%(n)s个月得分") % {"n": TREND_MONTHS}))
            if marked else "",
            "days": _svg(charts.daily_chart(volume["by_day"], title=_("每日受理量"))),
            "kinds": _svg(charts.pie_chart(volume["by_kind"], title=_("按诉求类型"))),
            "channels": _svg(charts.pie_chart(volume["by_channel"], title=_("按来源渠道"))),
            "units": _svg(charts.bar_chart(volume["by_unit"], title=_("按主办单位"), horizontal=True)),
        },
        "publication": RankingPublication.objects.filter(month=month).select_related("published_by").first(),
        "is_supervisor": access.is_supervisor(request.user),
        "month_over": month < ranking.this_month(),
    }
    ranking.refresh_public_flag()
    return render(request, "dashboards/ranking.html", context)


def _publication(request):
    """POST action=publish|withdraw, month=YYYY-MM: the supervisor switches the month's public ranking."""
    _require_supervisor(request)
    try:
        month = _month_of(request, request.POST)
        if request.POST.get("action") == "publish":
            ranking.publish(month=month, by=request.user)
            messages.success(request, _("已公开%(month)s的单位排名。") % {"month": month.strftime("%Y-%m")})
        elif request.POST.get("action") == "withdraw":
            ranking.withdraw(month=month, by=request.user)
            messages.success(request, _("已撤回%(month)s的公开排名。") % {"month": month.strftime("%Y-%m")})
        else:
            raise InvalidInput(_("没有这个操作。"))
    except InvalidInput as error:
        return _bad_month(request, error)
    return redirect(f"{reverse('ranking')}?month={month:%Y-%m}")


@login_required
def export_xlsx(request):
    """The month's ranking table as an Excel workbook (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _require_reader(request)
    try:
        month = _month_of(request, request.GET)
    except InvalidInput as error:
        return _bad_month(request, error)
    rows = ranking.monthly(month=month)
    book = Workbook()
    sheet = book.active
    sheet.title = month.strftime("%Y-%m")
    sheet.append([_("%(month)s 承办单位考核排名") % {"month": month.strftime("%Y-%m")}])
    sheet["A1"].font = Font(bold=True, size=14)
    marks = {ranking.RED: _("红榜"), ranking.BLACK: _("黑榜")}
    header = [_("排名"), _("单位"), _("得分"), str(kpis.DEFINITIONS["received"].label)]
    header += [str(kpis.DEFINITIONS[key].label) for key in RATE_COLUMNS] + [_("红黑榜")]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([
            row["rank"] if row["rank"] is not None else _("不排名"), row["unit"].name,
            float(row["score"]) if row["score"] is not None else None, row["received"],
            *[float(row[key]) if row[key] is not None else None for key in RATE_COLUMNS],
            str(marks[row["mark"]]) if row["mark"] else None,
        ])
    sheet.column_dimensions["B"].width = 24
    sheet.freeze_panes = "C3"
    ticket_export.text_cells(book)  # unit names and labels stay text, never formulas
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ranking-{month:%Y-%m}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def weights(request):
    _require_supervisor(request)
    scheme = RankingScheme.current()
    form = RankingSchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        scheme = form.save(commit=False)
        scheme.updated_by = request.user
        scheme._history_user = request.user
        scheme.save()
        messages.success(request, _("排名权重已保存，排名按新权重计算。"))
        return redirect("ranking_weights")
    changes = []
    if scheme.pk:
        records = list(scheme.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :HISTORY_SHOWN + 1])
        for newer, older in zip(records, records[1:] + [None]):
            fields = [*ranking.WEIGHT_FIELDS, "marked", "min_received"]
            changed = [
                (RankingScheme._meta.get_field(name).verbose_name, getattr(older, name), getattr(newer, name))
                for name in fields if older is not None and getattr(older, name) != getattr(newer, name)
            ]
            changes.append({"record": newer, "changed": changed, "created": older is None})
        changes = changes[:HISTORY_SHOWN]
    context = {"form": form, "changes": changes}
    return render(request, "dashboards/ranking_weights.html", context, status=400 if form.errors else 200)


# --- the public site ---------------------------------------------------------------------------


def public_index(request):
    months = ranking.public_index()
    return render(request, "public/ranking/index.html", {"months": months, "public_section": "ranking"})


def public_month(request, month):
    try:
        first = ranking.parse_month(month)
    except InvalidInput as error:
        raise Http404(error.message) from error
    publication = ranking.public_months().filter(month=first).first()
    if publication is None:
        raise Http404(_("这个月的排名没有公开。"))
    rows = publication.rows
    chart = charts.score_bars(rows, title=_("得分")) if any(row.get("rank") for row in rows) else ""
    context = {
        "publication": publication, "rows": rows, "chart": _svg(chart), "public_section": "ranking",
        "rate_columns": RATE_COLUMNS,
    }
    return render(request, "public/ranking/month.html", context)


__all__ = ["export_xlsx", "public_index", "public_month", "ranking_page", "weights"]
