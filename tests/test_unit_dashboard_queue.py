"""The unit's queue: most urgent first (ordered in the database), filtered, paginated, at a fixed query cost."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import unit_queue
from dashboards.timing import WorkingClock
from hotline import workflow
from hotline.models import SlaPolicy
from hotline.models.choices import ContactMethod, Outcome
from tests.conftest import at


def listed(response):
    return re.findall(r'data-ticket-number="(\d+)"', response.content.decode())


@pytest.fixture
def at_time(time_machine):
    def move(*args):
        time_machine.move_to(at(*args), tick=False)

    return move


def _new(people, kind="help", title="路灯不亮"):
    return workflow.receive(by=people["operator"], kind=kind, channel="phone", title=title)


def _dispatch(people, units, kind="help", *, lead="roads", co=(), sign=False, title="路灯不亮"):
    ticket = workflow.dispatch(
        ticket=_new(people, kind, title), by=people["operator"], lead_unit=units[lead], co_units=[units[c] for c in co]
    )
    if sign:
        ticket = workflow.sign(ticket=ticket, by=people["liaison"])
    return ticket


@pytest.mark.django_db
def test_the_queue_puts_overdue_then_due_today_then_due_soon_then_unsigned_then_the_rest(
    client, people, units, at_time
):
    # suggestions: sign within 2 working days, so one can wait unsigned without being due soon
    SlaPolicy.objects.filter(kind="suggestion", priority="normal").update(sign_limit=2)
    at_time(2026, 3, 2, 10, 0)  # Monday; a working day is 7 working hours (8:30-12, 14-17:30)
    overdue = _dispatch(people, units)  # sign by Tue 10:00, never signed
    co_row = _dispatch(people, units, lead="water", co=["roads"])  # the lead's signature is not ours: reply by next Mon
    at_time(2026, 3, 2, 15, 0)
    today = _dispatch(people, units, "consultation", sign=True)  # reply within 2 working days: Wed 15:00
    at_time(2026, 3, 3, 9, 0)
    soon = _dispatch(people, units, "consultation", sign=True)  # reply by Thu 9:00
    at_time(2026, 3, 3, 10, 0)
    rest = _dispatch(people, units, sign=True)  # reply within 5 working days: next Tue 10:00
    at_time(2026, 3, 4, 9, 0)
    later = _dispatch(people, units, sign=True)  # next Wed 9:00
    at_time(2026, 3, 4, 9, 30)
    unsigned = _dispatch(people, units, "suggestion")  # sign by Fri 9:30
    closed = _dispatch(people, units, sign=True)
    workflow.reply(
        ticket=closed, by=people["liaison"], text="已处理", outcome=Outcome.RESOLVED,
        contact_method=ContactMethod.PHONE, contacted_at=at(2026, 3, 4, 9, 30),
    )
    at_time(2026, 3, 4, 10, 0)  # Wednesday 10:00: 6 working hours before Thu 9:00

    client.force_login(people["liaison"])
    response = client.get("/unit/")
    expected = [overdue, today, soon, unsigned, co_row, rest, later]
    assert listed(response) == [t.number for t in expected]
    html = response.content.decode()
    assert re.search(rf'<tr class="overdue" data-ticket-number="{overdue.number}"', html)
    assert re.search(rf'<tr class="due-today" data-ticket-number="{today.number}"', html)
    assert "2026-03-04 15:00" in html  # the absolute deadline next to the working time left

    clock = WorkingClock()
    rows = list(unit_queue.queue(people["liaison"], unit_queue.urgency_limits(clock)))
    assert [r.rank for r in rows] == [0, 1, 2, 3, 4, 4, 4]
    for row in rows[:3]:  # the database agrees with the page's working-time wording
        assert clock.due(row.deadline).rank == row.rank

    replied = client.get("/unit/?status=replied")
    assert listed(replied) == [closed.number]


@pytest.mark.django_db
def test_due_soon_reaches_the_start_of_the_next_period_when_a_working_day_ends_at_closing_time(db, time_machine):
    time_machine.move_to(at(2026, 3, 2, 8, 30), tick=False)
    limits = unit_queue.urgency_limits(WorkingClock())
    assert limits.end_of_today == at(2026, 3, 3, 0, 0)
    assert limits.soon == at(2026, 3, 3, 8, 30)  # Mon 17:30 and Tue 8:30 are equally far in working time


@pytest.mark.django_db
def test_the_filters_pick_role_status_handler_and_text(client, people, units, monday):
    signed = _dispatch(people, units, sign=True, title="石门村路灯不亮")
    workflow.hand_over(ticket=signed, by=people["liaison"], to_user=people["liaison"])
    unsigned = _dispatch(people, units, title="村道坑洼")
    co_row = _dispatch(people, units, lead="water", co=["roads"], title="水管破裂冲坏路面")
    client.force_login(people["liaison"])

    def numbers(query):
        return sorted(listed(client.get(f"/unit/?{query}")))

    assert numbers("") == sorted([signed.number, unsigned.number, co_row.number])
    assert numbers("role=co") == [co_row.number]
    assert numbers("role=lead&status=dispatched") == [unsigned.number]
    assert numbers("status=in_progress") == [signed.number]
    assert numbers("mine=on") == [signed.number]
    assert numbers("q=路灯") == [signed.number]
    assert numbers(f"q={unsigned.number}") == [unsigned.number]
    assert numbers("status=nonsense&role=lead") == sorted([signed.number, unsigned.number])  # a bad value is ignored


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_for_3_rows_as_for_a_full_page(client, people, units, monday):
    def build(count):
        for i in range(count):
            ticket = _dispatch(people, units, sign=bool(i % 2))
            if i % 3 == 0:
                workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])

    def cost(path):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries), listed(response)

    client.force_login(people["liaison"])
    build(3)
    small_page, small_frag = cost("/unit/"), cost("/unit/queue/")
    assert len(small_page[1]) == len(small_frag[1]) == 3
    build(22)
    full_page, full_frag = cost("/unit/"), cost("/unit/queue/?page=1")
    assert len(full_page[1]) == len(full_frag[1]) == unit_queue.PAGE_SIZE
    assert full_page[0] == small_page[0]
    assert full_frag[0] == small_frag[0]
    last = client.get("/unit/?page=2")
    assert len(listed(last)) == 5
    assert 'hx-get="/unit/queue/?page=2"' in last.content.decode()  # the refresh keeps the page


@pytest.mark.django_db
def test_the_fragment_refreshes_on_live_events_and_every_30_seconds_with_the_same_filters(client, people, monday):
    client.force_login(people["liaison"])
    html = client.get("/unit/?role=lead&q=%E8%B7%AF%E7%81%AF&page=1").content.decode()
    section = re.search(r'<section class="card" id="unit-queue"[^>]*>', html).group(0)
    assert 'hx-get="/unit/queue/?role=lead&amp;q=%E8%B7%AF%E7%81%AF&amp;page=1"' in section
    assert 'hx-trigger="hotline:ticket from:body, every 30s"' in section
    assert 'hx-swap="outerHTML"' in section
    fragment = client.get("/unit/queue/?role=lead&q=%E8%B7%AF%E7%81%AF&page=1", headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section class="card" id="unit-queue"')
    assert "<html" not in fragment.content.decode()
