"""A resident's request about their personal data (hotline.privacy, docs/privacy.md): a supervisor exports
everything held about them, or erases it. Erasure scrubs the resident, the texts and history rows of their
tickets, their SMS and calls, and deletes their SMS-code confirmations; the tickets stay with their units and
KPIs; the erasure is recorded; operators and units are refused; a second erasure is harmless."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from hotline import kpis, privacy, workflow
from hotline.errors import NotAllowed
from hotline.models import (
    Call,
    ErasureRecord,
    Message,
    PhoneConfirmation,
    PromotionRequest,
    Resident,
    ResidentExport,
    Ticket,
)
from hotline.models.choices import ContactMethod, Outcome
from tests.conftest import at

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"
FORMS = ("+8613800138000", "13800138000", "138 0013 8000", "138-0013-8000")
WORDS = "石门村口路灯坏了三天"  # the resident's own words, kept in the ticket


@pytest.fixture
def held(sms, people, units):
    """张三 wrote by SMS (a ticket that went the whole way, rated by SMS), called, and asked for a promotion."""
    _, reply = sms.send(f"{WORDS}，请回电138 0013 8000", phone=PHONE)
    resident = Resident.objects.get(phone=PHONE)
    resident.name = "张三"
    resident.save()
    ticket = Ticket.objects.get(resident=resident)
    ticket = workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    ticket = workflow.sign(ticket=ticket, by=people["liaison"])
    workflow.reply(
        ticket=ticket, by=people["liaison"], text="已联系张三（13800138000），路灯已修好", outcome=Outcome.RESOLVED,
        contact_method=ContactMethod.PHONE, contacted_at=ticket.signed_at,
    )
    ticket.refresh_from_db()
    workflow.review(ticket=ticket, by=people["operator"], accept=True)
    sms.send("1", phone=PHONE)  # 满意
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.satisfaction == "satisfied"
    call = Call.objects.create(
        provider="twilio", external_id="CA" + "1" * 32, direction="in", phone=PHONE, resident=resident, ticket=ticket,
        transcript="我是张三，电话13800138000", recording_url="https://api.twilio.com/rec/RE1",
    )
    promotion = PromotionRequest.objects.create(
        resident=resident, text="TG 脆红李 张三 13800138000", product="脆红李", description="联系138-0013-8000"
    )
    confirmation = PhoneConfirmation.objects.create(
        phone=PHONE, purpose="promotion", payload={"text": "脆红李"}, code_hash="x",
        expires_at=timezone.now() + dt.timedelta(minutes=15),
    )
    resident.refresh_from_db()
    return {"resident": resident, "ticket": ticket, "call": call, "promotion": promotion, "confirmation": confirmation}


def _has_personal_data(text):
    return any(form in text for form in FORMS) or "张三" in text


def test_the_export_holds_everything_about_the_resident_and_is_recorded(held, people):
    data = privacy.export_resident(resident=held["resident"], by=people["supervisor"])

    assert data["resident"]["phone"] == PHONE and data["resident"]["name"] == "张三"
    (ticket,) = data["tickets"]
    assert ticket["number"] == held["ticket"].number and WORDS in ticket["description"]
    assert ticket["lead_unit"] == "区交通运输局" and ticket["satisfaction"] == "满意"
    assert "路灯已修好" in ticket["replies"][0]["text"]
    bodies = [m["body"] for m in data["messages"]]
    assert any(WORDS in body for body in bodies) and "1" in bodies  # in and out, the rating too
    assert any("已受理" in body for body in bodies)
    assert data["calls"][0]["transcript"].startswith("我是张三") and data["calls"][0]["has_recording"]
    assert data["promotion_requests"][0]["product"] == "脆红李"
    assert data["confirmations"][0]["purpose"]
    json.dumps(data, ensure_ascii=False)  # plain JSON
    assert ResidentExport.objects.get().by == people["supervisor"]


def test_the_export_page_downloads_json(client, held, people):
    client.force_login(people["supervisor"])
    page = client.get(f"/supervisor/residents/?phone=8000")
    assert page.status_code == 200 and "138****8000" in page.content.decode()
    url = f"/supervisor/residents/{held['resident'].pk}/privacy/"
    assert client.get(url).status_code == 200
    response = client.post(url + "export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["resident"]["phone"] == PHONE


def test_erasure_scrubs_the_resident_everywhere_and_keeps_the_tickets(held, people, units):
    ticket = held["ticket"]
    period = {"start": at(2000, 1, 1, 0, 0), "end": at(2100, 1, 1, 0, 0)}
    before = kpis.unit_table(**period)
    counts_before = (Ticket.objects.count(), Message.objects.count(), Call.objects.count())

    record = privacy.erase_resident(resident=held["resident"], by=people["supervisor"], reason="群众来电要求删除")

    resident = Resident.objects.get(pk=held["resident"].pk)
    assert (resident.name, resident.phone, resident.village_id) == (privacy.ERASED_NAME, None, None)
    assert resident.erased_at is not None
    for row in resident.history.all():
        assert row.phone is None and row.name == privacy.ERASED_NAME

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.resident_id == resident.pk and ticket.lead_unit == units["roads"]  # kept, anonymised
    assert (ticket.status, ticket.satisfaction) == ("closed", "satisfied")
    assert WORDS in ticket.description and not _has_personal_data(ticket.description + ticket.title)
    for row in ticket.history.all():
        assert not _has_personal_data(f"{row.title} {row.description}")
    for reply in ticket.replies.all():
        assert not _has_personal_data(reply.text) and "路灯已修好" in reply.text
        assert all(not _has_personal_data(h.text) for h in reply.history.all())
    assert all(not _has_personal_data(e.note) for e in ticket.events.all())

    for message in Message.objects.filter(recipient_user__isnull=True):
        assert message.phone == "" and message.body == privacy.ERASED_TEXT and message.params == {}
    call = Call.objects.get()
    assert (call.phone, call.transcript, call.recording_url) == ("", "", "")
    promotion = PromotionRequest.objects.get()
    assert not _has_personal_data(promotion.text + promotion.description) and promotion.product == "脆红李"
    assert all(not _has_personal_data(h.text + h.description) for h in promotion.history.all())
    assert not PhoneConfirmation.objects.exists()

    # nothing deleted but the confirmations; every figure the same
    assert (Ticket.objects.count(), Message.objects.count(), Call.objects.count()) == counts_before
    assert kpis.unit_table(**period) == before

    assert record == ErasureRecord.objects.get()
    assert (record.by, record.reason, record.kind, record.resident_id) == (
        people["supervisor"], "群众来电要求删除", "request", resident.pk
    )
    assert record.counts["messages"] >= 4 and record.counts["tickets_kept"] == 1 and record.counts["calls"] == 1
    assert not _has_personal_data(json.dumps(record.counts, ensure_ascii=False))


def test_a_second_erasure_is_harmless(held, people):
    first = privacy.erase_resident(resident=held["resident"], by=people["supervisor"], reason="要求删除")
    again = privacy.erase_resident(resident=held["resident"], by=people["supervisor"], reason="再次点击")
    assert again == first and ErasureRecord.objects.count() == 1


def test_a_new_sms_from_the_erased_number_starts_afresh(held, people, sms):
    privacy.erase_resident(resident=held["resident"], by=people["supervisor"], reason="要求删除")
    sms.send("又一件事：2号楼停水", phone=PHONE)
    assert Resident.objects.filter(phone=PHONE).exclude(pk=held["resident"].pk).exists()


def test_an_erased_resident_gets_no_sms(held, people, units):
    privacy.erase_resident(resident=held["resident"], by=people["supervisor"], reason="要求删除")
    ticket = Ticket.objects.get(pk=held["ticket"].pk)
    workflow.reopen(ticket=ticket, by=people["operator"], reason="复查")
    assert not Message.objects.filter(ticket=ticket, template="reopened").exists()


@pytest.mark.parametrize("who", ["operator", "liaison", "head", "editor", "system"])
def test_only_a_supervisor_may_export_or_erase(held, people, who):
    with pytest.raises(NotAllowed):
        privacy.export_resident(resident=held["resident"], by=people[who])
    if who != "system":  # the retention job erases as the system
        with pytest.raises(NotAllowed):
            privacy.erase_resident(resident=held["resident"], by=people[who], reason="x")
    assert Resident.objects.get(pk=held["resident"].pk).phone == PHONE
    assert not ResidentExport.objects.exists() and not ErasureRecord.objects.exists()


@pytest.mark.parametrize("who", ["operator", "liaison", "head"])
def test_the_pages_are_refused_to_others(client, held, people, who):
    client.force_login(people[who])
    url = f"/supervisor/residents/{held['resident'].pk}/privacy/"
    assert client.get("/supervisor/residents/?phone=8000").status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url + "export/").status_code == 403
    assert client.post(url + "erase/", {"reason": "x", "confirm": "yes"}).status_code == 403
    assert Resident.objects.get(pk=held["resident"].pk).phone == PHONE


def test_the_erase_page_needs_a_reason_and_the_confirmation(client, held, people):
    client.force_login(people["supervisor"])
    url = f"/supervisor/residents/{held['resident'].pk}/privacy/erase/"
    client.post(url, {"reason": "要求删除"})  # not confirmed
    client.post(url, {"reason": " ", "confirm": "yes"})  # no reason
    assert Resident.objects.get(pk=held["resident"].pk).phone == PHONE
    response = client.post(url, {"reason": "要求删除", "confirm": "yes"})
    assert response.status_code == 302
    assert Resident.objects.get(pk=held["resident"].pk).phone is None
    page = client.get(response["Location"]).content.decode()
    assert "13800138000" not in page and "张三" not in page
    assert client.post(url, {"reason": "again", "confirm": "yes"}).status_code == 302
    assert ErasureRecord.objects.count() == 1


def test_the_pages_cost_a_fixed_number_of_queries(client, held, people, django_assert_max_num_queries):
    client.force_login(people["supervisor"])
    client.get("/supervisor/residents/?phone=8000")  # warm the session and the user's roles
    with django_assert_max_num_queries(8):
        client.get("/supervisor/residents/?phone=8000")
    with django_assert_max_num_queries(10):
        client.get(f"/supervisor/residents/{held['resident'].pk}/privacy/")
