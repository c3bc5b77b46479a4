"""Residents' requests about their personal data (hotline.privacy): exports and erasures, on the record."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureRecord(models.Model):
    """One erasure of a resident's personal data: who, when, why and how much was scrubbed.

    Never the erased data itself: `counts` holds numbers only ({"messages": 3, ...}).
    """

    class Kind(models.TextChoices):
        REQUEST = "request", _("群众申请删除")
        RETENTION = "retention", _("保存期满自动匿名化")

    resident = models.ForeignKey(
        "hotline.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="erasures",
        verbose_name=_("群众（已匿名）"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.REQUEST)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.TextField(_("原因"))
    counts = models.JSONField(_("删除数量"), default=dict)

    class Meta:
        verbose_name = _("个人信息删除记录")
        verbose_name_plural = _("个人信息删除记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ResidentExport(models.Model):
    """One export of everything held about a resident (a supervisor answered their request)."""

    resident = models.ForeignKey(
        "hotline.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="exports",
        verbose_name=_("群众"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("个人信息导出记录")
        verbose_name_plural = _("个人信息导出记录")
        ordering = ["-at"]
