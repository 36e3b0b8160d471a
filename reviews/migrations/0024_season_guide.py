"""The editors' introduction to each season's premiere guide, which editors
alone write (writers and guest writers see no guides in the admin)."""

import django.core.validators
import markdownx.models
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUPS = {
    "Editors": [
        f"{action}_seasonguide" for action in ("add", "change", "delete", "view")
    ],
}


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="reviews", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0023_wordpress_import"),
    ]

    operations = [
        migrations.CreateModel(
            name="SeasonGuide",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("season", models.CharField(choices=[("winter", "Winter"), ("spring", "Spring"), ("summer", "Summer"), ("fall", "Fall")], max_length=10)),
                ("introduction", markdownx.models.MarkdownxField(help_text="In Markdown: what to expect this season, shown above the writers' first impressions on the premiere guide.", validators=[django.core.validators.MaxLengthValidator(100000, message="At most %(limit_value)s characters fit here, and this has %(show_value)s. Your text is kept below: shorten it, or split it into two reviews.")])),
                ("introduction_html", models.TextField(blank=True, db_default="", editable=False)),
                ("updated", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["-year", "season"],
                "constraints": [models.UniqueConstraint(fields=("year", "season"), name="season_guide_one_per_season")],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
