"""Written reports and exports: the work summary (工作总结), the weekly brief (热线专报), the ticket list as XLSX.

Each page and its download render the same hotline.report_docs.Document. A malformed period is a
400 page that says what is wrong.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dashboards.forms import TicketFilterForm
from hotline import access, hot_topics, kpis, ticket_export, work_summary
from hotline.queues import QUEUE_NAMES, filtered_tickets
from hotline.report_docs import DOCX_CONTENT_TYPE, to_docx


class BadPeriod(ValueError):
    pass


def _date(value, name):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadPeriod(_("%(name)s“%(value)s”不是日期，请写成2026-01-31的格式。") % {"name": name, "value": value})


def summary_period(query):
    """(start, end, query for links) from ?year=2026 or ?from=2026-01-01&to=2026-06-30; this year by default."""
    first, last, year = (query.get(name, "").strip() for name in ("from", "to", "year"))
    if first or last:
        if not (first and last):
            raise BadPeriod(_("请同时填写开始日期和结束日期。"))
        first, last = _date(first, _("开始日期")), _date(last, _("结束日期"))
        if first > last:
            raise BadPeriod(_("开始日期不能晚于结束日期。"))
        if first.year < 2000 or last.year > 2100:
            raise BadPeriod(_("请选择2000年至2100年之间的日期。"))
        start, end = kpis.day_bounds(first, last)
        return start, end, {"from": first.isoformat(), "to": last.isoformat()}
    if year:
        if not year.isdigit() or not 2000 <= int(year) <= 2100:
            raise BadPeriod(_("年份“%(year)s”无效，请填写2000至2100之间的年份。") % {"year": year})
        year = int(year)
    else:
        year = timezone.localdate().year
    start, end = kpis.year_bounds(year)
    return start, end, {"year": str(year)}


def _may_write_summary(user):
    return access.is_media_editor(user)  # media editors write the report; supervisors may do all they do


def _may_read_briefs(user):
    return access.is_hotline_staff(user) and not access.is_system(user) and access.upstream_system_of(user) is None


def _docx(document, filename):
    response = HttpResponse(to_docx(document), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def summary(request):
    if not _may_write_summary(request.user):
        raise PermissionDenied
    try:
        start, end, query = summary_period(request.GET)
    except BadPeriod as error:
        return render(
            request, "dashboards/reports/summary.html",
            {"error": str(error), "year": request.GET.get("year", ""), "first": request.GET.get("from", ""),
             "last": request.GET.get("to", "")},
            status=400,
        )
    document = work_summary.document(work_summary.summary(start=start, end=end))
    return render(request, "dashboards/reports/summary.html", {
        "document": document,
        "year": query.get("year", ""),
        "first": query.get("from", ""),
        "last": query.get("to", ""),
        "docx_url": reverse("summary_docx") + "?" + urlencode(query),
    })


@login_required
def summary_docx(request):
    if not _may_write_summary(request.user):
        raise PermissionDenied
    try:
        start, end, query = summary_period(request.GET)
    except BadPeriod as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    document = work_summary.document(work_summary.summary(start=start, end=end))
    name = "-".join(query.values())
    return _docx(document, f"work-summary-{name}.docx")


def _week(query):
    value = query.get("week", "").strip()
    if not value:
        return hot_topics.last_full_week()
    try:
        week = dt.date.fromisoformat(value)
    except ValueError:
        raise BadPeriod(_("“%(value)s”不是日期，请写成2026-11-23的格式（星期一）。") % {"value": value})
    try:
        hot_topics.week_bounds(week)
    except ValueError as error:
        raise BadPeriod(str(error))
    return week


@login_required
def hot_topics_page(request):
    if not _may_read_briefs(request.user):
        raise PermissionDenied
    try:
        week = _week(request.GET)
    except BadPeriod as error:
        return render(request, "dashboards/reports/hot_topics.html", {"error": str(error)}, status=400)
    brief = hot_topics.weekly(week_start=week)
    return render(request, "dashboards/reports/hot_topics.html", {
        "brief": brief,
        "document": hot_topics.document(brief),
        "week": week,
        "previous_week": week - dt.timedelta(days=7),
        "next_week": week + dt.timedelta(days=7),
        "docx_url": reverse("hot_topics_docx") + "?" + urlencode({"week": week.isoformat()}),
    })


@login_required
def hot_topics_docx(request):
    if not _may_read_briefs(request.user):
        raise PermissionDenied
    try:
        week = _week(request.GET)
    except BadPeriod as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    brief = hot_topics.weekly(week_start=week)
    return _docx(hot_topics.document(brief), f"hot-topics-{week.isoformat()}.docx")


@login_required
def ticket_export_xlsx(request):
    """The ticket list (工单查询) with its current filters, as XLSX: what the user may see, as the list shows it."""
    if not (access.is_hotline_staff(request.user) or access.is_unit_user(request.user)):
        raise PermissionDenied
    form = TicketFilterForm(request.GET or None, queues=QUEUE_NAMES)
    if request.GET and not form.is_valid():
        errors = "；".join(
            f"{form.fields[name].label if name in form.fields else name}：{' '.join(messages)}"
            for name, messages in form.errors.items()
        )
        return HttpResponse(
            _("查询条件有误：%(errors)s") % {"errors": errors}, status=400, content_type="text/plain; charset=utf-8"
        )
    data = form.cleaned_data if request.GET else {}
    content = ticket_export.workbook(request.user, filtered_tickets(request.user, data))
    response = HttpResponse(content, content_type=ticket_export.XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.xlsx"'
    return response
