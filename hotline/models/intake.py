from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PromotionRequest(models.Model):
    """推广申请: a villager asks for free promotion of a farm product or local food.

    Created from SMS (`推广`/`TG` + text) for now; the promotion issue adds the
    product fields and the media editor's review workflow on top of this record.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")

    resident = models.ForeignKey(
        "hotline.Resident", on_delete=models.PROTECT, related_name="promotion_requests", verbose_name=_("群众")
    )
    text = models.TextField(_("申请内容"))
    channel = models.CharField(_("来源渠道"), max_length=20, default="sms")
    source_message = models.OneToOneField(
        "hotline.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="promotion_request",
        verbose_name=_("来信"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("推广申请")
        verbose_name_plural = _("推广申请")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.resident} {self.text[:20]}"
