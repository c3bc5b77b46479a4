from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords


class Unit(models.Model):
    """承办单位: a district department or a township that handles tickets."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("区直部门")
        TOWNSHIP = "township", _("乡镇/街道")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    phone = PhoneNumberField(_("办公电话"), blank=True)
    description = models.TextField(_("职责"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Village(models.Model):
    """村/社区, under a township."""

    township = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="villages",
        limit_choices_to={"kind": Unit.Kind.TOWNSHIP},
        verbose_name=_("乡镇/街道"),
    )
    name = models.CharField(_("名称"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("村/社区")
        verbose_name_plural = _("村/社区")
        ordering = ["township__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="village_unique_per_township")
        ]

    def __str__(self):
        return f"{self.township.name}{self.name}"


class StaffProfile(models.Model):
    """Links a login to its unit; the role itself is the user's group (hotline.roles)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name=_("用户")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("所属单位")
    )
    phone = PhoneNumberField(_("手机"), blank=True, help_text=_("用于接收提醒短信"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self):
        return f"{self.user.get_username()} ({self.unit or '-'})"
