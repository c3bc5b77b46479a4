from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# The supervisor manages the upstream platforms, their webhook deliveries and the users' API
# tokens in the admin (0002 gave the supervisor the permissions that existed then).
PERMISSIONS = {
    ("hotline", "upstreamsystem"): ["add", "change", "delete", "view"],
    ("hotline", "webhookdelivery"): ["change", "view"],
    ("authtoken", "tokenproxy"): ["add", "delete", "view"],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for (app_label, model), actions in PERMISSIONS.items():
        found += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=[f"{action}_{model}" for action in actions]
        )
    return found


def grant(apps, schema_editor):
    for label in ("hotline", "authtoken"):
        config = global_apps.get_app_config(label)
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name="supervisor")
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="supervisor"):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0007_assignment_rating"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
