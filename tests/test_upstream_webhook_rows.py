"""Each state change of an upstream ticket writes one webhook row in the change's own transaction,
with the ticket's state and no personal data of the resident."""

import json

import pytest
from django.db import transaction

from hotline import workflow
from hotline.models import UpstreamSystem, WebhookDelivery
from hotline.models.choices import ContactMethod, Outcome
from tests.conftest import at
from tests.fake_upstream import make_platform

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def events(ticket):
    return list(WebhookDelivery.objects.filter(ticket=ticket).order_by("pk").values_list("event", flat=True))


def latest(ticket):
    return WebhookDelivery.objects.filter(ticket=ticket).latest("pk")


def test_the_whole_lifecycle_is_told_in_order(monday, upstream_ticket, city):
    ticket = upstream_ticket("closed", upstream_reply_by=at(2026, 3, 5, 17, 0))

    assert events(ticket) == ["received", "dispatched", "signed", "replied", "reviewed", "rated"]
    rows = WebhookDelivery.objects.filter(ticket=ticket)
    assert {(r.system_id, r.status, r.attempts) for r in rows} == {(city.pk, "pending", 0)}


def test_the_payload_carries_the_tickets_state(monday, upstream_ticket, units):
    ticket = upstream_ticket("dispatched", external_id="SZ-77", upstream_reply_by=at(2026, 3, 5, 17, 0))
    payload = latest(ticket).payload

    assert payload["event"] == "dispatched"
    assert payload["occurred_at"] == "2026-03-02T10:00:00+08:00"
    expected = {
        "number": ticket.number, "external_id": "SZ-77", "system": "city", "kind": "help", "kind_label": "求助",
        "status": "dispatched", "status_label": "已派单", "lead_unit": units["roads"].name,
        "dispatched_at": "2026-03-02T10:00:00+08:00", "sign_by": "2026-03-03T10:00:00+08:00",
        "reply_by": "2026-03-05T17:00:00+08:00", "upstream_reply_by": "2026-03-05T17:00:00+08:00",
        "reply": None, "closed_at": None,
    }
    assert expected.items() <= payload["ticket"].items(), payload["ticket"]


def test_the_labels_are_in_chinese_whatever_language_the_actor_uses(monday, upstream_ticket):
    from django.utils import translation

    with translation.override("en"):
        ticket = upstream_ticket("dispatched")
    assert latest(ticket).payload["ticket"]["status_label"] == "已派单"


def test_the_accepted_reply_and_the_rating_are_told(monday, upstream_ticket):
    ticket = upstream_ticket("replied")
    assert latest(ticket).payload["ticket"]["reply"] is None  # not reviewed yet: not public

    ticket = upstream_ticket("closed")
    rated = latest(ticket).payload["ticket"]
    assert rated["reply"] == {"text": "已修复路灯", "outcome": "resolved", "outcome_label": "已解决"}
    assert (rated["status"], rated["close_reason"], rated["satisfaction"], rated["satisfaction_label"]) == (
        "closed", "rated", "satisfied", "满意",
    )


def test_a_direct_answer_is_told_with_its_text(monday, upstream_ticket, people):
    ticket = upstream_ticket("new")
    workflow.answer_directly(ticket=ticket, by=people["operator"], answer="请到镇政府便民服务中心办理")

    row = latest(ticket)
    assert row.event == "closed"
    assert row.payload["ticket"]["reply"]["text"] == "请到镇政府便民服务中心办理"
    assert row.payload["ticket"]["close_reason"] == "answered"


def test_there_is_no_personal_data_in_any_payload(monday, upstream_ticket, people, units):
    ticket = upstream_ticket(
        "in_progress", title="张三家门口路灯不亮", description="我叫张三，住石门村5号，电话13800138000",
        place="石门村5号", resident_name="张三", phone="+8613800138000",
    )
    workflow.request_extension(ticket=ticket, by=people["liaison"], reason="需采购灯具", new_reply_by=at(2026, 3, 13, 17, 0))
    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)
    workflow.reply(ticket=ticket, by=people["liaison"], text="已更换灯具", outcome=Outcome.RESOLVED,
                   contact_method=ContactMethod.PHONE, contacted_at=monday)
    workflow.review(ticket=ticket, by=people["operator"], accept=True)
    workflow.record_satisfaction(ticket=ticket, by=people["operator"], satisfaction="unsatisfied", reason="张三说灯还是暗")
    workflow.reopen(ticket=ticket, by=people["operator"], reason="群众不满意")

    text = json.dumps([row.payload for row in WebhookDelivery.objects.filter(ticket=ticket)], ensure_ascii=False)
    for personal in ("张三", "13800138000", "石门村5号", "门口", "电话", "不满意原因", "灯还是暗"):
        assert personal not in text, personal
    assert "resident" not in text and "phone" not in text and "description" not in text and "title" not in text


