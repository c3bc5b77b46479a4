"""What a resident's SMS asks for, and acting on it.

`parse(text)` is pure: the first word decides (keyword triggers, as in RapidPro),
in Chinese or pinyin initials, full-width and half-width alike (NFKC, any case),
followed by a space, a full-width space, a colon or nothing:

    查询/CX 工单号    progress of one's own ticket
    1/2/3, 满意/基本满意/不满意 [原因]    answer to a satisfaction survey
    推广/TG 内容      ask for a farm product to be promoted
    办事/BS 关键词    service-guide lookup
    承诺/CN 编号 意见  feedback on a public pledge (承诺事项): a ticket of channel pledge_feedback
                      linked to it ("CN12 路灯还没修", "承诺 #12：…", full-width digits too); words
                      without a number ("承诺，说好的路灯还没修") or a number running into words
                      after 承诺/验单 ("承诺3天内修好") are ordinary text
    验单/YD 编号 结果  verification vote on a pledge marked done, once per phone: 1/是/兑现/已兑现
                      = fulfilled, 2/否/未兑现/没兑现 = not fulfilled ("YD 12 1", "验单12 未兑现")
    退订/TD, 订阅/DY  opt out of / back into non-essential SMS
    STOP…, START…     Twilio's own opt-out/opt-in keywords (the whole message), or any
                      message Twilio flags with OptOutType=STOP/START: 退订/订阅, no reply
    anything else     a new ticket, or an addition to the resident's open ticket

A survey answer must leave no doubt, so a pending survey never swallows a new
complaint: 1/2/满意/基本满意 count only when nothing but punctuation, symbols or
emoji follows ("1。", "满意👍"; "2 号楼漏水" is ordinary text), while 3/不满意 take
the words after them as the reason.

`handle(inbound)` runs inside the SMS webhook's transaction and returns the
`Answer` to send back; every ticket change goes through hotline.workflow.
"""

import dataclasses
import datetime as dt
import re
import unicodedata

from django.conf import settings
from django.db.models import Max, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from hotline import clock, numbers, promotions, workflow
from hotline import pledges  # 承诺/CN, 验单/YD
from hotline.errors import InvalidState
from hotline.intake import flood
from hotline.messaging.templates import render
from hotline.models import Message, Resident, Ticket, TicketEvent
from hotline.models.choices import Kind, Satisfaction, Status

# --- parsing (pure) ----------------------------------------------------------------------

# after NFKC the full-width space and colon are plain " " and ":"; "，" becomes ","
_SEPARATORS = " \t\r\n:,、;"
_TRAILING = " \t\r\n:,、;.。!?~…"

KEYWORDS = {
    "query": ("查询", "cx"),
    "promote": ("推广", "tg"),
    "guide": ("办事", "bs"),
    "pledge": ("承诺", "cn"),
    "vote": ("验单", "yd"),
    "opt_out": ("退订", "td"),
    "opt_in": ("订阅", "dy"),
}
# what may follow 退订/订阅 and still be the command ("退订短信")
_SUBSCRIPTION_OBJECTS = {"", "短信", "通知", "通知短信"}
_RATINGS = {
    "1": Satisfaction.SATISFIED,
    "满意": Satisfaction.SATISFIED,
    "2": Satisfaction.BASICALLY,
    "基本满意": Satisfaction.BASICALLY,
    "3": Satisfaction.UNSATISFIED,
    "不满意": Satisfaction.UNSATISFIED,
}
_RATING = re.compile(r"(基本满意|不满意|满意|[123])(.*)", re.S)
_WITH_REASON = {"3", "不满意"}  # the only ratings that take the words after them (as the reason)
# Twilio's own opt-out and opt-in keywords: Twilio answers them itself and blocks or
# unblocks the number, so they set or clear the resident's opt-out and get no reply of ours
CARRIER_OPT_OUT = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"}
CARRIER_OPT_IN = {"start", "unstop"}
_NUMBER = re.compile(r"#?(\d[\d \-]*)")
# after 承诺/验单: digits running straight into words ("3天", "5月底"; but "12号" is a pledge's number)
_NUMBER_IN_SENTENCE = re.compile(r"#?\d+(?!号)[^\W\d_]")


