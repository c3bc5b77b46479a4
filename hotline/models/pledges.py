"""承诺事项: the public pledge board of townships and departments (三单制)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Pledge(models.Model):
    """A unit's public pledge; drafted by the unit, published by a media editor (hotline.pledges)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PENDING = "pending", _("待发布")
        PUBLISHED = "published", _("推进中")
        DONE = "done", _("已完成")
        WITHDRAWN = "withdrawn", _("已撤回")

    unit = models.ForeignKey("hotline.Unit", on_delete=models.PROTECT, related_name="pledges", verbose_name=_("承诺单位"))
    title = models.CharField(_("承诺事项"), max_length=200)
    description = models.TextField(_("具体内容"))
    origin = models.TextField(_("群众诉求来源（群众定单）"), blank=True)
    target_date = models.DateField(_("承诺完成日期"))
    broadcast_date = models.DateField(_("电视播出日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("起草人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["target_date", "pk"]
        indexes = [
            # the public board per unit, and the editor's queue of pledges to publish
            models.Index(fields=["unit", "status"], name="pledge_unit_status_idx"),
        ]

    def __str__(self):
        return f"{self.pk} {self.title}"

    @property
    def number(self):
        """What residents type after 承诺/CN."""
        return self.pk


class PledgeItem(models.Model):
    """A sub-item of a pledge; the pledge's progress is their average when it has any."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("子项"), max_length=200)
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承诺子项")
        verbose_name_plural = _("承诺子项")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class PledgeUpdate(models.Model):
    """A dated entry on the pledge's public timeline (政府施单/政府晒单)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("日期"))
    text = models.TextField(_("进展"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人"))
    created_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承诺进展")
        verbose_name_plural = _("承诺进展")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date} {self.text[:20]}"


def _photo_path(instance, filename):
    return f"pledges/{uuid.uuid4().hex}.jpg"


class PledgeUpdatePhoto(models.Model):
    update = models.ForeignKey(PledgeUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("图片"), upload_to=_photo_path)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("进展图片")
        verbose_name_plural = _("进展图片")
        ordering = ["pk"]


class PledgeVote(models.Model):
    """群众验单: one resident's verdict on a pledge the unit marked done; one per resident."""

    class Verdict(models.TextChoices):
        FULFILLED = "fulfilled", _("已兑现")
        NOT_FULFILLED = "not_fulfilled", _("未兑现")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="votes")
    resident = models.ForeignKey("hotline.Resident", on_delete=models.PROTECT, related_name="pledge_votes")
    verdict = models.CharField(_("验单结果"), max_length=20, choices=Verdict.choices)
    channel = models.CharField(_("来源渠道"), max_length=20, default="sms")
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("验单")
        verbose_name_plural = _("验单")
        constraints = [
            models.UniqueConstraint(fields=["pledge", "resident"], name="pledge_vote_once_per_resident"),
        ]
