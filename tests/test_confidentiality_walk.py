"""Confidentiality on every surface (issue 10, point 2).

A confidential ticket's or a report's (举报) resident name and phone never reach a unit: not in
pages, API responses, exports, live events, SMS to the unit's staff, search results, history views
or error messages. The ticket (a report comes in by SMS, signed with the resident's name and number)
is taken through the unit's whole side of the workflow (dispatch, hand-over, sign, a masked call,
reply, sent back, return request, extension request, reply again, rated 不满意 by SMS, reopened);
the resident writes an SMS that joins the ticket and calls the hotline, and the hotline's own notes
name them by mistake. Then each unit user it reached (the liaison, the head, the member it was
handed to) walks every surface and finds neither the name nor any form of the phone. The same walk
as an operator does find them (the scan works). Words that reach units are stored without the
resident's name and number (hotline.confidentiality).
"""

import datetime as dt
import html
import io
import json
import re
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from hotline import workflow
from hotline.messaging.gateways import LocmemGateway
from hotline.models import Call, Message, Resident, TicketEvent
from hotline.models.choices import Status
from tests.conftest import SmsWebhook, twilio_params
from tests.helpers import drain, listen

pytestmark = pytest.mark.django_db

NAME = "保密测试人甲"
PHONE = "+8613912345678"
NATIONAL = "13912345678"
# every way the number could be written: E.164, national, spaced, hyphenated, the last 8 digits, masked
FORMS = (
    NAME, PHONE, NATIONAL, "8613912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678",
    "+86-139-1234-5678", "12345678", "139****5678", quote(PHONE), quote(NAME),
)
TWILIO_BASE = "https://hotline.example.cn"  # TWILIO_PUBLIC_BASE_URL of the fake_twilio fixture


def found(text, *, typed=()):
    """The forms of the resident's name or phone in `text` (what the user typed themselves blanked out)."""
    text = html.unescape(text)
    for echo in typed:  # a search box shows back what was typed in it: that is no leak
        for variant in (echo, quote(echo), quote(echo, safe=""), urlencode({"q": echo})[2:]):
            text = text.replace(variant, "")
    return [form for form in FORMS if form in text]


def body_text(response):
    content = response.content if not getattr(response, "streaming", False) else b"".join(response.streaming_content)
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text += json.dumps(json.loads(text), ensure_ascii=False)  # \u escapes decoded too
    return text