@dataclasses.dataclass(frozen=True)
class Command:
    """`name`: text, empty, query, rate, promote, guide, pledge, vote, opt_out, opt_in, carrier_opt_out or
    carrier_opt_in."""

    name: str
    arg: str = ""  # the words after the keyword, as the resident wrote them
    number: str = ""  # query: the ticket number typed (digits only; may be mistyped)
    rating: str = ""  # rate: a Satisfaction value
    reason: str = ""  # rate: what followed the rating
    verdict: str = ""  # vote: a PledgeVote.Verdict value


def _normalised(text):
    """NFKC + casefold, with each output character's end offset in `text` (to cut the original there)."""
    out, ends = [], []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).casefold()
        out.append(folded)
        ends.extend([index + 1] * len(folded))
    return "".join(out), ends


# thanks that often follow a rating and say nothing new
_PRAISING = re.compile(r"^(很|非常|十分)(?=满意)")
_COURTESY = re.compile(r"谢谢|感谢|多谢|辛苦了|辛苦|好的|非常|很")


def _is_break(rest):
    """True where a keyword ends: at the end, a separator, or a symbol (not a letter, digit or hanzi)."""
    return not rest or rest[0] in _SEPARATORS or not rest[0].isalnum()


def _has_words(text):
    """True if `text` holds a letter, hanzi or digit (anything but whitespace, punctuation, symbols, emoji)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _clean_arg(text):
    """The words after a keyword as written: leading separators (half- or full-width) dropped."""
    return text.lstrip(_SEPARATORS + "\u3000：，；").rstrip()


def parse(text):
    """The command in an SMS body. Pure: no database, no clock."""
    original = (text or "").strip()
    if not original:
        return Command("empty")
    norm, ends = _normalised(original)

    whole = norm.strip(_TRAILING)
    if whole in CARRIER_OPT_OUT:
        return Command("carrier_opt_out")
    if whole in CARRIER_OPT_IN:
        return Command("carrier_opt_in")

    for name, keywords in KEYWORDS.items():
        for keyword in keywords:
            if not norm.startswith(keyword):
                continue
            rest = norm[len(keyword):]
            if keyword.isascii() and rest and rest[0].isascii() and rest[0].isalpha():
                continue  # "TDS…", "bsp…": an ordinary word, not pinyin initials
            arg = _clean_arg(original[ends[len(keyword) - 1]:])
            arg_norm = unicodedata.normalize("NFKC", arg).casefold().strip(_TRAILING)
            if name == "query":
                if not arg_norm:
                    return Command("query", arg=arg)
                match = _NUMBER.match(arg_norm)
                if match is None:
                    break  # "查询一下社保怎么交": a question, so ordinary text
                return Command("query", arg=arg, number=re.sub(r"\D", "", match.group(1)))
            if name in ("opt_out", "opt_in"):
                if arg_norm not in _SUBSCRIPTION_OBJECTS:
                    break
                return Command(name)
            if name in ("pledge", "vote"):
                if rest and not _is_break(rest) and not rest[0].isdigit():
                    break  # "承诺书怎么写": ordinary text
                command = _pledge_command(name, arg)
                if not command.number and _has_words(arg):
                    break  # "承诺，说好的路灯还没修": no number, so the words are a matter for a ticket
                if not keyword.isascii() and _NUMBER_IN_SENTENCE.match(arg_norm):
                    break  # "承诺3天内修好": a sentence about a promise, not pledge number 3
                return command
            return Command(name, arg=arg)

    match = _RATING.fullmatch(norm.rstrip(_TRAILING))
    if match is None:
        match = _RATING.fullmatch(_PRAISING.sub("", norm.rstrip(_TRAILING)))  # "非常满意"
        match = match if match is not None and match.group(1) == "满意" else None
    if match is not None:
        word, rest = match.groups()
        if word in _WITH_REASON:
            is_rating = word == "不满意" or _is_break(rest)
        else:
            # "2 号楼漏水", "1、村口路灯坏了": a new matter, not a rating; "满意，谢谢" is still one
            is_rating = not _has_words(_COURTESY.sub("", rest))
        if is_rating:
            reason = ""
            if word in _WITH_REASON and len(ends) >= len(word):
                reason = original[ends[len(word) - 1]:].strip(_TRAILING + "\u3000，。！？：；")
            return Command("rate", rating=_RATINGS[word], reason=reason)

    return Command("text", arg=original)


# --- acting on one SMS --------------------------------------------------------------------

APPENDABLE_STATUSES = (Status.NEW, Status.DISPATCHED, Status.IN_PROGRESS, Status.RETURNED)
_KIND_PREFIXES = (
    ("投诉", Kind.COMPLAINT),
    ("举报", Kind.REPORT),
    ("建议", Kind.SUGGESTION),
    ("表扬", Kind.PRAISE),
    ("咨询", Kind.CONSULTATION),
)
TITLE_LENGTH = 30


@dataclasses.dataclass
class Answer:
    """The reply to one SMS: an SMS template, its parameters and the ticket it concerns."""

    template: str  # "" for no reply at all
    params: dict = dataclasses.field(default_factory=dict)
    ticket: Ticket | None = None
    flood: bool = False  # the SMS was merged into the sender's latest ticket (hotline.intake.flood)
    skip: str = ""  # why the reply is recorded but not sent (a flood past its one notice)


def handle(inbound, *, sender_valid=True):
    """Act on a stored inbound `Message`; returns the `Answer`. Runs in the caller's transaction."""
    with translation.override(settings.LANGUAGE_CODE):
        now = clock.now()
        if not sender_valid:
            return _limit_reply(inbound, Answer("sms_unknown_sender"), flood.measure(inbound, None, now))
        by = workflow.system_user()
        # one resident's messages are handled one at a time, so a second SMS sees the first one's ticket
        resident, new_resident = Resident.lock_for_phone(inbound.phone, by=by)
        inbound.resident = resident
        state = flood.measure(inbound, resident, now)
        answer = _act(inbound, _command(inbound), resident, by, state, new_resident=new_resident)
        if answer.ticket is not None:
            inbound.ticket = answer.ticket
        inbound.save(update_fields=["resident", "ticket"])
        return _limit_reply(inbound, answer, state)


