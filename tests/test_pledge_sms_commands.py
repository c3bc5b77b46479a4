"""群众评单 and 群众验单 by SMS: "CN 12 意见" becomes a ticket of channel pledge_feedback linked to pledge 12
(the reply gives its number); "YD 12 1/2" is a verification vote, once per phone, only once it is done.
Unknown, unpublished or missing numbers and missing text get a clear reply and no ticket."""

import pytest

from hotline.intake.commands import parse
from hotline.models import PledgeVote, Ticket
from hotline.models.choices import Channel
from tests.pledge_helpers import make_pledge

# --- parsing (pure) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number, arg",
    [
        ("CN12 路灯还没修", "12", "路灯还没修"),
        ("cn 12 路灯还没修", "12", "路灯还没修"),
        ("承诺 #12：二组路段还没动工", "12", "二组路段还没动工"),
        ("承诺12号，二组路段还没动工", "12", "二组路段还没动工"),
        ("ＣＮ１２　路灯还没修", "12", "路灯还没修"),  # full-width letters, digits and space
        ("承诺：１２ 路灯还没修", "12", "路灯还没修"),
        ("CN 12", "12", ""),
        ("CN12。", "12", "。"),
        ("承诺：", "", ""),  # words without a number are ordinary text (test_pledge_sms_words_without_a_number.py)
        ("CN", "", ""),
    ],
)
def test_pledge_feedback_is_parsed(text, number, arg):
    command = parse(text)
    assert command.name == "pledge"
    assert (command.number, command.arg.strip("。")) == (number, arg.strip("。"))


@pytest.mark.parametrize(
    "text, number, verdict",
    [
        ("YD 12 1", "12", "fulfilled"),
        ("yd12 2", "12", "not_fulfilled"),
        ("验单 12 是", "12", "fulfilled"),
        ("验单12 否", "12", "not_fulfilled"),
        ("验单 #12 已兑现，路修得很好", "12", "fulfilled"),
        ("验单 12 兑现", "12", "fulfilled"),
        ("验单１２　未兑现", "12", "not_fulfilled"),
        ("YD 12 没兑现", "12", "not_fulfilled"),
        ("YD 12 1。", "12", "fulfilled"),
        ("YD 12", "12", ""),
        ("YD 121", "121", ""),
        ("YD 12 3", "12", ""),
        ("YD", "", ""),
    ],
)
def test_votes_are_parsed(text, number, verdict):
    command = parse(text)
    assert (command.name, command.number, command.verdict) == ("vote", number, verdict)


@pytest.mark.parametrize("text", ["承诺书怎么写", "CNC机床维修", "ydx", "承诺的路灯什么时候修"])
def test_words_that_merely_start_like_the_keywords_are_ordinary_text(text):
    assert parse(text).name == "text"


# --- over the webhook ---------------------------------------------------------------------------------


@pytest.fixture
def pledge(people, units):
    return make_pledge(people, units)


@pytest.mark.django_db
def test_feedback_by_sms_becomes_a_linked_ticket_and_the_reply_gives_its_number(sms, pledge):
    _response, reply = sms.send(f"CN{pledge.pk} 二组路段施工时砂石堆在村口，晚上看不清")
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.PLEDGE_FEEDBACK and ticket.pledge == pledge
    assert ticket.status == "new" and ticket.resident.phone == "+8613800138000"
    assert f"承诺{pledge.pk}" in ticket.title and "石门村通组路硬化" in ticket.title
    assert ticket.description == "二组路段施工时砂石堆在村口，晚上看不清"
    assert ticket.kind == "suggestion"
    assert ticket.number in reply and f"承诺事项{pledge.pk}" in reply
    assert ticket.events.filter(action="receive").exists()


@pytest.mark.django_db
def test_feedback_with_a_kind_word_keeps_the_kind(sms, pledge):
    sms.send(f"承诺 #{pledge.pk}：投诉施工队晚上施工太吵")
    assert Ticket.objects.get().kind == "complaint"


