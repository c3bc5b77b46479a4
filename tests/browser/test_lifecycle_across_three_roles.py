"""A whole ticket lifecycle in headless Chromium, across three roles, with live updates and no reloads
where the issue asks for none: an SMS arrives → the operator sees it appear and dispatches → the liaison
sees it appear, signs and replies → the operator accepts the reply → the resident's survey answer closes it.
Screenshots of the main pages at desktop and phone width are saved under artifacts/screenshots/.
"""

import pytest

from hotline import roles
from hotline.models import Ticket, Unit
from hotline.models.choices import Status
from tests.browser import screenshot, send_sms
from tests.conftest import make_user

RESIDENT = "+8613800138000"


def _joined(page):
    page.wait_for_selector("body[data-live=joined]")


@pytest.mark.django_db(transaction=True)
def test_an_sms_becomes_a_closed_ticket_across_three_roles(page_for):
    roads = Unit.objects.create(name="区交通运输局", kind=Unit.Kind.DEPARTMENT)
    operator = make_user("operator", roles.OPERATOR)
    liaison = make_user("liaison", roles.UNIT_LIAISON, roads, phone="+8613900000002")
    supervisor = make_user("supervisor", roles.SUPERVISOR, phone="+8613900000001")

    console = page_for(operator)
    console.goto("/console/")
    _joined(console)
    base = console.evaluate("location.origin")
    desk = page_for(liaison)
    desk.goto("/unit/")
    _joined(desk)

    # 1. an SMS arrives: the operator's queue shows it without a reload
    send_sms(base, "石门村村口路灯坏了三天，晚上走路看不见", phone=RESIDENT)
    ticket = Ticket.objects.get()
    row = console.locator(f'#queue-new [data-ticket-number="{ticket.number}"]')
    row.wait_for()
    screenshot(console, "operator-console-desktop")

    # 2. the operator opens it and dispatches it to the roads bureau
    row.locator("a").first.click()
    console.wait_for_selector(f'#ticket[data-ticket-number="{ticket.number}"]')
    screenshot(console, "ticket-page-new-desktop")
    dispatch = console.locator('details[data-action="dispatch"]')
    dispatch.locator("select[name=dispatch-lead_unit]").select_option(str(roads.pk))
    dispatch.locator("button[type=submit]").click()
    console.wait_for_selector('#ticket[data-status="dispatched"]')

    # 3. the liaison's queue shows it without a reload; one click signs it
    unit_row = desk.locator(f'#unit-queue [data-ticket-number="{ticket.number}"]')
    unit_row.wait_for()
    screenshot(desk, "liaison-dashboard-desktop")
    unit_row.locator("button", has_text="签收").click()
    desk.wait_for_selector(f'#unit-queue [data-ticket-number="{ticket.number}"] .badge.in_progress')

    # 4. the liaison replies from the ticket page, confirming the resident was contacted
    desk.locator(f'#unit-queue [data-ticket-number="{ticket.number}"] a').first.click()
    reply = desk.locator('details[data-action="reply"]')
    reply.locator("textarea[name=reply-text]").fill("已安排维修队更换路灯，已电话告知群众。")
    reply.locator("select[name=reply-outcome]").select_option("resolved")
    reply.locator("select[name=reply-contact_method]").select_option("phone")
    reply.locator("input[name=reply-contacted]").check()
    reply.locator("button[type=submit]").click()
    desk.wait_for_selector('#ticket[data-status="replied"]')
    screenshot(desk, "ticket-page-liaison-desktop")

    # 5. the operator, back on the console, sees the reply to review appear; accepts it
    console.goto("/console/")
    _joined(console)
    review_row = console.locator(f'#queue-review [data-ticket-number="{ticket.number}"]')
    review_row.wait_for()
    review_row.locator("a").first.click()
    console.locator('details[data-action="review"] button[value=accept]').click()
    console.wait_for_selector(".messages li", state="visible")
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED and ticket.reply_accepted_at is not None
    assert ticket.messages.filter(template="survey").exists()

    # 6. the resident answers the survey by SMS: the ticket closes as rated
    send_sms(base, "1", phone=RESIDENT)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction) == (Status.CLOSED, "satisfied")
    console.locator(".stale-note").wait_for()  # the open ticket page says it changed
    console.reload()
    console.wait_for_selector('#ticket[data-status="closed"]')
    assert "满意" in console.locator("#ticket").inner_text()
    screenshot(console, "ticket-page-closed-desktop")

    # the supervisor's dashboard, and every main page at phone width
    board = page_for(supervisor)
    board.goto("/supervisor/")
    _joined(board)
    screenshot(board, "supervisor-dashboard-desktop")
    for user, path, name in [
        (operator, "/console/", "operator-console-phone"),
        (liaison, "/unit/", "liaison-dashboard-phone"),
        (supervisor, "/supervisor/", "supervisor-dashboard-phone"),
        (operator, f"/tickets/{ticket.number}/", "ticket-page-phone"),
    ]:
        phone = page_for(user, phone=True)
        phone.goto(path)
        _joined(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1, f"{name} scrolls sideways"
        screenshot(phone, name)
