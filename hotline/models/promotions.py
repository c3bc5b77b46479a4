"""推广申请: free promotion of villagers' farm products and local food (the media editor's workflow)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PromotionRequest(models.Model):
    """A villager asks for a product to be promoted; every status change goes through hotline.promotions."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("待短信确认")
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已通过审核")
        DECLINED = "declined", _("未通过审核")
        SCHEDULED = "scheduled", _("已排期")
        PUBLISHED = "published", _("已发布")
        DONE = "done", _("已完成")

    class Category(models.TextChoices):
        FARM_PRODUCT = "farm_product", _("农产品")
        LOCAL_FOOD = "local_food", _("特色美食")
        HANDICRAFT = "handicraft", _("手工艺")
        OTHER = "other", _("其他")

    # empty only while a public web form waits for its SMS code (UNCONFIRMED)
    resident = models.ForeignKey(
        "hotline.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="promotion_requests",
        verbose_name=_("群众"),
    )
    text = models.TextField(_("申请原文"), blank=True)
    channel = models.CharField(_("来源渠道"), max_length=20, default="sms")
    source_message = models.OneToOneField(
        "hotline.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="promotion_request",
        verbose_name=_("来信"),
    )
    product = models.CharField(_("产品名称"), max_length=100, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.FARM_PRODUCT)
    village = models.ForeignKey(
        "hotline.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="promotion_requests",
        verbose_name=_("村/社区"),
    )
    description = models.TextField(_("产品介绍"), blank=True)
    price = models.DecimalField(_("价格"), max_digits=10, decimal_places=2, null=True, blank=True)
    price_unit = models.CharField(_("计价单位"), max_length=20, blank=True, help_text=_("如：元/斤"))
    availability = models.CharField(_("上市季节/供应时间"), max_length=100, blank=True)
    quantity = models.CharField(_("可供数量"), max_length=100, blank=True)
    contact_public = models.BooleanField(_("同意公开联系电话"), default=False)
    # the editor's review checklist
    needs_papers = models.BooleanField(_("需要食品安全/检疫证明"), default=False)
    papers_checked = models.BooleanField(_("证明已核验"), default=False)
    wording_checked = models.BooleanField(_("宣传用语已核对（无广告法禁用词）"), default=False)
    review_note = models.TextField(_("审核意见"), blank=True)
    decline_reason = models.TextField(_("未通过原因"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推广申请")
        verbose_name_plural = _("推广申请")
        ordering = ["-created_at"]
        indexes = [
            # the editor's queues and the public showcase (published/done, newest first)
            models.Index(fields=["status", "-created_at"], name="promotion_status_idx"),
        ]

    def __str__(self):
        return f"{self.product or self.text[:20]}"


class PromotionPlacement(models.Model):
    """One platform a promotion is scheduled on, its publication, and the results reported."""

    class Platform(models.TextChoices):
        DOUYIN = "douyin", _("抖音")
        KUAISHOU = "kuaishou", _("快手")
        WECHAT = "wechat", _("微信公众号")
        APP = "app", _("融媒体客户端")
        TV = "tv", _("电视")
        WEBSITE = "website", _("网站")

    request = models.ForeignKey(PromotionRequest, on_delete=models.CASCADE, related_name="placements")
    platform = models.CharField(_("平台"), max_length=20, choices=Platform.choices)
    scheduled_for = models.DateField(_("计划发布日期"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    link = models.URLField(_("链接"), max_length=500, blank=True)
    views = models.PositiveIntegerField(_("浏览量"), null=True, blank=True)
    likes = models.PositiveIntegerField(_("点赞数"), null=True, blank=True)
    orders = models.PositiveIntegerField(_("订单数（据反馈）"), null=True, blank=True)
    results_at = models.DateTimeField(_("效果录入时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推广平台")
        verbose_name_plural = _("推广平台")
        ordering = ["scheduled_for", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["request", "platform"], name="placement_unique_platform"),
        ]

    def __str__(self):
        return f"{self.request} · {self.get_platform_display()}"


def _photo_path(instance, filename):
    return f"promotions/{uuid.uuid4().hex}.jpg"


class PromotionPhoto(models.Model):
    """A product photo: uploaded (checked and re-encoded by hotline.images) or sent by MMS (fetched by a task)."""

    request = models.ForeignKey(PromotionRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("图片"), upload_to=_photo_path, blank=True)
    source_url = models.URLField(_("彩信地址"), max_length=500, blank=True)
    fetch_error = models.CharField(_("彩信下载错误"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("产品图片")
        verbose_name_plural = _("产品图片")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.image.name or self.source_url
