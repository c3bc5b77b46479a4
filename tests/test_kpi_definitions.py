"""The KPI definitions (docs/kpis.md) on hand-built cases, walked through the real workflow."""

from decimal import Decimal

import pytest

from hotline import kpis, workflow
from hotline.models import Assignment, Category
from hotline.models.choices import Outcome
from tests.conftest import at
from tests.kpi_helpers import Flow, month, table


@pytest.fixture
def flow(time_machine, people, units):
    return Flow(time_machine, people, units)


@pytest.mark.django_db
def test_a_ticket_dispatched_in_october_and_replied_in_november_counts_for_october(flow, units):
    flow.at(2026, 10, 30, 10, 0)  # a Friday
    ticket = flow.dispatch()
    flow.at(2026, 10, 30, 11, 0)
    flow.sign(ticket)  # one working hour
    # on 31 October nothing was due yet: no reply rate, not 0%
    october = table(units, 2026, 10, now=at(2026, 10, 31, 12, 0))["roads"]
    assert (october["received"], october["signed"], october["signed_on_time_rate"]) == (1, 1, Decimal("100.0"))
    assert october["replied_on_time_rate"] is None and october["avg_sign_hours"] == Decimal("1.0")

    flow.at(2026, 11, 3, 10, 0)  # reply-by is Friday 6 November 10:00
    flow.reply(ticket)
    flow.at(2026, 11, 4, 9, 0)
    flow.rate(ticket, "satisfied")

    october = table(units, 2026, 10)["roads"]
    assert october["received"] == 1
    assert october["replied"] == 1 and october["replied_on_time_rate"] == Decimal("100.0")
    assert october["resolution_rate"] == Decimal("100.0")
    assert october["satisfaction_rate"] is None  # rated in November
    november = table(units, 2026, 11)["roads"]
    assert november["received"] == 0 and november["replied_on_time_rate"] is None
    assert (november["rated"], november["satisfaction_rate"]) == (1, Decimal("100.0"))
    # whole months and a custom period agree
    two = kpis.unit_table(start=at(2026, 10, 1, 0, 0), end=at(2026, 12, 1, 0, 0))
    both = [r for r in two if r["unit"] == units["roads"]][0]
    assert (both["received"], both["rated"], both["replied_on_time_rate"]) == (1, 1, Decimal("100.0"))


@pytest.mark.django_db
def test_a_ticket_reopened_twice_counts_each_round_and_keeps_each_rating(flow, units):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    for round_, lead in ((1, "roads"), (2, "roads"), (3, "water")):
        flow.sign(ticket, lead)
        flow.reply(ticket, lead, outcome=Outcome.PARTLY if round_ < 3 else Outcome.RESOLVED)
        flow.rate(ticket, "unsatisfied" if round_ < 3 else "basically")
        if round_ == 1:
            ticket = flow.reopen(ticket)
        elif round_ == 2:
            ticket = flow.reopen(ticket, lead="water")  # the second reopen goes to another unit
    ticket.refresh_from_db()
    assert ticket.reopen_count == 2

    got = table(units, 2026, 3)
    roads, water = got["roads"], got["water"]
    assert roads["received"] == 2  # rounds 1 and 2
    assert (roads["reopened"], roads["reopen_counted"], roads["reopen_rate"]) == (2, 2, Decimal("100.0"))
    assert (roads["rated"], roads["satisfied"], roads["satisfaction_rate"]) == (2, 0, Decimal("0.0"))
    assert roads["resolution_rate"] == Decimal("0.0")  # both rounds only partly resolved
    assert water["received"] == 1
    assert (water["reopen_rate"], water["satisfaction_rate"], water["resolution_rate"]) == (
        Decimal("0.0"), Decimal("100.0"), Decimal("100.0"),
    )
    total = kpis.overall(**month(2026, 3))
    assert (total["received"], total["reopened"], total["reopen_counted"]) == (3, 2, 3)
    assert total["reopen_rate"] == Decimal("66.7") and total["satisfaction_rate"] == Decimal("33.3")


