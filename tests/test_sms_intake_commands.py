"""Residents' SMS commands at POST /twilio/sms/: free text becomes a ticket (or is added to the open
one), 查询/CX, survey answers, 推广/TG, 办事/BS, 退订/TD and 订阅/DY — each answered by TwiML from an
outbound Message row."""

import pytest
import time_machine

from hotline import workflow
from hotline.intake.commands import Command, parse
from hotline.messaging import templates
from hotline.models import Message, PromotionRequest, Resident, Ticket
from tests.conftest import TWILIO_INBOUND_SMS, at, twilio_params

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"  # the `resident` fixture's phone


def test_free_text_becomes_a_ticket_acknowledged_with_its_number(sms, outbox):
    params = twilio_params(TWILIO_INBOUND_SMS, body="石门村口的路灯坏了三天了，晚上走路很危险，请尽快修理", phone=PHONE)
    response = sms.post(params)
    assert response.status_code == 200

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.kind, ticket.status) == ("sms", "help", "new")
    assert ticket.description == "石门村口的路灯坏了三天了，晚上走路很危险，请尽快修理"
    assert ticket.title == "石门村口的路灯坏了三天了，晚上走路很危险，请尽快修理"
    assert ticket.resident == Resident.objects.get(phone=PHONE)
    assert ticket.created_by == workflow.system_user()

    inbound = Message.objects.get(direction="in")
    assert (inbound.provider, inbound.external_id, inbound.status) == ("twilio", params["MessageSid"], "received")
    assert (inbound.phone, inbound.resident, inbound.ticket, inbound.segments) == (PHONE, ticket.resident, ticket, 1)
    assert inbound.params["FromCity"] == "INDIANAPOLIS" and inbound.params["To"] == "+13177933221"

    # one outbound row: the acknowledgement, sent as the TwiML reply (the workflow's own is not queued)
    reply = Message.objects.get(direction="out")
    assert (reply.in_reply_to, reply.ticket, reply.template, reply.provider, reply.status) == (
        inbound, ticket, "received", "twilio", "sent"
    )
    assert reply.sent_at is not None and reply.next_attempt_at is None and reply.segments == 1
    assert reply.body == f"已受理您的诉求，工单号{ticket.number}。回复“CX {ticket.number}”查询进度。"
    assert response.content.decode() == (
        f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{reply.body}</Message></Response>'
    )
    assert outbox == []  # nothing went through the delivery task
    assert ticket.events.get().action == "receive"


def test_a_long_first_line_makes_a_short_title(sms):
    text = "我们村到镇上的公路去年修好后，\n今年雨季又被冲坏了好几处，车辆通行困难，希望有关部门尽快派人来看看"
    sms.send(text)
    ticket = Ticket.objects.get()
    assert ticket.title == "我们村到镇上的公路去年修好后， 今年雨季又被冲坏了好几处，车…"
    assert len(ticket.title) == 31
    assert ticket.description == text


@pytest.mark.parametrize("text, kind, confidential", [
    ("投诉：菜市场有人缺斤少两", "complaint", False),
    ("举报 有人在河道里非法采砂", "report", True),
    ("建议在村口装个路灯", "suggestion", False),
    ("表扬镇卫生院的李医生", "praise", False),
    ("咨询一下新农合怎么报销", "consultation", False),
])
def test_the_kind_is_taken_from_the_first_word(sms, text, kind, confidential):
    sms.send(text)
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.confidential) == (kind, confidential)


