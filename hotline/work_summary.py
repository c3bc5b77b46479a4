"""工作总结: every figure the system holds for a period, for the media centre's “我为群众办实事” report.

`summary()` reads them in a fixed number of aggregate queries whatever the amount of data (each a
GROUP BY or an aggregate over one date range; the few groups — channels × kinds × units, platforms,
units, guide categories — are added up in Python, never the tickets). On-time and satisfaction rates
are hotline.kpis.overall's. Figures the system does not hold (TV programmes, followers on other
platforms, articles elsewhere, …) are `ToFill` markers for a person to fill in, never invented.

`document()` lays the figures out like the seed report (seed/2021-work-summary.txt): numbered
sections, sentences in Chinese with the figures, tables; the page and the DOCX render it.
"""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline import kpis
from hotline.models import (
    Call,
    Message,
    Pledge,
    PromotionPlacement,
    PromotionRequest,
    ServiceGuide,
    Ticket,
    Unit,
)
from hotline.models.choices import Channel, CloseReason, Kind, Status
from hotline.models.tickets import UNCOUNTED_CLOSE_REASONS
from hotline.report_docs import Document, Paragraph, Run, Section, Table, ToFill, fill, rate

# What the system does not record: a person fills these in (key → what to fill in).
TO_FILL = {
    "tv_programmes": gettext_lazy("电视新闻节目期数"),
    "tv_news": gettext_lazy("播出电视新闻条数"),
    "app_posts": gettext_lazy("客户端编发信息条数"),
    "wechat_posts": gettext_lazy("微信公众号发布稿件条数"),
    "website_posts": gettext_lazy("门户网站发布新闻稿件条数"),
    "douyin_works": gettext_lazy("抖音发布作品数"),
    "douyin_followers": gettext_lazy("抖音粉丝数"),
    "kuaishou_works": gettext_lazy("快手发布作品数"),
    "kuaishou_followers": gettext_lazy("快手粉丝数"),
    "psa_made": gettext_lazy("公益广告制作条数"),
    "psa_broadcasts": gettext_lazy("公益广告播出次数"),
    "live_streams": gettext_lazy("视频直播场次"),
    "national_articles": gettext_lazy("国家级主流媒体发稿条数"),
    "provincial_articles": gettext_lazy("省级主流媒体发稿条数"),
    "city_articles": gettext_lazy("市级主流媒体发稿条数"),
    "next_steps": gettext_lazy("存在的问题和下一步工作打算"),
}

SMS_SENT = (Message.Status.SENT, Message.Status.DELIVERED)
PLEDGE_SHOWN = (Pledge.Status.PUBLISHED, Pledge.Status.DONE)


def _date_bound(moment):
    """The first local date not in [.., moment): an `end` at midnight is that day, else the next."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return local.date() if local.time() == dt.time(0) else local.date() + dt.timedelta(days=1)


def _tickets(start, end):
    """Tickets received in the period by channel, kind and lead unit: one GROUP BY query."""
    countable = ~Q(close_reason__in=UNCOUNTED_CLOSE_REASONS)
    groups = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("channel", "kind", "lead_unit")
        .order_by()
        .annotate(
            received=Count("pk", filter=countable),
            invalid=Count("pk", filter=Q(close_reason=CloseReason.INVALID)),
            duplicate=Count("pk", filter=Q(close_reason=CloseReason.DUPLICATE)),
            closed=Count("pk", filter=countable & Q(status=Status.CLOSED, closed_at__lt=end)),
            answered=Count("pk", filter=Q(close_reason=CloseReason.ANSWERED)),
            emergency=Count("pk", filter=Q(close_reason=CloseReason.EMERGENCY)),
            dispatched=Count("pk", filter=countable & Q(dispatched_at__isnull=False)),
        )
    )
    totals = dict.fromkeys(("received", "invalid", "duplicate", "closed", "answered", "emergency", "dispatched"), 0)
    by_channel, by_kind, by_unit = {}, {}, {}
    for group in groups:
        for key in totals:
            totals[key] += group[key]
        by_channel[group["channel"]] = by_channel.get(group["channel"], 0) + group["received"]
        by_kind[group["kind"]] = by_kind.get(group["kind"], 0) + group["received"]
        unit = by_unit.setdefault(group["lead_unit"], {"received": 0, "closed": 0})
        unit["received"] += group["received"]
        unit["closed"] += group["closed"]
    channels = [
        {"key": key, "label": str(label), "received": by_channel.get(key, 0)}
        for key, label in Channel.choices if by_channel.get(key)
    ]
    kinds = [{"key": key, "label": str(label), "received": by_kind.get(key, 0)} for key, label in Kind.choices]
    return totals, channels, kinds, by_unit


def _units_table(by_unit):
    """The lead units' rows (one query for the units), by kind then name; tickets no unit led last."""
    units = Unit.objects.filter(pk__in=[pk for pk in by_unit if pk is not None]).order_by("kind", "name")
    rows = [
        {"unit": unit, "label": unit.name, **by_unit[unit.pk]}
        for unit in units if by_unit[unit.pk]["received"]
    ]
    if by_unit.get(None, {}).get("received"):
        rows.append({"unit": None, "label": _("未派单（直接答复等）"), **by_unit[None]})
    return rows


