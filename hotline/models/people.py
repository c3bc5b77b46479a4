from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hotline.phones import normalize_phone


def validate_phone(value):
    normalize_phone(value)


class Resident(models.Model):
    """群众/来电人, identified by phone in E.164."""

    # NULL once the resident's data was erased (hotline.privacy): the row stays for the tickets' counts
    phone = models.CharField(_("电话"), max_length=20, unique=True, null=True, blank=True, validators=[validate_phone])
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    village = models.ForeignKey(
        "hotline.Village", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("村/社区")
    )
    sms_opt_out = models.BooleanField(
        _("已退订短信"), default=False, help_text=_("退订后只收到对其来信的直接回复")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # hotline.privacy: when the first acknowledgement carried the privacy notice's link, and when the
    # resident's personal data was erased (on request, or when the retention period ran out)
    privacy_notice_at = models.DateTimeField(_("隐私说明发送时间"), null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("群众")
        verbose_name_plural = _("群众")

    def __str__(self):
        from hotline.phones import mask_phone

        return f"{self.name or _('群众')} {mask_phone(self.phone)}"

    @property
    def can_receive_sms(self):
        """False for a landline: updates go onto the operators' callback list instead."""
        from hotline.phones import is_mobile

        return is_mobile(self.phone)

    def clean(self):
        try:
            self.phone = normalize_phone(self.phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc

    @classmethod
    def for_phone(cls, raw_phone, *, name="", village=None, by=None):
        """Find or create the resident for a phone as typed (normalised first); `by` goes on the history."""
        return cls._find_or_create(raw_phone, name=name, village=village, by=by)[0]

    @classmethod
    def lock_for_phone(cls, raw_phone, *, by=None):
        """(resident, created) for a phone, the row locked (SELECT … FOR UPDATE) until the caller's transaction
        ends, in the same query that finds it; a row created here is the transaction's own until then anyway."""
        return cls._find_or_create(raw_phone, by=by, lock=True)

    @classmethod
    def _find_or_create(cls, raw_phone, *, name="", village=None, by=None, lock=False):
        phone = normalize_phone(raw_phone)
        rows = cls.objects.select_for_update() if lock else cls.objects
        resident = rows.filter(phone=phone).first()
        created = resident is None
        if created:
            resident = cls(phone=phone, name=name, village=village)
            resident._history_user = by
            try:
                with transaction.atomic():
                    resident.save()
            except IntegrityError:  # created meanwhile by a concurrent request
                resident, created = rows.get(phone=phone), False
        changed = []
        if not created and name and not resident.name:
            resident.name = name
            changed.append("name")
        if not created and village and not resident.village_id:
            resident.village = village
            changed.append("village")
        if changed:
            resident._history_user = by
            resident.save(update_fields=changed)
        return resident, created
