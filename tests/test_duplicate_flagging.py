"""疑似重复 (issue 8): a new ticket like an open one — the same resident with similar words, or the same
place and matter — is flagged with the candidates for merging; only hotline staff see the flags, merge
(through the workflow) or dismiss them."""

import datetime as dt

import pytest
import time_machine as tm

from hotline import workflow
from hotline.errors import NotAllowed
from hotline.models import Category, DuplicateFlag, Message, Ticket, TicketEvent, Village
from hotline.models.choices import CloseReason, Status
from hotline.routing import duplicates
from tests.conftest import at


@pytest.fixture
def lights(db):
    return Category.objects.create(name="路灯")


@pytest.fixture
def water(db):
    return Category.objects.create(name="供水")


@pytest.fixture
def receive(people):
    def build(title, description="", *, phone="+8613800138000", **kwargs):
        kwargs.setdefault("kind", "help")
        return workflow.receive(
            by=people["operator"], channel="phone", title=title, description=description, phone=phone, **kwargs
        )

    return build


def flags_of(ticket):
    return list(DuplicateFlag.objects.filter(ticket=ticket).order_by("-score"))


def test_a_second_call_from_the_same_resident_about_the_same_matter_is_flagged(receive, resident):
    first = receive("路灯不亮", "石门村口路灯坏了三天")
    second = receive("村口路灯还是不亮", "前几天反映过村口的路灯坏了，到现在还没人来修")
    [flag] = flags_of(second)
    assert flag.candidate == first and 0 < flag.score <= 1
    assert flag.reason.startswith("同一来电人，内容相似（相似度0.")
    assert flags_of(first) == []  # the older ticket is not flagged back


def test_the_same_resident_with_another_matter_is_not_flagged(receive, resident):
    receive("路灯不亮", "石门村口路灯坏了三天")
    assert flags_of(receive("低保申请咨询", "想问一下低保怎么申请，需要什么材料")) == []


def test_the_same_resident_and_category_is_flagged_whatever_the_words(receive, resident, lights):
    first = receive("路灯不亮", "村口路灯坏了", category=lights)
    second = receive("晚上很黑", "我家门前那段路一到晚上就看不见", category=lights)
    [flag] = flags_of(second)
    assert flag.candidate == first and flag.reason == "同一来电人，同一分类"


def test_two_residents_of_one_village_about_the_same_category_are_flagged(receive, village, lights):
    first = receive("路灯坏了", "村委会旁边的路灯不亮", phone="+8613900139001", village=village, category=lights)
    second = receive("晚上太黑", "学校门口一段路晚上看不见", phone="+8613900139002", village=village, category=lights)
    [flag] = flags_of(second)
    assert flag.candidate == first
    assert flag.reason == "同一村（石门村），同一分类"


def test_one_village_with_clearly_the_same_words_is_flagged_without_a_category(receive, village):
    first = receive("石门村停水", "石门村二组停水两天了", phone="+8613900139001", village=village)
    second = receive("二组停水", "石门村二组停水两天了，还没来水", phone="+8613900139002", village=village)
    [flag] = flags_of(second)
    assert flag.candidate == first and flag.reason.startswith("同一村（石门村），内容相似（相似度")


def test_another_village_and_another_matter_are_not_flagged(receive, units, village, lights, water):
    other = Village.objects.create(township=units["town"], name="石桥村")
    receive("路灯坏了", "村委会旁边的路灯不亮", phone="+8613900139001", village=village, category=lights)
    # the same village, another matter; another village, the same matter; nothing in common
    assert flags_of(receive("停水", "二组停水两天了", phone="+8613900139002", village=village, category=water)) == []
    assert flags_of(receive("路灯坏了", "村委会旁边的路灯不亮", phone="+8613900139003", village=other, category=lights)) == []
    assert flags_of(receive("低保咨询", "低保怎么申请", phone="+8613900139004")) == []