def test_a_change_that_rolls_back_leaves_no_row(monday, upstream_ticket, people, units, django_capture_on_commit_callbacks):
    ticket = upstream_ticket("new")
    before = WebhookDelivery.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
            assert WebhookDelivery.objects.count() == before + 1  # written in the change's transaction
            raise Boom

    assert WebhookDelivery.objects.count() == before
    assert callbacks == []  # nothing enqueued


def test_the_row_is_sent_only_after_the_commit(monday, upstream_ticket, people, units, receiver, django_capture_on_commit_callbacks):
    ticket = upstream_ticket("new")
    WebhookDelivery.objects.update(status="delivered")  # the receipt: not what this test is about

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    row = latest(ticket)
    assert row.status == "pending" and receiver.requests == []

    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == "delivered"
    assert receiver.events() == [(ticket.number, "dispatched")]


def test_a_refused_action_writes_no_row(monday, upstream_ticket, people):
    from hotline.errors import InvalidState

    ticket = upstream_ticket("dispatched")
    before = WebhookDelivery.objects.count()
    with pytest.raises(InvalidState):
        workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=ticket.lead_unit)
    assert WebhookDelivery.objects.count() == before


def test_returns_and_extensions_are_told_only_when_approved(monday, upstream_ticket, people, units):
    ticket = upstream_ticket("in_progress")
    start = WebhookDelivery.objects.count()
    workflow.request_extension(ticket=ticket, by=people["liaison"], reason="需协调", new_reply_by=at(2026, 3, 13, 17, 0))
    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=False, note="不予延期")
    assert WebhookDelivery.objects.count() == start  # a request and a denial change nothing upstream

    workflow.request_extension(ticket=ticket, by=people["liaison"], reason="需协调", new_reply_by=at(2026, 3, 13, 17, 0))
    # MAX_EXTENSIONS counts approvals only; the denied request above does not use it up
    workflow.decide_extension(ticket=ticket, by=people["supervisor"], approve=True)
    row = latest(ticket)
    assert (row.event, row.payload["ticket"]["reply_by"], row.payload["ticket"]["extension_count"]) == (
        "extended", "2026-03-13T17:00:00+08:00", 1,
    )

    other = upstream_ticket("dispatched")
    workflow.request_return(ticket=other, by=people["liaison"], reason="不归我局管", suggested_unit=units["water"])
    workflow.decide_return(ticket=other, by=people["operator"], approve=False, note="归你局")
    assert events(other) == ["received", "dispatched"]
    workflow.request_return(ticket=other, by=people["liaison"], reason="确实不归我局管")
    workflow.decide_return(ticket=other, by=people["operator"], approve=True)
    row = latest(other)
    assert (row.event, row.payload["ticket"]["status"], row.payload["ticket"]["lead_unit"]) == ("returned", "returned", None)


def test_notes_hand_overs_and_supervision_are_not_told(monday, upstream_ticket, people):
    ticket = upstream_ticket("dispatched")
    before = WebhookDelivery.objects.count()
    workflow.add_note(ticket=ticket, by=people["operator"], note="已电话核实")
    workflow.hand_over(ticket=ticket, by=people["liaison"], to_user=people["member"])
    workflow.supervise(ticket=ticket, by=people["supervisor"])
    assert WebhookDelivery.objects.count() == before


def test_a_merged_ticket_names_the_surviving_one(monday, upstream_ticket, people):
    first, second = upstream_ticket("new", external_id="SZ-A"), upstream_ticket("new", external_id="SZ-B")
    workflow.merge(ticket=second, by=people["operator"], into=first)

    row = latest(second)
    assert row.event == "merged"
    assert (row.payload["ticket"]["merged_into"], row.payload["ticket"]["merged_into_external_id"]) == (first.number, "SZ-A")
    assert events(first) == ["received"]


def test_other_tickets_write_no_rows(make_ticket):
    make_ticket("closed")
    assert not WebhookDelivery.objects.exists()


def test_a_platform_without_url_or_deactivated_gets_no_rows(monday, upstream_ticket, people, units, receiver):
    quiet = make_platform("quiet", None)  # no webhook URL: the platform does not want to hear back
    ticket = upstream_ticket("dispatched", system=quiet)
    assert events(ticket) == []

    ticket = upstream_ticket("new")
    UpstreamSystem.objects.filter(code="city").update(is_active=False)
    workflow.dispatch(ticket=ticket, by=people["operator"], lead_unit=units["roads"])
    assert events(ticket) == ["received"]