def _sms(start, end):
    """SMS of the period (one query): outbound ones sent or delivered, and inbound ones received."""
    got = Message.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        sent=Count("created_at", filter=Q(direction=Message.Direction.OUTBOUND, status__in=SMS_SENT)),
        sent_segments=Sum("segments", filter=Q(direction=Message.Direction.OUTBOUND, status__in=SMS_SENT)),
        delivered=Count("created_at", filter=Q(direction=Message.Direction.OUTBOUND, status=Message.Status.DELIVERED)),
        received=Count("created_at", filter=Q(direction=Message.Direction.INBOUND)),
    )
    got["sent_segments"] = got["sent_segments"] or 0
    return got


def _calls(start, end):
    """Calls to the hotline in the period (one query)."""
    return Call.objects.filter(
        direction=Call.Direction.INBOUND, started_at__gte=start, started_at__lt=end
    ).aggregate(received=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))


def _promotions(start, end):
    """Promotion requests (one query) and published placements per platform (one query)."""
    in_period = Q(created_at__gte=start, created_at__lt=end)
    published = Q(published_at__gte=start, published_at__lt=end)
    requests = PromotionRequest.objects.filter(in_period | published).aggregate(
        received=Count("pk", filter=in_period & ~Q(status=PromotionRequest.Status.UNCONFIRMED)),
        declined=Count("pk", filter=in_period & Q(status=PromotionRequest.Status.DECLINED)),
        published=Count("pk", filter=published),
    )
    first, after = timezone.localtime(start, timezone.get_default_timezone()).date(), _date_bound(end)
    got = {
        row["platform"]: row
        for row in PromotionPlacement.objects.filter(published_on__gte=first, published_on__lt=after)
        .values("platform")
        .order_by()
        .annotate(
            placements=Count("pk"),
            views=Sum("views"),
            likes=Sum("likes"),
            orders=Sum("orders"),
            reported=Count("pk", filter=Q(results_at__isnull=False)),
        )
    }
    platforms = []
    for key, label in PromotionPlacement.Platform.choices:
        row = got.get(key)
        if row:
            platforms.append({
                "key": key, "label": str(label), "placements": row["placements"], "views": row["views"] or 0,
                "likes": row["likes"] or 0, "orders": row["orders"] or 0, "reported": row["reported"],
            })
    totals = {
        name: sum(p[name] for p in platforms) for name in ("placements", "views", "likes", "orders", "reported")
    }
    return {**requests, "platforms": platforms, **totals}


