"""Forms of the dashboards: intake, ticket actions, list filters.

They only check the shape of the input; the workflow decides whether the action
may happen, and its InvalidInput errors are put back on these forms' fields.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline import access, clock, roles
from hotline.models import Call, Category, ServiceGuide, Unit, Village
from hotline.models.choices import (
    Channel,
    ContactMethod,
    EmergencyService,
    Kind,
    Outcome,
    Priority,
    Satisfaction,
    Status,
)

def add_workflow_error(form, exc):
    """Put a workflow error on the form: on its fields where the workflow named them."""
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.field_errors:
        form.add_error(None, exc.message)


LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def active_units():
    return Unit.objects.filter(is_active=True).order_by("kind", "name")


class TicketForm(forms.Form):
    """Any action form: knows the ticket and the acting user."""

    def __init__(self, *args, ticket=None, user=None, **kwargs):
        self.ticket, self.user = ticket, user
        super().__init__(*args, **kwargs)


class IntakeForm(forms.Form):
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices)
    channel = forms.ChoiceField(
        label=_("来源渠道"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label), (Channel.WEB, Channel.WEB.label)],
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea, required=False)
    phone = forms.CharField(
        label=_("群众电话"), required=False, max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    resident_name = forms.CharField(label=_("群众姓名"), required=False, max_length=50)
    village = forms.ModelChoiceField(
        label=_("村/社区"), required=False,
        queryset=Village.objects.select_related("township").order_by("township__name", "name"),
    )
    place = forms.CharField(label=_("地点"), required=False, max_length=200)
    category = forms.ModelChoiceField(label=_("事项分类"), required=False, queryset=Category.objects.filter(is_active=True).select_related("parent__parent__parent"))
    priority = forms.ChoiceField(label=_("紧急程度"), choices=Priority.choices, initial=Priority.NORMAL)
    confidential = forms.BooleanField(label=_("群众要求保密"), required=False, help_text=_("举报件总是保密"))
    reported_unit = forms.ModelChoiceField(
        label=_("被举报单位"), required=False, queryset=Unit.objects.none(),
        help_text=_("仅举报件：该单位不会收到，也看不到此件"),
    )
    call = forms.ModelChoiceField(queryset=Call.objects.all(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_unit"].queryset = active_units()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reported_unit") and cleaned.get("kind") != Kind.REPORT:
            self.add_error("reported_unit", _("只有举报件可以指定被举报单位。"))
        return cleaned


class AnswerForm(TicketForm):
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea)
    source = forms.CharField(
        label=_("引用的办事指南"), required=False, max_length=200,
        help_text=_("答复依据的办事指南或政策名称"),
    )
    # set by picking a guide in the page's guide search (dashboards.views.guides.operator_pick)
    guide = forms.ModelChoiceField(
        queryset=ServiceGuide.objects.filter(status=ServiceGuide.Status.PUBLISHED), required=False,
        widget=forms.HiddenInput, error_messages={"invalid_choice": _("只能引用已发布的办事指南。")},
    )

    def add_error(self, field, error):
        # the guide field is hidden: its problems are shown above the form
        super().add_error(None if field == "guide" else field, error)


class EmergencyForm(TicketForm):
    service = forms.ChoiceField(label=_("转接"), choices=EmergencyService.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ReasonForm(TicketForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(TicketForm):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequiredNoteForm(TicketForm):
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.BooleanField(label=_("群众可见"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.is_hotline_staff(self.user):
            del self.fields["public"]


class DispatchForm(TicketForm):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label=_("协办单位"), queryset=Unit.objects.none(), required=False)
    note = forms.CharField(label=_("派单说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = active_units()
        if self.ticket is not None and self.ticket.reported_unit_id:
            units = units.exclude(pk=self.ticket.reported_unit_id)  # a report never goes to the unit it is about
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units


class HandOverForm(TicketForm):
    to_user = forms.ModelChoiceField(label=_("转交给"), queryset=get_user_model().objects.none())
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = access.unit_of(self.user)
        self.fields["to_user"].queryset = (
            access.unit_users(unit, role_names=roles.UNIT_ROLES).exclude(pk=self.user.pk).order_by("first_name", "username")
            if unit is not None
            else get_user_model().objects.none()
        )
        self.fields["to_user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ReturnRequestForm(TicketForm):
    reason = forms.CharField(label=_("退单理由"), widget=forms.Textarea(attrs={"rows": 2}))
    suggested_unit = forms.ModelChoiceField(label=_("建议承办单位"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = access.unit_of(self.user)
        self.fields["suggested_unit"].queryset = active_units().exclude(pk=getattr(unit, "pk", None))


class ExtensionRequestForm(TicketForm):
    new_reply_by = forms.DateTimeField(label=_("申请延至"), widget=LOCAL_INPUT)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(TicketForm):
    """Approve or deny (one click each); a denial needs the reason."""

    decision = forms.ChoiceField(choices=[("approve", _("同意")), ("deny", _("驳回"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @property
    def approve(self):
        return self.cleaned_data["decision"] == "approve"


class ReviewForm(TicketForm):
    decision = forms.ChoiceField(choices=[("accept", _("通过")), ("send_back", _("退回"))], widget=forms.HiddenInput)
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(TicketForm):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea)
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices)
    outcome_reason = forms.CharField(
        label=_("无法解决的原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如不符合政策、不属于职责范围"),
    )
    contact_method = forms.ChoiceField(label=_("联系群众的方式"), choices=ContactMethod.choices)
    contacted_at = forms.DateTimeField(label=_("联系时间"), widget=LOCAL_INPUT, required=False)
    call = forms.ModelChoiceField(label=_("中转通话记录"), queryset=Call.objects.none(), required=False)
    contacted = forms.BooleanField(label=_("我确认已联系群众并告知办理结果"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_at"].initial = timezone.localtime(clock.now()).replace(second=0, microsecond=0)
        if self.ticket is not None and self.ticket.hides_resident_from_units:
            allowed = (ContactMethod.MASKED_CALL, ContactMethod.VIA_OPERATOR)
            self.fields["contact_method"].choices = [(v, label) for v, label in ContactMethod.choices if v in allowed]
            lead = access.current_lead(self.ticket)
            self.fields["call"].queryset = Call.objects.filter(
                ticket=self.ticket, direction=Call.Direction.BRIDGED, status="answered",
                # calls of an earlier round cannot confirm contact in this one (the workflow refuses them)
                started_at__gte=lead.dispatched_at.replace(second=0, microsecond=0) if lead else clock.now(),
            ).order_by("-started_at")
            self.fields["call"].label_from_instance = lambda c: _("%(when)s 通话%(seconds)s秒") % {
                "when": timezone.localtime(c.started_at).strftime("%m-%d %H:%M"), "seconds": c.duration_seconds or 0,
            }
        else:
            self.fields["contact_method"].choices = [
                (v, label) for v, label in ContactMethod.choices if v != ContactMethod.MASKED_CALL
            ]
            del self.fields["call"]


class SatisfactionForm(TicketForm):
    satisfaction = forms.ChoiceField(label=_("群众评价"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("不满意原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(TicketForm):
    reason = forms.CharField(label=_("重办原因"), widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ModelChoiceField(
        label=_("主办单位"), queryset=Unit.objects.none(), required=False, help_text=_("不选则仍由原主办单位办理"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = active_units()


class MergeForm(TicketForm):
    into = forms.CharField(label=_("合并到工单号"), max_length=8)

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        target = access.visible_tickets(self.user).filter(number=number).first()
        if target is None:
            raise forms.ValidationError(_("找不到工单%(number)s。") % {"number": number})
        return target


class ReportedUnitForm(TicketForm):
    unit = forms.ModelChoiceField(label=_("被举报单位"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()


class EmptyForm(TicketForm):
    pass


class TicketFilterForm(forms.Form):
    q = forms.CharField(label=_("工单号、电话或关键词"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *Status.choices])
    kind = forms.ChoiceField(label=_("诉求类型"), required=False, choices=[("", _("全部类型")), *Kind.choices])
    channel = forms.ChoiceField(label=_("来源渠道"), required=False, choices=[("", _("全部渠道")), *Channel.choices])
    unit = forms.ModelChoiceField(label=_("主办单位"), required=False, queryset=Unit.objects.order_by("kind", "name"),
                                  empty_label=_("全部单位"))
    queue = forms.ChoiceField(label=_("队列"), required=False, widget=forms.HiddenInput, choices=[])
    created_from = forms.DateField(label=_("受理日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, queues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = [("", "")] + [(key, key) for key in queues]


# --- Open311 (issue 5): the operator's public summary of a ticket ------------------------------


class PublishForm(TicketForm):
    summary = forms.CharField(
        label=_("公开摘要"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Open311 公开显示的内容：用自己的话概括诉求，不写群众姓名、电话、门牌号，不照抄群众原话。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.ticket is not None and self.ticket.public_summary:
            self.fields["summary"].initial = self.ticket.public_summary
