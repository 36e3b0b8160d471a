from django.contrib.auth.management import create_permissions
from django.db import migrations

SHARED_DATA = ["show", "episode", "studio", "genre", "credit", "themesong"]

# Guest writers write and submit; publishing needs publish_review, which writers
# (their own reviews) and editors (any, with change_any_review) have.
GROUPS = {
    "Guest writers": [
        "add_review",
        "change_review",
        "view_review",
        "change_author",
        "view_author",
        "view_comment",
        *[f"view_{model}" for model in SHARED_DATA],
    ],
    "Writers": ["publish_review"],
    "Editors": ["publish_review"],
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
    Group.objects.filter(name="Guest writers").delete()
    Permission = apps.get_model("auth", "Permission")
    publish = Permission.objects.filter(
        content_type__app_label="reviews", codename="publish_review"
    )
    for group in Group.objects.filter(name__in=["Writers", "Editors"]):
        group.permissions.remove(*publish)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_workflow")]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