def test_a_further_message_within_the_window_is_added_to_the_open_ticket(sms, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_APPEND_WINDOW_MINUTES": 120}
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        sms.send("村口路灯坏了")
    ticket = Ticket.objects.get()
    with time_machine.travel(at(2026, 3, 2, 11, 30), tick=False):
        _, reply = sms.send("补充一下：是靠近小学那一盏😀")
    with time_machine.travel(at(2026, 3, 2, 13, 20), tick=False):  # 110 minutes after the last message
        _, again = sms.send("晚上八点以后才不亮")

    assert Ticket.objects.count() == 1
    assert reply == again == f"已将您的补充内容加入工单{ticket.number}。回复“CX {ticket.number}”查询进度。"
    appended = ticket.events.filter(action="append").order_by("created_at")
    assert [e.note for e in appended] == ["补充一下：是靠近小学那一盏😀", "晚上八点以后才不亮"]
    assert not any(e.public for e in appended)
    assert appended[0].actor == workflow.system_user()
    assert ticket.messages.filter(direction="in").count() == 3
    assert Message.objects.filter(direction="out", template="sms_appended", ticket=ticket).count() == 2


def test_after_the_window_a_message_is_a_new_ticket(sms, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SMS_APPEND_WINDOW_MINUTES": 120}
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        sms.send("村口路灯坏了")
    with time_machine.travel(at(2026, 3, 2, 12, 1), tick=False):
        _, reply = sms.send("自来水停了两天")
    assert Ticket.objects.count() == 2
    assert "已受理" in reply


def test_a_message_after_the_ticket_closed_is_a_new_ticket(sms, make_ticket):
    closed = make_ticket("closed")
    sms.send("又有一盏路灯坏了")
    assert Ticket.objects.exclude(pk=closed.pk).get().title == "又有一盏路灯坏了"


def test_a_message_while_the_ticket_awaits_its_rating_is_a_new_ticket(sms, make_ticket):
    accepted = make_ticket("accepted")
    sms.send("自来水停了两天")
    assert Ticket.objects.exclude(pk=accepted.pk).get().title == "自来水停了两天"


def test_a_phone_ticket_dispatched_just_now_gets_the_residents_sms_added(sms, make_ticket):
    ticket = make_ticket("dispatched")
    _, reply = sms.send("忘了说，是石门村三组")
    assert Ticket.objects.count() == 1
    assert ticket.events.filter(action="append", note="忘了说，是石门村三组").exists()
    assert str(ticket.number) in reply


# --- 查询 / CX ------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["CX{n}", "查询 {n}", "ｃｘ　{fw}", "cx:{n}", "查询：{n}", "Cx {n}。"])
def test_query_answers_the_status_and_the_latest_public_update(sms, make_ticket, template):
    ticket = make_ticket("in_progress")
    full_width = ticket.number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    _, reply = sms.send(template.format(n=ticket.number, fw=full_width))

    assert reply == f"工单{ticket.number}：办理中。签收"
    inbound = Message.objects.get(direction="in")
    assert inbound.ticket == ticket
    assert Message.objects.get(in_reply_to=inbound).template == "sms_status"
    assert Ticket.objects.count() == 1


def test_query_shows_the_accepted_reply_and_hides_unpublished_steps(sms, make_ticket, people):
    ticket = make_ticket("replied")  # the unit's reply awaits review: not shown yet
    _, reply = sms.send(f"CX {ticket.number}")
    assert reply == f"工单{ticket.number}：办理中。签收"

    workflow.review(ticket=ticket, by=people["operator"], accept=True)
    _, reply = sms.send(f"CX {ticket.number}")
    assert reply == f"工单{ticket.number}：已答复，请回复1/2/3评价。答复：已修复路灯"


def test_query_keeps_within_one_segment(sms, make_ticket, people):
    ticket = make_ticket("dispatched")
    workflow.add_note(ticket=ticket, by=people["operator"], note="已联系区交通运输局，" * 10, public=True)
    _, reply = sms.send(f"CX {ticket.number}")
    assert len(reply) <= 70 and reply.endswith("…")


def test_query_without_a_number_explains_how(sms):
    _, reply = sms.send("CX")
    assert reply == "查询进度请回复“CX 工单号”，如：CX 1234567。"
    assert not Ticket.objects.exists()


def test_a_question_starting_with_chaxun_is_ordinary_text(sms):
    sms.send("查询一下养老保险怎么交")
    assert Ticket.objects.get().title == "查询一下养老保险怎么交"


# --- survey answers -----------------------------------------------------------------------


@pytest.mark.parametrize("text, satisfaction", [
    ("1", "satisfied"), ("２", "basically"), ("满意", "satisfied"), ("基本满意！", "basically"), ("1。", "satisfied"),
    ("2 ", "basically"), ("1、", "satisfied"), ("满意👍", "satisfied"), ("满意！！😊", "satisfied"),
])
def test_a_survey_answer_rates_the_ticket(sms, make_ticket, text, satisfaction):
    ticket = make_ticket("accepted")
    _, reply = sms.send(text)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.close_reason, ticket.satisfaction) == ("closed", "rated", satisfaction)
    event = ticket.events.get(action="satisfaction")
    assert "短信" in event.note and event.actor == workflow.system_user()
    assert reply == f"感谢您对工单{ticket.number}的评价！"
    assert Message.objects.get(direction="in").ticket == ticket
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("text", [
    "3 路灯晚上还是不亮", "不满意，路灯晚上还是不亮", "不满意路灯晚上还是不亮", "３：路灯晚上还是不亮。",
])
def test_unsatisfied_with_a_reason(sms, make_ticket, text):
    ticket = make_ticket("accepted")
    _, reply = sms.send(text)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction, ticket.satisfaction_reason) == (
        "closed", "unsatisfied", "路灯晚上还是不亮"
    )
    assert reply == f"已记录您对工单{ticket.number}的意见，我们会尽快核实处理。"


