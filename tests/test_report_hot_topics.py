"""The weekly hot topics (hotline.hot_topics.weekly): clusters by category and village (or the leading
township; the kind for tickets without a category) compared with the four weeks before — new, rising or
steady — weeks in Asia/Shanghai, sample titles without confidential tickets or reports, handling units,
and a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline import hot_topics, workflow
from hotline.models import Category, Village

from .conftest import advance_ticket, at

pytestmark = pytest.mark.django_db

WEEK = dt.date(2026, 11, 23)  # a Monday


@pytest.fixture
def categories(db):
    roads = Category.objects.create(name="城乡建设")
    lights = Category.objects.create(name="路灯", parent=roads)
    water = Category.objects.create(name="供水", parent=roads)
    noise = Category.objects.create(name="噪音")
    return {"lights": lights, "water": water, "noise": noise}


@pytest.fixture
def other_village(units):
    return Village.objects.create(township=units["town"], name="石桥村")


@pytest.fixture
def ticket(people, resident):
    """`ticket(moment, category, village, title=..., lead=unit, **receive kwargs)`: received at `moment`."""

    def build(moment, category=None, village=None, *, title="路灯不亮", lead=None, **extra):
        extra.setdefault("kind", "help")
        with time_machine.travel(moment, tick=False):
            made = workflow.receive(by=people["operator"], channel="phone", title=title, description="…",
                                    resident=resident, category=category, village=village, **extra)
            if lead is not None:
                made = advance_ticket(made, "dispatched", people=people, lead_unit=lead)
        return made

    return build


def day(n, hour=10):
    """Day n of the brief's week (0 = Monday) at `hour`, Asia/Shanghai; negative n: the weeks before."""
    moment = dt.datetime.combine(WEEK + dt.timedelta(days=n), dt.time(hour), tzinfo=at(2026, 1, 1).tzinfo)
    return moment


def by_topic(brief):
    return {(c.topic, c.place): c for c in brief["clusters"]}


def test_new_rising_and_steady_clusters(ticket, categories, village, other_village, units):
    lights, water, noise = categories["lights"], categories["water"], categories["noise"]
    # new: none in the four weeks before, two this week
    ticket(day(0), lights, village, title="石门村路灯不亮", lead=units["roads"])
    ticket(day(2), lights, village, title="村口路灯坏了", lead=units["town"])
    # rising: one in the weeks before (average 0.25), three this week
    ticket(day(-10), water, village)
    for n in (1, 2, 3):
        ticket(day(n), water, village, title=f"停水{n}天")
    # steady: eight in the weeks before (average 2), three this week (< 2 × 2)
    for n in range(8):
        ticket(day(-3 - 3 * n), water, other_village)
    for n in (0, 1, 4):
        ticket(day(n), water, other_village, title="水压低")
    # rising needs at least three: two this week against none… is new; one this week is no cluster
    ticket(day(5), noise, village, title="夜间施工")
    # five weeks back: outside the comparison
    ticket(day(-29), lights, village)

    brief = hot_topics.weekly(week_start=WEEK)
    got = by_topic(brief)
    assert set(got) == {
        ("城乡建设 › 路灯", "青山镇石门村"), ("城乡建设 › 供水", "青山镇石门村"), ("城乡建设 › 供水", "青山镇石桥村"),
    }
    new = got[("城乡建设 › 路灯", "青山镇石门村")]
    assert (new.count, new.previous, new.trend) == (2, 0, "new")
    assert new.samples == ["村口路灯坏了", "石门村路灯不亮"]  # newest first
    assert sorted(new.units) == ["区交通运输局", "青山镇"]
    rising = got[("城乡建设 › 供水", "青山镇石门村")]
    assert (rising.count, rising.previous, str(rising.previous_average), rising.trend) == (3, 1, "0.3", "rising")
    assert rising.samples == ["停水3天", "停水2天", "停水1天"] and rising.units == []
    steady = got[("城乡建设 › 供水", "青山镇石桥村")]
    assert (steady.count, steady.previous, str(steady.previous_average), steady.trend) == (3, 8, "2.0", "steady")
    assert brief["total"] == 9 and brief["new"] == 1 and brief["rising"] == 1
    # by count, ties: new before rising before steady
    assert [c.trend for c in brief["clusters"]] == ["rising", "steady", "new"]
    assert brief["number"] == 48 and brief["year"] == 2026


