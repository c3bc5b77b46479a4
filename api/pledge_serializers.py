"""承诺事项 in the API: what is shown (output) and what a staff write takes (input).

Outputs read only what api.views.pledges selects and prefetches (a fixed number of queries).
Inputs check the shape; hotline.pledges decides whether the change may happen.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.inputs import IdField
from hotline.models import Pledge, PledgeItem, PledgeUpdate, Unit

TEXT_MAX = 5000


class PledgeUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind"]


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice shown in the schema as a string with its values in the help text: other public services
    have `status` fields with other values, and enum components of one name would collide."""


STATUS_HELP = _(
    "状态：draft（草稿）、pending（待发布）、published（推进中）、done（已完成，可验单）、withdrawn（已撤回）"
)


class PledgeSerializer(serializers.ModelSerializer):
    """A pledge in a list."""

    unit = PledgeUnitSerializer(read_only=True)
    status = PlainChoiceField(choices=Pledge.Status.choices, read_only=True, help_text=STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.BooleanField(read_only=True, help_text=_("已发布未完成且已过承诺完成日期（北京时间）"))
    progress = serializers.IntegerField(read_only=True, help_text=_("完成进度（%）：有子项时为子项进度的平均值"))

    class Meta:
        model = Pledge
        fields = [
            "id", "unit", "title", "status", "status_display", "progress", "overdue", "target_date",
            "broadcast_date", "published_at", "done_at",
        ]


class PledgeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PledgeItem
        fields = ["id", "title", "progress", "position"]


class PledgeUpdateSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()

    class Meta:
        model = PledgeUpdate
        fields = ["id", "date", "text", "photos"]

    def get_photos(self, update) -> list[str]:
        request = self.context.get("request")
        urls = [photo.image.url for photo in update.photos.all()]
        return [request.build_absolute_uri(url) for url in urls] if request is not None else urls


class TrailEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    text = serializers.CharField()
    before = serializers.CharField(required=False, help_text=_("长文字字段：修改前的内容"))
    after = serializers.CharField(required=False, help_text=_("长文字字段：修改后的内容"))


class VoteSummarySerializer(serializers.Serializer):
    fulfilled = serializers.IntegerField(help_text=_("已兑现票数"))
    not_fulfilled = serializers.IntegerField(help_text=_("未兑现票数"))
    total = serializers.IntegerField()
    percent_fulfilled = serializers.IntegerField(allow_null=True, help_text=_("兑现率（%）；无人验单时为 null"))


class PledgeDetailSerializer(PledgeSerializer):
    """A pledge with its items, timeline, public trail of changes and the verification result."""

    items = PledgeItemSerializer(many=True, read_only=True)
    updates = PledgeUpdateSerializer(many=True, read_only=True)
    trail = serializers.SerializerMethodField(help_text=_("发布后的每一次修改（日期、内容、原因）"))
    votes = serializers.SerializerMethodField(help_text=_("群众验单结果"))
    feedback_count = serializers.SerializerMethodField(help_text=_("群众意见（工单）条数；不含群众信息"))

    class Meta(PledgeSerializer.Meta):
        fields = [*PledgeSerializer.Meta.fields, "description", "origin", "items", "updates", "trail", "votes",
                  "feedback_count"]

    @extend_schema_field(TrailEntrySerializer(many=True))
    def get_trail(self, pledge):
        entries = [{k: v for k, v in entry.items() if k != "when"} for entry in self.context["trail"]]
        return TrailEntrySerializer(entries, many=True).data

    @extend_schema_field(VoteSummarySerializer)
    def get_votes(self, pledge):
        return VoteSummarySerializer(self.context["votes"]).data

    def get_feedback_count(self, pledge) -> int:
        return self.context["feedback_count"]


# --- inputs --------------------------------------------------------------------------------------------


def _text(**kwargs):
    kwargs.setdefault("max_length", TEXT_MAX)
    return serializers.CharField(**kwargs)


class PledgeCreateInput(serializers.Serializer):
    unit = IdField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text=_("承诺单位编号；单位用户不填即本单位，编辑必填"),
    )
    title = serializers.CharField(max_length=200)
    description = _text()
    origin = _text(required=False, allow_blank=True, default="", help_text=_("群众诉求来源（群众定单）"))
    target_date = serializers.DateField(help_text=_("承诺完成日期，不早于今天"))
    broadcast_date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("电视播出日期"))
    items = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=50,
        help_text=_("子项名称"),
    )


class PledgeEditInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = _text(required=False)
    origin = _text(required=False, allow_blank=True)
    target_date = serializers.DateField(required=False)
    broadcast_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text=_("修改原因；修改已发布承诺的完成日期时必填，公开显示"),
    )


class PledgeNoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=100, help_text=_("退回原因"))


class PledgeReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=100, help_text=_("撤回原因，公开显示"))


class PledgeUpdateInput(serializers.Serializer):
    text = _text(help_text=_("进展情况"))
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("不填为今天；不晚于今天"))
    progress = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100,
        help_text=_("完成进度（%），仅没有子项的承诺"),
    )


class PledgeDoneInput(serializers.Serializer):
    text = _text(help_text=_("完成情况（政府晒单），公开显示，群众据此验单"))
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("不填为今天"))


class PledgeItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)


class PledgeItemChangeInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    progress = serializers.IntegerField(required=False, min_value=0, max_value=100, help_text=_("完成进度（%）"))