def test_the_same_place_text_counts_as_one_place_and_the_reason_does_not_repeat_it(receive, lights):
    first = receive("路灯坏了", "路灯不亮", phone="+8613900139001", place="张三家门口", category=lights)
    second = receive("晚上太黑", "看不见路", phone="+8613900139002", place="张三家门口", category=lights)
    [flag] = flags_of(second)
    assert flag.candidate == first and flag.reason == "同一地点，同一分类"


def test_the_same_place_text_in_two_different_villages_is_two_places(receive, units, village, lights):
    other = Village.objects.create(township=units["town"], name="石桥村")
    receive("路灯坏了", "路灯不亮", phone="+8613900139001", village=village, place="村委会门口", category=lights)
    second = receive("晚上太黑", "看不见路", phone="+8613900139002", village=other, place="村委会门口", category=lights)
    assert flags_of(second) == []


def test_closed_tickets_and_tickets_older_than_the_window_are_never_candidates(
    receive, resident, people, units, time_machine, settings
):
    time_machine.move_to(at(2026, 3, 2, 10, 0), tick=False)
    with time_machine_at(at(2026, 1, 20, 10, 0)):
        old = receive("路灯不亮", "石门村口路灯坏了三天")
    closed = receive("路灯不亮", "石门村口路灯坏了三天")
    workflow.mark_invalid(ticket=closed, by=people["operator"], reason="测试")
    assert flags_of(receive("路灯不亮", "石门村口路灯坏了三天")) == []
    # the window is a setting: 60 days reach the old one, never the closed one
    settings.HOTLINE = {**settings.HOTLINE, "DUPLICATE_DAYS": 60}
    assert [flag.candidate for flag in flags_of(receive("路灯不亮", "石门村口路灯坏了三天"))][-1] == old
    assert not DuplicateFlag.objects.filter(candidate=closed).exists()


def time_machine_at(moment):
    return tm.travel(moment, tick=False)


def test_at_most_five_candidates_best_first(receive, resident):
    for i in range(7):
        receive("路灯不亮", f"石门村口路灯坏了{i}天")
    flags = flags_of(receive("路灯不亮", "石门村口路灯坏了三天"))
    assert len(flags) == 5
    assert [f.score for f in flags] == sorted((f.score for f in flags), reverse=True)


def test_a_confidential_ticket_or_a_report_names_nobody_in_its_reasons(receive, resident, lights):
    receive("路灯不亮", "石门村口路灯坏了三天", resident_name="张三", confidential=True, category=lights)
    report = receive("举报路灯工程偷工减料", "石门村口路灯坏了三天，张三说工程有问题", kind="report", category=lights)
    [flag] = flags_of(report)
    assert "张三" not in flag.reason and "138" not in flag.reason and "13800138000" not in flag.reason


# --- the ticket page ---------------------------------------------------------------------------


def _page(client, user, ticket):
    client.force_login(user)
    return client.get(f"/tickets/{ticket.number}/").content.decode()


def test_the_operator_sees_the_flag_on_the_ticket_page_and_a_liaison_does_not(client, people, make_ticket):
    first = make_ticket("dispatched")
    second = make_ticket("dispatched")
    flag = DuplicateFlag.objects.get(ticket=second)
    body = _page(client, people["operator"], second)
    assert 'id="duplicates"' in body and "疑似重复" in body
    assert f'data-candidate="{first.number}"' in body and flag.reason in body
    assert f'action="/tickets/{second.number}/do/merge/"' in body and f'value="{first.number}"' in body
    assert f"/tickets/{second.number}/duplicates/{flag.pk}/dismiss/" in body
    for role in ("liaison", "head", "member"):
        if role == "member":
            workflow.hand_over(ticket=second, by=people["liaison"], to_user=people["member"])
        body = _page(client, people[role], second)
        assert second.title in body  # they see the ticket …
        assert "疑似重复" not in body and 'id="duplicates"' not in body and flag.reason not in body  # … not the flag


def test_the_console_marks_flagged_tickets_in_the_new_queue(client, people, make_ticket):
    first = make_ticket("new")
    second = make_ticket("new")
    client.force_login(people["operator"])
    body = client.get("/console/queue/new/").content.decode()
    row = body.split(f'data-ticket-number="{second.number}"')[1].split("</li>")[0]
    assert "data-duplicates" in row and "疑似重复" in row
    assert "data-duplicates" not in body.split(f'data-ticket-number="{first.number}"')[1].split("</li>")[0]


