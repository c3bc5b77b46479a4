"""A verification vote is final (the first one stands), so it counts only when it leaves no doubt: "兑现不了"
or "兑现了没有" is no "fulfilled". Such an SMS gets the usage reply and no vote is recorded."""

import pytest

from hotline.intake.commands import parse
from hotline.models import PledgeVote
from tests.pledge_helpers import make_pledge


@pytest.mark.parametrize("words", ["兑现不了", "兑现了没有", "兑现不了，还差一段", "兑现没有？", "已兑现不了"])
def test_a_negated_fulfilled_word_is_no_verdict(words):
    command = parse(f"YD 12 {words}")
    assert (command.name, command.number, command.verdict) == ("vote", "12", "")


@pytest.mark.parametrize(
    "words, verdict",
    [("已兑现，路修得很好", "fulfilled"), ("兑现了，谢谢", "fulfilled"), ("兑现", "fulfilled"), ("没兑现", "not_fulfilled"),
     ("未兑现，桥还没修", "not_fulfilled"), ("没有兑现", "not_fulfilled")],
)
def test_clear_verdicts_still_count(words, verdict):
    assert parse(f"YD 12 {words}").verdict == verdict


@pytest.mark.django_db
def test_a_doubtful_vote_by_sms_is_not_recorded(sms, people, units):
    done = make_pledge(people, units, "done")
    _response, reply = sms.send(f"YD {done.pk} 兑现不了")
    assert reply.startswith("验单请发“YD 编号 1”")
    assert not PledgeVote.objects.exists()
    # the resident can still vote clearly afterwards
    sms.send(f"YD {done.pk} 2")
    assert PledgeVote.objects.get().verdict == "not_fulfilled"
