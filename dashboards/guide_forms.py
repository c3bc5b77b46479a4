"""Forms of the service-guide pages. They check the shape of the input only; hotline.guides
decides whether the change may happen, and its errors are put back on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline import guides
from hotline.models import ServiceGuide, Unit


class GuideForm(forms.ModelForm):
    """The guide's content. Editors drafting a new guide also choose its unit."""

    unit = forms.ModelChoiceField(label=_("主管单位"), queryset=Unit.objects.none(), required=True)

    class Meta:
        model = ServiceGuide
        fields = list(guides.CONTENT_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("conditions", "materials", "procedure", "fees")
        }

    def __init__(self, *args, choose_unit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_unit:
            self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("kind", "name")
        else:
            del self.fields["unit"]
        self.fields["title"].widget.attrs["placeholder"] = _("如：居民身份证换领")

    def content(self):
        return {name: self.cleaned_data[name] for name in guides.CONTENT_FIELDS}


class SendBackForm(forms.Form):
    note = forms.CharField(label=_("退回意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("下线原因"), required=False, max_length=100)


class EmptyForm(forms.Form):
    pass


class PublicSearchForm(forms.Form):
    q = forms.CharField(label=_("查办事指南"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("如：身份证")}))
    category = forms.ChoiceField(label=_("类别"), required=False,
                                 choices=[("", _("全部类别")), *ServiceGuide.Category.choices])
    unit = forms.ModelChoiceField(label=_("主管单位"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("全部单位"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = guides.public_units()
