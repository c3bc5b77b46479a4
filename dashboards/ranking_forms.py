"""The supervisor's form for the ranking's weights (排名权重)."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from hotline.models import RankingScheme
from hotline.ranking import WEIGHT_FIELDS


class RankingSchemeForm(forms.ModelForm):
    class Meta:
        model = RankingScheme
        fields = [*WEIGHT_FIELDS, "marked", "min_received"]
        help_texts = {
            "marked": _("得分最高的这么多个单位上红榜，最低的这么多个上黑榜（参与排名的单位不足时减少）。"),
            "min_received": _("当月受理量少于此数的单位列出但不排名。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in WEIGHT_FIELDS:
            field = self.fields[name]
            field.validators += [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
            field.widget.attrs.update(min="0", max="100", step="0.5")
        self.fields["marked"].validators.append(MinValueValidator(1))
        self.fields["marked"].widget.attrs["min"] = "1"

    def clean(self):
        cleaned = super().clean()
        given = [cleaned.get(name) for name in WEIGHT_FIELDS]
        if all(value is not None for value in given) and not any(value > 0 for value in given):
            raise forms.ValidationError(_("至少一项权重要大于0。"))
        return cleaned
