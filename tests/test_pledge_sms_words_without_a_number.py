"""An SMS that starts with 承诺/CN or 验单/YD but gives no pledge number, and has words after it, is a resident
talking about something ("承诺，你们说的路灯到现在还没修"): it becomes an ordinary ticket like any other SMS, so
nothing the resident wrote is lost. Only the bare keyword ("CN", "YD。") gets the usage reply."""

import pytest

from hotline.intake.commands import parse
from hotline.models import PledgeVote, Ticket


@pytest.mark.parametrize(
    "text",
    [
        "承诺，你们去年说的路灯到现在还没修",
        "承诺：村口的路说好年底修好，现在都没动工",
        "承诺 路灯还没修",
        "CN 路灯坏了三天了",
        "验单：桥修好了但是栏杆没装",
        "YD 路灯坏了",
    ],
)
def test_keyword_and_words_without_a_number_is_ordinary_text(text):
    assert parse(text).name == "text"


@pytest.mark.parametrize("text, name", [("CN", "pledge"), ("承诺。", "pledge"), ("YD", "vote"), ("验单！", "vote")])
def test_the_bare_keyword_is_still_the_command(text, name):
    assert parse(text).name == name


@pytest.mark.django_db
def test_the_words_become_a_ticket_and_are_not_lost(sms):
    _response, reply = sms.send("承诺，你们去年说的路灯到现在还没修")
    ticket = Ticket.objects.get()
    assert "你们去年说的路灯到现在还没修" in ticket.description
    assert ticket.number in reply
    assert not PledgeVote.objects.exists()


@pytest.mark.django_db
def test_the_bare_keyword_gets_the_usage(sms):
    _response, reply = sms.send("CN")
    assert reply.startswith("对承诺事项提意见请发“CN 编号 意见”")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("text", ["承诺3天内修好路灯，到现在还没修", "承诺5月底通水，现在还是停水", "承诺2026年修好的桥呢"])
def test_chinese_keyword_then_a_number_that_is_part_of_a_sentence_is_ordinary_text(text):
    """承诺 + "3天" / "5月底": a sentence about a promise, not pledge number 3 (the number runs into the words)."""
    assert parse(text).name == "text"


@pytest.mark.parametrize(
    "text, number",
    [("承诺12号，二组路段还没动工", "12"), ("承诺12 路灯", "12"), ("承诺 #12：路灯", "12"), ("CN12路灯还没修", "12")],
)
def test_a_pledge_number_set_apart_or_after_cn_is_still_a_pledge(text, number):
    command = parse(text)
    assert (command.name, command.number) == ("pledge", number)


@pytest.mark.django_db
def test_a_sentence_about_a_promise_becomes_a_ticket(sms, people, units):
    from tests.pledge_helpers import make_pledge

    make_pledge(people, units)  # pledge numbers exist, the sentence is still no feedback on one
    _response, reply = sms.send("承诺3天内修好路灯，到现在还没修")
    ticket = Ticket.objects.get()
    assert ticket.pledge is None and "承诺3天内修好路灯" in ticket.description
    assert ticket.number in reply
