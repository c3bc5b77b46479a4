"""A month with real tickets (through the workflow): the units' scores, ranks and marks, the trend, and the
ranking page showing them; an appeal decided later changes the live ranking."""

import datetime as dt
from decimal import Decimal as D

import pytest

from hotline import appeals, ranking, workflow
from hotline.models import KpiAppeal
from tests.conftest import at

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def march(monday, time_machine, make_ticket, people):
    """roads: two tickets closed 满意 on 2 March; water: one dispatched and never signed. Then 20 March."""
    make_ticket("closed")
    make_ticket("closed")
    late = make_ticket("dispatched", lead="water")
    time_machine.move_to(at(2026, 3, 20, 10, 0), tick=False)
    return late


def by_name(rows):
    return {row["unit"].name: row for row in rows}


def test_the_month_ranks_the_units_from_their_kpis(march, units):
    rows = ranking.monthly(month=MARCH)
    assert [row["unit"].name for row in rows] == ["区交通运输局", "区水务局", "青山镇"]
    roads, water, town = rows
    assert (roads["rank"], roads["score"], roads["mark"], roads["received"]) == (1, D("100.00"), "red", 2)
    # water: signed and replied late (deadlines passed, nothing done) and nothing returned:
    # (0 × 15 + 0 × 30 + 100 × 5) / (15 + 30 + 5); no satisfaction, resolution or reopen counted yet
    assert (water["signed_on_time_rate"], water["replied_on_time_rate"], water["return_rate"]) == (0, 0, 0)
    assert water["satisfaction_rate"] is None and water["reopen_rate"] is None
    assert (water["rank"], water["score"], water["mark"]) == (2, D("10.00"), "black")
    assert (town["rank"], town["score"], town["mark"], town["received"]) == (None, None, None, 0)


def test_an_approved_appeal_changes_the_live_ranking(march, people):
    assignment = march.assignments.get(role="lead")
    appeal = appeals.request(assignment=assignment, metric=KpiAppeal.Metric.SIGNED_ON_TIME,
                             reason="派单时系统故障，未收到通知", by=people["other_liaison"])
    appeals.decide(appeal=appeal, approve=True, by=people["supervisor"])
    water = by_name(ranking.monthly(month=MARCH))["区水务局"]
    assert water["signed_on_time_rate"] is None
    assert water["score"] == (D(500) / 35).quantize(D("0.01")) == D("14.29")


def test_the_weights_in_force_decide(march):
    from hotline.models import RankingScheme

    scheme = RankingScheme.current()
    scheme.not_returned = 0
    scheme.save()
    water = by_name(ranking.monthly(month=MARCH))["区水务局"]
    assert water["score"] == D("0.00")


def test_the_trend_follows_each_unit_over_the_months(march, people, units, time_machine):
    # April: water replies on time to a new ticket and roads' new one is late
    time_machine.move_to(at(2026, 4, 1, 10, 0), tick=False)
    water = workflow.receive(by=people["operator"], kind="help", channel="phone", title="停水", resident=None)
    water = workflow.dispatch(ticket=water, by=people["operator"], lead_unit=units["water"])
    workflow.sign(ticket=water, by=people["other_liaison"])
    roads = workflow.receive(by=people["operator"], kind="help", channel="phone", title="路灯", resident=None)
    workflow.dispatch(ticket=roads, by=people["operator"], lead_unit=units["roads"])
    time_machine.move_to(at(2026, 4, 30, 10, 0), tick=False)

    rows = by_name(ranking.trend(months=3, end_month=dt.date(2026, 4, 1)))
    assert [p["month"] for p in rows["区水务局"]["points"]] == [dt.date(2026, 2, 1), MARCH, dt.date(2026, 4, 1)]
    assert [p["rank"] for p in rows["区水务局"]["points"]] == [None, 2, 1]
    assert [p["rank"] for p in rows["区交通运输局"]["points"]] == [None, 1, 2]
    assert rows["区水务局"]["change"] == 1 and rows["区交通运输局"]["change"] == -1
    assert rows["青山镇"]["change"] is None
    assert rows["区水务局"]["points"][1]["score"] == D("10.00")


def test_the_ranking_page_shows_the_month(client, march, people):
    client.force_login(people["supervisor"])
    page = client.get("/supervisor/ranking/?month=2026-03").content.decode()
    for text in ("区交通运输局", "区水务局", "青山镇", "100.00", "10.00", "红榜", "黑榜", "不排名",
                 "本月受理量：3 件", "公开本月排名"):
        assert text in page, text
    assert page.index("区交通运输局") < page.index("区水务局") < page.index("青山镇")
    assert 'title="期内派单中签收期限内签收的件数' in page  # the KPI definitions as tooltips
    assert page.count("<svg") >= 4
