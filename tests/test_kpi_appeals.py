"""申诉: a unit appeals an outcome that counts against it; once approved by the supervisor, the round leaves that figure."""

from decimal import Decimal

import pytest

from hotline import appeals
from hotline.errors import InvalidInput, InvalidState, NotAllowed
from hotline.models import Assignment, KpiAppeal
from tests.conftest import at
from tests.kpi_helpers import Flow, table


@pytest.fixture
def flow(time_machine, people, units):
    return Flow(time_machine, people, units)


def lead_of(ticket, round_=None):
    rows = Assignment.objects.filter(ticket=ticket, role="lead")
    return rows.get(round=round_) if round_ else rows.get()


@pytest.mark.django_db
def test_an_approved_appeal_takes_a_late_signature_out_of_the_rate(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    on_time, late = flow.dispatch(), flow.dispatch()
    flow.sign(on_time)
    flow.at(2026, 3, 3, 11, 0)
    flow.sign(late)
    assert table(units, 2026, 3)["roads"]["signed_on_time_rate"] == Decimal("50.0")

    appeal = appeals.request(assignment=lead_of(late), metric="signed_on_time", reason="系统故障未收到短信", by=people["liaison"])
    assert appeal.status == KpiAppeal.Status.PENDING
    assert table(units, 2026, 3)["roads"]["signed_on_time_rate"] == Decimal("50.0")  # pending changes nothing
    appeals.decide(appeal=appeal, approve=True, note="属实", by=people["supervisor"])
    roads = table(units, 2026, 3)["roads"]
    assert (roads["signed_on_time"], roads["sign_counted"], roads["signed_on_time_rate"]) == (1, 1, Decimal("100.0"))
    assert roads["signed"] == 2 and roads["avg_sign_hours"] == Decimal("4.0")  # facts stay: (0 + 8) / 2
    appeal.refresh_from_db()
    assert (appeal.decided_by, appeal.decision_note) == (people["supervisor"], "属实")


@pytest.mark.django_db
def test_each_kind_of_outcome_can_be_appealed_and_moves_its_figure(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    returned = flow.return_(flow.dispatch())
    unhappy, late = flow.dispatch(), flow.dispatch()
    flow.sign(unhappy), flow.sign(late)
    flow.reply(unhappy)
    flow.rate(unhappy, "unsatisfied")
    unhappy = flow.reopen(unhappy)
    flow.sign(unhappy)
    flow.reply(unhappy)  # round 2, on time
    flow.at(2026, 3, 10, 10, 0)
    flow.reply(late)  # reply-by was 9 March 10:00

    before = table(units, 2026, 3)["roads"]
    assert (before["return_rate"], before["satisfaction_rate"], before["reopen_rate"], before["replied_on_time_rate"]) == (
        Decimal("25.0"), Decimal("0.0"), Decimal("33.3"), Decimal("66.7"),
    )
    for assignment, metric in [
        (lead_of(returned), "returned"), (lead_of(unhappy, 1), "satisfaction"), (lead_of(unhappy, 1), "reopened"),
        (lead_of(late), "replied_on_time"),
    ]:
        appeal = appeals.request(assignment=assignment, metric=metric, reason="非本单位原因", by=people["head"])
        appeals.decide(appeal=appeal, approve=True, by=people["supervisor"])
    after = table(units, 2026, 3)["roads"]
    assert (after["returned"], after["return_counted"], after["return_rate"]) == (0, 3, Decimal("0.0"))
    assert (after["rated"], after["satisfaction_rate"]) == (0, None)
    assert (after["reopened"], after["reopen_counted"], after["reopen_rate"]) == (0, 2, Decimal("0.0"))
    assert (after["reply_counted"], after["replied_on_time_rate"]) == (2, Decimal("100.0"))
    assert after["received"] == 4  # appeals never change what was received


@pytest.mark.django_db
def test_a_denied_appeal_changes_nothing_and_cannot_be_made_again(flow, units, people):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    flow.at(2026, 3, 3, 10, 0)  # sign-by passed unsigned: the missed signature can be appealed
    appeal = appeals.request(assignment=lead_of(ticket), metric="signed_on_time", reason="停电", by=people["liaison"])
    with pytest.raises(InvalidInput):
        appeals.decide(appeal=appeal, approve=False, note=" ", by=people["supervisor"])
    appeals.decide(appeal=appeal, approve=False, note="停电不影响网上签收", by=people["supervisor"])
    with pytest.raises(InvalidState, match="已审核"):
        appeals.decide(appeal=appeal, approve=True, by=people["supervisor"])
    assert table(units, 2026, 3)["roads"]["signed_on_time_rate"] == Decimal("0.0")
    with pytest.raises(InvalidState, match="每项结果只能申诉一次"):
        appeals.request(assignment=lead_of(ticket), metric="signed_on_time", reason="再申诉", by=people["head"])
    assert KpiAppeal.objects.count() == 1


@pytest.mark.django_db
def test_only_outcomes_that_count_against_the_unit_can_be_appealed(flow, people):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    flow.sign(ticket)
    lead = lead_of(ticket)
    for metric in ("signed_on_time", "returned", "replied_on_time", "satisfaction", "reopened"):
        with pytest.raises(InvalidState, match="没有计为本单位的不利结果"):
            appeals.request(assignment=lead, metric=metric, reason="预防", by=people["liaison"])
    with pytest.raises(InvalidInput):
        appeals.request(assignment=lead, metric="received", reason="x", by=people["liaison"])
    flow.at(2026, 3, 3, 11, 0)
    late = flow.dispatch()
    flow.at(2026, 3, 5, 11, 0)
    with pytest.raises(InvalidInput, match="请填写申诉理由"):
        appeals.request(assignment=lead_of(late), metric="signed_on_time", reason="  ", by=people["liaison"])
    assert KpiAppeal.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "other_liaison", "operator", "supervisor"])
