"""Admin of smart dispatch (issue 8), registered from hotline.admin: the keyword rules, with their
conflict check, and the classifier's versions (read only, with a button to train a new one).

Supervisors use it (the access rule), not model permissions.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from hotline import access, tasks
from hotline.admin_access import SupervisorOnly, SupervisorReadOnly
from hotline.models import RouterModel, RoutingRule
from hotline.routing import rules


class RoutingRuleForm(forms.ModelForm):
    confirm_conflicts = forms.BooleanField(
        label=gettext_lazy("仍然保存"), required=False,
        help_text=gettext_lazy("关键词与其他单位的规则冲突时，勾选后仍可保存：两个单位都会被建议。"),
    )

    class Meta:
        model = RoutingRule
        fields = ["unit", "keywords", "weight", "is_active", "note"]

    def clean(self):
        cleaned = super().clean()
        keywords = rules.parse_keywords(cleaned.get("keywords", ""))
        if "keywords" in cleaned and not keywords:
            self.add_error("keywords", _("请至少填写一个关键词。"))
        short = rules.too_short(keywords)
        if short:
            self.add_error("keywords", _("关键词至少 %(n)d 个字：%(words)s") % {
                "n": rules.MIN_KEYWORD_LENGTH, "words": "、".join(short),
            })
        unit = cleaned.get("unit")
        if keywords and unit is not None and cleaned.get("is_active") and not cleaned.get("confirm_conflicts"):
            found = rules.conflicts(keywords=keywords, unit=unit, exclude_pk=self.instance.pk)
            if found:
                lines = [
                    _("“%(word)s”与%(unit)s的“%(other)s”冲突") % {
                        "word": conflict.keyword, "unit": conflict.rule.unit, "other": conflict.other_keyword,
                    }
                    for conflict in found[:10]
                ]
                self.add_error("keywords", _("关键词与其他单位的规则冲突：%(list)s。改用更具体的词，或勾选“仍然保存”。") % {
                    "list": "；".join(lines),
                })
        return cleaned


@admin.register(RoutingRule)
class RoutingRuleAdmin(SupervisorOnly, SimpleHistoryAdmin):
    form = RoutingRuleForm
    list_display = ["unit", "keywords", "weight", "is_active", "updated_at"]
    list_filter = ["is_active", "unit"]
    search_fields = ["keywords", "note", "unit__name"]
    list_select_related = ["unit"]

    def has_add_permission(self, request):
        return access.is_supervisor(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_supervisor(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_supervisor(request.user)


def _percent(value):
    return "-" if value is None else f"{value * 100:.1f}%"


@admin.register(RouterModel)
class RouterModelAdmin(SupervisorReadOnly, admin.ModelAdmin):
    list_display = ["version", "status", "trigger", "started_at", "samples", "classes", "top1_display",
                    "top3_display", "compared_display", "rules_display"]
    list_filter = ["status", "trigger"]
    exclude = ["artifact"]
    readonly_fields = ["version", "status", "trigger", "started_at", "finished_at", "started_by", "samples",
                       "train_samples", "test_samples", "classes", "top1", "top3", "compared_with",
                       "compared_top1", "compared_on", "data_until", "rules_top1", "note", "library"]

    @admin.display(description=gettext_lazy("首位命中率"), ordering="top1")
    def top1_display(self, obj):
        return _percent(obj.top1)

    @admin.display(description=gettext_lazy("前三命中率"), ordering="top3")
    def top3_display(self, obj):
        return _percent(obj.top3)

    @admin.display(description=gettext_lazy("对比版本首位命中率"))
    def compared_display(self, obj):
        return _percent(obj.compared_top1)

    @admin.display(description=gettext_lazy("仅规则首位命中率"))
    def rules_display(self, obj):
        return _percent(obj.rules_top1)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("artifact")

    def get_urls(self):
        train = self.admin_site.admin_view(self.train_view)
        return [path("train/", train, name="hotline_routermodel_train"), *super().get_urls()]

    def train_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not access.is_supervisor(request.user):
            raise PermissionDenied
        tasks.train_router.enqueue(trigger="manual", user_id=request.user.pk)
        self.message_user(request, _("已开始训练新版本，完成后显示在下表中。"), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:hotline_routermodel_changelist"))
