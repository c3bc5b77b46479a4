"""The supervisor's dashboard (督办台): supervisors only; overdue and supervised tickets, pending
extensions and returns with one-click decisions, failed SMS and the landline callback list —
each panel an htmx fragment costing a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline import workflow
from hotline.models import ExtensionRequest, Message, Resident, ReturnRequest, Ticket

from .conftest import at

pytestmark = pytest.mark.django_db

PANELS = ["overdue", "supervised", "extensions", "returns", "failed", "callbacks"]
LATER = at(2026, 3, 3, 15, 0)  # Tuesday afternoon: Monday's tickets are past their sign-by


def panel_url(name, **query):
    return f"/supervisor/panel/{name}/" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def supervisor(client, people):
    client.force_login(people["supervisor"])
    return people["supervisor"]


def _section(html, name):
    match = re.search(rf'<section[^>]*id="panel-{name}".*?</section>', html, re.S)
    assert match, f"panel {name} missing"
    return match.group(0)


# --- who may open it ---------------------------------------------------------------------------


def test_the_supervisor_sees_every_panel_in_chinese(client, supervisor):
    response = client.get("/supervisor/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "督办台" in page
    for name, title in zip(PANELS, ["超期工单", "督办中的工单", "待审批延期", "待审批退单", "发送失败的短信", "待电话告知"]):
        section = _section(page, name)
        assert title in section
        assert f'hx-get="/supervisor/panel/{name}/?page=1"' in section
        assert "hotline:ticket" in section and "from:body" in section and "every 30s" in section
        assert 'hx-swap="outerHTML"' in section
        assert f'id="count-{name}"' in page


def test_a_superuser_sees_it_too(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="pw-root"))
    assert client.get("/supervisor/").status_code == 200
    assert client.get(panel_url("returns")).status_code == 200


@pytest.mark.parametrize("who", ["operator", "liaison", "head", "member", "editor"])
def test_other_roles_are_refused(client, people, who):
    client.force_login(people[who])
    assert client.get("/supervisor/").status_code == 403
    from dashboards.views.supervisor import PANELS as SPECS

    for name in PANELS:
        if SPECS[name].operators and who == "operator":
            continue  # the callback list is the operators' too (tests/test_callback_list.py)
        assert client.get(panel_url(name)).status_code == 403
    if who != "operator":
        assert client.post(panel_url("callbacks"), {"message": 1}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in ["/supervisor/", panel_url("overdue"), panel_url("callbacks")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_panel_is_not_found(client, supervisor):
    assert client.get(panel_url("kpis")).status_code == 404
    assert client.post(panel_url("overdue")).status_code == 404  # only the callback list takes a POST


# --- the panels ----------------------------------------------------------------------------------


def test_overdue_tickets_show_the_missed_deadline_and_working_time_overdue(client, supervisor, people, make_ticket, monday, time_machine):
    late_sign = make_ticket("dispatched")
    signed = make_ticket("in_progress")
    time_machine.move_to(LATER, tick=False)
    fresh = make_ticket("dispatched")  # dispatched now: not late

    page = client.get(panel_url("overdue")).content.decode()

    assert late_sign.number in page and "签收超期" in page
    assert "超期3.0个工作小时" in page  # Tuesday 10:00 → 12:00, 14:00 → 15:00
    assert signed.number not in page  # signed in time, reply-by is next week
    assert fresh.number not in page
    assert 'class="overdue"' in page


def test_a_ticket_past_its_reply_deadline_is_overdue(client, supervisor, make_ticket, monday, time_machine):
    ticket = make_ticket("in_progress")
    time_machine.move_to(at(2026, 3, 9, 11, 0), tick=False)  # reply-by was Monday 9th 10:00

    section = client.get(panel_url("overdue")).content.decode()

    assert ticket.number in section and "办结超期" in section
    assert "超期1.0个工作小时" in section


def test_closed_and_replied_tickets_are_not_overdue(client, supervisor, make_ticket, monday, time_machine):
    replied = make_ticket("replied")
    closed = make_ticket("closed")
    time_machine.move_to(at(2026, 3, 20, 10, 0), tick=False)
    page = client.get(panel_url("overdue")).content.decode()
    assert replied.number not in page and closed.number not in page
    assert "没有超期工单" in page


def test_supervised_tickets_still_open_are_listed(client, supervisor, people, make_ticket):
    open_one = make_ticket("in_progress")
    workflow.supervise(ticket=open_one, by=people["supervisor"], note="请加快")
    finished = make_ticket("replied")
    workflow.supervise(ticket=finished, by=people["supervisor"])
    workflow.review(ticket=finished, by=people["operator"], accept=True)
    workflow.record_satisfaction(ticket=Ticket.objects.get(pk=finished.pk), by=people["operator"], satisfaction="satisfied")

    page = client.get(panel_url("supervised")).content.decode()

    assert open_one.number in page and finished.number not in page
    assert 'data-count="1"' in page


def _extension(people, ticket, days=3):
    return workflow.request_extension(
        ticket=ticket, by=people["liaison"], reason="需协调施工队", new_reply_by=ticket.reply_by + dt.timedelta(days=days)
    )


def test_a_pending_extension_is_approved_with_one_click(client, supervisor, people, make_ticket):
    ticket = make_ticket("in_progress")
    request = _extension(people, ticket)
    page = client.get("/supervisor/").content.decode()
    section = _section(page, "extensions")
    assert ticket.number in section and "需协调施工队" in section and "区交通运输局" in section
    assert f'action="/tickets/{ticket.number}/do/decide_extension/"' in section
    assert 'name="next" value="/supervisor/"' in section
    assert 'name="decision" value="approve"' in section and 'name="decision" value="deny"' in section

    response = client.post(
        f"/tickets/{ticket.number}/do/decide_extension/", {"decision": "approve", "note": "", "next": "/supervisor/"}
    )

    assert response.status_code == 302 and response["Location"] == "/supervisor/"
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", people["supervisor"])
    assert Ticket.objects.get(pk=ticket.pk).reply_by == request.requested_reply_by
    after = client.get("/supervisor/")
    assert ticket.number not in _section(after.content.decode(), "extensions")
    assert "已同意延期" in after.content.decode()  # the success message, back on the dashboard


def test_denying_an_extension_needs_the_inline_reason(client, supervisor, people, make_ticket):
    ticket = make_ticket("in_progress")
    request = _extension(people, ticket)
    url = f"/tickets/{ticket.number}/do/decide_extension/"

    refused = client.post(url, {"decision": "deny", "note": "", "next": "/supervisor/"})
    assert refused.status_code == 400
    assert ExtensionRequest.objects.get(pk=request.pk).status == "pending"

    response = client.post(url, {"decision": "deny", "note": "理由不充分", "next": "/supervisor/"})
    assert response.status_code == 302 and response["Location"] == "/supervisor/"
    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("denied", "理由不充分")


def test_pending_returns_list_disputed_ones_first_and_marked(client, supervisor, people, units, make_ticket):
    plain = make_ticket("dispatched")
    workflow.request_return(ticket=plain, by=people["liaison"], reason="误派", suggested_unit=units["water"])
    referred = make_ticket("dispatched")
    workflow.request_return(ticket=referred, by=people["liaison"], reason="应由青山镇办理", suggested_unit=units["town"])
    workflow.escalate_return(ticket=referred, by=people["operator"], note="两单位各执一词")

    section = _section(client.get("/supervisor/").content.decode(), "returns")

    rows = re.findall(r'<tr class="[^"]*" data-ticket-number="(\d+)"[^>]*data-disputed="(\d)"', section)
    assert rows == [(referred.number, "1"), (plain.number, "0")]
    assert "有争议" in section and "两单位各执一词" in section and "operator" in section
    assert "应由青山镇办理" in section and "青山镇" in section and "区水务局" in section
    assert f'action="/tickets/{referred.number}/do/decide_return/"' in section


def test_a_twice_returned_ticket_is_marked_disputed(client, supervisor, people, units, make_ticket):
    ticket = make_ticket("dispatched")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="误派")
    workflow.decide_return(ticket=ticket, by=people["operator"], approve=True)
    workflow.dispatch(ticket=Ticket.objects.get(pk=ticket.pk), by=people["operator"], lead_unit=units["water"])
    workflow.request_return(ticket=Ticket.objects.get(pk=ticket.pk), by=people["other_liaison"], reason="也不归我们")

    section = client.get(panel_url("returns")).content.decode()

    assert 'data-disputed="1"' in section and "该工单此前已被退回过" in section


def test_a_disputed_return_is_approved_with_one_click_by_the_supervisor_only(client, people, units, make_ticket):
    ticket = make_ticket("in_progress")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="误派", suggested_unit=units["water"])
    workflow.escalate_return(ticket=ticket, by=people["operator"], note="请督办裁决")
    url = f"/tickets/{ticket.number}/do/decide_return/"

    client.force_login(people["operator"])
    assert client.post(url, {"decision": "approve", "next": "/supervisor/"}).status_code == 403
    assert ReturnRequest.objects.get().status == "pending"

    client.force_login(people["supervisor"])
    response = client.post(url, {"decision": "approve", "note": "", "next": "/supervisor/"})

    assert response.status_code == 302 and response["Location"] == "/supervisor/"
    assert ReturnRequest.objects.get().status == "approved"
    assert Ticket.objects.get(pk=ticket.pk).status == "returned"


def test_a_return_is_denied_with_one_click_and_a_reason(client, supervisor, people, make_ticket):
    ticket = make_ticket("dispatched")
    workflow.request_return(ticket=ticket, by=people["liaison"], reason="误派")
    response = client.post(
        f"/tickets/{ticket.number}/do/decide_return/", {"decision": "deny", "note": "属本单位职责", "next": "/supervisor/"}
    )
    assert response.status_code == 302
    assert ReturnRequest.objects.get().status == "denied"


def _sms(ticket, to, **fields):
    values = {
        "direction": "out", "phone": to.phone, "resident": to, "ticket": ticket, "template": "dispatched",
        "body": f"工单{ticket.number}已转区交通运输局办理。", "status": "failed",
    }
    values.update(fields)
    return Message.objects.create(**values)


def test_failed_sms_of_the_last_30_days_show_whom_masked_and_why(client, supervisor, people, make_ticket, resident, monday):
    ticket = make_ticket("dispatched")
    _sms(ticket, resident, provider="twilio", error_code="21610", error="HTTP 400: +8613800138000 unsubscribed")
    _sms(ticket, resident, status="undelivered", provider="twilio", error_code="30005", template="extended")
    _sms(ticket, resident, status="failed", error_code="", error="line one\nconnection to +8613800138000 refused", template="closed")
    old = _sms(ticket, resident, template="survey", created_at=monday - dt.timedelta(days=31))
    sent = _sms(ticket, resident, status="sent", template="reopened")

    page = client.get(panel_url("failed")).content.decode()

    assert "138****8000" in page and "+8613800138000" not in page and "13800138000" not in page
    assert "张三" in page and ticket.number in page
    assert "21610" in page and "对方已退订（回复过STOP）" in page
    assert "30005" in page and "号码不存在或已停机" in page and "未送达" in page
    assert "connection to … refused" in page
    assert "survey" not in page and "reopened" not in page  # older than 30 days; delivered fine
    assert 'data-count="3"' in page
    assert old.pk and sent.pk


def test_a_failed_sms_to_staff_names_the_staff_member(client, supervisor, people, make_ticket, resident):
    ticket = make_ticket("dispatched")
    _sms(ticket, resident, resident=None, recipient_user=people["liaison"], phone="+8613900000002", template="unit_new")
    page = client.get(panel_url("failed")).content.decode()
    assert "liaison" in page and "139****0002" in page


def test_panels_are_paginated_by_20(client, supervisor, make_ticket, resident):
    ticket = make_ticket("dispatched")
    for _ in range(23):
        _sms(ticket, resident)

    first = client.get(panel_url("failed")).content.decode()
    second = client.get(panel_url("failed", page=2)).content.decode()

    assert first.count("<tr data-message=") == 20 and second.count("<tr data-message=") == 3
    assert 'hx-get="/supervisor/panel/failed/?page=2"' in first
    assert 'href="/supervisor/?failed_page=2#panel-failed"' in first
    assert 'hx-get="/supervisor/panel/failed/?page=2"' in second  # it refreshes itself on its own page
    full = client.get("/supervisor/", {"failed_page": 2}).content.decode()
    assert _section(full, "failed").count("<tr data-message=") == 3


def test_a_fragment_refreshes_the_count_in_the_page_header(client, supervisor, people, make_ticket):
    workflow.supervise(ticket=make_ticket("in_progress"), by=people["supervisor"])
    fragment = client.get(panel_url("supervised"), headers={"HX-Request": "true"}).content.decode()
    assert re.search(r'<span[^>]*id="count-supervised"[^>]*hx-swap-oob="true"[^>]*>1</span>', fragment)
    header = client.get("/supervisor/").content.decode()
    assert re.search(r'<span[^>]*id="count-supervised"[^>]*>1</span>', header)


# --- a fixed number of queries, whatever the number of rows --------------------------------------


def _add_rows(people, units, make_ticket, time_machine, n):
    """n rows in every panel, made on Monday and seen on Tuesday afternoon."""
    landline = Resident.objects.get_or_create(phone="+861062345678", defaults={"name": "王五"})[0]
    for _ in range(n):
        time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
        late = make_ticket("dispatched")
        workflow.supervise(ticket=late, by=people["supervisor"])
        working = make_ticket("in_progress")
        returning = make_ticket("dispatched")
        time_machine.move_to(LATER, tick=False)
        _extension(people, Ticket.objects.get(pk=working.pk))
        workflow.request_return(ticket=returning, by=people["liaison"], reason="误派", suggested_unit=units["water"])
        workflow.escalate_return(ticket=returning, by=people["operator"], note="请裁决")
        _sms(late, late.resident, provider="twilio", error_code="30005")
        _sms(late, landline, phone=landline.phone, status="callback")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_each_panel_and_the_page_cost_a_fixed_number_of_queries(client, supervisor, people, units, make_ticket, time_machine):
    _add_rows(people, units, make_ticket, time_machine, 1)
    urls = ["/supervisor/"] + [panel_url(name) for name in PANELS]
    one = {url: _queries(client, url) for url in urls}

    _add_rows(people, units, make_ticket, time_machine, 3)
    page = client.get("/supervisor/").content.decode()
    for name in PANELS:
        assert re.search(rf'id="count-{name}" data-count="(\d+)"', page).group(1) in {"4", "8"}
    four = {url: _queries(client, url) for url in urls}

    assert four == one
    # session, user, roles, unit, the work calendar (3), then a count and a page per panel
    assert one["/supervisor/"] <= 24 and all(count <= 12 for url, count in one.items() if url != "/supervisor/"), one
