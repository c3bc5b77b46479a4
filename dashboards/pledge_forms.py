"""Forms of the pledge pages (承诺事项): the shape of the input only; hotline.pledges decides the rest."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hotline.models import PledgeVote, Unit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; hotline.pledges checks and re-encodes them (hotline.images)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(PhotosField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _photos_help():
    return _("最多%(n)s张，JPG、PNG、WEBP 或 GIF，每张不超过%(mb)s MB。") % {
        "n": settings.HOTLINE["PHOTOS_PER_ITEM"], "mb": settings.HOTLINE["PHOTO_MAX_BYTES"] // (1024 * 1024),
    }


class PledgeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("具体内容"), widget=forms.Textarea(attrs={"rows": 4}))
    origin = forms.CharField(
        label=_("群众诉求来源（群众定单）"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("群众提出了什么诉求，从哪里来（如来电、走访、代表建议）。"),
    )
    target_date = forms.DateField(label=_("承诺完成日期"), widget=DATE_INPUT)
    broadcast_date = forms.DateField(label=_("电视播出日期"), required=False, widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("修改原因"), required=False, max_length=100,
        help_text=_("已发布的承诺修改完成日期时必填，将在公开页面显示。"),
    )

    def __init__(self, *args, published=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not published:
            del self.fields["reason"]


class NewPledgeForm(PledgeForm):
    unit = forms.ModelChoiceField(label=_("承诺单位"), queryset=Unit.objects.none())
    items = forms.CharField(
        label=_("子项"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个子项；有子项时，承诺的进度按子项平均计算。"),
    )

    def __init__(self, *args, choose_unit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_unit:
            self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("kind", "name")
        else:
            del self.fields["unit"]
        self.order_fields(["unit"])

    def item_titles(self):
        return [line.strip() for line in self.cleaned_data.get("items", "").splitlines() if line.strip()]


class ItemForm(forms.Form):
    title = forms.CharField(label=_("子项"), max_length=200)


class ItemProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(label=_("日期"), required=False, widget=DATE_INPUT, help_text=_("不填为今天"))
    progress = forms.IntegerField(
        label=_("完成进度（%）"), min_value=0, max_value=100, required=False,
        help_text=_("没有子项的承诺在这里填写进度"),
    )
    photos = PhotosField(label=_("图片"))

    def __init__(self, *args, has_items=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _photos_help()
        if has_items:
            del self.fields["progress"]


class DoneForm(forms.Form):
    text = forms.CharField(
        label=_("完成情况（政府晒单）"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("公开显示，群众据此验单。"),
    )
    date = forms.DateField(label=_("完成日期"), required=False, widget=DATE_INPUT, help_text=_("不填为今天"))
    photos = PhotosField(label=_("图片"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _photos_help()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("退回原因"), max_length=100, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"), max_length=100, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("将在公开页面显示。"),
    )


class EmptyForm(forms.Form):
    pass


# --- the public page: feedback (群众评单) and the verification vote (群众验单) ----------------------


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("我们会发送验证码到这个号码；号码不会公开。"))
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("您的意见"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    phone = PhoneField()


class VoteForm(forms.Form):
    verdict = forms.ChoiceField(label=_("这项承诺兑现了吗？"), choices=PledgeVote.Verdict.choices, widget=forms.RadioSelect)
    phone = PhoneField()