def _limit_reply(inbound, answer, state):
    """A flood gets one notice per window, then replies recorded as skipped (hotline.intake.flood)."""
    verdict = flood.reply_verdict(inbound, answer, state)
    if verdict == "notice":
        return Answer("sms_flood", {}, answer.ticket, flood=True)
    if verdict == "skip":
        return dataclasses.replace(answer, skip=_("短时间内大量来信，不再逐条回复"))
    return answer


def _command(inbound):
    """What the SMS asks for; Twilio's OptOutType (its own keyword handling, which may be customised) wins."""
    flagged = str((inbound.params or {}).get("OptOutType") or "").strip().upper()
    if flagged == "STOP":
        return Command("carrier_opt_out")
    if flagged == "START":
        return Command("carrier_opt_in")
    return parse(inbound.body)


# what follows 验单/YD and its number: the verdict (whole word for 1/2/是/否, or these words first)
_VERDICT_WORDS = (("已兑现", "fulfilled"), ("未兑现", "not_fulfilled"), ("没兑现", "not_fulfilled"),
                  ("没有兑现", "not_fulfilled"), ("兑现", "fulfilled"))
_VERDICT_TOKENS = {"1": "fulfilled", "是": "fulfilled", "2": "not_fulfilled", "否": "not_fulfilled"}
# a fulfilled word followed straight away by one of these is no clear vote ("兑现不了")
_NEGATION = re.compile(r"[不没未无否]")


