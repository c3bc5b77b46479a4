"""Roles as groups with their admin permissions, the system login, and default settings
(SLA policy, working hours) that the supervisor then edits in the admin. The SMS wording rows
are kept in step with the code's templates after every migrate (hotline.apps)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS_AT_0002 = {
    "supervisor": "*",
    "operator": [
        "view_unit", "view_village", "view_category", "view_slapolicy", "view_workperiod", "view_calendarday",
        "view_calendaryear", "view_ticket", "add_ticket", "change_ticket", "view_resident", "add_resident",
        "change_resident", "view_assignment", "view_ticketevent", "view_message", "view_call", "view_reply",
        "view_returnrequest", "view_extensionrequest", "view_smstemplate",
    ],
    "media_editor": [
        "view_unit", "view_village", "view_category", "view_slapolicy", "view_workperiod", "view_calendarday",
        "view_calendaryear",
    ],
    "unit_liaison": [],
    "unit_head": [],
    "unit_member": [],
}
SUPERVISOR_AUTH_PERMISSIONS = ["view_user", "add_user", "change_user", "view_group"]

SLA = {
    "consultation": ((1, "working_days"), (2, "working_days"), (2, "working_days")),
    "help": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "complaint": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "report": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "suggestion": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
    "praise": ((1, "working_days"), (5, "working_days"), (2, "working_days")),
}
URGENT = ((2, "clock_hours"), (24, "clock_hours"), (2, "clock_hours"))


def forwards(apps, schema_editor):
    for app_label in ("auth", "hotline"):
        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS_AT_0002.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codenames == "*":
            perms = Permission.objects.filter(content_type__app_label="hotline") | Permission.objects.filter(
                content_type__app_label="auth", codename__in=SUPERVISOR_AUTH_PERMISSIONS
            )
        else:
            perms = Permission.objects.filter(content_type__app_label="hotline", codename__in=codenames)
        group.permissions.set(perms)

    User = apps.get_model("auth", "User")
    User.objects.get_or_create(
        username="hotline-system", defaults={"first_name": "系统", "is_active": True, "password": "!"}
    )

    SlaPolicy = apps.get_model("hotline", "SlaPolicy")
    for kind, normal in SLA.items():
        for priority, spec in (("normal", normal), ("urgent", URGENT)):
            (sign, reply, ret) = spec
            SlaPolicy.objects.get_or_create(
                kind=kind,
                priority=priority,
                defaults={
                    "sign_limit": Decimal(sign[0]), "sign_measure": sign[1],
                    "reply_limit": Decimal(reply[0]), "reply_measure": reply[1],
                    "return_window": Decimal(ret[0]), "return_measure": ret[1],
                    "remind_before_hours": Decimal("0.5") if priority == "urgent" else Decimal(4),
                },
            )

    WorkPeriod = apps.get_model("hotline", "WorkPeriod")
    if not WorkPeriod.objects.exists():
        WorkPeriod.objects.create(start=dt.time(8, 30), end=dt.time(12, 0))
        WorkPeriod.objects.create(start=dt.time(14, 0), end=dt.time(17, 30))


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