def test_unsatisfied_without_a_reason_asks_for_it_and_takes_the_next_message(sms, make_ticket):
    ticket = make_ticket("accepted")
    _, reply = sms.send("不满意")
    assert reply == f"请直接回复您对工单{ticket.number}不满意的原因，我们会尽快核实。"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction) == ("replied", "")
    assert ticket.events.filter(action="note", public=False, note__contains="不满意").exists()

    _, reply = sms.send("修好第二天又坏了")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.satisfaction, ticket.satisfaction_reason) == ("closed", "unsatisfied", "修好第二天又坏了")
    assert reply == f"已记录您对工单{ticket.number}的意见，我们会尽快核实处理。"
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(direction="in", ticket=ticket).count() == 2


@pytest.mark.parametrize("text", [
    "2 号楼漏水，三天没人管", "1、村口路灯坏了", "２　号楼漏水", "1 2 3", "基本满意 但是路灯又坏了",
])
def test_with_a_survey_pending_words_after_1_or_2_are_a_new_matter_not_a_rating(sms, make_ticket, text):
    """Only 3/不满意 take the words after them (as the reason); after 1/2/满意/基本满意 they are a new message."""
    surveyed = make_ticket("accepted")
    _, reply = sms.send(text)

    surveyed.refresh_from_db()
    assert (surveyed.status, surveyed.satisfaction) == ("replied", "")
    assert not surveyed.events.filter(action="satisfaction").exists()
    new = Ticket.objects.exclude(pk=surveyed.pk).get()
    assert (new.channel, new.description) == ("sms", text)
    assert reply == f"已受理您的诉求，工单号{new.number}。回复“CX {new.number}”查询进度。"


def test_with_a_survey_pending_words_after_2_are_added_to_the_open_ticket(sms, make_ticket, people):
    surveyed = make_ticket("accepted")
    open_ticket = make_ticket("dispatched")  # the latest, open and just written about: free text is appended
    _, reply = sms.send("2 号楼漏水，三天没人管")
    surveyed.refresh_from_db()
    assert surveyed.satisfaction == ""
    assert open_ticket.events.filter(action="append", note="2 号楼漏水，三天没人管").exists()
    assert str(open_ticket.number) in reply


