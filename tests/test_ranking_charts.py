"""The volume charts: counts from aggregate queries (per day in Asia/Shanghai, by kind, channel and lead
unit; invalid and merged tickets not counted), rendered by pygal as SVG that loads nothing and runs nothing."""

import re

from hotline import charts, kpis, workflow
from tests.conftest import at


def test_the_month_is_counted_by_day_kind_channel_and_unit(db, people, units, time_machine,
                                                          django_assert_num_queries):
    op = people["operator"]

    def receive(moment, kind="help", channel="phone", lead=None):
        time_machine.move_to(moment, tick=False)
        ticket = workflow.receive(by=op, kind=kind, channel=channel, title="诉求", resident=None)
        if lead:
            workflow.dispatch(ticket=ticket, by=op, lead_unit=units[lead])
        return ticket

    receive(at(2026, 3, 1, 0, 30), lead="roads")  # 1 March in Shanghai (still 28 Feb in UTC)
    receive(at(2026, 3, 1, 9, 0), kind="complaint", lead="roads")
    receive(at(2026, 3, 5, 23, 59), channel="sms", lead="water")
    receive(at(2026, 3, 31, 12, 0), kind="consultation")  # never dispatched
    spam = receive(at(2026, 3, 6, 10, 0))
    workflow.mark_invalid(ticket=spam, by=op, reason="骚扰电话")
    receive(at(2026, 4, 1, 0, 0), lead="water")  # April
    receive(at(2026, 2, 28, 23, 59), lead="water")  # February

    start, end = kpis.month_bounds(at(2026, 3, 15, 0, 0).date())
    with django_assert_num_queries(4):
        got = charts.volume(start=start, end=end)
    assert got["total"] == 4
    assert len(got["by_day"]) == 31
    assert {day.day: n for day, n in got["by_day"] if n} == {1: 2, 5: 1, 31: 1}
    assert got["by_kind"] == [("求助", 2), ("投诉", 1), ("咨询", 1)]  # largest first, then by kind's value
    assert dict(got["by_channel"]) == {"电话": 3, "短信": 1}
    assert dict(got["by_unit"]) == {"区交通运输局": 2, "区水务局": 1, "未派单": 1}


def test_many_units_cost_no_more_queries(db, people, units, django_assert_num_queries):
    from hotline.models import Unit

    for n in range(20):
        Unit.objects.create(name=f"第{n}镇", kind=Unit.Kind.TOWNSHIP)
    start, end = kpis.month_bounds(at(2026, 3, 15, 0, 0).date())
    with django_assert_num_queries(4):
        charts.volume(start=start, end=end)


def _no_outside_script(svg):
    assert "<script" not in svg
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", svg)
    assert "cdn" not in svg.lower() and "kozea.github.io" not in svg


def test_the_charts_are_svg_with_their_labels_and_no_script():
    pairs = [("区交通运输局", 12), ("区水务局", 7), ("未派单", 1)]
    for svg in (
        charts.bar_chart(pairs, title="按主办单位", horizontal=True),
        charts.bar_chart(pairs, title="按主办单位"),
        charts.pie_chart(pairs, title="按主办单位"),
    ):
        assert svg.startswith("<svg") and "<?xml" not in svg
        for text in ("按主办单位", "区交通运输局", "区水务局", "未派单"):
            assert text in svg, text
        assert "Noto Sans CJK SC" in svg
        _no_outside_script(svg)
    import datetime as dt

    days = [(dt.date(2026, 3, d), d % 3) for d in range(1, 32)]
    svg = charts.daily_chart(days, title="每日受理量")
    assert "每日受理量" in svg and ">31<" in svg
    _no_outside_script(svg)


def test_pygal_would_load_a_cdn_script_without_our_config():
    import pygal

    chart = pygal.Bar()
    chart.add("a", [1])
    assert "//kozea.github.io" in chart.render(is_unicode=True)  # what js=[] keeps out