def _pledges(start, end):
    """Pledges per unit (one query): on the board during the period, newly published, done in it."""
    shown = Q(status__in=PLEDGE_SHOWN, published_at__lt=end) & (Q(done_at__isnull=True) | Q(done_at__gte=start))
    new = Q(status__in=PLEDGE_SHOWN, published_at__gte=start, published_at__lt=end)
    done = Q(status=Pledge.Status.DONE, done_at__gte=start, done_at__lt=end)
    first, after = timezone.localtime(start, timezone.get_default_timezone()).date(), _date_bound(end)
    broadcast = Q(status__in=PLEDGE_SHOWN, broadcast_date__gte=first, broadcast_date__lt=after)
    rows = list(
        Pledge.objects.filter(shown | broadcast)
        .values("unit", "unit__name", "unit__kind")
        .order_by("unit__kind", "unit__name")
        .annotate(
            made=Count("pk", filter=shown),
            new=Count("pk", filter=new),
            done=Count("pk", filter=done),
            broadcast=Count("pk", filter=broadcast),
        )
    )
    units = [
        {"unit_id": r["unit"], "label": r["unit__name"], "kind": r["unit__kind"],
         "made": r["made"], "new": r["new"], "done": r["done"], "broadcast": r["broadcast"]}
        for r in rows
    ]
    pledging = [u for u in units if u["made"]]
    return {
        "units": units,
        "made": sum(u["made"] for u in units),
        "new": sum(u["new"] for u in units),
        "done": sum(u["done"] for u in units),
        "broadcast": sum(u["broadcast"] for u in units),
        "townships": sum(1 for u in pledging if u["kind"] == Unit.Kind.TOWNSHIP),
        "departments": sum(1 for u in pledging if u["kind"] == Unit.Kind.DEPARTMENT),
    }


def _guides(start, end):
    """Service guides per category (one query): published in the period, published now, running views.

    A guide taken off the column (withdrawn) counts nowhere, as a withdrawn pledge does not.
    """
    published_now = Q(status=ServiceGuide.Status.PUBLISHED)
    got = {
        row["category"]: row
        for row in ServiceGuide.objects.values("category").order_by().annotate(
            new=Count("pk", filter=published_now & Q(published_at__gte=start, published_at__lt=end)),
            published=Count("pk", filter=published_now),
            views=Sum("view_count", filter=published_now),
        )
    }
    categories = [
        {"key": key, "label": str(label), "new": got[key]["new"], "published": got[key]["published"],
         "views": got[key]["views"] or 0}
        for key, label in ServiceGuide.Category.choices if key in got
    ]
    return {
        "categories": categories,
        **{name: sum(c[name] for c in categories) for name in ("new", "published", "views")},
    }


def summary(*, start, end):
    """Every figure of [start, end) (aware datetimes) the system holds, and markers for the others."""
    totals, channels, kinds, by_unit = _tickets(start, end)
    kpi = kpis.overall(start=start, end=end)
    return {
        "start": start,
        "end": end,
        "tickets": {**totals, "by_channel": channels, "by_kind": kinds, "by_unit": _units_table(by_unit)},
        "rates": {
            key: kpi.get(key)
            for key in ("signed_on_time_rate", "replied_on_time_rate", "satisfaction_rate", "resolution_rate")
        },
        "rated": kpi.get("rated"),
        "calls": _calls(start, end),
        "sms": _sms(start, end),
        "promotions": _promotions(start, end),
        "pledges": _pledges(start, end),
        "guides": _guides(start, end),
        "to_fill": {key: ToFill(key, str(label)) for key, label in TO_FILL.items()},
    }


# --- the report ------------------------------------------------------------------------


def period_label(start, end):
    """2026年, or 2026年3月1日至2026年6月30日 (the last day inclusive)."""
    tz = timezone.get_default_timezone()
    first = timezone.localtime(start, tz)
    last = _date_bound(end) - dt.timedelta(days=1)
    if first.time() == dt.time(0) and (first.month, first.day) == (1, 1) and last == dt.date(first.year, 12, 31):
        return _("%(year)s年") % {"year": first.year}
    return _("%(first)s至%(last)s") % {"first": _day(first.date()), "last": _day(last)}


def _day(day):
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def _share(part, whole):
    return rate(kpis.percent(part, whole))