def test_a_directly_answered_ticket_is_rated_and_stays_closed(sms, make_ticket, people):
    ticket = workflow.answer_directly(ticket=make_ticket("new"), by=people["operator"], answer="办理身份证请到镇派出所")
    sms.send("2")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.close_reason, ticket.satisfaction) == ("closed", "answered", "basically")


# --- 查询 a merged ticket ------------------------------------------------------------------------


def test_the_resident_of_a_merged_ticket_may_query_the_number_they_were_told(sms, make_ticket, people):
    other = Resident.objects.create(phone="+8613912345678", name="李四")
    survivor = workflow.receive(
        by=people["operator"], kind="help", channel="phone", title="路灯不亮", description="石门村口路灯坏了", resident=other,
    )
    workflow.add_note(ticket=survivor, by=people["operator"], note="已通知区交通运输局", public=True)
    duplicate = make_ticket("dispatched")  # PHONE's ticket about the same lamp
    workflow.merge(ticket=duplicate, by=people["operator"], into=survivor)
    told = Message.objects.get(ticket=duplicate, template="merged")
    assert f"CX {survivor.number}" in told.body

    _, reply = sms.send(f"CX {survivor.number}", phone=PHONE)
    assert reply == f"工单{survivor.number}：已受理，待派单。备注：已通知区交通运输局"
    assert Message.objects.get(direction="in", phone=PHONE).ticket == survivor

    # the duplicate's own number still answers too, and a third resident learns nothing
    _, reply = sms.send(f"CX {duplicate.number}", phone=PHONE)
    assert reply.startswith(f"工单{duplicate.number}：已办结")
    _, reply = sms.send(f"CX {survivor.number}", phone="+8613700137000")
    assert reply == "未查到该工单。请核对工单号，或直接发送您的问题。"


def test_with_no_survey_pending_a_rating_is_ordinary_text(sms, make_ticket):
    closed = make_ticket("closed")  # already rated
    make_ticket("in_progress")  # open, but not awaiting a rating: "1" is added to it
    _, reply = sms.send("1")
    assert "补充内容" in reply
    closed.refresh_from_db()
    assert closed.satisfaction == "satisfied"  # unchanged (rated by the operator)


def test_with_no_ticket_at_all_a_rating_is_a_new_ticket(sms):
    _, reply = sms.send("3")
    assert Ticket.objects.get().title == "3"
    assert "已受理" in reply


def test_a_survey_older_than_the_answer_window_is_not_rated(sms, make_ticket, settings):
    settings.HOTLINE = {**settings.HOTLINE, "SURVEY_ANSWER_DAYS": 7}
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        ticket = make_ticket("accepted")
    with time_machine.travel(at(2026, 3, 9, 10, 1), tick=False):
        sms.send("1")
    ticket.refresh_from_db()
    assert ticket.satisfaction == ""
    assert Ticket.objects.count() == 2


def test_the_most_recent_survey_is_the_one_rated(sms, make_ticket):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        older = make_ticket("accepted")
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        newer = make_ticket("accepted")
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        sms.send("1")
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.satisfaction, newer.satisfaction) == ("", "satisfied")


# --- 推广 / TG, 办事 / BS --------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "TG 石门村脆红李500斤，电话13800138000", "推广：石门村脆红李500斤，电话13800138000", "ｔｇ石门村脆红李500斤，电话13800138000",
])
def test_promotion_request(sms, text):
    _, reply = sms.send(text)
    request = PromotionRequest.objects.get()
    inbound = Message.objects.get(direction="in")
    assert (request.resident.phone, request.channel, request.source_message) == (PHONE, "sms", inbound)
    assert request.text.endswith("脆红李500斤，电话13800138000")
    assert request.history.first().history_user == workflow.system_user()
    assert reply == "已收到您的推广申请，编辑审核后会与您联系。"
    assert not Ticket.objects.exists()


def test_promotion_without_text_explains_how(sms):
    _, reply = sms.send("TG")
    assert reply.startswith("推广农产品请回复“TG”")
    assert not PromotionRequest.objects.exists()