def test_twice_the_average_is_rising_just_under_is_steady(ticket, categories, village, other_village):
    water = categories["water"]
    for n in range(6):  # average 1.5: three is twice that
        ticket(day(-2 - 4 * n), water, village)
    for n in range(3):
        ticket(day(n), water, village)
    for n in range(7):  # average 1.75: three is less than twice that
        ticket(day(-2 - 3 * n), water, other_village)
    for n in range(3):
        ticket(day(n), water, other_village)
    got = by_topic(hot_topics.weekly(week_start=WEEK))
    assert got[("城乡建设 › 供水", "青山镇石门村")].trend == "rising"
    assert got[("城乡建设 › 供水", "青山镇石桥村")].trend == "steady"


def test_the_week_runs_monday_to_monday_in_shanghai(ticket, categories, village):
    lights = categories["lights"]
    # Sunday 23:30 in Shanghai is Sunday 15:30 UTC: the week before
    ticket(day(-1, 23) + dt.timedelta(minutes=30), lights, village, title="上周日深夜")
    # Monday 00:30 in Shanghai is still Sunday 16:30 UTC: this week
    ticket(day(0, 0) + dt.timedelta(minutes=30), lights, village, title="周一凌晨")
    ticket(day(0, 9), lights, village, title="周一上午")
    # next Monday 00:00 in Shanghai: the next week
    ticket(day(7, 0), lights, village, title="下周一零点")
    brief = hot_topics.weekly(week_start=WEEK)
    (cluster,) = brief["clusters"]
    assert (cluster.count, cluster.previous) == (2, 1)
    assert cluster.samples == ["周一上午", "周一凌晨"]
    assert brief["start"].isoformat() == "2026-11-23T00:00:00+08:00"


def test_no_category_clusters_by_kind_and_no_village_by_the_leading_township(ticket, units, village):
    for _ in range(2):
        ticket(day(1), None, None, kind="complaint", title="噪音扰民", lead=units["town"])
    for _ in range(2):
        ticket(day(1), None, None, kind="consultation", title="社保怎么交")
    got = by_topic(hot_topics.weekly(week_start=WEEK))
    assert got[("投诉", "青山镇")].count == 2
    assert got[("咨询", "地点未填写")].count == 2


def test_invalid_merged_confidential_and_reports(ticket, people, categories, village):
    lights = categories["lights"]
    ticket(day(1), lights, village, title="保密件标题", confidential=True)
    ticket(day(1), lights, village, title="举报某人", kind="report")
    invalid = ticket(day(1), lights, village, title="无效")
    workflow.mark_invalid(ticket=invalid, by=people["operator"], reason="重复来电")
    (cluster,) = hot_topics.weekly(week_start=WEEK)["clusters"]
    assert cluster.count == 2  # both count …
    assert cluster.samples == []  # … but their titles are never shown


def test_top_n_and_at_least_two(ticket, categories, village, other_village):
    for n in range(3):
        ticket(day(1), categories["lights"], village)
    for n in range(2):
        ticket(day(1), categories["water"], other_village)
    ticket(day(1), categories["noise"], village)
    brief = hot_topics.weekly(week_start=WEEK, limit=1)
    assert [(c.topic, c.count) for c in brief["clusters"]] == [("城乡建设 › 路灯", 3)]


def test_only_mondays():
    with pytest.raises(ValueError, match="不是星期一"):
        hot_topics.weekly(week_start=dt.date(2026, 11, 24))


def test_last_full_week():
    assert hot_topics.last_full_week(at(2026, 11, 30, 0, 5)) == dt.date(2026, 11, 23)  # a Monday just begun
    assert hot_topics.last_full_week(at(2026, 12, 6, 23, 0)) == dt.date(2026, 11, 23)  # Sunday: still the week before


def _queries():
    with CaptureQueriesContext(connection) as captured:
        hot_topics.weekly(week_start=WEEK)
    return len(captured)


def test_a_fixed_number_of_queries(ticket, categories, village, other_village, units):
    for n in range(2):
        ticket(day(n), categories["lights"], village, lead=units["roads"])
    few = _queries()
    for category in categories.values():
        for place in (village, other_village):
            for n in range(3):
                ticket(day(n), category, place, lead=units["town"])
                ticket(day(-n - 3), category, place)
    assert _queries() == few <= 7
