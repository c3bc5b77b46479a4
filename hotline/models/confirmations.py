"""SMS codes that confirm a public web form came from the phone it names (hotline.confirmations)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PhoneConfirmation(models.Model):
    """One code sent to one phone for one submission; the submission happens when the code is entered."""

    class Purpose(models.TextChoices):
        PROMOTION = "promotion", _("推广申请")
        PLEDGE_FEEDBACK = "pledge_feedback", _("承诺事项反馈")
        PLEDGE_VOTE = "pledge_vote", _("承诺事项验单")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("手机号"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    payload = models.JSONField(_("待提交内容"), default=dict)
    code_hash = models.CharField(max_length=128)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    result_url = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("短信验证")
        verbose_name_plural = _("短信验证")
        indexes = [
            # how many codes a phone was sent lately (the per-phone limit)
            models.Index(fields=["phone", "created_at"], name="confirmation_phone_idx"),
        ]
