"""The roles, as auth groups (created by a migration) with the names below."""

from django.utils.translation import gettext_lazy as _

OPERATOR = "operator"
SUPERVISOR = "supervisor"
MEDIA_EDITOR = "media_editor"
UNIT_LIAISON = "unit_liaison"
UNIT_HEAD = "unit_head"
UNIT_MEMBER = "unit_member"

LABELS = {
    OPERATOR: _("话务员"),
    SUPERVISOR: _("督办/管理员"),
    MEDIA_EDITOR: _("编辑"),
    UNIT_LIAISON: _("单位联络员"),
    UNIT_HEAD: _("单位负责人"),
    UNIT_MEMBER: _("单位经办人/网格员"),
}

HOTLINE_ROLES = {OPERATOR, SUPERVISOR}
UNIT_ROLES = {UNIT_LIAISON, UNIT_HEAD, UNIT_MEMBER}
ALL = tuple(LABELS)

# The login the system acts as for SMS from residents, the deadline sweep and tasks,
# so that history rows always name an acting user.
SYSTEM_USERNAME = "hotline-system"
