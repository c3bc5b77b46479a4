"""Admin for Open311 api_keys (issue 5): one key per client, shown once, deactivated when done.

Adding a key generates a random one and shows it on the page that answers the add, once:
it is never stored (only its SHA-256 and its first characters, to tell keys apart), never
put in a message or a log, so a lost key is replaced, not recovered. Keys are switched off,
not edited; api/open311/keys.py checks them with the same hash.
"""

import hashlib
import secrets

from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hotline.models import Open311Key

PREFIX_LENGTH = 8



def new_key():
    """A random api_key (256 bits, URL-safe) with what is stored of it: (key, prefix, sha256 hex)."""
    key = secrets.token_urlsafe(32)
    return key, key[:PREFIX_LENGTH], hashlib.sha256(key.encode("utf-8")).hexdigest()


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "is_active", "created_by", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at"]
    actions = ["deactivate"]

    def get_fields(self, request, obj=None):
        return ["name", "is_active"] if obj is None else ["name", "is_active", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            key, obj.prefix, obj.key_hash = new_key()
            obj.created_by = request.user
            request._open311_new_key = key  # for response_add, on this request only
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, "_open311_new_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("新的 Open311 密钥"),
            "name": obj.name,
            "key": key,
            "changelist_url": reverse("admin:hotline_open311key_changelist", current_app=self.admin_site.name),
            "opts": self.model._meta,
        }
        response = render(request, "admin/hotline/open311key_show_once.html", context)
        response["Cache-Control"] = "no-store"  # the key must not linger in a cache
        return response

    @admin.action(description=_("停用所选密钥"))
    def deactivate(self, request, queryset):
        count = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(
            request, ngettext("已停用 %(count)d 个密钥。", "已停用 %(count)d 个密钥。", count) % {"count": count},
            messages.SUCCESS,
        )
