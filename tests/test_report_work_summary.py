"""The work summary's figures (hotline.work_summary.summary): hand-built tickets, SMS, calls, promotions,
pledges and guides counted for the period only, rates from hotline.kpis, "to fill" markers for what the
system does not hold, and a fixed number of queries whatever the amount of data."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline import kpis, promotions, work_summary, workflow
from hotline.models import Call, Message, ServiceGuide
from hotline.report_docs import ToFill

from .conftest import advance_ticket, at
from .guide_helpers import make_guide
from .pledge_helpers import make_pledge
from .promotion_helpers import advance, submit

pytestmark = pytest.mark.django_db

YEAR = kpis.year_bounds(2026)


def receive(people, resident, *, channel="phone", kind="help", title="路灯不亮", **extra):
    return workflow.receive(
        by=people["operator"], kind=kind, channel=channel, title=title, description="石门村口路灯坏了",
        resident=resident, **extra,
    )


@pytest.fixture
def year_of_tickets(people, units, resident):
    """2026: phone tickets (one closed satisfied, one dispatched to water, one answered directly, one
    dispatched that another is merged into), an SMS complaint signed, an invalid one; 2025 and 2027: one each."""
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        advance_ticket(receive(people, resident), "closed", people=people, lead_unit=units["roads"])
        advance_ticket(receive(people, resident), "dispatched", people=people, lead_unit=units["water"])
        workflow.answer_directly(
            ticket=receive(people, resident, kind="consultation"), by=people["operator"], answer="请到政务中心办理",
        )
        advance_ticket(receive(people, resident, channel="sms", kind="complaint"), "in_progress", people=people,
                       lead_unit=units["roads"])
        workflow.mark_invalid(ticket=receive(people, resident, title="骚扰"), by=people["operator"], reason="骚扰电话")
        survivor = advance_ticket(receive(people, resident), "dispatched", people=people, lead_unit=units["roads"])
        workflow.merge(ticket=receive(people, resident), into=survivor, by=people["operator"])
    with time_machine.travel(at(2025, 12, 31, 23, 59), tick=False):
        receive(people, resident)
    with time_machine.travel(at(2027, 1, 1, 0, 0), tick=False):
        receive(people, resident)


def test_tickets_are_counted_by_channel_kind_and_lead_unit(year_of_tickets, units):
    got = work_summary.summary(start=YEAR[0], end=YEAR[1])["tickets"]
    # 2026: closed, water, answered, sms, and the merge target = 5 countable; invalid and duplicate apart
    assert got["received"] == 5
    assert got["invalid"] == 1 and got["duplicate"] == 1
    assert got["answered"] == 1
    assert got["dispatched"] == 4
    assert got["closed"] == 2  # the satisfied one and the direct answer
    assert {c["key"]: c["received"] for c in got["by_channel"]} == {"phone": 4, "sms": 1}
    kinds = {k["key"]: k["received"] for k in got["by_kind"]}
    assert kinds == {"consultation": 1, "help": 3, "complaint": 1, "report": 0, "suggestion": 0, "praise": 0}
    by_unit = {row["label"]: (row["received"], row["closed"]) for row in got["by_unit"]}
    assert by_unit == {"区交通运输局": (3, 1), "区水务局": (1, 0), "未派单（直接答复等）": (1, 1)}


def test_rates_are_the_kpi_modules_own(year_of_tickets):
    got = work_summary.summary(start=YEAR[0], end=YEAR[1])
    overall = kpis.overall(start=YEAR[0], end=YEAR[1])
    for key in ("signed_on_time_rate", "replied_on_time_rate", "satisfaction_rate", "resolution_rate"):
        assert got["rates"][key] == overall[key]
    assert got["rates"]["satisfaction_rate"] == 100  # the one rated reply was 满意
    assert got["rated"] == overall["rated"] == 1


def test_sms_and_calls_of_the_period_only(db):
    def sms(direction, status, when, segments=1):
        Message.objects.create(direction=direction, status=status, phone="+8613800138000", body="x",
                               segments=segments, created_at=when)

    sms("out", "sent", at(2024, 1, 1, 0, 0), segments=2)
    sms("out", "delivered", at(2024, 6, 1, 9, 0))
    sms("out", "failed", at(2024, 6, 1, 9, 0))
    sms("out", "queued", at(2024, 6, 1, 9, 0))
    sms("in", "received", at(2024, 12, 31, 23, 59))
    sms("out", "sent", at(2023, 12, 31, 23, 59))  # the year before, in Asia/Shanghai
    sms("in", "received", at(2025, 1, 1, 0, 0))
    for sid, (direction, answered) in enumerate([("in", True), ("in", False), ("out", True), ("bridged", True)]):
        Call.objects.create(provider="twilio", external_id=f"CA{sid}", direction=direction, phone="+8613800138000",
                            started_at=at(2024, 5, 1, 10, 0), answered_at=at(2024, 5, 1, 10, 0) if answered else None)
    got = work_summary.summary(start=kpis.year_bounds(2024)[0], end=kpis.year_bounds(2024)[1])
    assert got["sms"] == {"sent": 2, "sent_segments": 3, "delivered": 1, "received": 1}
    assert got["calls"] == {"received": 2, "answered": 1}


def test_promotions_pledges_and_guides(people, units, time_machine):
    time_machine.move_to(at(2026, 5, 6, 10, 0), tick=False)
    # Douyin: 1200 views, 85 likes, 12 orders
    done = advance(submit(people["operator"]), "done", editor=people["editor"])
    published = advance(submit(people["operator"], product="洋芋粑粑", phone="+8613800138001"), "published",
                        editor=people["editor"])
    wechat = published.placements.get(platform="wechat")
    promotions.publish(placement=wechat, by=people["editor"], link="https://mp.weixin.qq.com/s/x",
                       published_on=wechat.scheduled_for)
    promotions.enter_results(placement=wechat, by=people["editor"], views=300, likes=None, orders=None)
    advance(submit(people["operator"], product="野生菌", phone="+8613800138002"), "accepted", editor=people["editor"])
    make_pledge(people, units, "published")
    make_pledge(people, units, "done", title="路灯修复")
    make_pledge(people, units, "published", unit="town", by="editor", title="村口垃圾清运")
    make_pledge(people, units, "withdrawn", title="已撤回的承诺")
    make_pledge(people, units, "draft", title="草稿")
    guide = make_guide(people, units["roads"], title="道路挖掘许可")
    ServiceGuide.objects.filter(pk=guide.pk).update(view_count=40)
    make_guide(people, units["roads"], title="缴纳停车费", category="payment")
    make_guide(people, units["roads"], title="下线的指南", state="withdrawn")
    make_guide(people, units["roads"], title="草稿指南", state="draft")

    got = work_summary.summary(start=YEAR[0], end=YEAR[1])
    p = got["promotions"]
    assert (p["received"], p["published"]) == (3, 2)
    assert {r["key"]: (r["placements"], r["views"], r["likes"], r["orders"]) for r in p["platforms"]} == {
        "douyin": (2, 1200, 85, 12), "wechat": (1, 300, 0, 0),
    }
    assert (p["placements"], p["views"]) == (3, 1500)
    pl = got["pledges"]
    assert (pl["made"], pl["new"], pl["done"], pl["broadcast"]) == (3, 3, 1, 3)
    assert (pl["townships"], pl["departments"]) == (1, 1)
    assert {u["label"]: (u["made"], u["done"]) for u in pl["units"]} == {"区交通运输局": (2, 1), "青山镇": (1, 0)}
    g = got["guides"]
    assert (g["new"], g["published"], g["views"]) == (2, 2, 40)
    assert {c["key"]: c["published"] for c in g["categories"]} == {"affairs": 1, "payment": 1}

    # a year later nothing new happened, but the pledges still on the board and the guides' running views count
    next_year = work_summary.summary(start=kpis.year_bounds(2027)[0], end=kpis.year_bounds(2027)[1])
    assert (next_year["promotions"]["received"], next_year["promotions"]["placements"]) == (0, 0)
    assert (next_year["pledges"]["made"], next_year["pledges"]["new"], next_year["pledges"]["done"]) == (2, 0, 0)
    assert (next_year["guides"]["new"], next_year["guides"]["published"], next_year["guides"]["views"]) == (0, 2, 40)
    assert done.status == "done"


def test_figures_the_system_does_not_hold_are_markers(db):
    got = work_summary.summary(start=YEAR[0], end=YEAR[1])
    markers = got["to_fill"]
    assert {"douyin_followers", "kuaishou_followers", "tv_programmes", "tv_news", "national_articles"} <= set(markers)
    assert all(isinstance(m, ToFill) for m in markers.values())
    assert str(markers["douyin_followers"]) == "【待填写：抖音粉丝数】"
    text = "".join(
        run.text for section in work_summary.document(got).sections for block in section.blocks
        for run in getattr(block, "runs", [])
    )
    assert "【待填写：抖音粉丝数】" in text and "【待填写：播出电视新闻条数】" in text


def _queries(start, end):
    with CaptureQueriesContext(connection) as captured:
        work_summary.summary(start=start, end=end)
    return len(captured)


def test_a_fixed_number_of_queries_whatever_the_data(people, units, resident):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        advance_ticket(receive(people, resident), "closed", people=people, lead_unit=units["roads"])
    few = _queries(*YEAR)
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        for channel, lead in [("sms", "water"), ("web", "town"), ("walk_in", "roads"), ("phone", "water")]:
            state = "closed" if lead == "roads" else "dispatched"  # people["liaison"] is the roads bureau's
            advance_ticket(receive(people, resident, channel=channel), state, people=people, lead_unit=units[lead])
        make_pledge(people, units, "done")
        make_guide(people, units["roads"], title="道路占用许可")
        advance(submit(people["operator"]), "done", editor=people["editor"])
    assert _queries(*YEAR) == few <= 12


def test_a_period_that_is_not_a_year_is_labelled_by_its_days():
    start, end = kpis.day_bounds(dt.date(2026, 3, 1), dt.date(2026, 6, 30))
    assert work_summary.period_label(start, end) == "2026年3月1日至2026年6月30日"
    assert work_summary.period_label(*YEAR) == "2026年"
