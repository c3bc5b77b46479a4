"""Words from the public are shown as text, never as HTML (issue 10 point 4): a <script> and an <img onerror>
sent by SMS (a ticket's title and description, an addition, pledge feedback, a promotion request), typed as a
resident's name and a ticket by an operator, and written as a unit's reply appear escaped on every page that
shows them (console and its queues, ticket list and page, unit and supervisor dashboards, the editor's and the
public pages, the admin); the API answers JSON; exports write such words as text cells, never formulas."""

import io
import re

import pytest
from openpyxl import load_workbook

from hotline import workflow
from hotline.models import Message, PromotionRequest, Resident, Ticket
from hotline.models.choices import ContactMethod, Outcome
from tests.pledge_helpers import make_pledge

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example/","点我")'
PAYLOAD = f"{FORMULA} 路灯坏了 {SCRIPT} {IMG}"

pytestmark = pytest.mark.django_db


def assert_escaped(response, *, shown=True):
    assert response.status_code == 200, (response.status_code, response.request["PATH_INFO"])
    body = response.content.decode()
    assert "<script>alert(1)" not in body, response.request["PATH_INFO"]
    assert not re.search(r"<img[^>]*onerror=alert\(1\)", body), response.request["PATH_INFO"]
    if shown:
        assert "&lt;script&gt;alert(1)" in body, response.request["PATH_INFO"]  # shown, as text
    return body


@pytest.fixture
def data(sms, client, people, units):
    """The payload through the real intake paths: SMS, the operator's form, a unit's reply."""
    pledge = make_pledge(people, units)
    sms.send(PAYLOAD, phone="+8613800138011")
    sms.send(f"补充：{SCRIPT}{IMG}", phone="+8613800138011")
    sms.send(f"CN {pledge.number} {PAYLOAD}", phone="+8613800138012")
    sms.send(f"TG 土蜂蜜 {PAYLOAD}", phone="+8613800138013")
    client.force_login(people["operator"])
    response = client.post("/tickets/new/", {
        "kind": "help", "channel": "phone", "title": f"来电 {SCRIPT}", "description": PAYLOAD,
        "phone": "13800138014", "resident_name": f"{IMG}张", "priority": "normal", "place": IMG,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    by_sms = Ticket.objects.get(resident__phone="+8613800138011")
    by_sms = workflow.dispatch(ticket=by_sms, by=people["operator"], lead_unit=units["roads"])
    by_sms = workflow.sign(ticket=by_sms, by=people["liaison"])
    workflow.reply(ticket=by_sms, by=people["liaison"], text=f"已处理 {SCRIPT}{IMG}", outcome=Outcome.RESOLVED,
                   contact_method=ContactMethod.PHONE, contacted_at=by_sms.signed_at)
    by_form = Ticket.objects.get(resident__phone="+8613800138014")
    assert Resident.objects.get(phone="+8613800138014").name.startswith("<img")
    return {
        "by_sms": Ticket.objects.get(pk=by_sms.pk), "by_form": by_form,
        "feedback": Ticket.objects.get(resident__phone="+8613800138012"),
        "promotion": PromotionRequest.objects.get(resident__phone="+8613800138013"), "pledge": pledge,
    }


def test_staff_pages_show_the_words_as_text(client, people, data):
    client.force_login(people["operator"])
    for ticket in (data["by_sms"], data["by_form"], data["feedback"]):
        assert_escaped(client.get(f"/tickets/{ticket.number}/"))
    assert_escaped(client.get("/console/"))
    for queue in ("new", "review", "returned"):
        assert_escaped(client.get(f"/console/queue/{queue}/"), shown=False)
    assert_escaped(client.get("/tickets/"))
    assert_escaped(client.get("/tickets/", {"q": SCRIPT}), shown=False)  # the search box echoes it
    assert_escaped(client.get("/residents/lookup/", {"phone": "13800138014"}), shown=False)
    client.force_login(people["liaison"])
    assert_escaped(client.get("/unit/"), shown=False)  # the replied ticket has left the unit's queue
    assert_escaped(client.get("/unit/queue/"), shown=False)
    assert_escaped(client.get(f"/tickets/{data['by_sms'].number}/"))
    client.force_login(people["supervisor"])
    assert_escaped(client.get("/supervisor/"), shown=False)
    client.force_login(people["editor"])
    assert_escaped(client.get(f"/editor/promotions/{data['promotion'].pk}/"))
    assert_escaped(client.get("/editor/promotions/"), shown=False)


def test_the_admin_shows_the_words_as_text(client, people, data):
    admin = people["supervisor"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert_escaped(client.get(f"/admin/hotline/ticket/{data['by_sms'].pk}/change/"))
    assert_escaped(client.get("/admin/hotline/ticket/"))
    assert_escaped(client.get("/admin/hotline/message/"), shown=False)
    inbound = Message.objects.filter(direction=Message.Direction.INBOUND, phone="+8613800138011").first()
    assert_escaped(client.get(f"/admin/hotline/message/{inbound.pk}/change/"))
    resident = Resident.objects.get(phone="+8613800138014")
    assert_escaped(client.get(f"/admin/hotline/resident/{resident.pk}/change/"), shown=False)


def test_public_pages_show_the_words_as_text(client, data):
    assert_escaped(client.get(f"/public/pledges/{data['pledge'].pk}/"), shown=False)
    assert_escaped(client.get("/public/pledges/"), shown=False)
    assert_escaped(client.get("/public/products/"), shown=False)
    assert_escaped(client.get("/public/guides/", {"q": SCRIPT}), shown=False)


def test_the_api_answers_json(client, people, data):
    client.force_login(people["operator"])
    response = client.get(f"/api/tickets/{data['by_sms'].number}/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert SCRIPT in response.json()["title"] or SCRIPT in response.json()["description"]
    assert response["X-Content-Type-Options"] == "nosniff"


def _cells(content):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_exports_write_the_words_as_text_never_formulas(client, people, data, units):
    client.force_login(people["operator"])
    response = client.get("/tickets/export.xlsx")
    assert response.status_code == 200
    cells = _cells(response.content)
    titles = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert titles, "the formula-looking title is exported"
    assert all(cell.data_type == "s" for cell in titles)
    assert not any(cell.data_type == "f" for cell in cells)

    # unit names are typed by staff; one that looks like a formula still stays text in the KPI and ranking exports
    units["roads"].name = "=1+2"
    units["roads"].save()
    client.force_login(people["supervisor"])
    for url in ("/supervisor/kpis/export.xlsx", "/supervisor/ranking/export.xlsx"):
        response = client.get(url)
        if response.status_code == 404:
            continue
        assert response.status_code == 200, url
        cells = _cells(response.content)
        assert any(cell.value == "=1+2" and cell.data_type == "s" for cell in cells), url
        assert not any(cell.data_type == "f" for cell in cells), url