@pytest.mark.parametrize("text", ["BS 身份证", "办事 身份证", "ｂｓ身份证", "办事：身份证"])
def test_service_guide_lookup_says_none_yet(sms, text):
    _, reply = sms.send(text)
    assert reply == "暂无“身份证”相关办事指南，可直接发送您的问题，我们会尽快答复。"
    assert not Ticket.objects.exists()


def test_service_guide_lookup_without_a_keyword_explains_how(sms):
    _, reply = sms.send("办事")
    assert reply == "查办事指南请回复“BS”加事项，如：BS 身份证。"


# --- 退订 / TD, 订阅 / DY ---------------------------------------------------------------------


def test_opt_out_and_back_in(sms, resident, make_ticket, people):
    _, reply = sms.send("TD")
    resident.refresh_from_db()
    assert resident.sms_opt_out
    assert resident.history.first().history_user == workflow.system_user()
    assert reply == "已退订通知短信，您来信时仍会收到回复。回复“DY”可重新订阅。"
    assert Message.objects.get(direction="out").status == "sent"  # a direct answer still goes out

    ticket = make_ticket("dispatched")  # the "dispatched" notice is not sent to an opted-out resident
    assert Message.objects.get(ticket=ticket, template="dispatched").status == "skipped"

    _, reply = sms.send("订阅")
    resident.refresh_from_db()
    assert not resident.sms_opt_out
    assert reply == "已恢复订阅，您将收到工单进度通知。回复“TD”可退订。"


@pytest.mark.parametrize("text", ["退订", "td", "ＴＤ", "退订短信", "TD。"])
def test_opt_out_spellings(sms, text):
    sms.send(text, phone="+8613912345678")
    assert Resident.objects.get(phone="+8613912345678").sms_opt_out
    assert not Ticket.objects.exists()


def outbound():
    return Message.objects.filter(direction="out")


@pytest.mark.parametrize("text", ["STOP", "stop", "Stop.", "STOPALL", "UNSUBSCRIBE", "cancel", "END", "Quit", "ＳＴＯＰ"])
def test_twilios_stop_keywords_opt_out_and_get_no_reply_of_ours(sms, text):
    response, reply = sms.send(text, phone="+8613912345678", OptOutType="STOP")
    assert reply is None  # Twilio answers STOP itself
    assert response.content.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    assert Resident.objects.get(phone="+8613912345678").sms_opt_out
    assert not Ticket.objects.exists() and not outbound().exists()
    assert Message.objects.get(direction="in").body == text  # still kept


@pytest.mark.parametrize("text", ["STOP", "unsubscribe", "Quit"])
def test_stop_keywords_opt_out_even_without_opt_out_type(sms, text):
    _, reply = sms.send(text, phone="+8613912345678")
    assert reply is None
    assert Resident.objects.get(phone="+8613912345678").sms_opt_out
    assert not Ticket.objects.exists() and not outbound().exists()


def test_twilio_opt_out_type_wins_over_the_words(sms):
    """Advanced Opt-Out may have custom keywords: Twilio's OptOutType says what it did."""
    sms.send("别再发了", phone="+8613912345678", OptOutType="STOP")
    assert Resident.objects.get(phone="+8613912345678").sms_opt_out
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("text, flag", [("START", "START"), ("unstop", "START"), ("Start", None), ("YES", "START")])
def test_start_opts_back_in_with_no_reply_of_ours(sms, resident, text, flag):
    resident.sms_opt_out = True
    resident.save()
    extra = {"OptOutType": flag} if flag else {}
    _, reply = sms.send(text, **extra)
    resident.refresh_from_db()
    assert not resident.sms_opt_out
    assert reply is None
    assert not Ticket.objects.exists() and not outbound().exists()


def test_a_repeated_stop_delivery_still_answers_nothing(sms):
    sid = "SM" + "5" * 32
    sms.send("STOP", phone="+8613912345678", sid=sid)
    _, again = sms.send("STOP", phone="+8613912345678", sid=sid)
    assert again is None
    assert Message.objects.filter(direction="in").count() == 1