def test_only_the_units_liaison_or_head_may_appeal(flow, people, who):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    flow.at(2026, 3, 3, 10, 0)
    with pytest.raises(NotAllowed):
        appeals.request(assignment=lead_of(ticket), metric="signed_on_time", reason="x", by=people[who])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["operator", "liaison", "head"])
def test_only_the_supervisor_decides(flow, people, who):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    flow.at(2026, 3, 3, 10, 0)
    appeal = appeals.request(assignment=lead_of(ticket), metric="signed_on_time", reason="x", by=people["liaison"])
    with pytest.raises(NotAllowed):
        appeals.decide(appeal=appeal, approve=True, by=people[who])


@pytest.mark.django_db
def test_appealing_from_the_unit_page_and_deciding_on_the_supervisors_page(client, flow, people, units):
    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    other = flow.dispatch(lead="water")
    flow.at(2026, 3, 3, 11, 0)
    flow.sign(ticket)  # late

    client.force_login(people["liaison"])
    html = client.get("/unit/kpis/?month=2026-03").content.decode()
    assert ticket.number in html and other.number not in html
    assert 'name="metric" value="signed_on_time"' in html
    response = client.post("/unit/kpis/appeal/", {
        "assignment": lead_of(ticket).pk, "metric": "signed_on_time", "reason": "派单短信延迟",
        "next": "/unit/kpis/?month=2026-03",
    })
    assert response.status_code == 302 and response["Location"] == "/unit/kpis/?month=2026-03"
    html = client.get("/unit/kpis/?month=2026-03").content.decode()
    assert "已对工单" in html and "待审核" in html and "派单短信延迟" in html
    again = client.post("/unit/kpis/appeal/", {"assignment": lead_of(ticket).pk, "metric": "signed_on_time", "reason": "再次"}, follow=True)
    assert "每项结果只能申诉一次" in again.content.decode()
    # another unit's round is not found at all
    assert client.post("/unit/kpis/appeal/", {"assignment": lead_of(other).pk, "metric": "signed_on_time", "reason": "x"}).status_code == 404
    assert client.post("/unit/kpis/appeal/", {"assignment": "abc", "metric": "signed_on_time", "reason": "x"}).status_code == 404
    client.force_login(people["member"])
    assert client.post("/unit/kpis/appeal/", {"assignment": lead_of(ticket).pk, "metric": "signed_on_time", "reason": "x"}).status_code == 403

    client.force_login(people["supervisor"])
    html = client.get("/supervisor/kpis/appeals/").content.decode()
    assert "待审核（1 件）" in html and "派单短信延迟" in html
    appeal = KpiAppeal.objects.get()
    response = client.post(f"/supervisor/kpis/appeals/{appeal.pk}/decide/", {"decision": "deny", "note": ""}, follow=True)
    assert "驳回申诉请说明理由" in response.content.decode()
    client.post(f"/supervisor/kpis/appeals/{appeal.pk}/decide/", {"decision": "approve", "note": "核实短信平台故障"})
    appeal.refresh_from_db()
    assert appeal.status == KpiAppeal.Status.APPROVED
    assert "没有待审核的申诉" in client.get("/supervisor/kpis/appeals/").content.decode()
    assert table(units, 2026, 3)["roads"]["signed_on_time_rate"] is None  # its only signature left the rate
    client.force_login(people["operator"])
    assert client.post(f"/supervisor/kpis/appeals/{appeal.pk}/decide/", {"decision": "deny", "note": "x"}).status_code == 403


@pytest.mark.django_db
def test_the_unit_figures_card_agrees_with_the_kpi_pages_after_an_appeal(flow, units, people):
    from dashboards import unit_queue

    flow.at(2026, 3, 2, 10, 0)
    ticket = flow.dispatch()
    flow.at(2026, 3, 3, 11, 0)
    appeal = appeals.request(assignment=lead_of(ticket), metric="signed_on_time", reason="x", by=people["liaison"])
    appeals.decide(appeal=appeal, approve=True, by=people["supervisor"])
    card = unit_queue.figures(units["roads"], at(2026, 3, 3, 11, 0))
    row = table(units, 2026, 3, now=at(2026, 3, 3, 11, 0))["roads"]
    for key in ("received", "signed_on_time_rate", "replied_on_time_rate", "satisfaction_rate", "sign_hours"):
        assert card[key] == row[key], key
    assert card["signed_on_time_rate"] is None and card["sign_missed"] == 1
