"""Every workflow action through the API, as the roles would use it day to day: each POST calls the
workflow and answers the updated ticket, whose `actions` tell the client what comes next."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from hotline.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        self.client = APIClient()
        self.client.force_authenticate(user)

    def post(self, number, action, body=None, status=200):
        response = self.client.post(f"/api/tickets/{number}/{action}/", body or {}, format="json")
        assert response.status_code == status, response.content.decode()
        return response.json()


def test_a_ticket_from_receipt_to_reopen_through_the_api(people, units, monday, time_machine):
    op, sup = Api(people["operator"]), Api(people["supervisor"])
    liaison, member, water = Api(people["liaison"]), Api(people["member"]), Api(people["other_liaison"])

    created = op.client.post("/api/tickets/", {"kind": "help", "title": "路灯不亮", "phone": "13800138000"}, format="json")
    number = created.json()["number"]
    assert "dispatch" in created.json()["actions"]

    ticket = op.post(number, "dispatch", {"lead_unit": units["roads"].pk, "co_units": [units["water"].pk], "note": "请尽快"})
    assert ticket["status"] == "dispatched" and ticket["lead_unit"]["id"] == units["roads"].pk
    assert {(a["unit"]["id"], a["role"]) for a in ticket["assignments"]} == {
        (units["roads"].pk, "lead"), (units["water"].pk, "co")}

    # the co-unit sees it and adds a note, but may not sign
    water.post(number, "notes", {"note": "水务局配合排查"})
    water.post(number, "sign", status=403)

    ticket = liaison.post(number, "sign")
    assert ticket["status"] == "in_progress" and "reply" in ticket["actions"]
    ticket = liaison.post(number, "hand-over", {"to_user": "member", "note": "请网格员处理"})
    assert ticket["assignments"][0]["handler"] == "member"

    new_reply_by = dt.datetime.fromisoformat(ticket["reply_by"]) + dt.timedelta(days=3)
    liaison.post(number, "extend", {"reason": "需要协调施工队", "new_reply_by": new_reply_by.isoformat()})
    op.post(number, "extension-decision", {"decision": "approve"}, status=403)  # the supervisor decides
    ticket = sup.post(number, "extension-decision", {"decision": "approve"})
    assert dt.datetime.fromisoformat(ticket["reply_by"]) == new_reply_by and ticket["extension_count"] == 1

    reply = {"text": "已更换灯泡", "outcome": "resolved", "contact_method": "phone",
             "contacted_at": monday.isoformat()}
    ticket = member.post(number, "reply", reply)
    assert ticket["status"] == "replied" and ticket["replies"][0]["review_status"] == "pending"
    op.post(number, "review", {"decision": "send_back"}, status=400)  # sending back needs a note
    ticket = op.post(number, "review", {"decision": "send_back", "note": "请说明更换时间"})
    assert ticket["status"] == "in_progress"
    member.post(number, "reply", {**reply, "text": "3月2日已更换灯泡"})
    ticket = op.post(number, "review", {"decision": "accept"})
    assert ticket["reply_accepted_at"] and "callback" in ticket["actions"]

    error = op.client.post(f"/api/tickets/{number}/callback/", {"satisfaction": "unsatisfied"}, format="json").json()
    assert error["error"]["fields"] == {"reason": ["不满意请说明原因。"]}
    ticket = op.post(number, "callback", {"satisfaction": "unsatisfied", "reason": "晚上还是不亮"})
    assert (ticket["status"], ticket["satisfaction"], ticket["close_reason"]) == ("closed", "unsatisfied", "rated")

    ticket = op.post(number, "reopen", {"reason": "群众不满意"})
    assert ticket["status"] == "dispatched" and ticket["reopen_count"] == 1
    ticket = sup.post(number, "supervise", {"note": "重办件，请加快"})
    assert ticket["supervised"] is True
    actions = [e["action"] for e in ticket["events"]]
    assert actions[0] == "receive" and actions[-2:] == ["reopen", "supervise"]


def test_a_return_is_requested_disputed_and_decided_through_the_api(people, units, make_ticket):
    ticket = make_ticket("dispatched")
    op, sup, liaison = Api(people["operator"]), Api(people["supervisor"]), Api(people["liaison"])
    body = liaison.post(ticket.number, "return", {"reason": "属于水务局职责", "suggested_unit": units["water"].pk})
    assert body["pending_return"]["suggested_unit"]["id"] == units["water"].pk
    liaison.post(ticket.number, "return", {"reason": "再来一次"}, status=409)  # one pending at a time
    body = op.post(ticket.number, "return-escalation", {"note": "双方各执一词"})
    assert body["pending_return"]["disputed"] is True and "return-decision" not in body["actions"]
    body = sup.post(ticket.number, "return-decision", {"decision": "approve"})
    assert body["status"] == "returned" and body["lead_unit"] is None
    # the unit no longer holds it
    assert liaison.client.get(f"/api/tickets/{ticket.number}/").status_code == 404
    body = op.post(ticket.number, "dispatch", {"lead_unit": units["water"].pk})
    assert body["status"] == "dispatched" and body["lead_unit"]["id"] == units["water"].pk


def test_new_tickets_end_without_dispatch(people, units, make_ticket):
    op = Api(people["operator"])
    answered = op.post(make_ticket("new").number, "answer", {"answer": "请携带身份证到政务大厅办理", "source": "办证指南"})
    assert (answered["status"], answered["close_reason"], answered["answer_source"]) == ("closed", "answered", "办证指南")
    emergency = op.post(make_ticket("new").number, "emergency", {"service": "119", "note": "火情"})
    assert (emergency["close_reason"], emergency["emergency_service"]) == ("emergency", "119")
    invalid = op.post(make_ticket("new").number, "invalid", {"reason": "骚扰电话"})
    assert invalid["close_reason"] == "invalid"
    op.post(invalid["number"], "invalid", {"reason": "again"}, status=409)

    duplicate, survivor = make_ticket("new"), make_ticket("dispatched")
    merged = op.post(duplicate.number, "merge", {"into": survivor.number, "note": "同一路灯"})
    assert (merged["close_reason"], merged["merged_into"]) == ("duplicate", survivor.number)
    op.post(make_ticket("new").number, "merge", {"into": "0000000"}, status=400)

    report = make_ticket("new", kind="report")
    body = op.post(report.number, "reported-unit", {"unit": units["water"].pk})
    assert body["reported_unit"]["id"] == units["water"].pk


def test_an_operator_publishes_a_ticket_for_open311_and_withdraws_it(people, make_ticket):
    op, ticket = Api(people["operator"]), make_ticket("dispatched")
    body = op.post(ticket.number, "publish", {"summary": "石门村口路灯报修，已派交通运输局"})
    assert body["public"] is True and body["public_summary"].startswith("石门村") and "unpublish" in body["actions"]
    op.post(ticket.number, "publish", {"summary": "群众张三来电"}, status=400)  # no personal data in public
    assert op.post(ticket.number, "unpublish")["public"] is False
    confidential = make_ticket("dispatched", confidential=True)
    op.post(confidential.number, "publish", {"summary": "某事项"}, status=409)


def test_a_unit_member_acts_only_on_what_was_handed_to_them(people, make_ticket):
    ticket = make_ticket("in_progress")
    member = Api(people["member"])
    assert member.client.get(f"/api/tickets/{ticket.number}/").status_code == 404
    member.post(ticket.number, "notes", {"note": "x"}, status=404)
    Api(people["liaison"]).post(ticket.number, "hand-over", {"to_user": "member"})
    member.post(ticket.number, "notes", {"note": "已到现场"})
    member.post(ticket.number, "sign", status=403)
    Api(people["liaison"]).post(ticket.number, "hand-over", {"to_user": "other_liaison"}, status=400)
    assert TicketEvent.objects.filter(ticket=ticket, action="note", actor=people["member"]).exists()
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"