def test_text_that_merely_starts_like_a_command_is_ordinary_text(sms):
    sms.send("退订的报纸还在送")
    sms.send("TDS水质检测仪哪里能借", phone="+8613912345678")
    assert Ticket.objects.count() == 2
    assert not Resident.objects.filter(sms_opt_out=True).exists()


# --- wording and the pure parser --------------------------------------------------------------


def test_every_reply_fits_one_segment():
    params = {"number": "12345678", "keyword": "身份证明开具", "status": "已答复，请回复1/2/3评价", "update": ""}
    for code in [c for c in templates.DEFAULTS if c.startswith("sms_") and c != "sms_guide"] + ["received"]:
        assert len(templates.render(code, params)) <= 70, code


@pytest.mark.parametrize("text, name, number", [
    ("CX1234567", "query", "1234567"), ("查询 1234567", "query", "1234567"),
    ("ｃｘ\u3000１２３４５６７", "query", "1234567"), ("cx 123 4567", "query", "1234567"), ("CX", "query", ""),
    ("查询一下", "text", ""), ("3号楼停水", "text", ""), ("满意度是什么", "text", ""), ("", "empty", ""),
    ("\u3000 \n", "empty", ""), ("dying", "text", ""), ("STOP", "carrier_opt_out", ""), ("start", "carrier_opt_in", ""),
    ("Stop the trucks at night", "text", ""), ("end of road flooded", "text", ""),
])
def test_parse(text, name, number):
    command = parse(text)
    assert (command.name, command.number) == (name, number)


def test_parse_keeps_the_words_as_written():
    assert parse("推广：石门村脆红李，每斤5元").arg == "石门村脆红李，每斤5元"
    assert parse("不满意：路灯还是不亮").reason == "路灯还是不亮"
    assert parse("满意👍").rating == "satisfied"


def test_parse_only_3_and_unsatisfied_take_words_after_them():
    """1/2/满意/基本满意 followed by nothing but punctuation or emoji are ratings; followed by words, ordinary
    text. 3/不满意 take the words after them as the reason."""
    ratings = {
        "1": ("satisfied", ""), "2。": ("basically", ""), "1、": ("satisfied", ""), "满意～": ("satisfied", ""),
        "基本满意!!": ("basically", ""), "3 号楼又漏水了": ("unsatisfied", "号楼又漏水了"),
        "3、路灯还是不亮": ("unsatisfied", "路灯还是不亮"), "不满意没人来修": ("unsatisfied", "没人来修"),
    }
    for text, (rating, reason) in ratings.items():
        command = parse(text)
        assert (command.name, command.rating, command.reason) == ("rate", rating, reason), text
    for text in ["2 号楼漏水，三天没人管", "1、村口路灯坏了", "1 2", "满意路灯修好", "基本满意就行了", "3号楼停水"]:
        assert parse(text) == Command("text", arg=text), text


def test_titles_drop_control_and_direction_characters_but_keep_emoji_sequences():
    from hotline.intake.commands import clip, make_title  # the one clipping helper

    assert make_title("路灯\u202e坏了\x07 \n 👨\u200d👩\u200d👧") == "路灯坏了 👨\u200d👩\u200d👧"
    assert clip("a\u2066b\x1bc" + "长" * 40, 12) == "abc" + "长" * 8 + "…"


@pytest.mark.parametrize("text, rating", [
    ("满意，谢谢", "satisfied"), ("1 谢谢", "satisfied"), ("基本满意，辛苦了", "basically"),
    ("非常满意", "satisfied"), ("很满意！", "satisfied"),
])
def test_thanks_after_a_rating_keep_it_a_rating(text, rating):
    from hotline.intake.commands import parse

    command = parse(text)
    assert command.name == "rate" and command.rating == rating
