from django.contrib.auth.management import create_permissions
from django.db import migrations

COMMENT = [f"{action}_comment" for action in ("view", "change", "delete")]

# Added to the groups of 0002_groups. Moderators act on comments and nothing else;
# writers read the comments on their own reviews (CommentAdmin.get_queryset).
GROUPS = {
    "Moderators": ["view_comment", "change_comment"],
    "Editors": COMMENT,
    "Writers": ["view_comment"],
}


def add_permissions(apps, schema_editor):
    reviews_config = apps.get_app_config("reviews")
    reviews_config.models_module = True
    create_permissions(reviews_config, apps=apps, verbosity=0)
    reviews_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="reviews", codename__in=codenames
            )
        )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    comment_permissions = Permission.objects.filter(
        content_type__app_label="reviews", codename__in=COMMENT
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*comment_permissions)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_comment")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