@pytest.mark.django_db
def test_a_returned_ticket_counts_for_the_unit_that_returned_it_and_the_one_it_went_to(flow, units):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.return_(flow.dispatch(lead="roads"))
    flow.at(2026, 3, 2, 11, 0)
    ticket = flow.dispatch(ticket, lead="water")
    flow.sign(ticket, "water")
    flow.at(2026, 3, 10, 10, 0)  # long after both sign-by: the returned round is not "missed"

    got = table(units, 2026, 3)
    roads, water = got["roads"], got["water"]
    assert (roads["received"], roads["returned"], roads["return_rate"]) == (1, 1, Decimal("100.0"))
    assert roads["signed_on_time_rate"] is None and roads["replied_on_time_rate"] is None
    assert (water["received"], water["return_rate"], water["signed_on_time_rate"]) == (1, Decimal("0.0"), Decimal("100.0"))
    # its reply-by (9 March 11:00) passed unanswered: late
    assert (water["reply_missed"], water["replied_on_time_rate"]) == (1, Decimal("0.0"))
    total = kpis.overall(**month(2026, 3))
    assert (total["received"], total["return_rate"]) == (2, Decimal("50.0"))


@pytest.mark.django_db
def test_an_approved_extension_moves_the_reply_deadline(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    extended, plain = flow.dispatch(), flow.dispatch()
    flow.sign(extended), flow.sign(plain)
    flow.at(2026, 3, 5, 10, 0)
    workflow.request_extension(ticket=extended, by=people["liaison"], reason="需要施工", new_reply_by=at(2026, 3, 16, 10, 0))
    workflow.decide_extension(ticket=extended, by=people["supervisor"], approve=True)
    flow.at(2026, 3, 12, 10, 0)  # after the first reply-by (9 March 10:00), before the extended one
    flow.reply(extended), flow.reply(plain)

    lead = Assignment.objects.get(ticket=extended)
    assert (lead.original_reply_by, lead.reply_by) == (at(2026, 3, 9, 10, 0), at(2026, 3, 16, 10, 0))
    roads = table(units, 2026, 3)["roads"]
    assert (roads["replied"], roads["replied_on_time"], roads["replied_on_time_rate"]) == (2, 1, Decimal("50.0"))
    assert roads["avg_reply_hours"] == Decimal("56.0")  # 8 working days of 7 hours each, as stored at the reply


@pytest.mark.django_db
def test_signing_on_time_late_or_not_at_all(flow, units):
    flow.at(2026, 3, 2, 10, 0)  # sign-by Tuesday 10:00
    on_time, late, never = flow.dispatch(), flow.dispatch(), flow.dispatch()
    flow.at(2026, 3, 3, 9, 59)
    flow.sign(on_time)
    roads = table(units, 2026, 3)["roads"]
    assert (roads["signed_on_time"], roads["sign_counted"], roads["signed_on_time_rate"]) == (1, 1, Decimal("100.0"))

    flow.at(2026, 3, 3, 10, 0)  # the deadline itself: the two unsigned ones now count as late
    roads = table(units, 2026, 3)["roads"]
    assert (roads["sign_missed"], roads["sign_counted"], roads["signed_on_time_rate"]) == (2, 3, Decimal("33.3"))
    flow.at(2026, 3, 3, 11, 0)
    flow.sign(late)
    roads = table(units, 2026, 3)["roads"]
    assert (roads["signed"], roads["sign_missed"], roads["signed_on_time_rate"]) == (2, 1, Decimal("33.3"))
    assert roads["avg_sign_hours"] == Decimal("7.5")  # (6.98… + 8) / 2 working hours, as stored
    assert never.pk  # still unsigned


@pytest.mark.django_db
def test_confidential_tickets_count_and_merged_or_invalid_ones_do_not(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    secret = flow.dispatch(confidential=True)
    kept, merged = flow.dispatch(), flow.dispatch()
    invalid = flow.receive()
    workflow.mark_invalid(ticket=invalid, by=people["operator"], reason="骚扰")
    flow.at(2026, 3, 3, 11, 0)
    flow.sign(merged)  # late, but the ticket is then merged: it counts nowhere
    workflow.merge(ticket=merged, by=people["operator"], into=kept)
    flow.sign(secret)
    flow.reply(secret)

    roads = table(units, 2026, 3)["roads"]
    assert roads["received"] == 2  # the confidential one and the surviving one
    assert (roads["signed"], roads["sign_missed"]) == (1, 1)  # the confidential one signed; `kept` missed
    assert roads["replied"] == 1 and roads["resolution_rate"] == Decimal("100.0")
    assert kpis.overall(**month(2026, 3))["received"] == 2


@pytest.mark.django_db
def test_resolution_counts_the_rounds_last_reply(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    sent_back, cannot = flow.dispatch(), flow.dispatch()
    flow.sign(sent_back), flow.sign(cannot)
    flow.reply(sent_back, outcome=Outcome.PARTLY, accept=False)
    workflow.review(ticket=sent_back, by=people["operator"], accept=False, note="请说明修复时间")
    flow.reply(sent_back, outcome=Outcome.RESOLVED)
    flow.reply(cannot, outcome=Outcome.NOT_RESOLVABLE)

    roads = table(units, 2026, 3)["roads"]
    assert (roads["replied"], roads["resolved"], roads["resolution_rate"]) == (2, 1, Decimal("50.0"))


@pytest.mark.django_db
def test_co_units_count_only_as_co_received(flow, units):
    flow.at(2026, 3, 2, 10, 0)
    flow.dispatch(lead="water", co=["roads"])
    got = table(units, 2026, 3)
    assert (got["roads"]["received"], got["roads"]["co_received"]) == (0, 1)
    assert (got["water"]["received"], got["water"]["co_received"]) == (1, 0)
    assert got["town"]["received"] == 0 and got["town"]["signed_on_time_rate"] is None


@pytest.mark.django_db
def test_the_breakdowns_by_kind_channel_village_and_category(flow, units, village):
    roads_cat = Category.objects.create(name="道路", parent=Category.objects.create(name="城乡建设"))
    flow.at(2026, 3, 2, 10, 0)
    flow.dispatch(kind="complaint", channel="sms", village=village, category=roads_cat)
    flow.dispatch(kind="complaint", channel="phone", village=village)
    flow.dispatch(kind="help", channel="phone")

    def by(field, **kw):
        return {r["label"]: r["received"] for r in kpis.breakdown(**month(2026, 3), by=field, **kw)}

    assert by("kind") == {"投诉": 2, "求助": 1}
    assert by("channel") == {"电话": 2, "短信": 1}
    assert by("village") == {"青山镇石门村": 2, "未填写": 1}
    assert by("category") == {"城乡建设 › 道路": 1, "未填写": 2}
    assert by("kind", unit=units["water"]) == {}
    assert [r["key"] for r in kpis.breakdown(**month(2026, 3), by="kind")] == ["complaint", "help"]
    with pytest.raises(ValueError):
        kpis.breakdown(**month(2026, 3), by="resident")


def test_periods_are_counted_in_shanghai_time():
    import datetime as dt

    assert kpis.month_bounds(dt.date(2026, 12, 15)) == (at(2026, 12, 1, 0, 0), at(2027, 1, 1, 0, 0))
    assert kpis.month_bounds(at(2026, 3, 1, 0, 30)) == (at(2026, 3, 1, 0, 0), at(2026, 4, 1, 0, 0))
    assert kpis.year_bounds(2021) == (at(2021, 1, 1, 0, 0), at(2022, 1, 1, 0, 0))
    assert list(kpis.DEFINITIONS) == [
        "received", "signed_on_time_rate", "return_rate", "replied_on_time_rate", "satisfaction_rate",
        "resolution_rate", "reopen_rate", "avg_sign_hours", "avg_reply_hours", "urges",
    ]