def _pledge_command(name, arg):
    """承诺/CN and 验单/YD: the pledge number (half- or full-width digits, "#" allowed), then the text."""
    index, digits = 0, ""
    while index < len(arg) and unicodedata.normalize("NFKC", arg[index]) in ("#", " "):
        index += 1
    while index < len(arg) and unicodedata.normalize("NFKC", arg[index]) in "0123456789":
        digits += unicodedata.normalize("NFKC", arg[index])
        index += 1
    rest = _clean_arg(arg[index:].removeprefix("号"))
    if name == "pledge":
        return Command("pledge", arg=rest, number=digits)
    words = unicodedata.normalize("NFKC", rest).casefold().strip(_TRAILING)
    verdict = _VERDICT_TOKENS.get(re.split(r"[\s,、;.。!！]", words, maxsplit=1)[0], "")
    if not verdict:
        word, verdict = next(((word, value) for word, value in _VERDICT_WORDS if words.startswith(word)), ("", ""))
        if verdict == "fulfilled" and _NEGATION.search(re.split(r"[\s,、;.。!！?？]", words[len(word):], maxsplit=1)[0]):
            verdict = ""  # "兑现不了", "兑现了没有": a vote is final, so it must leave no doubt
    return Command("vote", arg=rest, number=digits, verdict=verdict)


def _act(inbound, command, resident, by, state, *, new_resident=False):
    """`new_resident`: created for this SMS, so without tickets or earlier messages to look up."""
    now = clock.now()
    if command.name == "query":
        return _query(command, resident)
    if command.name == "promote":
        return _promote(inbound, command, resident, by, state)
    if command.name == "guide":
        return _guide(command)
    if command.name == "pledge":
        return _pledge_feedback(inbound, command, resident, by, state)
    if command.name == "vote":
        return _pledge_vote(command, resident, by)
    if command.name in ("opt_out", "opt_in"):
        return _subscription(command, resident, by)
    if command.name in ("carrier_opt_out", "carrier_opt_in"):
        _set_opt_out(resident, command.name == "carrier_opt_out", by)
        return Answer("")  # Twilio has answered the resident itself
    if command.name == "rate":
        ticket = awaiting_rating(resident, now).first()
        if ticket is not None:
            return _rate(ticket, command.rating, command.reason, by)
    if command.name == "empty" and not inbound.media:
        return Answer("sms_empty")
    text = inbound.body.strip()
    asked = None if new_resident else _awaiting_reason(inbound, resident, now)
    if asked is not None and text:
        return _rate(asked, Satisfaction.UNSATISFIED, text, by)
    return _free_text(inbound, text, resident, by, now, state, new_resident=new_resident)


# queries ---------------------------------------------------------------------------------


def resident_status(ticket):
    """The ticket's state as the resident sees it (a reply under review is still being handled)."""
    if ticket.status in (Status.NEW, Status.RETURNED):
        return _("已受理，待派单")
    if ticket.status == Status.DISPATCHED:
        return _("已派单")
    if ticket.status == Status.IN_PROGRESS or (ticket.status == Status.REPLIED and not ticket.reply_accepted_at):
        return _("办理中")
    if ticket.status == Status.REPLIED:
        return _("已答复，请回复1/2/3评价")
    return _("已办结")


# direction overrides and isolates: they can make a title or an SMS read other than it is
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _shown(char):
    """False for control characters, lone surrogates and direction controls. Other format characters
    stay (the zero-width joiner and tags inside emoji sequences), and so do code points this Python's
    Unicode tables do not know yet (newer emoji)."""
    return not (unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS)


def clip(text, room):
    """`text` on one line in at most `room` characters (never fewer than 10), "…" where it was cut.

    Runs of whitespace (line breaks included) become one space; control characters and
    direction controls are dropped.
    """
    text = " ".join((text or "").split())
    text = "".join(char for char in text if _shown(char))
    room = max(room, 10)
    return text if len(text) <= room else text[: room - 1] + "…"


def _may_query(ticket, resident):
    """The ticket's own resident, or the resident of a ticket merged into it (told this number by SMS)."""
    return ticket.resident_id == resident.pk or Ticket.objects.filter(merged_into=ticket, resident=resident).exists()


def _query(command, resident):
    if not command.number:
        return Answer("sms_query_usage")
    if not numbers.is_valid_number(command.number):
        return Answer("sms_bad_number")  # a check-digit failure says nothing about which tickets exist
    ticket = Ticket.objects.filter(number=command.number).first()
    if ticket is not None and not _may_query(ticket, resident):
        ticket = None
    if ticket is None:
        # someone else's ticket gets exactly the answer of a number that does not exist
        return Answer("sms_not_found")
    event = ticket.events.filter(public=True).order_by("-created_at", "-id").first()
    update = ""
    if event is not None:
        update = TicketEvent.Action(event.action).label + (f"：{event.note}" if event.note else "")
    params = {"number": ticket.number, "status": resident_status(ticket), "update": ""}
    room = 70 - len(render("sms_status", params))
    params["update"] = clip(update, room)
    return Answer("sms_status", params, ticket)


