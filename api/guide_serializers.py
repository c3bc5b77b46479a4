"""Service guides (办事指南) in the API: what the public and staff see, and what staff send.

The category and status are documented as strings with their values listed (not as enum
components): several models of the public services have fields named `category` and `status`
with other values, and enum components of one name would collide in the OpenAPI document.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.inputs import IdField
from api.serializers import UnitRefSerializer
from hotline import guides
from hotline.models import ServiceGuide, Unit


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice, validated, but shown in the schema as a string (see the module's docstring)."""


CATEGORY_HELP = _("类别：certificate（办证）、affairs（办事）、payment（缴费）、other（其他）")
STATUS_HELP = _("状态：draft（草稿）、pending（待发布）、published（已发布）、withdrawn（已下线）")


class GuideListSerializer(serializers.ModelSerializer):
    """A published guide in a list."""

    category = PlainChoiceField(choices=ServiceGuide.Category.choices, read_only=True, help_text=CATEGORY_HELP)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("公开页面的网址"))
    stale = serializers.SerializerMethodField(help_text=_("超过核对期限：内容可能已变化，办理前宜先电话咨询"))

    class Meta:
        model = ServiceGuide
        fields = ["id", "title", "category", "category_display", "unit", "location", "phone", "last_checked", "url",
                  "stale"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, guide):
        path = reverse("public_guide", args=[guide.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_stale(self, guide):
        return guides.is_stale(guide)


class GuideDetailSerializer(GuideListSerializer):
    """A published guide with all its fields."""

    class Meta(GuideListSerializer.Meta):
        fields = [
            "id", "title", "category", "category_display", "unit", "conditions", "materials", "procedure",
            "legal_time_limit", "promised_time_limit", "fees", "location", "office_hours", "phone", "complaints",
            "keywords", "source", "last_checked", "published_at", "view_count", "url", "stale",
        ]
        read_only_fields = fields


class GuideStaffSerializer(GuideDetailSerializer):
    """A guide as its unit and the editors see it, in any state."""

    status = PlainChoiceField(choices=ServiceGuide.Status.choices, read_only=True, help_text=STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    review_note = serializers.CharField(read_only=True, help_text=_("编辑退回时的意见"))

    class Meta(GuideDetailSerializer.Meta):
        fields = [*GuideDetailSerializer.Meta.fields, "status", "status_display", "review_note", "created_at",
                  "updated_at"]
        read_only_fields = fields


def _text(name, **kwargs):
    field = ServiceGuide._meta.get_field(name)
    return serializers.CharField(
        max_length=field.max_length or 5000, required=False, allow_blank=True, help_text=field.verbose_name, **kwargs
    )


class GuideInput(serializers.Serializer):
    """The content of a guide. A unit drafts for itself; an editor names the unit."""

    unit = IdField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text=_("主管单位编号：编辑新建时必填；单位账号不填（即本单位）；修改时不能更改"),
    )
    title = serializers.CharField(max_length=200, help_text=_("事项名称"))
    category = PlainChoiceField(choices=ServiceGuide.Category.choices, required=False, help_text=CATEGORY_HELP)
    conditions = _text("conditions")
    materials = _text("materials")
    procedure = _text("procedure")
    legal_time_limit = _text("legal_time_limit")
    promised_time_limit = _text("promised_time_limit")
    fees = _text("fees")
    location = _text("location")
    office_hours = _text("office_hours")
    phone = _text("phone")
    complaints = _text("complaints")
    keywords = _text("keywords")
    source = _text("source")


class SendBackInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text=_("退回意见（必填）"))


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                   help_text=_("下线原因"))