def test_dismissing_a_flag_hides_it(client, people, make_ticket):
    make_ticket("new")
    second = make_ticket("new")
    flag = DuplicateFlag.objects.get(ticket=second)
    client.force_login(people["operator"])
    response = client.post(f"/tickets/{second.number}/duplicates/{flag.pk}/dismiss/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="duplicates"' in fragment and "暂无疑似重复的工单" in fragment and "<html" not in fragment
    flag.refresh_from_db()
    assert flag.dismissed_at is not None and flag.dismissed_by == people["operator"]
    assert 'id="duplicates"' not in _page(client, people["operator"], second)
    assert "data-duplicates" not in client.get("/console/queue/new/").content.decode()
    # without htmx: back to the ticket page
    third = make_ticket("new")
    other = DuplicateFlag.objects.filter(ticket=third).first()
    response = client.post(f"/tickets/{third.number}/duplicates/{other.pk}/dismiss/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{third.number}/"


def test_a_liaison_may_not_dismiss_a_flag(client, people, make_ticket):
    make_ticket("dispatched")
    second = make_ticket("dispatched")
    flag = DuplicateFlag.objects.get(ticket=second)
    with pytest.raises(NotAllowed):
        duplicates.dismiss(flag=flag, by=people["liaison"])
    client.force_login(people["liaison"])
    assert client.post(f"/tickets/{second.number}/duplicates/{flag.pk}/dismiss/").status_code == 403
    # a flag id that does not exist answers the same: nothing to learn
    assert client.post(f"/tickets/{second.number}/duplicates/{flag.pk + 999}/dismiss/").status_code == 403
    client.force_login(people["other_liaison"])  # a unit that does not hold the ticket
    assert client.post(f"/tickets/{second.number}/duplicates/{flag.pk}/dismiss/").status_code == 404
    flag.refresh_from_db()
    assert flag.dismissed_at is None


def test_merging_from_the_panel_uses_the_workflow_merge(client, people, make_ticket, outbox):
    first = make_ticket("dispatched")
    second = make_ticket("new")
    client.force_login(people["operator"])
    response = client.post(f"/tickets/{second.number}/do/merge/", {"into": first.number})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.close_reason, second.merged_into) == (Status.CLOSED, CloseReason.DUPLICATE, first)
    assert TicketEvent.objects.filter(ticket=second, action=TicketEvent.Action.MERGE).exists()
    assert Message.objects.filter(ticket=second, template="merged").exists()
    # the flag stays on record, but a merged ticket shows none
    assert DuplicateFlag.objects.filter(ticket=second, candidate=first).exists()
    assert 'id="duplicates"' not in _page(client, people["operator"], second)


def test_a_flag_whose_candidate_closed_is_no_longer_shown(client, people, make_ticket):
    first = make_ticket("new")
    second = make_ticket("new")
    workflow.mark_invalid(ticket=first, by=people["operator"], reason="重复来电")
    assert 'id="duplicates"' not in _page(client, people["operator"], second)
    assert "data-duplicates" not in client.get("/console/queue/new/").content.decode()


def test_finding_candidates_costs_two_queries_whatever_the_number_of_recent_tickets(receive, resident, village, lights):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost():
        ticket = Ticket.objects.select_related("village").order_by("-pk").first()
        with CaptureQueriesContext(connection) as queries:
            found = duplicates.candidates(ticket)
        return len(queries), found

    for i in range(2):
        receive("路灯不亮", f"石门村口路灯坏了{i}天", village=village, category=lights)
    few, found = cost()
    assert len(found) == 1
    for i in range(12):
        receive("路灯不亮", f"石门村口路灯坏了{i}天", village=village, category=lights)
    many, found = cost()
    assert len(found) == 5 and many == few == 2  # the rows compared, then the tickets found
    assert all(isinstance(other, Ticket) and other.number for other, _score, _reason in found)
