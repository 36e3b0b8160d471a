from django.contrib.auth.management import create_permissions
from django.db import migrations

SHARED_DATA = ["show", "episode", "studio", "genre", "credit", "themesong"]
EDITED = ["review", "author", *SHARED_DATA]

GROUPS = {
    # Writers add shared data but never delete it; reviews are limited to their
    # own in the admin (ReviewAdmin.get_queryset), their profile likewise.
    "Writers": [
        *[f"{action}_review" for action in ("add", "change", "delete", "view")],
        "change_author",
        "view_author",
        *[f"{action}_{model}" for model in SHARED_DATA for action in ("add", "change", "view")],
    ],
    "Editors": [
        *[f"{action}_{model}" for model in EDITED for action in ("add", "change", "delete", "view")],
        "change_any_review",
        "change_any_author",
    ],
    # Comment permissions arrive with the comments app.
    "Moderators": [],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
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


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
