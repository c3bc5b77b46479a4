"""Promotion requests (推广申请) in the API: the public's published products, the editors' requests,
and what staff send for each action.

The category and status are documented as strings with their values listed (not as enum components):
several models of the public services have fields named `category` and `status` with other values, and
enum components of one name would collide in the OpenAPI document. Nothing here queries per row: the
views prefetch what these read.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.inputs import IdField
from hotline import promotions
from hotline.models import PromotionPlacement, PromotionRequest, Village

TEXT_MAX = 2000


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice, validated, but shown in the schema as a string (see the module's docstring)."""


CATEGORY_HELP = _("类别：farm_product（农产品）、local_food（特色美食）、handicraft（手工艺）、other（其他）")
STATUS_HELP = _(
    "状态：submitted（已提交）、accepted（已通过审核）、declined（未通过审核）、scheduled（已排期）、"
    "published（已发布）、done（已完成）"
)
CHANNEL_HELP = _("来源：sms（短信）、phone（电话）、web（网上申请）")


def _photo_url(photo, context):
    if not photo.image:
        return None
    request = context.get("request")
    return request.build_absolute_uri(photo.image.url) if request is not None else photo.image.url


class PublicProductPlacementSerializer(serializers.ModelSerializer):
    platform_display = serializers.CharField(source="get_platform_display", read_only=True)
    link = serializers.CharField(read_only=True, help_text=_("发布链接（电视节目为空）"))

    class Meta:
        model = PromotionPlacement
        fields = ["platform", "platform_display", "published_on", "link"]
        read_only_fields = fields


class PublicProductSerializer(serializers.ModelSerializer):
    """A published product as the public sees it: never the villager's name; the phone only with consent."""

    category = PlainChoiceField(choices=PromotionRequest.Category.choices, read_only=True, help_text=CATEGORY_HELP)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    township = serializers.SerializerMethodField(help_text=_("乡镇/街道"))
    village = serializers.SerializerMethodField(help_text=_("村/社区"))
    photos = serializers.SerializerMethodField(help_text=_("图片网址"))
    platforms = serializers.SerializerMethodField(help_text=_("已发布的平台和链接"))
    contact_phone = serializers.SerializerMethodField(
        help_text=_("村民同意公开时为其电话，否则为 null（请通过热线联系）")
    )
    done = serializers.SerializerMethodField(help_text=_("推广已完成"))
    url = serializers.SerializerMethodField(help_text=_("公开页面的网址"))

    class Meta:
        model = PromotionRequest
        fields = [
            "id", "product", "category", "category_display", "township", "village", "description", "price",
            "price_unit", "availability", "quantity", "photos", "platforms", "contact_phone", "published_at", "done",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_township(self, req):
        return req.village.township.name if req.village_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_village(self, req):
        return req.village.name if req.village_id else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_photos(self, req):
        return [_photo_url(photo, self.context) for photo in req.shown_photos]

    @extend_schema_field(PublicProductPlacementSerializer(many=True))
    def get_platforms(self, req):
        return PublicProductPlacementSerializer(req.published_placements, many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact_phone(self, req):
        return promotions.public_contact(req)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_done(self, req):
        return req.status == PromotionRequest.Status.DONE

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, req):
        path = reverse("public_product", args=[req.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


# --- staff ---------------------------------------------------------------------------------------


class PromotionPlacementSerializer(serializers.ModelSerializer):
    platform_display = serializers.CharField(source="get_platform_display", read_only=True)
    link = serializers.CharField(read_only=True, help_text=_("发布链接（未发布或电视节目为空）"))

    class Meta:
        model = PromotionPlacement
        fields = ["platform", "platform_display", "scheduled_for", "published_on", "link", "views", "likes", "orders",
                  "results_at"]
        read_only_fields = fields


class PromotionPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text=_("图片网址；彩信图片下载前或下载失败时为 null"))
    source_url = serializers.CharField(help_text=_("彩信原始地址（上传的图片为空）"))
    fetch_error = serializers.CharField(help_text=_("彩信下载失败的原因"))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_url(self, photo):
        return _photo_url(photo, self.context)


class PromotionResidentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text=_("E.164，如 +8613800138000"))


class PromotionVillageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    township = serializers.CharField(help_text=_("乡镇/街道"))


class PromotionSerializer(serializers.ModelSerializer):
    """A request as media editors see it (with the villager's contact and the review checklist)."""

    status = PlainChoiceField(choices=PromotionRequest.Status.choices, read_only=True, help_text=STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category = PlainChoiceField(choices=PromotionRequest.Category.choices, read_only=True, help_text=CATEGORY_HELP)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    channel = serializers.CharField(read_only=True, help_text=CHANNEL_HELP)
    resident = serializers.SerializerMethodField()
    village = serializers.SerializerMethodField()
    forbidden_terms = serializers.SerializerMethodField(
        help_text=_("公开文字中的广告法禁用词：字段 → 禁用词；有禁用词时不能通过审核")
    )
    reviewed_by = serializers.SerializerMethodField()

    class Meta:
        model = PromotionRequest
        fields = [
            "id", "status", "status_display", "channel", "text", "product", "category", "category_display",
            "village", "description", "price", "price_unit", "availability", "quantity", "contact_public",
            "resident", "needs_papers", "papers_checked", "wording_checked", "review_note", "decline_reason",
            "forbidden_terms", "reviewed_by", "reviewed_at", "published_at", "done_at", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PromotionResidentSerializer(allow_null=True))
    def get_resident(self, req):
        resident = req.resident
        return {"id": resident.pk, "name": resident.name, "phone": resident.phone} if resident else None

    @extend_schema_field(PromotionVillageSerializer(allow_null=True))
    def get_village(self, req):
        if not req.village_id:
            return None
        return {"id": req.village_id, "name": req.village.name, "township": req.village.township.name}

    @extend_schema_field(serializers.DictField(child=serializers.ListField(child=serializers.CharField())))
    def get_forbidden_terms(self, req):
        found = {field: promotions.forbidden_terms(getattr(req, field)) for field in promotions.PUBLIC_TEXT_FIELDS}
        return {field: terms for field, terms in found.items() if terms}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewed_by(self, req):
        user = req.reviewed_by
        return (user.get_full_name() or user.get_username()) if user else None


class PromotionDetailSerializer(PromotionSerializer):
    """A request with its platforms and photos."""

    placements = PromotionPlacementSerializer(many=True, read_only=True)
    photos = PromotionPhotoSerializer(many=True, read_only=True)

    class Meta(PromotionSerializer.Meta):
        fields = [*PromotionSerializer.Meta.fields, "placements", "photos"]
        read_only_fields = fields


# --- inputs --------------------------------------------------------------------------------------


def _text(max_length=TEXT_MAX, **kwargs):
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=max_length, **kwargs)


class PromotionDetailsInput(serializers.Serializer):
    product = _text(100, help_text=_("产品名称"))
    category = PlainChoiceField(choices=PromotionRequest.Category.choices, required=False, help_text=CATEGORY_HELP)
    village = IdField(queryset=Village.objects.select_related("township"), required=False, allow_null=True,
                      help_text=_("村/社区编号"))
    description = _text(help_text=_("产品介绍（公开显示，不得含广告法禁用词）"))
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True,
                                     help_text=_("价格（元）"))
    price_unit = _text(20, help_text=_("计价单位，如：元/斤"))
    availability = _text(100, help_text=_("上市季节/供应时间"))
    quantity = _text(100, help_text=_("可供数量"))