@pytest.mark.django_db
def test_feedback_on_a_done_pledge_is_taken_too(sms, people, units):
    done = make_pledge(people, units, "done")
    _response, reply = sms.send(f"CN {done.pk} 修得好，谢谢")
    assert Ticket.objects.get().pledge == done and "工单号" in reply


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "pending"])
def test_an_unpublished_pledge_is_answered_like_one_that_does_not_exist(sms, people, units, state):
    hidden = make_pledge(people, units, state)
    _response, reply = sms.send(f"CN {hidden.pk} 路灯还没修")
    assert reply == f"未找到承诺事项{hidden.pk}，请核对编号。也可直接发送您的问题。"
    assert not Ticket.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["999", "0", "99999999999999999999999"])
def test_a_number_that_does_not_exist(sms, pledge, number):
    _response, reply = sms.send(f"CN {number} 路灯还没修")
    assert reply.startswith("未找到承诺事项")
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_withdrawn_pledge_takes_no_feedback(sms, people, units):
    withdrawn = make_pledge(people, units, "withdrawn")
    _response, reply = sms.send(f"CN {withdrawn.pk} 为什么撤回了")
    assert "已撤回" in reply and not Ticket.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["CN", "承诺：", "CN {pk}", "承诺#{pk}：", "CN{pk}。"])
def test_missing_number_or_text_gets_the_usage(sms, pledge, body):
    _response, reply = sms.send(body.format(pk=pledge.pk))
    assert reply.startswith("对承诺事项提意见请发“CN 编号 意见”")
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_vote_by_sms_counts_once_per_phone(sms, people, units):
    done = make_pledge(people, units, "done")
    _response, reply = sms.send(f"YD {done.pk} 1")
    assert reply == f"感谢您对承诺事项{done.pk}验单（已兑现），结果将在网上公开。"
    vote = PledgeVote.objects.get()
    assert (vote.pledge, vote.verdict, vote.channel, vote.resident.phone) == (done, "fulfilled", "sms", "+8613800138000")
    # the same phone again, even with the other verdict: refused, the first vote stands
    _response, reply = sms.send(f"验单 {done.pk} 未兑现")
    assert reply == f"您已对承诺事项{done.pk}验过单，每人只能验一次，以第一次为准。"
    assert PledgeVote.objects.get().verdict == "fulfilled"
    # another phone votes
    _response, reply = sms.send(f"YD{done.pk} 2", phone="+8613900139000")
    assert PledgeVote.objects.count() == 2 and "未兑现" in reply
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_vote_on_a_pledge_not_done_is_refused(sms, pledge):
    _response, reply = sms.send(f"YD {pledge.pk} 1")
    assert reply == f"承诺事项{pledge.pk}尚未完成，单位标记完成后才能验单。"
    assert not PledgeVote.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "pending"])
def test_a_vote_on_an_unpublished_pledge_is_not_found(sms, people, units, state):
    hidden = make_pledge(people, units, state)
    _response, reply = sms.send(f"YD {hidden.pk} 1")
    assert reply.startswith("未找到承诺事项") and not PledgeVote.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["YD", "YD {pk}", "验单 {pk} 还行吧"])
def test_a_vote_without_number_or_verdict_gets_the_usage(sms, people, units, body):
    done = make_pledge(people, units, "done")
    _response, reply = sms.send(body.format(pk=done.pk))
    assert reply.startswith("验单请发“YD 编号 1”") and not PledgeVote.objects.exists()


@pytest.mark.django_db
def test_every_pledge_sms_fits_one_segment():
    from hotline.messaging import templates

    params = {"pledge": "1234", "number": "12345678", "title": "长" * 20, "verdict": "未兑现", "note": "长" * 40}
    codes = [c for c in templates.DEFAULTS if "pledge" in c]
    assert len(codes) == 11
    for code in codes:
        assert len(templates.render(code, params)) <= 70, code