class Walk:
    """GET/POST as one user, scanning every answer; `leaks` collects (what, forms found)."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self.client.force_login(user)
        self.leaks = []
        self.seen = {}

    def scan(self, label, text, typed=()):
        got = found(text, typed=typed)
        if got:
            self.leaks.append((label, got))
        return text

    def get(self, url, *, typed=(), **kw):
        response = self.client.get(url, **kw)
        text = self.scan(f"GET {url} ({response.status_code})", body_text(response), typed)
        self.seen[url] = response.status_code
        return response, text

    def post(self, url, data=None, *, json_body=False):
        if json_body:
            response = self.client.post(url, json.dumps(data or {}), content_type="application/json")
        else:
            response = self.client.post(url, data or {})
        self.scan(f"POST {url} ({response.status_code})", body_text(response))
        return response


LINK = re.compile(r'''(?:href|hx-get)="(/[^"#]*)"''')
SKIP = ("/accounts/logout", "/i18n/", "/static/", "/media/", "/admin/", "/twilio/", "/ws/")


def crawl(walk, start, *, depth=2):
    """Same-origin GET links (and htmx fragments) from `start`, `depth` levels deep; every page scanned."""
    frontier, visited = [start], set()
    for _level in range(depth + 1):
        following = []
        for url in frontier:
            if url in visited or url.startswith(SKIP) or not url.startswith("/") or url.startswith("//"):
                continue
            visited.add(url)
            response, text = walk.get(url)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                following += [html.unescape(link) for link in LINK.findall(text)]
        frontier = following
    return visited


# --- the ticket's life ----------------------------------------------------------------------------


@pytest.fixture
def story(people, units, village, monday, time_machine, fake_twilio, settings, client, twilio_post, voice_payload,
          django_capture_on_commit_callbacks):
    """Build the tickets; returns a function running the lifecycle for `kind` ("confidential" or "report")."""
    settings.SMS_BACKEND = "locmem"  # SMS to the outbox, calls through the fake Twilio
    people["member"].staff.phone = "+8613900000005"
    people["member"].staff.save()
    roads, water = units["roads"], units["water"]
    op, sup, liaison = people["operator"], people["supervisor"], people["liaison"]
    resident = Resident.objects.create(phone=PHONE, name=NAME, village=village)

    def run(kind):
        layer, channel = listen(f"unit-{roads.pk}")
        sms = SmsWebhook(client)

        def resident_writes(body):
            sms.post(twilio_params(body=body, phone=PHONE), url=f"{TWILIO_BASE}/twilio/sms/")

        with django_capture_on_commit_callbacks(execute=True):
            # another ticket of the same resident, at another unit: the roads bureau may not even learn it exists
            # (received hours before, so the resident's SMS below do not join it)
            time_machine.move_to(monday - dt.timedelta(hours=4), tick=False)
            other = workflow.receive(
                by=op, kind="help", channel="phone", title="自来水停了", resident=resident, confidential=True,
            )
            workflow.dispatch(ticket=other, by=op, lead_unit=water)
            time_machine.move_to(monday + dt.timedelta(minutes=5), tick=False)
            if kind == "report":
                # a report by SMS, signed with the resident's name and number as people do
                resident_writes(f"举报：石门村修路的钱被挪用了。我是{NAME}，电话139 1234 5678，请为我保密")
                ticket = resident.tickets.order_by("-created_at", "-pk").first()
                assert ticket.kind == "report" and ticket.channel == "sms"
                assert "***" in ticket.description  # the resident's own words, without their name and number
                workflow.name_reported_unit(ticket=ticket, by=op, unit=water)
            else:
                ticket = workflow.receive(
                    by=op, kind="help", channel="phone", title="路灯不亮，无人维修", description="石门村口路灯坏了三天",
                    resident=resident, village=village, confidential=True,
                )
            assert ticket.hides_resident_from_units
            workflow.dispatch(ticket=ticket, by=op, lead_unit=roads)
            liaison_page, member_page = Client(), Client()
            liaison_page.force_login(liaison)
            member_page.force_login(people["member"])
            number = ticket.number

            def act(action, data, user_client=liaison_page):
                response = user_client.post(f"/tickets/{number}/do/{action}/", data)
                assert response.status_code == 302, (action, response.content.decode()[:500])

            act("hand_over", {"hand_over-to_user": people["member"].pk, "hand_over-note": "请石门村网格员核实"})
            act("sign", {"sign-x": ""})
            # the resident writes again (it joins the ticket: 补充 and 催办) and calls the hotline
            resident_writes(f"我是{NAME}（{NATIONAL}），还是没人来处理，晚上很危险")
            assert TicketEvent.objects.filter(ticket=ticket, action="append").exists()
            twilio_post("/twilio/voice/", voice_payload("pstn", From=PHONE, Caller=PHONE, CallSid="CA" + "e" * 32))
            Call.objects.filter(external_id="CA" + "e" * 32).update(ticket=ticket)  # the operator files it on the ticket
            workflow.urge(ticket=ticket, by=op, note="群众来电催办")
            # a masked call by the member it was handed to, answered by the resident
            act("masked_call", {"masked_call-x": ""}, member_page)
            call = Call.objects.get(ticket=ticket, direction=Call.Direction.BRIDGED)
            Call.objects.filter(pk=call.pk).update(status="answered", duration_seconds=95)
            time_machine.move_to(monday + dt.timedelta(minutes=20), tick=False)
            reply = {"reply-text": "已联系群众，安排核实处理", "reply-outcome": "resolved",
                     "reply-contact_method": "masked_call", "reply-call": call.pk, "reply-contacted": "on"}
            act("reply", reply, member_page)
            # the hotline's own words on the unit's side name the resident too (a slip): the unit never reads them
            workflow.review(ticket=ticket, by=op, accept=False, note=f"{NAME}又来电了，请写明处理日期")
            act("request_return", {"request_return-reason": "应由镇政府处理", "request_return-suggested_unit": units["town"].pk})
            ticket.refresh_from_db()
            workflow.decide_return(ticket=ticket, by=op, approve=False, note=f"属交通局职责，群众电话{NATIONAL}")
            new_by = dt.datetime.combine(ticket.reply_by.date() + dt.timedelta(days=7), dt.time(17, 0))
            act("request_extension", {"request_extension-new_reply_by": new_by.strftime("%Y-%m-%dT%H:%M"),
                                      "request_extension-reason": "需采购材料"})
            ticket.refresh_from_db()
            workflow.decide_extension(ticket=ticket, by=sup, approve=True)
            time_machine.move_to(monday + dt.timedelta(minutes=40), tick=False)
            act("reply", {**reply, "reply-text": "已于本周处理完毕"}, member_page)
            ticket.refresh_from_db()
            workflow.review(ticket=ticket, by=op, accept=True)
            # the resident is not satisfied, says so by SMS (with their name again); the ticket is reopened
            time_machine.move_to(monday + dt.timedelta(minutes=50), tick=False)
            resident_writes(f"不满意，{NAME}反映了好几次，电话{PHONE}，一直没人来")
            ticket.refresh_from_db()
            assert ticket.status == Status.CLOSED and ticket.satisfaction == "unsatisfied"
            workflow.reopen(ticket=ticket, by=op, reason="群众不满意，请重新核实")
            act("hand_over", {"hand_over-to_user": people["member"].pk})
            act("sign", {"sign-x": ""})
            ticket.refresh_from_db()
            assert ticket.status == Status.IN_PROGRESS
        events = drain(layer, channel)
        return ticket, other, events

    return run


def _unit_phones(people):
    return {people[k].staff.phone for k in ("liaison", "head", "member", "other_member") if people[k].staff.phone}


# --- the walk -------------------------------------------------------------------------------------


def walk_everything(walk, ticket, other, people):
    number = ticket.number
    # the unit dashboard, its fragment and searches in it
    walk.get("/unit/")
    walk.get("/unit/queue/")
    for typed in (PHONE, NATIONAL, NAME):
        response, text = walk.get("/unit/?" + urlencode({"q": typed}), typed=(typed,))
        assert f'data-ticket-number="{number}"' not in text, f"the unit queue finds the ticket by {typed}"
    # the ticket list and its search: by phone (any form) or name it must not find the ticket
    response, text = walk.get("/tickets/")
    assert f'data-ticket-number="{number}"' in text  # the ticket is there (the scan is not vacuous)
    for typed in (PHONE, NATIONAL, "139 1234 5678", "12345678", "5678", NAME):
        response, text = walk.get("/tickets/?" + urlencode({"q": typed}), typed=(typed,))
        assert f'data-ticket-number="{number}"' not in text, f"the ticket list finds the ticket by {typed}"
    # the ticket page: every action's form is on it; no field history for units
    response, text = walk.get(f"/tickets/{number}/")
    assert response.status_code == 200 and "保密" in text
    assert "字段变更记录" not in text
    # another unit's ticket of the same resident, and the reported unit's view of the report: 404
    response, text = walk.get(f"/tickets/{other.number}/")
    assert response.status_code == 404
    # KPI, appeal, pledges and guides pages of the unit
    for url in ("/unit/kpis/", "/unit/pledges/", "/unit/guides/", "/unit/pledges/new/", "/unit/guides/new/"):
        walk.get(url)
    # everything reachable from the dashboard, two links deep
    crawled = crawl(walk, "/unit/")
    assert f"/tickets/{number}/" in crawled and "/unit/kpis/" in crawled

    # the page's actions' errors: a validation error (400) and state conflicts (409; 403 for the member)
    response = walk.post(f"/tickets/{number}/do/reply/", {"reply-text": ""})
    assert response.status_code == 400
    response = walk.post(f"/tickets/{number}/do/request_extension/", {
        "request_extension-new_reply_by": "2026-03-27T17:00", "request_extension-reason": "再延"})
    assert response.status_code in (403, 409)  # one extension per ticket, already used
    response = walk.post(f"/tickets/{number}/do/sign/", {"sign-x": ""})
    assert response.status_code in (403, 409)  # already signed
    response = walk.post(f"/tickets/{other.number}/do/reply/", {"reply-text": "x"})
    assert response.status_code == 404

    # the API
    response, text = walk.get("/api/tickets/")
    assert number in text
    for typed in (PHONE, NATIONAL, "12345678", NAME):
        response, text = walk.get("/api/tickets/?" + urlencode({"q": typed}), typed=(typed,))
        assert number not in text, f"the API finds the ticket by {typed}"
    response, _text = walk.get("/api/tickets/?" + urlencode({"resident_phone": PHONE}), typed=(PHONE,))
    assert response.status_code == 400
    response, text = walk.get(f"/api/tickets/{number}/")
    assert response.status_code == 200
    data = response.json()
    assert data["resident"] is None and data["resident_hidden"] is True
    assert walk.get(f"/api/tickets/{number}/messages/")[0].status_code == 403
    response, text = walk.get(f"/api/tickets/{number}/calls/")
    assert response.status_code == 200 and all(c["phone"] is None for c in response.json()["results"])
    assert walk.get(f"/api/tickets/{other.number}/")[0].status_code == 404
    assert walk.get("/api/residents/")[0].status_code == 403
    assert walk.get("/api/residents/?" + urlencode({"phone": PHONE}), typed=(PHONE,))[0].status_code == 403
    assert walk.get(f"/api/residents/{ticket.resident_id}/")[0].status_code in (403, 404)
    response = walk.post(f"/api/tickets/{number}/reply/", {}, json_body=True)
    assert response.status_code == 400
    response = walk.post(f"/api/tickets/{number}/sign/", {}, json_body=True)
    assert response.status_code in (403, 409)
    response = walk.post(f"/api/tickets/{number}/extend/", {
        "reason": "再延", "new_reply_by": "2026-03-27T17:00:00+08:00"}, json_body=True)
    assert response.status_code in (403, 409)
    response = walk.post(f"/api/tickets/{number}/dispatch/", {"lead_unit": people["liaison"].staff.unit_id}, json_body=True)
    assert response.status_code == 403

    # the XLSX export, every cell
    from openpyxl import load_workbook

    for query in ("", "?" + urlencode({"q": PHONE})):
        response = walk.client.get("/tickets/export.xlsx" + query)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        cells = [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                 for cell in row if cell is not None]
        walk.scan(f"export{query}", "\n".join(cells))
        if not query:
            assert number in cells and "保密" in cells
        else:
            assert number not in cells, "the export finds the ticket by phone"

    # the hotline's own pages are refused (the screen-pop of the resident's call, resident and caller lookups …)
    call = Call.objects.filter(phone=PHONE).exclude(direction=Call.Direction.BRIDGED).first()
    for url in ("/console/", "/console/queue/new/", f"/console/calls/{call.pk}/pop/",
                "/residents/lookup/?" + urlencode({"phone": PHONE}), "/tickets/new/", "/supervisor/",
                "/supervisor/panel/callbacks/", "/supervisor/panel/failed/", "/supervisor/kpis/", "/supervisor/summary/",
                "/promotions/lookup/?" + urlencode({"phone": PHONE}), "/editor/promotions/"):
        response, _text = walk.get(url, typed=(PHONE,))
        assert response.status_code in (302, 403, 404), url
    walk.get("/open311/v2/requests.json")  # the public listing: never a confidential ticket

    # the admin (history views included) is refused
    for url in ("/admin/", "/admin/hotline/resident/", f"/admin/hotline/resident/{ticket.resident_id}/change/",
                f"/admin/hotline/ticket/{ticket.pk}/change/", f"/admin/hotline/ticket/{ticket.pk}/history/",
                "/admin/hotline/message/", "/admin/hotline/call/"):
        response = walk.client.get(url)
        assert response.status_code in (302, 403, 404), url
        walk.scan(f"GET {url}", body_text(response))


@pytest.mark.parametrize("kind", ["confidential", "report"])
def test_no_unit_user_finds_the_resident_anywhere(kind, story, people, units, fake_twilio):
    ticket, other, events = story(kind)
    leaks = []

    # live events the unit's group received: ids only
    assert events, "the unit's group heard nothing: the capture does not work"
    for event in events:
        assert set(event) == {"type", "event", "ticket"}, event
        if found(json.dumps(event, ensure_ascii=False)):
            leaks.append(("live event", event))

    # SMS to the unit's staff (Message rows and what was sent)
    unit_users = [people[k] for k in ("liaison", "head", "member", "other_member")]
    to_unit = Message.objects.filter(recipient_user__in=unit_users) | Message.objects.filter(phone__in=_unit_phones(people))
    assert to_unit.exists()
    leaks += [("sms row", m.body) for m in to_unit if found(m.body + json.dumps(m.params, ensure_ascii=False))]
    phones = _unit_phones(people)
    leaks += [("sms sent", s) for s in LocmemGateway.outbox if s["to"] in phones and found(s["text"])]
    leaks += [("twilio sms", s) for s in fake_twilio.messages if s.get("To") in phones and found(s.get("Body", ""))]
    # calls placed to the unit's staff for the masked call never carry the resident's number
    leaks += [("twilio call", c) for c in fake_twilio.calls if found(json.dumps(c, ensure_ascii=False))]

    # the timeline's notes (all shown on the ticket page to the unit)
    leaks += [("event note", e.note) for e in TicketEvent.objects.filter(ticket=ticket) if found(e.note)]

    for who in ("liaison", "head", "member"):
        walk = Walk(people[who])
        walk_everything(walk, ticket, other, people)
        leaks += [(who, *leak) for leak in walk.leaks]
    # the reported unit never sees the report at all
    if kind == "report":
        walk = Walk(people["other_liaison"])
        response, text = walk.get(f"/tickets/{ticket.number}/")
        assert response.status_code == 404
        assert walk.get(f"/api/tickets/{ticket.number}/")[0].status_code == 404
        assert ticket.number not in walk.get("/api/tickets/")[1]
        leaks += [("reported unit", *leak) for leak in walk.leaks]

    assert leaks == [], "\n".join(map(str, leaks))


def test_an_operator_walking_the_same_surfaces_finds_the_resident(story, people):
    """The positive control: the scan does find the name and phone where they may be shown."""
    ticket, other, _events = story("confidential")
    walk = Walk(people["operator"])
    page = walk.get(f"/tickets/{ticket.number}/")[1]
    assert NAME in found(page) and PHONE in found(page)
    listed = walk.get("/tickets/?" + urlencode({"q": NATIONAL}))[1]
    assert f'data-ticket-number="{ticket.number}"' in listed  # hotline staff do find a resident by phone
    assert NAME in found(listed)
    detail = walk.get(f"/api/tickets/{ticket.number}/")[1]
    assert {NAME, PHONE} <= set(found(detail))
    assert PHONE in found(walk.get(f"/api/tickets/{ticket.number}/messages/")[1])
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(walk.client.get("/tickets/export.xlsx").content), read_only=True)
    cells = "\n".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None)
    assert NAME in found(cells) and "139****5678" in found(cells)
    assert walk.leaks  # the same Walk that found nothing for the units records these


@pytest.mark.parametrize("written", [
    PHONE, NATIONAL, "139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "0086-13912345678", "１３９１２３４５６７８",
])
def test_the_residents_number_is_taken_out_however_it_is_written(written):
    from hotline.confidentiality import scrub

    resident = Resident(phone=PHONE, name=NAME)
    text = scrub(f"我是{NAME}，电话{written}，村委会电话0871-12345678，另一人13900001111", resident)
    assert text == "我是***，电话***，村委会电话0871-12345678，另一人13900001111"
