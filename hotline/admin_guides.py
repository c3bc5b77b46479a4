"""Admin of the service guides (办事指南), registered from hotline.admin.

Who may use it follows the access rule (media editors and supervisors), not model permissions.
Content saved here and the state actions go through hotline.guides, so history names the editor
and the search copies stay current; guides are withdrawn, never deleted.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hotline import access, guides
from hotline.errors import WorkflowError
from hotline.models import ServiceGuide


@admin.register(ServiceGuide)
class ServiceGuideAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "category", "status", "last_checked", "view_count"]
    list_filter = ["status", "category", "unit"]
    search_fields = ["title", "keywords"]
    list_select_related = ["unit"]
    fields = ["unit", *guides.CONTENT_FIELDS, "status", "published_at", "last_checked", "review_note", "view_count",
              "created_by", "created_at"]
    actions = ["publish_selected", "withdraw_selected", "mark_checked_selected"]
    history_list_display = ["status", "last_checked"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["status", "published_at", "last_checked", "review_note", "view_count", "created_by", "created_at"]
        return fixed + ["unit"] if obj is not None else fixed

    def has_module_permission(self, request):
        return access.is_media_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_media_editor(request.user)

    def has_add_permission(self, request):
        return access.is_media_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_media_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        content = {name: form.cleaned_data[name] for name in guides.CONTENT_FIELDS if name in form.cleaned_data}
        try:
            if change:
                saved = guides.edit(guide=obj, by=request.user, **content)
            else:
                saved = guides.draft(by=request.user, unit=form.cleaned_data["unit"], **content)
        except WorkflowError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            raise
        obj.pk = saved.pk
        obj._state.adding = False

    def _each(self, request, queryset, action, done_message):
        done = 0
        for guide in queryset:
            try:
                action(guide=guide, by=request.user)
                done += 1
            except WorkflowError as exc:
                self.message_user(request, f"{guide.title}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("发布所选办事指南（待发布的）"))
    def publish_selected(self, request, queryset):
        self._each(request, queryset, guides.publish, _("已发布 %(n)s 项办事指南。"))

    @admin.action(description=_("下线所选办事指南"))
    def withdraw_selected(self, request, queryset):
        self._each(request, queryset, guides.withdraw, _("已下线 %(n)s 项办事指南。"))

    @admin.action(description=_("标记所选办事指南已核对"))
    def mark_checked_selected(self, request, queryset):
        self._each(request, queryset, guides.mark_checked, _("已标记 %(n)s 项办事指南为今天核对。"))
