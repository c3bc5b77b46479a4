"""When a call rings, the operator's console pops up the caller and their tickets, and starts a ticket from it."""

from urllib.parse import parse_qsl

import pytest

from hotline import roles, workflow
from hotline.models import Call, Resident, Ticket
from tests.browser import in_thread, screenshot, twilio_post
from tests.conftest import VOICE_PAYLOADS, make_user


@pytest.mark.django_db(transaction=True)
def test_a_ringing_call_pops_up_and_becomes_a_ticket(page_for):
    operator = make_user("operator", roles.OPERATOR)
    resident = Resident.objects.create(phone="+8613800138000", name="张三")
    earlier = in_thread(
        workflow.receive, by=operator, kind="help", channel="sms", title="上周的路灯问题", resident=resident, acknowledge=False
    )

    console = page_for(operator)
    console.goto("/console/")
    console.wait_for_selector("body[data-live=joined]")
    params = dict(parse_qsl(VOICE_PAYLOADS["pstn"], keep_blank_values=True))
    params.update(From=resident.phone, Caller=resident.phone)
    response = twilio_post(console.evaluate("location.origin"), "/twilio/voice/", params)
    assert response.status_code == 200

    pop = console.locator("#screen-pop [data-call]")
    pop.wait_for()
    assert "张三" in pop.inner_text() and earlier.number in pop.inner_text()
    screenshot(console, "operator-console-screen-pop-desktop")

    pop.locator("a", has_text="从来电受理").click()
    console.wait_for_selector("#intake")
    assert console.locator("#id_phone").input_value() == resident.phone
    console.locator("#resident-lookup", has_text="张三").wait_for()  # looked up as the form opened
    console.locator("#id_title").fill("家门口水管爆裂")
    console.locator("#id_kind").select_option("help")
    console.locator("#intake button[type=submit]").click()
    console.wait_for_selector('#ticket[data-status="new"]')
    ticket = Ticket.objects.exclude(pk=earlier.pk).get()
    assert ticket.resident == resident and Call.objects.get().ticket == ticket
