"""The period of the KPI pages and export: ?month=YYYY-MM, ?year=YYYY, or ?start=YYYY-MM-DD&end=YYYY-MM-DD
(both days included); this month when none is given. A malformed period raises InvalidInput (the page answers 400)."""

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import kpis
from hotline.errors import InvalidInput

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_DAYS = 366 * 10


@dataclass(frozen=True)
class Period:
    kind: str  # month, year or custom
    start: dt.datetime
    end: dt.datetime
    label: str
    params: dict

    @property
    def query(self):
        return urlencode(self.params)

    @property
    def first_day(self):
        return timezone.localtime(self.start).date()

    @property
    def last_day(self):
        return timezone.localtime(self.end).date() - dt.timedelta(days=1)


def _year(text):
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise InvalidInput(
            _("年份“%(value)s”无效：请填写%(first)s到%(last)s之间的四位年份。")
            % {"value": text[:20], "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return int(text)


def _day(text, name):
    try:
        day = dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            _("%(name)s“%(value)s”无效：请按“2026-03-01”的格式填写日期。") % {"name": name, "value": text[:20]}
        )
    return day


def period_from(params, now):
    """The Period asked for in `params` (request.GET), or this month (of `now`)."""
    start_text, end_text = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    year_text, month_text = (params.get("year") or "").strip(), (params.get("month") or "").strip()
    if start_text or end_text:
        if not (start_text and end_text):
            raise InvalidInput(_("自定义时段请同时填写开始日期和结束日期。"))
        first, last = _day(start_text, _("开始日期")), _day(end_text, _("结束日期"))
        if first > last:
            raise InvalidInput(_("开始日期不能晚于结束日期。"))
        if (last - first).days >= MAX_DAYS:
            raise InvalidInput(_("自定义时段最长十年。"))
        start, end = kpis.day_bounds(first, last)
        label = _("%(first)s 至 %(last)s") % {"first": first.isoformat(), "last": last.isoformat()}
        return Period("custom", start, end, label, {"start": first.isoformat(), "end": last.isoformat()})
    if year_text:
        year = _year(year_text)
        start, end = kpis.year_bounds(year)
        return Period("year", start, end, _("%(year)s年") % {"year": year}, {"year": str(year)})
    if month_text:
        match = re.fullmatch(r"(\d{4})-(\d{2})", month_text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise InvalidInput(_("月份“%(value)s”无效：请按“2026-03”的格式填写。") % {"value": month_text[:20]})
        first = dt.date(_year(match[1]), int(match[2]), 1)
    else:
        first = timezone.localtime(now).date().replace(day=1)
    start, end = kpis.month_bounds(first)
    return Period("month", start, end, first.strftime("%Y-%m"), {"month": first.strftime("%Y-%m")})
