"""The ticket page's actions: each one a form and a call into the workflow.

`available(user, ticket, facts)` decides which forms the page shows; the
workflow checks permission and state again when the form is posted.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dashboards import forms
from hotline import access, clock, workflow
from hotline.deadlines import WorkCalendar
from hotline.intake import masked_calls
from hotline.models.choices import CloseReason, RequestStatus, ReviewStatus, Status
from hotline.models.choices import OPEN_STATUSES


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type
    perform: Callable  # (ticket, user, form) -> message shown after success
    permission: str
    states: tuple = ()
    applies: Callable = lambda ticket, facts: True
    primary: bool = False
    buttons: tuple = field(default_factory=tuple)  # (value, label, css) for decision forms


def _dispatch(ticket, user, form):
    data = form.cleaned_data
    workflow.dispatch(ticket=ticket, by=user, lead_unit=data["lead_unit"], co_units=list(data["co_units"]), note=data["note"])
    return _("已派单至%(unit)s。") % {"unit": data["lead_unit"]}


def _reply(ticket, user, form):
    data = form.cleaned_data
    workflow.reply(
        ticket=ticket, by=user, text=data["text"], outcome=data["outcome"], outcome_reason=data["outcome_reason"],
        contact_method=data["contact_method"], contacted_at=data.get("contacted_at"), call=data.get("call"),
    )
    return _("答复已提交，等待热线审核。")


def _decide_return(ticket, user, form):
    workflow.decide_return(ticket=ticket, by=user, approve=form.approve, note=form.cleaned_data["note"])
    return _("已同意退单，工单回到待派单队列。") if form.approve else _("已驳回退单申请。")


def _escalate_return(ticket, user, form):
    workflow.escalate_return(ticket=ticket, by=user, note=form.cleaned_data["note"])
    return _("退单申请已提交督办裁决。")


def _decide_extension(ticket, user, form):
    workflow.decide_extension(ticket=ticket, by=user, approve=form.approve, note=form.cleaned_data["note"])
    return _("已同意延期。") if form.approve else _("已驳回延期申请。")


def _review(ticket, user, form):
    accept = form.cleaned_data["decision"] == "accept"
    workflow.review(ticket=ticket, by=user, accept=accept, note=form.cleaned_data["note"])
    return _("答复已审核通过，已向群众发送回访短信。") if accept else _("答复已退回承办单位。")


def _masked_call(ticket, user, form):
    masked_calls.start_masked_call(ticket=ticket, by=user)
    return _("正在呼叫您的手机，接听后将为您接通群众。")


def _awaiting_rating(ticket, facts):
    return (ticket.status == Status.REPLIED and ticket.reply_accepted_at is not None) or (
        ticket.status == Status.CLOSED and ticket.close_reason == CloseReason.ANSWERED and not ticket.satisfaction
    )


def _reopenable(ticket, facts):
    return ticket.close_reason not in (CloseReason.INVALID, CloseReason.DUPLICATE, CloseReason.EMERGENCY, CloseReason.IMPORTED)


ACTIONS = [
    Action("dispatch", _("派单"), forms.DispatchForm, _dispatch, "dispatch", (Status.NEW, Status.RETURNED), primary=True),
    Action(
        "answer", _("直接答复（直办）"), forms.AnswerForm,
        lambda t, u, f: workflow.answer_directly(
            ticket=t, by=u, answer=f.cleaned_data["answer"], source=f.cleaned_data["source"],
            guide=f.cleaned_data.get("guide"),
        ) and _("已直接答复并办结。"),
        "answer", (Status.NEW,),
    ),
    Action(
        "emergency", _("转紧急服务（110/119/120）"), forms.EmergencyForm,
        lambda t, u, f: workflow.refer_emergency(ticket=t, by=u, service=f.cleaned_data["service"], note=f.cleaned_data["note"])
        and _("已转紧急服务。"),
        "refer_emergency", (Status.NEW,),
    ),
    Action(
        "invalid", _("无效件"), forms.ReasonForm,
        lambda t, u, f: workflow.mark_invalid(ticket=t, by=u, reason=f.cleaned_data["reason"]) and _("已按无效件办结。"),
        "mark_invalid", (Status.NEW,),
    ),
    Action(
        "sign", _("签收"), forms.EmptyForm,
        lambda t, u, f: workflow.sign(ticket=t, by=u) and _("已签收。"),
        "sign", (Status.DISPATCHED,), primary=True,
    ),
    Action(
        "hand_over", _("转交本单位人员"), forms.HandOverForm,
        lambda t, u, f: workflow.hand_over(ticket=t, by=u, to_user=f.cleaned_data["to_user"], note=f.cleaned_data["note"])
        and _("已转交。"),
        "hand_over", (Status.DISPATCHED, Status.IN_PROGRESS),
    ),
    Action(
        "masked_call", _("中转通话联系群众"), forms.EmptyForm, _masked_call, "masked_call",
        (Status.DISPATCHED, Status.IN_PROGRESS), applies=lambda t, facts: facts["has_phone"],
    ),
    Action("reply", _("答复"), forms.ReplyForm, _reply, "reply", (Status.IN_PROGRESS,), primary=True),
    Action(
        "request_extension", _("申请延期"), forms.ExtensionRequestForm,
        lambda t, u, f: workflow.request_extension(
            ticket=t, by=u, reason=f.cleaned_data["reason"], new_reply_by=f.cleaned_data["new_reply_by"]
        ) and _("延期申请已提交，等待督办审批。"),
        "request_extension", (Status.IN_PROGRESS,),
        applies=lambda t, facts: facts["may_extend"] and not facts["pending_extension"],
    ),
    Action(
        "request_return", _("申请退单"), forms.ReturnRequestForm,
        lambda t, u, f: workflow.request_return(
            ticket=t, by=u, reason=f.cleaned_data["reason"], suggested_unit=f.cleaned_data["suggested_unit"]
        ) and _("退单申请已提交，等待热线审批。"),
        "request_return", (Status.DISPATCHED, Status.IN_PROGRESS),
        applies=lambda t, facts: facts["may_return"] and not facts["pending_return"],
    ),
    Action(
        "decide_return", _("审批退单申请"), forms.DecisionForm, _decide_return, "decide_return",
        applies=lambda t, facts: facts["pending_return"] is not None and facts["may_decide_return"], primary=True,
        buttons=(("approve", _("同意退单"), "primary"), ("deny", _("驳回"), "danger")),
    ),
    Action(
        # an operator who cannot settle a return refers it to the supervisor (disputed ones are theirs)
        "escalate_return", _("提交督办裁决"), forms.NoteForm, _escalate_return, "escalate_return",
        applies=lambda t, facts: facts["pending_return"] is not None and not facts["return_disputed"],
    ),
    Action(
        "decide_extension", _("审批延期申请"), forms.DecisionForm, _decide_extension, "decide_extension",
        applies=lambda t, facts: facts["pending_extension"] is not None, primary=True,
        buttons=(("approve", _("同意延期"), "primary"), ("deny", _("驳回"), "danger")),
    ),
    Action(
        "review", _("审核答复"), forms.ReviewForm, _review, "review", (Status.REPLIED,),
        applies=lambda t, facts: facts["pending_reply"] is not None, primary=True,
        buttons=(("accept", _("审核通过"), "primary"), ("send_back", _("退回重办"), "danger")),
    ),
    Action(
        "satisfaction", _("记录回访结果"), forms.SatisfactionForm,
        lambda t, u, f: workflow.record_satisfaction(
            ticket=t, by=u, satisfaction=f.cleaned_data["satisfaction"], reason=f.cleaned_data["reason"], via="phone"
        ) and _("已记录回访结果。"),
        "record_satisfaction", (Status.REPLIED, Status.CLOSED), applies=_awaiting_rating, primary=True,
    ),
    Action(
        "reopen", _("重办"), forms.ReopenForm,
        lambda t, u, f: workflow.reopen(ticket=t, by=u, reason=f.cleaned_data["reason"], lead_unit=f.cleaned_data["lead_unit"])
        and _("已重办。"),
        "reopen", (Status.CLOSED, Status.REPLIED), applies=_reopenable,
    ),
    Action(
        "close", _("按未评价办结"), forms.NoteForm,
        lambda t, u, f: workflow.close(ticket=t, by=u, note=f.cleaned_data["note"]) and _("已办结。"),
        "close", (Status.REPLIED,), applies=lambda t, facts: facts["may_close"],
    ),
    Action(
        # 催办 (issue 7): the resident called again about this open ticket; counted per ticket and unit
        "urge", _("群众催办"), forms.NoteForm,
        lambda t, u, f: workflow.urge(ticket=t, by=u, note=f.cleaned_data["note"]) and _("已记录群众催办。"),
        "urge", OPEN_STATUSES,
    ),
    Action(
        "supervise", _("督办"), forms.NoteForm,
        lambda t, u, f: workflow.supervise(ticket=t, by=u, note=f.cleaned_data["note"]) and _("已督办。"),
        "supervise", OPEN_STATUSES,
    ),
    Action(
        "merge", _("合并重复件"), forms.MergeForm,
        lambda t, u, f: workflow.merge(ticket=t, by=u, into=f.cleaned_data["into"]) and _("已合并。"),
        "merge", OPEN_STATUSES,
    ),
    Action(
        "reported_unit", _("指定被举报单位"), forms.ReportedUnitForm,
        lambda t, u, f: workflow.name_reported_unit(ticket=t, by=u, unit=f.cleaned_data["unit"]) and _("已保存。"),
        "name_reported_unit", (Status.NEW, Status.RETURNED), applies=lambda t, facts: t.is_report,
    ),
    Action(
        "note", _("添加备注"), forms.RequiredNoteForm,
        lambda t, u, f: workflow.add_note(ticket=t, by=u, note=f.cleaned_data["note"], public=f.cleaned_data.get("public", False))
        and _("备注已添加。"),
        "note",
    ),
]
BY_NAME = {action.name: action for action in ACTIONS}


def facts_for(ticket, user):
    """What the action list needs to know beyond the ticket row (a few queries), so that the page
    offers only what the workflow would accept now (it checks again when a form is posted)."""
    pending_return = ticket.return_requests.filter(status=RequestStatus.PENDING).select_related("suggested_unit").first()
    disputed = pending_return is not None and workflow.return_disputed(pending_return)
    now = clock.now()
    lead = access.current_lead(ticket)
    close_due = None
    if ticket.status == Status.REPLIED and ticket.reply_accepted_at is not None:
        wait = settings.HOTLINE["SURVEY_CLOSE_WORKING_DAYS"]
        close_due = WorkCalendar.load().working_days_after(workflow.survey_started(ticket), wait)
    return {
        "now": now,
        "lead": lead,
        "may_extend": lead is not None and now <= lead.reply_by
        and ticket.extension_count < settings.HOTLINE["MAX_EXTENSIONS"],
        "may_return": lead is not None and now <= lead.return_by,
        "may_close": close_due is not None and now >= close_due,
        "has_phone": bool(getattr(getattr(user, "staff", None), "phone", None)),
        "pending_return": pending_return,
        "return_disputed": disputed,
        "may_decide_return": not disputed or access.is_supervisor(user),
        "pending_extension": ticket.extension_requests.filter(status=RequestStatus.PENDING).first(),
        "pending_reply": ticket.replies.filter(review_status=ReviewStatus.PENDING).first(),
    }


def available(user, ticket, facts):
    return [
        action
        for action in ACTIONS
        if (not action.states or ticket.status in action.states)
        and action.applies(ticket, facts)
        and access.can(user, action.permission, ticket)
    ]


# --- Open311 (issue 5): an operator shows a ticket publicly with a summary, or withdraws it ---------
# (confidential tickets and reports never: the workflow refuses them, and the page does not offer it)


def _publish(ticket, user, form):
    workflow.publish(ticket=ticket, by=user, summary=form.cleaned_data["summary"])
    return _("已公开（Open311），公众只看到公开摘要。")


def _unpublish(ticket, user, form):
    workflow.unpublish(ticket=ticket, by=user)
    return _("已取消公开。")


ACTIONS += [
    Action(
        "publish", _("公开到 Open311 / 修改公开摘要"), forms.PublishForm, _publish, "publish",
        applies=lambda t, facts: not t.hides_resident_from_units,
    ),
    Action(
        "unpublish", _("取消公开"), forms.EmptyForm, _unpublish, "publish", applies=lambda t, facts: t.public,
    ),
]
BY_NAME = {action.name: action for action in ACTIONS}
