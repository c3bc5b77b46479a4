from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hotline.phones import normalize_phone


def validate_phone(value):
    normalize_phone(value)


class Resident(models.Model):
    """群众/来电人, identified by phone in E.164."""

    phone = models.CharField(_("电话"), max_length=20, unique=True, validators=[validate_phone])
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    village = models.ForeignKey(
        "hotline.Village", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("村/社区")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("群众")
        verbose_name_plural = _("群众")

    def __str__(self):
        from hotline.phones import mask_phone

        return f"{self.name or _('群众')} {mask_phone(self.phone)}"

    def clean(self):
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc

    @classmethod
    def for_phone(cls, raw_phone, *, name="", village=None):
        """Find or create the resident for a phone as typed (normalised first)."""
        phone = normalize_phone(raw_phone)
        resident, created = cls.objects.get_or_create(
            phone=phone, defaults={"name": name, "village": village}
        )
        changed = []
        if not created and name and not resident.name:
            resident.name = name
            changed.append("name")
        if not created and village and not resident.village_id:
            resident.village = village
            changed.append("village")
        if changed:
            resident.save(update_fields=changed)
        return resident
