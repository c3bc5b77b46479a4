"""The workflow actions as POST /api/tickets/{number}/{name}/: input, the workflow call, and
when the action is offered (the `actions` hint on the ticket; the workflow decides).

The same actions, permissions and hints as the ticket page (dashboards.actions).
"""

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api import inputs
from hotline import access, roles, workflow
from hotline.errors import InvalidInput
from hotline.intake import masked_calls
from hotline.models import Call, Ticket
from hotline.models.choices import OPEN_STATUSES, CloseReason, Status


@dataclass(frozen=True)
class Action:
    name: str  # the URL segment
    permission: str  # hotline.access action
    input: type
    perform: Callable  # (ticket, user, data) -> None
    summary: str
    description: str = ""
    states: tuple = ()
    applies: Callable = lambda ticket, facts: True


def _field_error(field, message):
    return InvalidInput(message, field_errors={field: [message]})


def _dispatch(ticket, user, data):
    workflow.dispatch(ticket=ticket, by=user, lead_unit=data["lead_unit"], co_units=data["co_units"], note=data["note"])


def _hand_over(ticket, user, data):
    unit = access.unit_of(user)
    to_user = None
    if unit is not None:
        to_user = (
            access.unit_users(unit, role_names=roles.UNIT_ROLES).filter(username=data["to_user"]).exclude(pk=user.pk).first()
        )
    if to_user is None:
        raise _field_error("to_user", _("只能转交给本单位的工作人员。"))
    workflow.hand_over(ticket=ticket, by=user, to_user=to_user, note=data["note"])


def _reply(ticket, user, data):
    call = None
    if data["call"] is not None:
        call = Call.objects.filter(pk=data["call"], ticket=ticket).first()
        if call is None:
            raise _field_error("call", _("请选择本工单的中转通话记录。"))
    workflow.reply(
        ticket=ticket, by=user, text=data["text"], outcome=data["outcome"], outcome_reason=data["outcome_reason"],
        contact_method=data["contact_method"], contacted_at=data["contacted_at"], call=call,
    )


def _merge(ticket, user, data):
    into = access.visible_tickets(user, Ticket.objects.all()).filter(number=data["into"]).first()
    if into is None:
        raise _field_error("into", _("找不到工单%(number)s。") % {"number": data["into"]})
    workflow.merge(ticket=ticket, by=user, into=into, note=data["note"])


def _awaiting_rating(ticket, facts):
    return (ticket.status == Status.REPLIED and ticket.reply_accepted_at is not None) or (
        ticket.status == Status.CLOSED and ticket.close_reason == CloseReason.ANSWERED and not ticket.satisfaction
    )


