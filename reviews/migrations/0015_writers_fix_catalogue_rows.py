"""Writers may delete the episodes, staff credits and songs they got wrong (an
episode with reviews is still protected by its reviews)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["delete_episode", "delete_credit", "delete_themesong"]


def grant(apps, schema_editor):
    reviews_config = apps.get_app_config("reviews")
    reviews_config.models_module = True
    create_permissions(reviews_config, apps=apps, verbosity=0)
    reviews_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Writers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="reviews", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Writers"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="reviews", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0014_screenplay_role")]

    operations = [migrations.RunPython(grant, revoke)]