# satisfaction survey ---------------------------------------------------------------------


def awaiting_rating(resident, now):
    """The resident's tickets whose survey is unanswered and still open for an answer, latest first."""
    since = now - dt.timedelta(days=settings.HOTLINE["SURVEY_ANSWER_DAYS"])
    return (
        Ticket.objects.awaiting_rating()
        .filter(resident=resident, survey_sent_at__gte=since)
        .order_by("-survey_sent_at", "-pk")
    )


def _awaiting_reason(inbound, resident, now):
    """The ticket whose 不满意 came without a reason in the resident's previous SMS, if still unrated."""
    previous = (
        Message.objects.filter(direction=Message.Direction.INBOUND, resident=resident)
        .exclude(pk=inbound.pk)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    # one query, and no Message row built: every SMS asks this
    asked = (
        Message.objects.filter(in_reply_to=Subquery(previous), template="sms_ask_reason")
        .values_list("ticket_id", flat=True)
        .first()
    )
    if asked is None:
        return None
    return awaiting_rating(resident, now).filter(pk=asked).first()


def _rate(ticket, rating, reason, by):
    if rating == Satisfaction.UNSATISFIED and not reason:
        # the workflow needs the reason: ask for it; the resident's next SMS is taken as the reason
        workflow.add_note(ticket=ticket, by=by, note=_("群众短信回复“不满意”，已请其说明原因。"))
        return Answer("sms_ask_reason", {"number": ticket.number}, ticket)
    workflow.record_satisfaction(
        ticket=ticket, by=by, satisfaction=rating, reason=reason if rating == Satisfaction.UNSATISFIED else "",
        via="sms",
    )
    template = "sms_rated_unsatisfied" if rating == Satisfaction.UNSATISFIED else "sms_rated"
    return Answer(template, {"number": ticket.number}, ticket)


# promotion, service guides, subscription ------------------------------------------------------


def _promote(inbound, command, resident, by, state):
    if not command.arg and not inbound.media:  # photos alone are a request too
        return Answer("sms_promotion_usage")
    if state.tickets_full:
        return _merged(inbound, inbound.body, resident, by, state)
    promotions.create_from_sms(inbound=inbound, resident=resident, text=command.arg, by=by)
    return Answer("sms_promotion")


def find_service_guides(keyword, limit=3):
    """Published service guides (办事指南) matching `keyword`, best first (hotline.guides.search)."""
    from hotline import guides

    return list(guides.search(keyword)[:limit])


# a guide's answer may take two segments (67 characters each when split): the link must fit
GUIDE_ANSWER_LENGTH = 134


def _guide(command):
    from hotline import guides

    keyword = command.arg.strip()
    if not keyword:
        return Answer("sms_guide_usage")
    found = find_service_guides(keyword, limit=1)
    if not found:
        return Answer("sms_guide_none", {"keyword": clip(keyword, 10)})
    guide = found[0]
    params = {"title": clip(guide.title, 30), "summary": "", "link": guides.public_link(guide)}
    params["summary"] = clip(guide.summary, GUIDE_ANSWER_LENGTH - len(render("sms_guide", params)))
    return Answer("sms_guide", params)


def _pledge_feedback(inbound, command, resident, by, state):
    if not command.number:
        return Answer("pledge_usage")
    pledge = pledges.public_pledge(command.number)
    if pledge is None:
        return Answer("pledge_not_found", {"pledge": clip(command.number, 10)})
    if pledge.status not in pledges.FEEDBACK_STATUSES:
        return Answer("pledge_closed", {"pledge": pledge.number})
    if not _has_words(command.arg):  # "CN 12", "CN 12。"
        return Answer("pledge_usage")
    if state.tickets_full:
        return _merged(inbound, inbound.body, resident, by, state)
    ticket = pledges.feedback(pledge=pledge, resident=resident, text=command.arg, by=by)
    return Answer("pledge_feedback_received", {"pledge": pledge.number, "number": ticket.number}, ticket)


def _pledge_vote(command, resident, by):
    if not command.number or not command.verdict:
        return Answer("pledge_vote_usage")
    pledge = pledges.public_pledge(command.number)
    if pledge is None:
        return Answer("pledge_not_found", {"pledge": clip(command.number, 10)})
    if pledge.status == pledges.Status.WITHDRAWN:
        return Answer("pledge_closed", {"pledge": pledge.number})
    try:
        vote = pledges.vote(pledge=pledge, resident=resident, verdict=command.verdict, by=by)
    except pledges.AlreadyVoted:
        return Answer("pledge_vote_already", {"pledge": pledge.number})
    except InvalidState:
        return Answer("pledge_vote_not_done", {"pledge": pledge.number})
    return Answer("pledge_vote_thanks", {"pledge": pledge.number, "verdict": str(vote.get_verdict_display())})


def _subscription(command, resident, by):
    opt_out = command.name == "opt_out"
    _set_opt_out(resident, opt_out, by)
    return Answer("sms_opted_out" if opt_out else "sms_opted_in")


def _set_opt_out(resident, opt_out, by):
    if resident.sms_opt_out != opt_out:
        resident.sms_opt_out = opt_out
        resident._history_user = by
        resident.save(update_fields=["sms_opt_out"])


# free text: a new ticket, or an addition to the open one ---------------------------------------


def appendable_ticket(resident, now):
    """The resident's latest ticket if it is open and they wrote about it within the append window."""
    # three columns first: every SMS asks, most find nothing to append to (a whole Ticket row costs more)
    latest = (
        Ticket.objects.filter(resident=resident).order_by("-created_at", "-pk")
        .values_list("pk", "status", "created_at").first()
    )
    if latest is None or latest[1] not in APPENDABLE_STATUSES:
        return None
    pk, _status, created_at = latest
    last_seen = Message.objects.filter(ticket=pk, direction=Message.Direction.INBOUND).aggregate(
        last=Max("created_at")
    )["last"]
    last = max(filter(None, [created_at, last_seen]))
    window = dt.timedelta(minutes=settings.HOTLINE["SMS_APPEND_WINDOW_MINUTES"])
    return Ticket.objects.get(pk=pk) if now - last <= window else None


def infer_kind(text):
    for prefix, kind in _KIND_PREFIXES:
        if text.startswith(prefix):
            return kind
    return Kind.HELP


def make_title(text):
    return clip(text, TITLE_LENGTH + 1)  # up to TITLE_LENGTH characters, and "…" when cut


def _merged(inbound, text, resident, by, state):
    """Past the sender's new-ticket limit: the words join their latest ticket (hotline.intake.flood)."""
    ticket = flood.merge(text, resident, state, by)
    if ticket is None:
        return Answer("sms_fallback", flood=True)
    return Answer("sms_appended", {"number": ticket.number}, ticket, flood=True)


def _free_text(inbound, text, resident, by, now, state, *, new_resident=False):
    media_note = _("［彩信附件%(n)s个］") % {"n": len(inbound.media)} if inbound.media else ""
    ticket = None if new_resident else appendable_ticket(resident, now)
    if ticket is not None:
        workflow.append_message(ticket=ticket, by=by, text="\n".join(filter(None, [text, media_note])))
        if state.flooding:  # a flood is noted once, and is not one 催办 per message
            flood.note_once(ticket, state, by)
        elif ticket.status in (Status.DISPATCHED, Status.IN_PROGRESS):  # writing again while a unit has it: 催办
            workflow.urge(ticket=ticket, by=by, note=_("群众短信追问"))
        return Answer("sms_appended", {"number": ticket.number}, ticket)
    if state.tickets_full:
        return _merged(inbound, "\n".join(filter(None, [text, media_note])), resident, by, state)
    ticket = workflow.receive(
        by=by, kind=infer_kind(text), channel="sms", title=make_title(text or media_note), description=text,
        resident=resident, acknowledge=False,  # the acknowledgement is this SMS's reply
    )
    return Answer("received", {"number": ticket.number}, ticket)