ACTIONS = [
    Action(
        "dispatch", "dispatch", inputs.DispatchInput, _dispatch, gettext_lazy("派单"),
        gettext_lazy("派给主办单位（及协办单位）；签收和办结期限从此刻起算。"), (Status.NEW, Status.RETURNED),
    ),
    Action(
        "answer", "answer", inputs.AnswerInput,
        lambda t, u, d: workflow.answer_directly(ticket=t, by=u, answer=d["answer"], source=d["source"], guide=d["guide"]),
        gettext_lazy("直接答复（直办）"), gettext_lazy("话务员当场答复，工单办结并发出回访短信。"), (Status.NEW,),
    ),
    Action(
        "emergency", "refer_emergency", inputs.EmergencyInput,
        lambda t, u, d: workflow.refer_emergency(ticket=t, by=u, service=d["service"], note=d["note"]),
        gettext_lazy("转紧急服务（110/119/120）"), states=(Status.NEW,),
    ),
    Action(
        "invalid", "mark_invalid", inputs.ReasonInput,
        lambda t, u, d: workflow.mark_invalid(ticket=t, by=u, reason=d["reason"]),
        gettext_lazy("标记无效件"), gettext_lazy("骚扰、重复等；按无效件办结，不计入考核。"), (Status.NEW,),
    ),
    Action(
        "sign", "sign", inputs.EmptyInput, lambda t, u, d: workflow.sign(ticket=t, by=u),
        gettext_lazy("签收"), gettext_lazy("主办单位的联络员或负责人签收；已签收的工单再签收得到 409。"), (Status.DISPATCHED,),
    ),
    Action(
        "hand-over", "hand_over", inputs.HandOverInput, _hand_over, gettext_lazy("转交本单位人员"),
        gettext_lazy("联络员把工单交给本单位同事或网格员，对方随后可见并可答复。"), (Status.DISPATCHED, Status.IN_PROGRESS),
    ),
    Action(
        "return", "request_return", inputs.ReturnInput,
        lambda t, u, d: workflow.request_return(ticket=t, by=u, reason=d["reason"], suggested_unit=d["suggested_unit"]),
        gettext_lazy("申请退单"), gettext_lazy("仅在退单时限内；由话务员或督办审批。"), (Status.DISPATCHED, Status.IN_PROGRESS),
        lambda t, facts: facts["pending_return"] is None,
    ),
    Action(
        "return-decision", "decide_return", inputs.DecisionInput,
        lambda t, u, d: workflow.decide_return(ticket=t, by=u, approve=d["decision"] == "approve", note=d["note"]),
        gettext_lazy("审批退单申请"), gettext_lazy("同意则工单回到待派单队列；有争议的退单只能由督办裁决（话务员得到 403）。"),
        applies=lambda t, facts: facts["pending_return"] is not None and facts["may_decide_return"],
    ),
    Action(
        "return-escalation", "escalate_return", inputs.RequiredNoteInput,
        lambda t, u, d: workflow.escalate_return(ticket=t, by=u, note=d["note"]),
        gettext_lazy("退单提交督办裁决"), gettext_lazy("话务员无法决定的退单申请交由督办裁决。"),
        applies=lambda t, facts: facts["pending_return"] is not None and not facts["return_disputed"],
    ),
    Action(
        "extend", "request_extension", inputs.ExtendInput,
        lambda t, u, d: workflow.request_extension(ticket=t, by=u, reason=d["reason"], new_reply_by=d["new_reply_by"]),
        gettext_lazy("申请延期"), gettext_lazy("办结期限前申请；由督办审批。"), (Status.IN_PROGRESS,),
        lambda t, facts: facts["pending_extension"] is None,
    ),
    Action(
        "extension-decision", "decide_extension", inputs.DecisionInput,
        lambda t, u, d: workflow.decide_extension(ticket=t, by=u, approve=d["decision"] == "approve", note=d["note"]),
        gettext_lazy("审批延期申请"), gettext_lazy("督办审批；同意后短信告知群众新的期限。"),
        applies=lambda t, facts: facts["pending_extension"] is not None,
    ),
    Action(
        "reply", "reply", inputs.ReplyInput, _reply, gettext_lazy("答复"),
        gettext_lazy("主办单位联系群众后答复；保密工单只能通过热线联系（中转通话或请话务员联系）。"), (Status.IN_PROGRESS,),
    ),
    Action(
        "review", "review", inputs.ReviewInput,
        lambda t, u, d: workflow.review(ticket=t, by=u, accept=d["decision"] == "accept", note=d["note"]),
        gettext_lazy("审核答复"), gettext_lazy("通过则向群众发送答复摘要和回访短信；退回则回到承办单位。"), (Status.REPLIED,),
        lambda t, facts: facts["pending_reply"] is not None,
    ),
    Action(
        "callback", "record_satisfaction", inputs.CallbackInput,
        lambda t, u, d: workflow.record_satisfaction(ticket=t, by=u, satisfaction=d["satisfaction"], reason=d["reason"], via="phone"),
        gettext_lazy("记录电话回访结果"), gettext_lazy("满意/基本满意/不满意（须说明原因）；工单随之办结。"), (Status.REPLIED, Status.CLOSED),
        _awaiting_rating,
    ),
    Action(
        "reopen", "reopen", inputs.ReopenInput,
        lambda t, u, d: workflow.reopen(ticket=t, by=u, reason=d["reason"], lead_unit=d["lead_unit"]),
        gettext_lazy("重办"), gettext_lazy("回到承办单位重新办理（默认原主办单位）。"), (Status.CLOSED, Status.REPLIED),
        lambda t, facts: t.close_reason not in (CloseReason.INVALID, CloseReason.DUPLICATE, CloseReason.EMERGENCY, CloseReason.IMPORTED),
    ),
    Action(
        "close", "close", inputs.NoteOnlyInput, lambda t, u, d: workflow.close(ticket=t, by=u, note=d["note"]),
        gettext_lazy("按未评价办结"), gettext_lazy("答复审核通过后回访满期限仍未评价时。"), (Status.REPLIED,),
        lambda t, facts: t.reply_accepted_at is not None,
    ),
    Action(
        "supervise", "supervise", inputs.NoteOnlyInput, lambda t, u, d: workflow.supervise(ticket=t, by=u, note=d["note"]),
        gettext_lazy("督办"), gettext_lazy("标记督办并通知主办单位负责人和督办。"), OPEN_STATUSES,
    ),
    Action(
        "merge", "merge", inputs.MergeInput, _merge, gettext_lazy("合并重复件"),
        gettext_lazy("本工单作为重复件办结，群众收到保留的工单号。"), OPEN_STATUSES,
    ),
    Action(
        "notes", "note", inputs.NoteInput,
        lambda t, u, d: workflow.add_note(ticket=t, by=u, note=d["note"], public=d["public"]),
        gettext_lazy("添加备注"), gettext_lazy("能看到工单的人都可以添加备注（协办单位的意见等）。"),
    ),
    Action(
        "masked-call", "masked_call", inputs.EmptyInput,
        lambda t, u, d: masked_calls.start_masked_call(ticket=t, by=u),
        gettext_lazy("中转通话联系群众"),
        gettext_lazy(
            "热线先拨打您的手机，接听后为您接通群众，双方都看不到对方号码（仅对隐藏群众信息的工单）。"
            "电话服务未接受呼叫时得到 502。"
        ),
        (Status.DISPATCHED, Status.IN_PROGRESS),
    ),
    Action(
        "reported-unit", "name_reported_unit", inputs.ReportedUnitInput,
        lambda t, u, d: workflow.name_reported_unit(ticket=t, by=u, unit=d["unit"]),
        gettext_lazy("指定被举报单位"), gettext_lazy("举报件此后永不派给该单位，也不对其显示。"), (Status.NEW, Status.RETURNED),
        lambda t, facts: t.is_report,
    ),
    Action(
        "publish", "publish", inputs.PublishInput,
        lambda t, u, d: workflow.publish(ticket=t, by=u, summary=d["summary"]),
        gettext_lazy("公开（Open311）"), gettext_lazy("以话务员撰写的摘要在 Open311 公开本工单；保密工单和举报件不能公开（409）。再次公开则替换摘要。"),
        applies=lambda t, facts: not t.hides_resident_from_units,
    ),
    Action(
        "unpublish", "publish", inputs.EmptyInput, lambda t, u, d: workflow.unpublish(ticket=t, by=u),
        gettext_lazy("取消公开"), gettext_lazy("工单立即从 Open311 撤下。"), applies=lambda t, facts: t.public,
    ),
]
BY_NAME = {action.name: action for action in ACTIONS}


def facts_for(ticket):
    """Pending requests and replies, read from the ticket's prefetched rows (no queries)."""
    pending_return = next((r for r in ticket.return_requests.all() if r.status == "pending"), None)
    disputed = pending_return is not None and workflow.return_disputed(pending_return)
    return {
        "pending_return": pending_return,
        "return_disputed": disputed,
        "pending_extension": next((r for r in ticket.extension_requests.all() if r.status == "pending"), None),
        "pending_reply": next((r for r in ticket.replies.all() if r.review_status == "pending"), None),
    }


def allowed(user, ticket, facts):
    """Names of the actions offered to `user` now (the ticket is visible to them)."""
    facts = {**facts, "may_decide_return": not facts["return_disputed"] or access.is_supervisor(user)}
    names = []
    for action in ACTIONS:
        if action.states and ticket.status not in action.states:
            continue
        if not action.applies(ticket, facts):
            continue
        if action.permission == "note" or access.can(user, action.permission, ticket):
            names.append(action.name)
    return names