class PromotionCreateInput(PromotionDetailsInput):
    product = serializers.CharField(max_length=100, help_text=_("产品名称"))
    phone = serializers.CharField(max_length=30, help_text=_("群众电话（任意常见写法）"))
    resident_name = _text(50, help_text=_("群众姓名（不会公开）"))
    text = _text(help_text=_("来电内容"))
    contact_public = serializers.BooleanField(default=False, help_text=_("群众同意在推广页面公开其电话"))


class PromotionAcceptInput(serializers.Serializer):
    needs_papers = serializers.BooleanField(default=False, help_text=_("需要食品安全/检疫证明"))
    papers_checked = serializers.BooleanField(default=False, help_text=_("证明已核验（需要证明时必须为 true）"))
    wording_checked = serializers.BooleanField(default=False, help_text=_("宣传用语已核对（必须为 true）"))
    note = _text(help_text=_("审核意见"))


class PromotionDeclineInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("未通过原因（短信告知群众）"))


class PromotionPlacementInput(serializers.Serializer):
    platform = serializers.ChoiceField(choices=PromotionPlacement.Platform.choices)
    date = serializers.DateField(help_text=_("计划发布日期（今天或以后）"))


class PromotionScheduleInput(serializers.Serializer):
    placements = PromotionPlacementInput(many=True, help_text=_("一个或多个平台，各带日期"))


class PromotionPublishInput(serializers.Serializer):
    platform = serializers.ChoiceField(choices=PromotionPlacement.Platform.choices, help_text=_("已排期的平台"))
    link = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text=_("发布链接（http/https；电视可不填）"))
    published_on = serializers.DateField(help_text=_("发布日期（不晚于今天）"))


class PromotionResultsInput(serializers.Serializer):
    platform = serializers.ChoiceField(choices=PromotionPlacement.Platform.choices, help_text=_("已发布的平台"))
    views = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2_000_000_000,
                                     help_text=_("浏览量"))
    likes = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2_000_000_000,
                                     help_text=_("点赞数"))
    orders = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2_000_000_000,
                                      help_text=_("订单数（据反馈）"))