def document(data):
    """The report of a `summary()`: a Document with the seed report's kind of sections."""
    t, p, g, pl = data["tickets"], data["promotions"], data["guides"], data["pledges"]
    gap, rates, sms, calls = data["to_fill"], data["rates"], data["sms"], data["calls"]
    period = period_label(data["start"], data["end"])
    title = _("XX区融媒体中心%(period)s“我为群众办实事”工作总结") % {"period": period}
    intro = fill(
        _("%(period)s，区融媒体中心认真落实“我为群众办实事”实践活动，依托“我为群众办实事”热线、“便民”专栏、"
          "公开承诺专栏和中心各新媒体平台，为群众提供咨询、诉求、办事等方面的媒体服务，免费宣传推销特色农产品和"
          "地方特色美食。现将工作情况总结如下："),
        period=period,
    )

    hotline = Section(_("一、“我为群众办实事”热线"), [
        fill(
            _("在中心各媒体平台公布“我为群众办实事”热线电话和短信号码，受理群众咨询、求助、投诉、举报、建议和表扬。"
              "%(period)s，热线共受理群众诉求%(received)s件，其中话务员依据办事指南等当场直接答复%(answered)s件，"
              "派单至承办单位办理%(dispatched)s件，转110、119、120等紧急服务%(emergency)s件；截至期末已办结"
              "%(closed)s件。另有无效来电来信%(invalid)s件、重复反映合并办理%(duplicate)s件，不计入受理量。"),
            period=period, **{k: t[k] for k in ("received", "answered", "dispatched", "emergency", "closed",
                                                "invalid", "duplicate")},
        ),
        fill(
            _("热线接听群众来电%(calls)s个（其中接通%(answered)s个），收到群众短信%(sms_in)s条；通过短信向群众告知"
              "受理、派单、延期、答复和回访等办理进展，发送短信%(sms_out)s条（按70字一条计%(segments)s条）。"),
            calls=calls["received"], answered=calls["answered"], sms_in=sms["received"], sms_out=sms["sent"],
            segments=sms["sent_segments"],
        ),
        fill(
            _("承办单位及时签收率%(signed)s，按时办结率%(replied)s，解决率%(resolved)s；群众满意率%(satisfied)s"
              "（满意和基本满意件数占已评价件数的比例）。各项指标的口径见考核统计说明。"),
            signed=rate(rates["signed_on_time_rate"]), replied=rate(rates["replied_on_time_rate"]),
            resolved=rate(rates["resolution_rate"]), satisfied=rate(rates["satisfaction_rate"]),
        ),
        Table(
            _("表1 受理群众诉求按来源渠道统计"), [_("来源渠道"), _("件数"), _("占比")],
            [[c["label"], c["received"], _share(c["received"], t["received"])] for c in t["by_channel"]],
            empty=_("本期没有受理群众诉求。"),
        ),
        Table(
            _("表2 受理群众诉求按诉求类型统计"), [_("诉求类型"), _("件数"), _("占比")],
            [[k["label"], k["received"], _share(k["received"], t["received"])] for k in t["by_kind"]],
        ),
        Table(
            _("表3 各承办单位主办工单"), [_("承办单位"), _("主办件数"), _("已办结")],
            [[u["label"], u["received"], u["closed"]] for u in t["by_unit"]],
            empty=_("本期没有派单。"),
        ),
    ])

    promotion = Section(_("二、免费宣传推销特色农产品和地方特色美食"), [
        fill(
            _("充分发挥中心新媒体宣传平台优势，为有需求的群众免费宣传推销特色农产品和地方特色美食。%(period)s共收到"
              "群众推广申请%(received)s件，审核发布%(published)s件，在各平台发布推广作品%(placements)s条；据已录入的"
              "效果数据，累计浏览%(views)s次、点赞%(likes)s次，群众反馈带来订单%(orders)s笔。"),
            period=period, received=p["received"], published=p["published"], placements=p["placements"],
            views=p["views"], likes=p["likes"], orders=p["orders"],
        ),
        Table(
            _("表4 推广作品按平台统计"),
            [_("平台"), _("发布条数"), _("已录入效果"), _("浏览量"), _("点赞数"), _("订单数")],
            [[r["label"], r["placements"], r["reported"], r["views"], r["likes"], r["orders"]] for r in p["platforms"]],
            empty=_("本期没有发布推广作品。"),
        ),
    ])

    guides = Section(_("三、“便民”专栏"), [
        fill(
            _("开设“便民”专栏，收集刊载区直相关部门发布的办证、办事、缴费等政策信息和办理流程，为群众提供便捷的查询"
              "服务。%(period)s新发布办事指南%(new)s条，目前专栏公开办事指南%(published)s条，累计浏览%(views)s次"
              "（自发布以来的累计浏览次数）。"),
            period=period, new=g["new"], published=g["published"], views=g["views"],
        ),
        Table(
            _("表5 办事指南按类别统计"), [_("类别"), _("本期新发布"), _("公开中"), _("累计浏览")],
            [[c["label"], c["new"], c["published"], c["views"]] for c in g["categories"]],
            empty=_("还没有办事指南。"),
        ),
    ])

    pledges = Section(_("四、“我为群众办实事”公开承诺"), [
        fill(
            _("开设“我为群众办实事”公开承诺专栏，全区%(townships)s个乡镇（街道）和%(departments)s个区直部门公开承诺"
              "为群众办实事%(made)s项，接受群众监督；其中本期新承诺%(new)s项，本期完成%(done)s项，在电视上公开承诺"
              "播出%(broadcast)s项。"),
            **{k: pl[k] for k in ("townships", "departments", "made", "new", "done", "broadcast")},
        ),
        Table(
            _("表6 各单位公开承诺事项"), [_("承诺单位"), _("公开承诺"), _("本期新承诺"), _("本期完成"), _("电视播出")],
            [[u["label"], u["made"], u["new"], u["done"], u["broadcast"]] for u in pl["units"]],
            empty=_("本期没有公开承诺事项。"),
        ),
    ])

    media = Section(_("五、新媒体和电视宣传"), [
        fill(
            _("xx电视台共编辑制作电视新闻节目%(tv_programmes)s期，播出电视新闻%(tv_news)s条；独立客户端共编发各类信息"
              "%(app_posts)s条；微信公众号发布稿件%(wechat_posts)s条；门户网站发布新闻稿件%(website_posts)s条；"
              "“xx融媒”抖音发布作品%(douyin_works)s件，粉丝%(douyin_followers)s个；“xx融媒”快手发布作品"
              "%(kuaishou_works)s件，粉丝%(kuaishou_followers)s个。"),
            **gap,
        ),
        fill(
            _("各平台共制作主题公益广告%(psa_made)s条，播出%(psa_broadcasts)s次；开展全媒体视频直播%(live_streams)s场。"
              "在国家级主流媒体发稿%(national_articles)s条，在省级主流媒体发稿%(provincial_articles)s条，在市级主流"
              "媒体发稿%(city_articles)s条。"),
            **gap,
        ),
        fill(
            _("其中本系统记录的免费推广作品（见表4）：抖音%(douyin)s条，快手%(kuaishou)s条，微信公众号%(wechat)s条，"
              "客户端%(app)s条，电视%(tv)s条。"),
            **{
                key: next((r["placements"] for r in p["platforms"] if r["key"] == key), 0)
                for key in ("douyin", "kuaishou", "wechat", "app", "tv")
            },
        ),
    ])

    next_steps = Section(_("六、存在的问题和下一步工作打算"), [Paragraph([Run(str(gap["next_steps"]), fill=True)])])
    return Document(
        title=title,
        subtitle=_("（统计时段：%(first)s至%(last)s）") % {
            "first": _day(timezone.localtime(data["start"], timezone.get_default_timezone()).date()),
            "last": _day(_date_bound(data["end"]) - dt.timedelta(days=1)),
        },
        intro=[intro],
        sections=[hotline, promotion, guides, pledges, media, next_steps],
    )
