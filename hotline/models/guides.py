"""办事指南/便民信息: departments' service guides, drafted by units and published by a media editor."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ServiceGuide(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待发布")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已下线")

    class Category(models.TextChoices):
        CERTIFICATE = "certificate", _("办证")
        AFFAIRS = "affairs", _("办事")
        PAYMENT = "payment", _("缴费")
        OTHER = "other", _("其他")

    unit = models.ForeignKey("hotline.Unit", on_delete=models.PROTECT, related_name="guides", verbose_name=_("主管单位"))
    title = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.AFFAIRS)
    conditions = models.TextField(_("受理条件"), blank=True)
    materials = models.TextField(_("所需材料"), blank=True)
    procedure = models.TextField(_("办理流程"), blank=True)
    legal_time_limit = models.CharField(_("法定办结时限"), max_length=100, blank=True)
    promised_time_limit = models.CharField(_("承诺办结时限"), max_length=100, blank=True)
    fees = models.TextField(_("收费标准与依据"), blank=True)
    location = models.CharField(_("办理地点"), max_length=200, blank=True)
    office_hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    complaints = models.CharField(_("监督投诉方式"), max_length=200, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("用空格或逗号分隔，如：身份证 换证 补办"))
    source = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("如：政务服务网事项清单"))
    last_checked = models.DateField(_("最近核对日期"), default=timezone.localdate)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("浏览次数"), default=0)
    review_note = models.TextField(_("退回意见"), blank=True, editable=False)
    # when the unit was last told by SMS that this guide needs checking (hotline.guides.notify_stale);
    # cleared when it is checked, so each staleness period is told once
    stale_notified_at = models.DateTimeField(_("过期提醒时间"), null=True, blank=True, editable=False)
    # denormalised for the search (hotline.guides.search): NFKC-normalised, case-folded copies kept by
    # the service on every save; title and keywords apart, so a match there ranks higher
    search_title = models.TextField(blank=True, editable=False)
    search_keywords = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("起草人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["view_count", "stale_notified_at", "search_title", "search_keywords", "search_text"]
    )

    class Meta:
        verbose_name = _("办事指南")
        verbose_name_plural = _("办事指南")
        ordering = ["unit__name", "title"]
        indexes = [
            models.Index(fields=["status", "unit"], name="guide_status_unit_idx"),
            # the nightly staleness check and the editor's stale list: published guides by last check
            models.Index(fields=["status", "last_checked"], name="guide_status_checked_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def summary(self):
        """The key facts in one line, for an SMS answer and an operator's direct answer."""
        # short facts first, so that clipping for an SMS cuts only the list of materials
        parts = [
            (_("地点"), self.location), (_("时间"), self.office_hours), (_("电话"), self.phone),
            (_("材料"), self.materials),
        ]
        return "；".join(f"{label}：{' '.join(value.split())}" for label, value in parts if value.strip())
