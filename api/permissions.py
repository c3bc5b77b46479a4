"""Who may use which endpoint: the roles come from hotline.access, like everywhere else."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from hotline import access


class HotlineStaff(BasePermission):
    """Operators and supervisors (and the system login)."""

    message = _("只有话务员和督办可以使用此接口。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and access.is_hotline_staff(request.user))


class HotlineOrUnit(BasePermission):
    """Anyone who works tickets: hotline staff and unit users."""

    message = _("您的账号没有处理工单的角色。")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (access.is_hotline_staff(user) or access.is_unit_user(user)))
