"""Forms of the promotion pages (staff and public). They check the shape of the input; hotline.promotions
decides whether the action may happen, and its InvalidInput errors go back onto these fields."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hotline import images
from hotline.models import PromotionPlacement, PromotionRequest, Unit, Village

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def village_choices(empty_label):
    """Villages grouped by township (one query): [("", empty), (township, [(id, village), …]), …]."""
    groups = {}
    for village in Village.objects.select_related("township").order_by("township__name", "name"):
        groups.setdefault(village.township.name, []).append((str(village.pk), village.name))
    return [("", empty_label), *groups.items()]


class VillageField(forms.TypedChoiceField):
    """A village picked from a list grouped by township; cleans to the Village (or None)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(coerce=self._village, empty_value=None, **kwargs)

    def _village(self, value):
        village = Village.objects.select_related("township").filter(pk=value).first()
        if village is None:
            raise ValidationError(_("请选择村/社区。"))
        return village

    def valid_value(self, value):
        return str(value).isdigit() and 0 < int(value) < 2**63


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to PHOTOS_PER_ITEM photos, each checked and re-encoded by hotline.images.clean_photo;
    cleans to a list of ContentFiles. Every bad photo is named in the errors."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        limit = settings.HOTLINE["PHOTOS_PER_ITEM"]
        if len(files) > limit:
            raise ValidationError(_("最多上传%(limit)s张图片。") % {"limit": limit}, code="too_many")
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(images.clean_photo(upload, name=upload.name[:60]))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class DetailsForm(forms.Form):
    product = forms.CharField(label=_("产品名称"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=PromotionRequest.Category.choices)
    village = VillageField(label=_("村/社区"))
    description = forms.CharField(
        label=_("产品介绍"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("产地、品种、口感、做法等。不要写“最”“第一”“国家级”等广告法禁用词。"),
    )
    price = forms.DecimalField(label=_("价格"), required=False, min_value=0, max_digits=10, decimal_places=2)
    price_unit = forms.CharField(label=_("计价单位"), required=False, max_length=20, help_text=_("如：元/斤"))
    availability = forms.CharField(label=_("上市季节/供应时间"), required=False, max_length=100)
    quantity = forms.CharField(label=_("可供数量"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = village_choices(_("请选择"))

    def details(self):
        return {name: self.cleaned_data[name] for name in
                ("product", "category", "village", "description", "price", "price_unit", "availability", "quantity")}


class PhoneRequestForm(DetailsForm):
    """An operator takes a request on the phone."""

    phone = forms.CharField(label=_("群众电话"), max_length=30, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    resident_name = forms.CharField(label=_("群众姓名"), required=False, max_length=50, help_text=_("不会公开"))
    text = forms.CharField(label=_("来电内容"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    contact_public = forms.BooleanField(label=_("群众同意在推广页面公开其电话"), required=False)
    photos = PhotosField(label=_("产品图片"))

    field_order = ["phone", "resident_name", "product", "category", "village", "description", "price", "price_unit",
                   "availability", "quantity", "text", "contact_public", "photos"]


class PublicApplyForm(DetailsForm):
    """The public form: a villager asks for their product to be promoted (confirmed by an SMS code)."""

    phone = forms.CharField(
        label=_("手机号"), max_length=30, help_text=_("验证码将发送到这个号码"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_public = forms.BooleanField(
        label=_("同意在推广页面公开我的电话，方便买家联系"), required=False,
        help_text=_("不同意则显示“请通过热线联系”"),
    )
    photos = PhotosField(label=_("产品图片"), help_text=_("可选多张，JPG/PNG，每张不超过8MB"))
    consent = forms.BooleanField(
        label=_("我保证所填内容真实，同意工作人员联系我核实，并在审核通过后公开推广产品信息"),
        error_messages={"required": _("请阅读并勾选同意。")},
    )

    field_order = ["product", "category", "village", "description", "price", "price_unit", "availability",
                   "quantity", "photos", "phone", "contact_public", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.HOTLINE["PHOTOS_PER_ITEM"]
        size = settings.HOTLINE["PHOTO_MAX_BYTES"] // (1024 * 1024)
        self.fields["photos"].help_text = _("可选，最多%(limit)s张，每张不超过%(size)sMB") % {"limit": limit, "size": size}
        self.fields["village"].required = True


class EditForm(DetailsForm):
    pass


class AcceptForm(forms.Form):
    needs_papers = forms.BooleanField(label=_("需要食品安全/检疫证明"), required=False,
                                      help_text=_("食品、肉类、禽蛋、蜂蜜等"))
    papers_checked = forms.BooleanField(label=_("证明已核验"), required=False)
    wording_checked = forms.BooleanField(label=_("宣传用语已核对（无广告法禁用词）"), required=False)
    note = forms.CharField(label=_("审核意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("未通过原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("会短信告知群众，请写清楚、写简短"))


class ScheduleForm(forms.Form):
    """One optional date per platform: the platforms given a date are scheduled."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        published = set()
        if request is not None:
            published = {p.platform for p in request.placements.all() if p.published_on}
        for value, label in PromotionPlacement.Platform.choices:
            if value not in published:
                self.fields[value] = forms.DateField(label=label, required=False, widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in self.fields):
            raise ValidationError(_("请至少给一个平台填写发布日期。"))
        return cleaned

    def placements(self):
        return [(name, day) for name, day in self.cleaned_data.items() if day]


class PlacementForm(forms.Form):
    placement = forms.TypedChoiceField(label=_("平台"), coerce=int)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(request.placements.all()) if request is not None else []
        self.placements = {p.pk: p for p in rows}
        self.fields["placement"].choices = [(p.pk, p.get_platform_display()) for p in self.offered(rows)]

    def offered(self, rows):
        return rows

    def clean_placement(self):
        return self.placements[self.cleaned_data["placement"]]


class PublishForm(PlacementForm):
    link = forms.CharField(label=_("发布链接"), required=False, max_length=500,
                           widget=forms.URLInput(attrs={"placeholder": "https://"}), help_text=_("电视节目可不填"))
    published_on = forms.DateField(label=_("发布日期"), widget=DATE_INPUT)

    def offered(self, rows):
        return [p for p in rows if not p.published_on]


class ResultsForm(PlacementForm):
    views = forms.IntegerField(label=_("浏览量"), required=False)
    likes = forms.IntegerField(label=_("点赞数"), required=False)
    orders = forms.IntegerField(label=_("订单数（据反馈）"), required=False)

    def offered(self, rows):
        return [p for p in rows if p.published_on]


class FinishForm(forms.Form):
    pass


class ShowcaseFilterForm(forms.Form):
    township = forms.TypedChoiceField(label=_("乡镇/街道"), required=False, coerce=int, empty_value=None)
    village = forms.TypedChoiceField(label=_("村/社区"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label=_("类别"), required=False,
                                 choices=[("", _("全部类别")), *PromotionRequest.Category.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        townships = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP).order_by("name").values_list("pk", "name")
        self.fields["township"].choices = [("", _("全部乡镇")), *townships]
        self.fields["village"].choices = village_choices(_("全部村/社区"))


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("产品、电话或内容"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
