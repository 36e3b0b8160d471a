"""Moderators and editors look after readers' scores: they see every rating and
may stop counting one (or count it again); nobody adds or deletes them by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APP = "ratings"
GROUPS = {
    "Moderators": ["view_rating", "change_rating", "view_communityscore"],
    "Editors": ["view_rating", "change_rating", "view_communityscore"],
}


def grant(apps, schema_editor):
    config = apps.get_app_config(APP)
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=APP, codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label=APP, codename__in=GROUPS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0001_initial"),
        ("reviews", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
