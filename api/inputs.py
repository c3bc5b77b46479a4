"""Input serializers: one small one per action. They check the shape of the input only;
the workflow decides whether the action may happen (and says why not)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from hotline.models import Category, ServiceGuide, Unit, Village
from hotline.models.choices import Channel, ContactMethod, EmergencyService, Kind, Outcome, Priority, Satisfaction

# larger than any real text, small enough that nobody stores a book in a note
TEXT_MAX = 5000
_BIGINT_MAX = 2**63 - 1


class IdField(serializers.PrimaryKeyRelatedField):
    """A primary key that never reaches the database out of range (no 500 for id=10**30)."""

    default_error_messages = {
        "does_not_exist": _("编号为%(pk_value)s的记录不存在。"),
        "incorrect_type": _("请填写数字编号。"),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            value = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= value <= _BIGINT_MAX:
            self.fail("does_not_exist", pk_value=value)
        return super().to_internal_value(value)


class DateTimeField(serializers.DateTimeField):
    """A date and time this hotline can work with: years 2000–2100 (no overflow at the edges of time)."""

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not 2000 <= result.year <= 2100:
            raise serializers.ValidationError(_("日期须在2000年至2100年之间。"), code="out_of_range")
        return result


def _text(**kwargs):
    kwargs.setdefault("max_length", TEXT_MAX)
    return serializers.CharField(**kwargs)


def _note(help_text=""):
    return _text(required=False, allow_blank=True, default="", help_text=help_text)


def _active_units():
    return Unit.objects.filter(is_active=True)


# Channels an API client may name; "open311" and "upstream" are set by those integrations themselves.
API_CHANNELS = [c for c in Channel.choices if c[0] not in (Channel.OPEN311, Channel.UPSTREAM)]


class TicketCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=API_CHANNELS, default=Channel.PHONE, help_text=_("默认 phone"))
    title = serializers.CharField(max_length=200)
    description = _text(required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="",
        help_text=_("群众电话，按群众所说填写即可（自动规范为 E.164）；同一号码即同一位群众"),
    )
    resident_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    village = IdField(queryset=Village.objects.all(), required=False, allow_null=True, default=None)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    confidential = serializers.BooleanField(default=False, help_text=_("群众要求保密；举报件总是保密"))
    category = IdField(queryset=Category.objects.filter(is_active=True), required=False, allow_null=True, default=None)
    reported_unit = IdField(
        queryset=Unit.objects.all(), required=False, allow_null=True, default=None, help_text=_("举报件涉及的单位")
    )
    external_id = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text=_("上级平台（12345）的工单号：仅上级平台账号填写，且必须填写；同一工单号重复提交得到同一件工单（200）"),
    )
    upstream_reply_by = DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("上级平台的办结期限（仅上级平台账号）")
    )


class DispatchInput(serializers.Serializer):
    lead_unit = IdField(queryset=_active_units(), help_text=_("主办单位编号"))
    co_units = serializers.ListField(
        child=IdField(queryset=_active_units()), required=False, default=list, max_length=50, help_text=_("协办单位编号")
    )
    note = _note(_("派单说明"))


class AnswerInput(serializers.Serializer):
    answer = _text(help_text=_("答复内容"))
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text=_("引用的办事指南"))
    guide = IdField(
        queryset=ServiceGuide.objects.filter(status=ServiceGuide.Status.PUBLISHED), required=False, allow_null=True,
        default=None, help_text=_("引用的办事指南编号（已发布的）；不填 source 时以指南名称为答复依据"),
    )


class EmergencyInput(serializers.Serializer):
    service = serializers.ChoiceField(choices=EmergencyService.choices)
    note = _note()


class ReasonInput(serializers.Serializer):
    reason = _text()


class EmptyInput(serializers.Serializer):
    pass


class HandOverInput(serializers.Serializer):
    to_user = serializers.CharField(max_length=150, help_text=_("本单位工作人员的用户名"))
    note = _note()


class ReturnInput(serializers.Serializer):
    reason = _text(help_text=_("退单理由"))
    suggested_unit = IdField(queryset=_active_units(), required=False, allow_null=True, default=None)


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("同意")), ("deny", _("驳回"))])
    note = _note(_("意见；驳回时必填"))


class NoteOnlyInput(serializers.Serializer):
    note = _note()


class RequiredNoteInput(serializers.Serializer):
    note = _text()


class ExtendInput(serializers.Serializer):
    reason = _text(help_text=_("延期理由"))
    new_reply_by = DateTimeField(help_text=_("申请延至"))


class ReplyInput(serializers.Serializer):
    text = _text(help_text=_("答复内容"))
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_reason = _text(required=False, allow_blank=True, default="", help_text=_("无法解决时必填"))
    contact_method = serializers.ChoiceField(
        choices=ContactMethod.choices, help_text=_("保密工单只能 masked_call 或 via_operator")
    )
    contacted_at = DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("联系群众的时间（masked_call 时取自通话记录）")
    )
    call = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=_BIGINT_MAX,
        help_text=_("本工单的中转通话编号（contact_method 为 masked_call 时）"),
    )


class ReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("accept", _("通过")), ("send_back", _("退回"))])
    note = _note(_("审核意见；退回时必填"))


class CallbackInput(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    reason = _text(required=False, allow_blank=True, default="", help_text=_("不满意时必填"))


class ReopenInput(serializers.Serializer):
    reason = _text(help_text=_("重办原因"))
    lead_unit = IdField(
        queryset=_active_units(), required=False, allow_null=True, default=None, help_text=_("不填则仍由原主办单位办理")
    )


class MergeInput(serializers.Serializer):
    into = serializers.RegexField(r"^\d{7,8}$", max_length=8, help_text=_("合并到的工单号"))
    note = _note()


class NoteInput(serializers.Serializer):
    note = _text()
    public = serializers.BooleanField(default=False, help_text=_("群众可见（仅热线人员）"))


class ReportedUnitInput(serializers.Serializer):
    unit = IdField(queryset=Unit.objects.all(), allow_null=True, help_text=_("被举报单位；null 清除"))


class PublishInput(serializers.Serializer):
    summary = serializers.CharField(max_length=4000, help_text=_("给公众看的摘要（Open311 只显示它）：不得含群众姓名或电话"))


class TokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150, required=False)
    password = serializers.CharField(max_length=128, required=False, style={"input_type": "password"})
